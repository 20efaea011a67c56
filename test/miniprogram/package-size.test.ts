/**
 * ARCHITECTURE.md §6: main package under 1.5 MB, every subpackage under 1 MB (WeChat
 * refuses 2 MB). Measured as DevTools uploads it: TypeScript as the JavaScript its compiler
 * plugin emits, own WXML/WXSS/JSON/WXS, and from miniprogram_npm only the TDesign files the
 * app reaches (usingComponents and the scripts' imports; DevTools drops the rest with
 * "过滤无依赖文件"). Subpackage pages' npm components live in the main package.
 */
import fs from 'fs';
import path from 'path';
import ts from 'typescript';

const MP = path.resolve(__dirname, '../../miniprogram');
const TD = path.resolve(__dirname, '../../node_modules/tdesign-miniprogram/miniprogram_dist');
const MAIN_LIMIT = 1.5 * 1024 * 1024;
const SUB_LIMIT = 1024 * 1024;
const UPLOADED = new Set(['.ts', '.js', '.json', '.wxml', '.wxss', '.wxs']);
const NOT_UPLOADED = new Set(['tsconfig.json', 'package.json', 'package-lock.json']);

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const abs = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'miniprogram_npm' ? [] : walk(abs);
    return [abs];
  });
}

function uploadedSize(file: string): number {
  if (file.endsWith('.d.ts')) return 0;
  if (file.endsWith('.ts')) {
    const { outputText } = ts.transpileModule(fs.readFileSync(file, 'utf8'), {
      compilerOptions: { target: ts.ScriptTarget.ES2020, module: ts.ModuleKind.CommonJS },
    });
    return Buffer.byteLength(outputText);
  }
  return fs.statSync(file).size;
}

/** TDesign files reachable from the app's usingComponents, through JSON and imports. */
function tdesignFiles(): Set<string> {
  const files = new Set<string>();
  const queue: string[] = [];
  const addComponent = (base: string) => {
    for (const ext of ['.js', '.json', '.wxml', '.wxss']) queue.push(base + ext);
  };
  for (const file of walk(MP).filter((f) => f.endsWith('.json'))) {
    const using: Record<string, string> =
      JSON.parse(fs.readFileSync(file, 'utf8')).usingComponents ?? {};
    for (const target of Object.values(using)) {
      if (target.startsWith('tdesign-miniprogram/')) {
        addComponent(path.join(TD, target.slice('tdesign-miniprogram/'.length)));
      }
    }
  }
  while (queue.length) {
    const file = queue.pop()!;
    if (files.has(file) || !fs.existsSync(file)) continue;
    files.add(file);
    const text = fs.readFileSync(file, 'utf8');
    const dir = path.dirname(file);
    if (file.endsWith('.json')) {
      for (const t of Object.values<string>(JSON.parse(text).usingComponents ?? {})) {
        addComponent(path.resolve(dir, t));
      }
    } else {
      // import/require in scripts, <wxs src>/<import src> in WXML, @import in WXSS.
      const refs = /(?:from|import|require\(|src=|@import)\s*["']([^"']+)["']/g;
      for (let m = refs.exec(text); m; m = refs.exec(text)) {
        if (!m[1].startsWith('.')) continue;
        const target = path.resolve(dir, m[1]);
        const ext = path.extname(target);
        queue.push(ext ? target : `${target}.js`);
        if (!ext) queue.push(path.join(target, 'index.js'));
      }
    }
  }
  return files;
}

const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;

test('the main package and every subpackage stay within the size budget', () => {
  const app = JSON.parse(fs.readFileSync(path.join(MP, 'app.json'), 'utf8'));
  const roots: string[] = (app.subPackages ?? []).map((p: { root: string }) =>
    path.resolve(MP, p.root),
  );
  const sizes = new Map<string, number>(roots.map((r) => [r, 0]));
  let main = 0;
  for (const file of walk(MP)) {
    if (!UPLOADED.has(path.extname(file)) || NOT_UPLOADED.has(path.basename(file))) continue;
    const root = roots.find((r) => file.startsWith(r + path.sep));
    if (root) sizes.set(root, sizes.get(root)! + uploadedSize(file));
    else main += uploadedSize(file);
  }
  const td = tdesignFiles();
  const tdSize = [...td].reduce((n, f) => n + uploadedSize(f), 0);
  // A reachability walk that found nothing would pass any budget.
  expect(td.size).toBeGreaterThan(50);
  const report = [
    `main package ${kb(main + tdSize)} (own ${kb(main)}, TDesign ${kb(tdSize)} in ${td.size} files)`,
    ...[...sizes].map(([r, n]) => `${path.relative(MP, r)} ${kb(n)}`),
  ];
  console.log(`package sizes:\n  ${report.join('\n  ')}`);
  const over = [...sizes]
    .filter(([, n]) => n >= SUB_LIMIT)
    .map(([r, n]) => `${path.relative(MP, r)} ${kb(n)}`);
  expect(over).toEqual([]);
  // Every subpackage has pages; a zero would mean the walk above lost them.
  for (const n of sizes.values()) expect(n).toBeGreaterThan(0);
  expect(main + tdSize).toBeLessThan(MAIN_LIMIT);
});
