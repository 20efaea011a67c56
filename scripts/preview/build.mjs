/**
 * Builds the browser preview (build/preview/) from the mini-program's own sources: the same
 * TypeScript, WXML and WXSS WeChat runs, never a second copy of any UI (docs/preview.md).
 *
 *   components.js  esbuild bundle: the runtime (preview/runtime) and every page, component
 *                  and TDesign component script, each evaluated when the runtime registers it
 *   templates.js   the WXML of all of them compiled by the official compiler (wcc), as WeChat
 *                  DevTools would, so <wxs>, <import> and <template> behave as on a phone
 *   app.css        WXSS scoped per component (wxss.mjs), built-in controls, icons
 *   icons/         TDesign's icons as SVG: its icon font is remote and the preview is offline
 *   index.html     the phone frame and identity switcher
 */
import { build } from 'esbuild';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { BUILTIN_TAGS, compileWxss, readWxss } from './wxss.mjs';

const require = createRequire(import.meta.url);

/** `options: { addGlobalClass: true }` or styleIsolation apply-shared / shared. */
const SHARED_STYLES =
  /addGlobalClass\s*:\s*true|styleIsolation\s*:\s*['"](apply-shared|shared)['"]/;

/** WeChat's component lookup: own files, then npm packages built by 构建 npm. */
const NPM_PREFIX = 'miniprogram_npm/';

export async function buildPreview(root, { log = console.log } = {}) {
  const started = Date.now();
  const mpRoot = path.join(root, 'miniprogram');
  const tdesignDist = path.join(root, 'node_modules/tdesign-miniprogram/miniprogram_dist');
  const out = path.join(root, 'build/preview');
  const mirror = path.join(root, 'build/.preview-mirror');
  fs.rmSync(out, { recursive: true, force: true });
  fs.rmSync(mirror, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });

  const appJson = JSON.parse(fs.readFileSync(path.join(mpRoot, 'app.json'), 'utf8'));
  const globalUsing = appJson.usingComponents ?? {};

  /** Component id (its path in the mini-program, no extension) → file on disk, no extension. */
  const sourceOf = (id) =>
    id.startsWith(`${NPM_PREFIX}tdesign-miniprogram/`)
      ? path.join(tdesignDist, id.slice(`${NPM_PREFIX}tdesign-miniprogram/`.length))
      : path.join(mpRoot, id);
  const isOwn = (id) => !id.startsWith(NPM_PREFIX);

  const resolveUsing = (fromId, target) => {
    if (target.startsWith('/')) return path.posix.normalize(target.slice(1));
    if (target.startsWith('.')) return path.posix.join(path.posix.dirname(fromId), target);
    if (target.startsWith('tdesign-miniprogram/')) return `${NPM_PREFIX}${target}`;
    throw new Error(`${fromId}.json: cannot resolve component "${target}"`);
  };

  const pages = [
    ...appJson.pages,
    ...(appJson.subPackages ?? appJson.subpackages ?? []).flatMap((p) =>
      p.pages.map((page) => path.posix.join(p.root, page)),
    ),
  ];
  const roots = [...pages];
  if (appJson.tabBar?.custom) roots.push('custom-tab-bar/index');

  /** Every component reachable from the pages, dependencies before dependants. */
  const components = new Map();
  let counter = 0;
  const visit = (id, tagName) => {
    if (components.has(id)) return;
    const base = sourceOf(id);
    const jsonFile = `${base}.json`;
    if (!fs.existsSync(jsonFile)) throw new Error(`component ${id}: ${jsonFile} not found`);
    const json = JSON.parse(fs.readFileSync(jsonFile, 'utf8'));
    const using = { ...(isOwn(id) ? globalUsing : {}), ...(json.usingComponents ?? {}) };
    const resolved = {};
    components.set(id, null); // cycle guard
    for (const [tag, target] of Object.entries(using)) {
      const dep = resolveUsing(id, target);
      visit(dep, tag);
      resolved[tag] = dep;
    }
    counter += 1;
    const short = path.posix.basename(id).replace(/[^a-zA-Z0-9]/g, '');
    const script = fs.existsSync(`${base}.ts`) ? `${base}.ts` : `${base}.js`;
    const isPage = pages.includes(id);
    // Pages and apply-shared components keep their class names (app.wxss and the page's rules
    // reach them, as in WeChat); isolated components get a prefix of their own.
    const shared = isPage || (isOwn(id) && SHARED_STYLES.test(fs.readFileSync(script, 'utf8')));
    const hostKey = `h${counter}`;
    components.set(id, {
      id,
      tagName: tagName ?? 'wx-page-root',
      classPrefix: shared ? '' : `${short}${counter}`,
      hostKey,
      styleScope: isPage
        ? `.wx-page-frame[data-route="${id}"]`
        : shared
          ? `[data-wx-host="${hostKey}"]`
          : '',
      using: resolved,
      isPage,
      json: {
        navigationBarTitleText: json.navigationBarTitleText,
        navigationBarBackgroundColor: json.navigationBarBackgroundColor,
        navigationBarTextStyle: json.navigationBarTextStyle,
        backgroundColor: json.backgroundColor,
        enablePullDownRefresh: json.enablePullDownRefresh,
        onReachBottomDistance: json.onReachBottomDistance,
        navigationStyle: json.navigationStyle,
      },
      script,
    });
  };
  for (const id of roots) visit(id, null);

  // --- WXML: a mirror holding exactly what wcc must see, compiled once for the whole app.
  const copyTree = (from, to, filter) => {
    for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
      const src = path.join(from, entry.name);
      const dest = path.join(to, entry.name);
      if (entry.isDirectory()) copyTree(src, dest, filter);
      else if (filter(entry.name)) {
        fs.mkdirSync(to, { recursive: true });
        fs.copyFileSync(src, dest);
      }
    }
  };
  const templateFile = (name) => name.endsWith('.wxml') || name.endsWith('.wxs');
  copyTree(mpRoot, mirror, templateFile);
  copyTree(tdesignDist, path.join(mirror, NPM_PREFIX, 'tdesign-miniprogram'), templateFile);
  const compiler = require('miniprogram-compiler');
  // wcc writes the whole app's templates to stdout, over a megabyte already.
  const gwx = compiler.wxmlToJs(mirror, { maxBuffer: 64 * 1024 * 1024 });
  fs.writeFileSync(
    path.join(out, 'templates.js'),
    `/* generated by scripts/preview/build.mjs: WXML compiled by wcc */\nwindow.__previewGwx = (function () {\n${gwx}\n})();\n`,
  );

  // --- WXSS
  const css = [];
  css.push(fs.readFileSync(path.join(root, 'preview/static/builtins.css'), 'utf8'));
  css.push(compileWxss(readWxss(path.join(mpRoot, 'app.wxss')), '', 'app'));
  for (const c of components.values()) {
    const source = readWxss(`${sourceOf(c.id)}.wxss`);
    if (source) {
      css.push(`/* ${c.id} */\n${compileWxss(source, c.classPrefix, c.hostKey, c.styleScope)}`);
    }
  }
  const iconComponent = components.get(`${NPM_PREFIX}tdesign-miniprogram/icon/icon`);
  const iconsDir = path.join(root, 'node_modules/tdesign-icons-svg/src');
  if (iconComponent && fs.existsSync(iconsDir)) {
    fs.mkdirSync(path.join(out, 'icons'), { recursive: true });
    const p = iconComponent.classPrefix;
    const rules = [
      `.${p}--t-icon-base::before{content:"";display:block;width:1em;height:1em;` +
        `background-color:currentColor;-webkit-mask:var(--wx-icon) center/contain no-repeat;` +
        `mask:var(--wx-icon) center/contain no-repeat;}`,
    ];
    for (const file of fs.readdirSync(iconsDir)) {
      if (!file.endsWith('.svg')) continue;
      const name = file.slice(0, -4);
      // The package's SVGs are written for Vue (`view-box`, 1em size): as images they would
      // be clipped to 16 px of their 24-unit drawing without a real viewBox.
      const svg = fs
        .readFileSync(path.join(iconsDir, file), 'utf8')
        .replace(/\bview-box=/g, 'viewBox=')
        .replace(/\s(width|height)="1em"/g, '');
      fs.writeFileSync(path.join(out, 'icons', file), svg);
      rules.push(`.${p}--t-icon-${name}{--wx-icon:url(icons/${file})}`);
    }
    css.push(rules.join('\n'));
  }
  fs.writeFileSync(path.join(out, 'app.css'), css.join('\n'));

  // --- JS: the runtime plus one lazy loader per component script.
  const genDir = path.join(mirror, '.gen');
  fs.mkdirSync(genDir, { recursive: true });
  const manifest = {
    app: {
      pages,
      entryPagePath: appJson.entryPagePath ?? pages[0],
      window: appJson.window ?? {},
      tabBar: appJson.tabBar ?? null,
    },
    builtins: BUILTIN_TAGS,
    components: [...components.values()].map(({ script: _script, styleScope: _s, ...c }) => c),
  };
  const loaders = [...components.values()]
    .map((c) => `  ${JSON.stringify(c.id)}: () => require(${JSON.stringify(c.script)}),`)
    .join('\n');
  fs.writeFileSync(
    path.join(genDir, 'app-modules.js'),
    `export const manifest = ${JSON.stringify(manifest)};\n` +
      `export const loadApp = () => require(${JSON.stringify(path.join(mpRoot, 'app.ts'))});\n` +
      `export const loaders = {\n${loaders}\n};\n`,
  );
  await build({
    entryPoints: [path.join(root, 'preview/runtime/main.ts')],
    outfile: path.join(out, 'components.js'),
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    sourcemap: true,
    legalComments: 'none',
    logLevel: 'warning',
    alias: { 'preview-app-modules': path.join(genDir, 'app-modules.js') },
    define: { 'process.env.NODE_ENV': '"development"', global: 'globalThis' },
    plugins: [jComponentPatches],
  });

  // --- Shell
  copyTree(path.join(root, 'preview/static'), out, (n) => n !== 'builtins.css');
  const seed = JSON.parse(fs.readFileSync(path.join(root, 'database/seed/demo.json'), 'utf8'));
  fs.writeFileSync(path.join(out, 'identities.json'), JSON.stringify(identities(seed), null, 1));
  fs.rmSync(mirror, { recursive: true, force: true });

  const size = (f) => fs.statSync(path.join(out, f)).size;
  log(
    `preview: ${pages.length} pages, ${components.size} components → build/preview ` +
      `(components.js ${(size('components.js') / 1024).toFixed(0)} kB, templates.js ` +
      `${(size('templates.js') / 1024).toFixed(0)} kB, app.css ${(size('app.css') / 1024).toFixed(0)} kB) ` +
      `in ${Date.now() - started} ms`,
  );
}

/**
 * Where j-component 1.4.10 differs from WeChat in a way pages notice, patched at bundle time
 * (and loudly refused if the pinned source changes under us):
 *
 * - WeChat passes `class` on a virtual-host component (every TDesign component) to its
 *   external class named `class`; j-component only sets it on the absent host node, so
 *   `<t-tag class="notice__tag">` would lose its class.
 * - WeChat's webview renders a node's `id` as the element's id (`<view id="my-state">` →
 *   `<wx-view id="my-state">`), so WXSS `#id` rules apply and tests and the screenshot
 *   command find `#state-error`; j-component keeps it on the exparser node only. Reflected
 *   onto the node's element where it has one (a virtual-host component has none, as in WeChat).
 * - IntersectionObserver's viewport is the browser window in j-component; in WeChat it is the
 *   page's window, here the phone's page area (`__previewViewport`, set by the runtime).
 */
const J_PATCHES = [
  {
    file: /j-component[\\/]src[\\/]render[\\/]render\.js$/,
    from: "exparserNode[name] = value || ''",
    to:
      "exparserNode[name] = value || ''\n" +
      "      if (isComponentNode && name === 'class' && exparserNode.hasExternalClass('class')) exparserNode.setExternalClass('class', value || '')\n" +
      "      if (name === 'id' && exparserNode.$$ && exparserNode.$$.nodeType === 1) { if (value) exparserNode.$$.setAttribute('id', value); else exparserNode.$$.removeAttribute('id') }",
  },
  {
    file: /j-component[\\/]src[\\/]tool[\\/]intersectionobserver\.js$/,
    from: `    const boundingRect = node ? node.$$.getBoundingClientRect() : {
      left: 0,
      top: 0,
      right: clientWidth,
      bottom: clientHeight,
      width: clientWidth,
      height: clientHeight
    }`,
    to: `    const viewport = globalThis.__previewViewport && globalThis.__previewViewport()
    const boundingRect = node ? node.$$.getBoundingClientRect() : viewport || {
      left: 0,
      top: 0,
      right: clientWidth,
      bottom: clientHeight,
      width: clientWidth,
      height: clientHeight
    }`,
  },
];
const jComponentPatches = {
  name: 'j-component-patches',
  setup(b) {
    for (const patch of J_PATCHES) {
      b.onLoad({ filter: patch.file }, (args) => {
        const src = fs.readFileSync(args.path, 'utf8');
        if (!src.includes(patch.from)) {
          throw new Error(
            `${args.path}: j-component changed; revisit J_PATCHES in ${import.meta.url}`,
          );
        }
        return { contents: src.replace(patch.from, () => patch.to), loader: 'js' };
      });
    }
  },
};

/** The demo callers the identity switcher offers, with their roles, from the seed itself. */
export function identities(seed) {
  const c = seed.collections ?? seed;
  const orgName = new Map((c.organizations ?? []).map((o) => [o._id, String(o.name ?? o._id)]));
  return (c.users ?? [])
    .filter((u) => typeof u._id === 'string' && u._id.startsWith('demo-'))
    .map((u) => ({
      openid: u._id,
      name: String(u.nickname ?? u._id),
      roles: (c.memberships ?? [])
        .filter((m) => m.openid === u._id && (m.status ?? 'active') === 'active')
        .map((m) => ({ org: orgName.get(m.orgId) ?? String(m.orgId), role: String(m.role) })),
    }));
}
