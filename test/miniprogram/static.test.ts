/**
 * Checks on the mini-program's static files that no page render would catch:
 * colour contrast of the design tokens and aria-labels on everything tappable.
 */
import fs from 'fs';
import path from 'path';

const MP = path.resolve(__dirname, '../../miniprogram');

function files(dir: string, ext: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const abs = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'miniprogram_npm' ? [] : files(abs, ext);
    return abs.endsWith(ext) ? [abs] : [];
  });
}

function luminance(hex: string): number {
  const n = hex.replace('#', '');
  const full = n.length === 3 ? [...n].map((c) => c + c).join('') : n;
  const [r, g, b] = [0, 2, 4].map((i) => {
    const c = parseInt(full.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

describe('design tokens', () => {
  const css = fs.readFileSync(path.join(MP, 'styles/tokens.wxss'), 'utf8');
  const tokens = new Map(
    [...css.matchAll(/(--zb-[\w-]+):\s*(#[0-9a-fA-F]{3,6})\s*;/g)].map((m) => [m[1], m[2]]),
  );
  const pairs = [...css.matchAll(/contrast:\s*(--zb-[\w-]+)\s+on\s+(--zb-[\w-]+)/g)].map((m) => [
    m[1],
    m[2],
  ]);

  test('the contrast function agrees with known values', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 1);
    expect(contrast('#767676', '#ffffff')).toBeCloseTo(4.54, 1);
  });

  test('declares the text/background pairs it promises', () => {
    expect(pairs.length).toBeGreaterThanOrEqual(5);
    expect(pairs).toContainEqual(['--zb-on-brand', '--zb-brand']);
  });

  test.each(pairs.length ? pairs : [['(none)', '(none)']])(
    '%s on %s has contrast ≥ 4.5:1',
    (fg, bg) => {
      expect(tokens.get(fg)).toBeDefined();
      expect(tokens.get(bg)).toBeDefined();
      expect(contrast(tokens.get(fg)!, tokens.get(bg)!)).toBeGreaterThanOrEqual(4.5);
    },
  );

  test('navigation bar uses the brand red with white text', () => {
    const app = JSON.parse(fs.readFileSync(path.join(MP, 'app.json'), 'utf8'));
    expect(app.window.navigationBarBackgroundColor.toLowerCase()).toBe(tokens.get('--zb-brand'));
    expect(app.window.navigationBarTextStyle).toBe('white');
  });
});

describe('WXML accessibility', () => {
  const TAPPABLE = /\b(bind:?tap|catch:?tap|bind:?longpress|open-type)=/;
  const TAPPABLE_TAGS = new Set(['button', 't-button', 'navigator', 't-link', 't-fab']);

  const tags = files(MP, '.wxml').flatMap((file) => {
    const src = fs.readFileSync(file, 'utf8').replace(/<!--[\s\S]*?-->/g, '');
    return [...src.matchAll(/<([a-z][\w-]*)(\s[^>]*?)?\/?>/g)].map((m) => ({
      file: path.relative(MP, file),
      tag: m[1],
      attrs: m[2] ?? '',
    }));
  });
  const tappable = tags.filter((t) => TAPPABLE_TAGS.has(t.tag) || TAPPABLE.test(t.attrs));

  test('the pages have tappable elements to check', () => {
    expect(tappable.length).toBeGreaterThan(0);
  });

  test('every tappable element has an aria-label', () => {
    const missing = tappable
      .filter((t) => !/\baria-label=/.test(t.attrs))
      .map((t) => `${t.file}: <${t.tag}>`);
    expect(missing).toEqual([]);
  });
});

describe('TDesign buttons keep their layout', () => {
  // A class on <t-button> reaches TDesign's button element; a `display` set there replaces its
  // flex, and the label then sits at the top of any button taller than its line (the resident
  // pages' larger buttons, `.tap` minimum heights). Spacing only in page styles.
  const rules = files(MP, '.wxml').flatMap((file) => {
    const src = fs.readFileSync(file, 'utf8').replace(/<!--[\s\S]*?-->/g, '');
    const classes = new Set(
      [...src.matchAll(/<t-button\b([^>]*)>/g)].flatMap((m) => {
        const attr = /\bclass="([^"]*)"/.exec(m[1])?.[1] ?? '';
        return attr
          .replace(/\{\{[\s\S]*?\}\}/g, ' ')
          .split(/\s+/)
          .filter(Boolean);
      }),
    );
    if (!classes.size) return [];
    const wxss = file.replace(/\.wxml$/, '.wxss');
    if (!fs.existsSync(wxss)) return [];
    const css = fs.readFileSync(wxss, 'utf8');
    const sheets = [
      wxss,
      ...[...css.matchAll(/@import '([^']+)'/g)].map((m) => path.resolve(path.dirname(wxss), m[1])),
    ];
    return sheets.flatMap((sheet) =>
      [...fs.readFileSync(sheet, 'utf8').matchAll(/([^{}]+)\{([^}]*)\}/g)]
        .filter((r) => /(^|[\s;])display\s*:/.test(r[2]))
        .flatMap((r) =>
          r[1]
            .split(',')
            .map((sel) => sel.trim().split(/\s+/).pop() ?? '')
            .filter((last) => [...classes].some((c) => last === `.${c}`))
            .map(
              (last) =>
                `${path.relative(MP, sheet)} ${last} (used on <t-button> in ${path.relative(MP, file)})`,
            ),
        ),
    );
  });

  test('no page style sets `display` on a class given to a <t-button>', () => {
    expect([...new Set(rules)]).toEqual([]);
  });
});

describe('client packages for 构建 npm', () => {
  const fs = require('fs') as typeof import('fs');
  const path = require('path') as typeof import('path');
  const root = path.resolve(__dirname, '../..');
  const read = (f: string) => JSON.parse(fs.readFileSync(path.join(root, f), 'utf8'));

  test('DevTools packs only miniprogram/package.json, never the server and emulator dependencies', () => {
    const project = read('project.config.json');
    expect(project.setting.packNpmRelationList).toEqual([
      { packageJsonPath: './miniprogram/package.json', miniprogramNpmDistDir: './miniprogram/' },
    ]);
    const client = read('miniprogram/package.json');
    expect(Object.keys(client.dependencies)).toEqual(['tdesign-miniprogram']);
  });

  test('the TDesign the tests load is the version DevTools packs', () => {
    expect(read('miniprogram/package.json').dependencies['tdesign-miniprogram']).toBe(
      read('package.json').dependencies['tdesign-miniprogram'],
    );
  });
});
