/**
 * The one way tests load mini-program pages and components (ARCHITECTURE.md §8).
 *
 * miniprogram-simulate needs, under one root directory, each component's .json/.wxml/.wxss
 * and a script it can require(); it compiles WXML with the official `wcc` compiler, which is
 * the only one that understands TDesign's `<wxs src>` and `<import>`. So we assemble a
 * mirror of the app the way WeChat DevTools would see it after 构建 npm:
 *
 *   <mirror>/pages/index/index.{json,wxml,wxss}   copied; npm usingComponents (page and
 *                                                 app.json's global ones) rewritten to
 *                                                 relative miniprogram_npm paths
 *   <mirror>/pages/index/index.js                 `require()`s the real .ts, so ts-jest
 *                                                 compiles the source and coverage maps to it
 *   <mirror>/miniprogram_npm/tdesign-miniprogram  TDesign's miniprogram_dist, ES modules
 *                                                 transpiled to CommonJS (jest runs CJS only)
 *
 * The mirror lives in node_modules/.cache, keyed by a hash of the sources, so it is rebuilt
 * only when a page's static files change and jest leaves its (already CommonJS) files alone.
 */
import crypto from 'crypto';
import fs from 'fs';
import path from 'path';
import ts from 'typescript';

/**
 * Untyped on purpose: its .d.ts pulls in j-component's own older copy of
 * miniprogram-api-typings, whose globals clash with ours and break type checking.
 */
const simulate: {
  load(componentPath: string, options: Record<string, unknown>): string;
  render(id: string): SimComponent;
  sleep(ms: number): Promise<void>;
} = require('miniprogram-simulate');

/** The parts of a j-component node wrapper that tests use. */
export interface SimComponent {
  dom: HTMLElement | undefined;
  instance: Record<string, any>;
  data: Record<string, any>;
  querySelector(selector: string): SimComponent | undefined;
  querySelectorAll(selector: string): SimComponent[];
  dispatchEvent(name: string, options?: Record<string, unknown>): void;
  attach(parent: Element): void;
  detach(): void;
}

const REPO = path.resolve(__dirname, '../../..');
const MP_ROOT = path.join(REPO, 'miniprogram');
const TDESIGN_PKG = path.join(REPO, 'node_modules/tdesign-miniprogram');
const TDESIGN_DIST = path.join(TDESIGN_PKG, 'miniprogram_dist');
const CACHE_BASE = path.join(REPO, 'node_modules/.cache/wangshang-mp-simulate');
const STATIC_EXT = new Set(['.json', '.wxml', '.wxss', '.wxs']);
const MIRROR_FORMAT = 1; // bump when the mirror layout below changes

function walk(dir: string, skip: (rel: string) => boolean, base = dir): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const abs = path.join(dir, entry.name);
    const rel = path.relative(base, abs);
    if (skip(rel)) continue;
    if (entry.isDirectory()) out.push(...walk(abs, skip, base));
    else out.push(rel);
  }
  return out;
}

const skipOwn = (rel: string) =>
  rel === 'miniprogram_npm' || rel.startsWith(`miniprogram_npm${path.sep}`);

function sourceHash(ownFiles: string[]): string {
  const h = crypto.createHash('sha1');
  h.update(`format:${MIRROR_FORMAT}\n`);
  h.update(fs.readFileSync(path.join(TDESIGN_PKG, 'package.json')));
  for (const rel of ownFiles.sort()) {
    if (!STATIC_EXT.has(path.extname(rel)) && path.extname(rel) !== '.ts') continue;
    h.update(rel);
    // .ts content is loaded live from the source tree; only its presence shapes the mirror.
    if (path.extname(rel) !== '.ts') h.update(fs.readFileSync(path.join(MP_ROOT, rel)));
  }
  return h.digest('hex').slice(0, 16);
}

/** `tdesign-miniprogram/x/y` → path of the mirrored component relative to `fromDir`. */
function rewriteUsing(
  using: Record<string, string>,
  fromDir: string,
  mirror: string,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [tag, target] of Object.entries(using)) {
    if (target.startsWith('.') || target.startsWith('/')) {
      out[tag] = target;
    } else {
      const abs = path.join(mirror, 'miniprogram_npm', target);
      out[tag] = path.relative(fromDir, abs).split(path.sep).join('/');
    }
  }
  return out;
}

function copyTdesign(dest: string): void {
  for (const rel of walk(TDESIGN_DIST, () => false)) {
    const src = path.join(TDESIGN_DIST, rel);
    const out = path.join(dest, rel);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    if (rel.endsWith('.js')) {
      const { outputText } = ts.transpileModule(fs.readFileSync(src, 'utf8'), {
        compilerOptions: {
          module: ts.ModuleKind.CommonJS,
          target: ts.ScriptTarget.ES2020,
          esModuleInterop: true,
        },
        fileName: rel,
      });
      fs.writeFileSync(out, outputText);
    } else if (!rel.endsWith('.d.ts')) {
      fs.copyFileSync(src, out);
    }
  }
}

function buildMirror(dir: string, ownFiles: string[]): void {
  const appJson = JSON.parse(fs.readFileSync(path.join(MP_ROOT, 'app.json'), 'utf8'));
  const globalUsing: Record<string, string> = appJson.usingComponents ?? {};
  copyTdesign(path.join(dir, 'miniprogram_npm/tdesign-miniprogram'));
  for (const rel of ownFiles) {
    const src = path.join(MP_ROOT, rel);
    const out = path.join(dir, rel);
    const ext = path.extname(rel);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    if (ext === '.ts') {
      if (!fs.existsSync(src.replace(/\.ts$/, '.json'))) continue;
      // Only pages/components (they have a .json) are entry scripts simulate requires.
      fs.writeFileSync(
        out.replace(/\.ts$/, '.js'),
        `module.exports = require(${JSON.stringify(src)});\n`,
      );
    } else if (ext === '.json' && rel !== 'app.json' && path.dirname(rel) !== '.') {
      const json = JSON.parse(fs.readFileSync(src, 'utf8'));
      // app.json's components are global in WeChat (pages and components); local entries win.
      const using = { ...globalUsing, ...json.usingComponents };
      json.usingComponents = rewriteUsing(using, path.dirname(out), dir);
      fs.writeFileSync(out, JSON.stringify(json));
    } else if (STATIC_EXT.has(ext)) {
      fs.copyFileSync(src, out);
    }
  }
}

let mirrorRoot: string | null = null;

/** Build (or reuse) the mirror for the current sources; safe with parallel jest workers. */
export function ensureMirror(): string {
  if (mirrorRoot) return mirrorRoot;
  const ownFiles = walk(MP_ROOT, skipOwn);
  const dir = path.join(CACHE_BASE, `mirror-${sourceHash(ownFiles)}`);
  if (!fs.existsSync(dir)) {
    const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
    buildMirror(tmp, ownFiles);
    try {
      fs.renameSync(tmp, dir);
    } catch {
      // Another worker won the race with an identical mirror.
      fs.rmSync(tmp, { recursive: true, force: true });
    }
    for (const old of fs.readdirSync(CACHE_BASE)) {
      const abs = path.join(CACHE_BASE, old);
      if (abs !== dir && old.startsWith('mirror-') && !old.includes('.tmp-')) {
        fs.rmSync(abs, { recursive: true, force: true });
      }
    }
  }
  mirrorRoot = dir;
  return dir;
}

export interface LoadedPage {
  /** The rendered page (j-component wrapper): querySelector, dom, instance, data. */
  page: SimComponent;
  /** The page's `this`, for calling lifecycle methods a test cannot reach by tapping. */
  instance: Record<string, any>;
  /** Text the user would read, whitespace collapsed. */
  text(): string;
  detach(): void;
}

/**
 * wcc compiles every WXML of the mirror (the app and all of TDesign) in one run and prints it
 * to stdout; the compiler's default 1 MB output buffer is too small for the whole app
 * (spawnSync ENOBUFS), so the buffer is raised here.
 */
const SIMULATE_OPTIONS = (root: string) => ({
  compiler: 'official',
  rootPath: root,
  compilerOptions: { maxBuffer: 64 * 1024 * 1024 },
});

let globalsInstalled = false;
function installPageGlobals(): void {
  if (globalsInstalled) return;
  globalsInstalled = true;
  const g = globalThis as Record<string, unknown>;
  if (typeof g.getApp !== 'function') g.getApp = () => ({ globalData: {} });
  if (typeof g.getCurrentPages !== 'function') g.getCurrentPages = () => [];
}

/**
 * Build the mirror and compile the WXML ahead of the first test. The first load of a test
 * file compiles every template with wcc (seconds on a cold cache), which would otherwise
 * count against the first test's timeout. Use: `beforeAll(() => prepare(route), 60_000)`.
 */
export function prepare(route: string): void {
  installPageGlobals();
  const root = ensureMirror();
  jest.isolateModules(() => {
    simulate.load(path.join(root, route), SIMULATE_OPTIONS(root));
  });
}

/**
 * Load, render and open a page as WeChat would: attach it, then run onLoad(query) and
 * onShow(). `route` is relative to miniprogram/, e.g. 'pages/index/index'.
 * Each call evaluates the page's modules afresh, so module state never leaks between tests.
 */
export function loadPage(route: string, query: Record<string, string> = {}): LoadedPage {
  installPageGlobals();
  const root = ensureMirror();
  let id = '';
  jest.isolateModules(() => {
    id = simulate.load(path.join(root, route), SIMULATE_OPTIONS(root));
  });
  const page = simulate.render(id);
  const parent = document.createElement('parent-wrapper');
  page.attach(parent);
  const instance = page.instance;
  if (typeof instance.onLoad === 'function') instance.onLoad(query);
  if (typeof instance.onShow === 'function') instance.onShow();
  return {
    page,
    instance,
    text: () => (page.dom?.textContent ?? '').replace(/\s+/g, ' ').trim(),
    detach: () => page.detach(),
  };
}

/**
 * Poll until `check` neither throws nor returns false (so `expect(...)` works as a check);
 * on timeout rethrows its last error.
 */
export async function waitFor<T>(check: () => T, timeoutMs = 2000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const value = check();
      if (value !== false) return value;
      if (Date.now() > deadline) throw new Error('waitFor: condition stayed false');
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
    await simulate.sleep(10);
  }
}

/** The first node of `node`'s subtree that has a DOM element (TDesign hosts are virtual). */
function firstRendered(node: any): any {
  const queue = [node];
  while (queue.length) {
    const n = queue.shift();
    if (n.$$) return n;
    queue.push(...(n.shadowRoot ? n.shadowRoot.childNodes : (n.childNodes ?? [])));
  }
  return null;
}

/**
 * Tap an element the way a finger does: on the first native node it renders, so a TDesign
 * component's own tap handling (disabled, loading) runs before the page sees the event.
 * Event delivery is asynchronous, as on a phone; follow with waitFor().
 */
export function tap(el: SimComponent | undefined): void {
  if (!el) throw new Error('tap: element not found');
  const target = firstRendered((el as any)._exparserNode);
  if (!target) throw new Error('tap: element renders nothing tappable');
  const Wrapper = (el as any).constructor;
  new Wrapper(target).dispatchEvent('tap');
}
