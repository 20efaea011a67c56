/**
 * What `npm start` and a deploy run: the esbuild bundles in build/functions, each with
 * a package.json pinning the SDK, served with the demo seed through the seed loader.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Emulator, loadIndexFile } from '../../emulator/src/emulator';

const ROOT = path.resolve(__dirname, '../..');
const OUT = path.join(ROOT, 'build/functions');

beforeAll(() => {
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs'), '--functions-only'], {
    cwd: ROOT,
    stdio: 'pipe',
  });
}, 60000);

test('each function is one bundle with wx-server-sdk external and pinned to the tested version', () => {
  const rootPkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  for (const fn of fs
    .readdirSync(path.join(ROOT, 'cloudfunctions'))
    .filter((f) => f !== 'common')) {
    const pkg = JSON.parse(fs.readFileSync(path.join(OUT, fn, 'package.json'), 'utf8'));
    expect(pkg.dependencies).toEqual({ 'wx-server-sdk': rootPkg.dependencies['wx-server-sdk'] });
    const code = fs.readFileSync(path.join(OUT, fn, 'index.js'), 'utf8');
    expect(code).toMatch(/require\("wx-server-sdk"\)/);
    expect(code).not.toMatch(/require\("zod"\)|require\("dayjs"\)/); // bundled, not installed
    expect(fs.existsSync(path.join(OUT, fn, 'config.json'))).toBe(true);
  }
});

test('the built user function answers demo-member from the demo seed, as npm start serves it', async () => {
  const emu = new Emulator({
    functionsDir: OUT,
    strict: true,
    indexes: loadIndexFile(path.join(ROOT, 'database/indexes.json')),
  });
  try {
    const first = emu.seed(Emulator.readSeedFile(path.join(ROOT, 'database/seed/demo.json')));
    expect(first.inserted).toBeGreaterThan(0);
    // A second start inserts nothing: the seed is idempotent.
    expect(emu.seed(Emulator.readSeedFile(path.join(ROOT, 'database/seed/demo.json')))).toEqual({
      inserted: 0,
      skipped: first.inserted,
    });
    const r = await emu.invoke('user', { action: 'me' }, { openid: 'demo-member' });
    expect(r.error).toBeUndefined();
    expect(r.result).toMatchObject({ ok: true, data: { kind: 'member', nickname: '李秀英' } });
    expect(r.dbRequests).toBeLessThanOrEqual(3);
  } finally {
    emu.close();
  }
});

test('the built liaison function carries its font and prints a card sheet from the bundle', async () => {
  // pdfkit is bundled: this proves it finds no data file it would need from node_modules, and
  // reads NotoSansSC from fonts/ next to the bundle (scripts/build.mjs FUNCTION_ASSETS).
  const font = path.join(OUT, 'liaison', 'fonts', 'NotoSansSC_400Regular.ttf');
  expect(fs.statSync(font).size).toBeGreaterThan(5_000_000);
  const emu = new Emulator({
    functionsDir: OUT,
    strict: true,
    indexes: loadIndexFile(path.join(ROOT, 'database/indexes.json')),
  });
  try {
    emu.seed(Emulator.readSeedFile(path.join(ROOT, 'database/seed/demo.json')));
    const r = await emu.invoke(
      'liaison',
      { action: 'exportCards', data: { householdId: 'hh9c7a90fecf2fd066d101587710b928' } },
      { openid: 'demo-secretary' },
    );
    expect(r.error).toBeUndefined();
    const res = r.result as { ok: boolean; data: { fileID: string; rows: number } };
    expect(res).toMatchObject({ ok: true, data: { rows: 6 } });
    const pdf = fs.readFileSync(emu.storage.localPathOf(res.data.fileID)!);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.toString('latin1')).toMatch(/\/FontFile2 \d+ 0 R/); // the embedded subset
  } finally {
    emu.close();
  }
}, 60000);
