/**
 * Durability: an acknowledged write survives `kill -9`, and a crash mid-write never
 * leaves a store that fails to load.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Database, type IndexDeclarations } from '../../emulator/src/db/engine';
import { createTestEmulator } from '../helpers/emulator';
import { FUNCTIONS_DIR } from './helpers/fidelity';

const ROOT = path.resolve(__dirname, '..', '..');
const WRITER = path.join(ROOT, 'test', 'fixtures', 'durability', 'writer.ts');
const INDEXES: IndexDeclarations = { burst: [{ name: 'n', keys: { n: 1 } }] };

const dirs: string[] = [];
function tmpDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'emu-durable-'));
  dirs.push(d);
  return d;
}
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** Runs the writer until it has acknowledged `atLeast` writes, then SIGKILLs it. */
function burstThenKill(dir: string, prefix: string, atLeast: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, dir, prefix], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let killed = false;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!killed && out.split('\n').length > atLeast + 2) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const guard = setTimeout(() => !killed && child.kill('SIGKILL'), 20_000);
    child.on('exit', (_code, signal) => {
      clearTimeout(guard);
      if (signal !== 'SIGKILL') return reject(new Error(`writer exited on its own:\n${err}`));
      // Only complete lines were acknowledged; a torn last line was not.
      const lines = out.split('\n').slice(0, -1);
      resolve(lines.filter((l) => l !== 'ready'));
    });
  });
}

function expectAllPresent(db: Database, prefix: string, acked: string[]): void {
  const n = acked.length;
  expect(n).toBeGreaterThan(0);
  // The writer keeps a rolling window of the last 10 ids plus a counter document. The write
  // after the last acknowledged one may have run to its removal of id `last - 9` before the
  // kill (it is acknowledged only after): ids `last - 8` … `last` are promised.
  const counter = db.get('burst', `${prefix}counter`);
  expect(counter!.n).toBeGreaterThanOrEqual(n - 1);
  const last = Number(acked[n - 1].slice(prefix.length));
  for (let i = Math.max(0, last - 8); i <= last; i++) {
    expect(db.get('burst', `${prefix}${i}`)).toEqual({
      _id: `${prefix}${i}`,
      n: i,
      payload: 'x'.repeat(200),
    });
  }
}

test('every acknowledged write survives SIGKILL mid-burst, twice in a row', async () => {
  const dir = tmpDir();
  const first = await burstThenKill(dir, 'a', 300);
  let db = new Database({ dir, strict: true, indexes: INDEXES });
  expectAllPresent(db, 'a', first);
  db.close();

  // The second run starts from the compacted snapshot the reopen wrote.
  const second = await burstThenKill(dir, 'b', 300);
  db = new Database({ dir, strict: true, indexes: INDEXES });
  expectAllPresent(db, 'a', first);
  expectAllPresent(db, 'b', second);
  // Indexes are rebuilt from disk: an indexed lookup still finds the documents.
  const last = Number(second[second.length - 1].slice(1));
  expect(db.find('burst', { n: last }).map((d) => d._id)).toContain(`b${last}`);
  db.close();
}, 45_000);

describe('a crash mid-write', () => {
  function seeded(dir: string): void {
    const db = new Database({ dir, strict: true, indexes: INDEXES });
    db.insert('burst', [{ _id: 'x1', n: 1 }]);
    db.insert('burst', [{ _id: 'x2', n: 2 }]);
    db.update(
      'burst',
      { _id: 'x1' },
      { $set: { n: 10 } },
      { multi: false, upsert: false, replace: false },
    );
    db.close();
  }

  test('a torn last journal line is dropped and the store loads', () => {
    const dir = tmpDir();
    seeded(dir);
    // Reopening compacts into the snapshot; write more so the journal has records.
    let db = new Database({ dir, strict: true, indexes: INDEXES });
    db.insert('burst', [{ _id: 'x3', n: 3 }]);
    db.close();
    fs.appendFileSync(path.join(dir, 'journal.log'), '{"o":[["put","burst",{"_id":"x4","n":');
    db = new Database({ dir, strict: true, indexes: INDEXES });
    expect(db.find('burst', {}).map((d) => [d._id, d.n])).toEqual([
      ['x1', 10],
      ['x2', 2],
      ['x3', 3],
    ]);
    // The store keeps working after the repair, and the next load is clean too.
    db.insert('burst', [{ _id: 'x4', n: 4 }]);
    db.close();
    db = new Database({ dir, strict: true, indexes: INDEXES });
    expect(db.get('burst', 'x4')).toEqual({ _id: 'x4', n: 4 });
    db.close();
  });

  test('a torn line followed by a newline, and a leftover snapshot temp file, still load', () => {
    const dir = tmpDir();
    seeded(dir);
    fs.appendFileSync(path.join(dir, 'journal.log'), '{"o":[["put","bur\n');
    fs.writeFileSync(path.join(dir, 'snapshot.json.tmp'), '{"seq": 3, "collections": {"bu');
    const db = new Database({ dir, strict: true, indexes: INDEXES });
    expect(db.find('burst', {}).map((d) => d._id)).toEqual(['x1', 'x2']);
    db.close();
  });

  test('corruption before the last record is reported, not silently dropped', () => {
    const dir = tmpDir();
    seeded(dir);
    const db = new Database({ dir, strict: true, indexes: INDEXES });
    db.insert('burst', [{ _id: 'x3', n: 3 }]);
    db.insert('burst', [{ _id: 'x5', n: 5 }]);
    db.close();
    const log = path.join(dir, 'journal.log');
    const lines = fs.readFileSync(log, 'utf8').split('\n');
    lines[0] = lines[0].slice(0, 10);
    fs.writeFileSync(log, lines.join('\n'));
    expect(() => new Database({ dir, strict: true, indexes: INDEXES })).toThrow(
      /corrupt journal record at line 1/,
    );
  });
});

test('numbers, Dates and regexes keep their types across a restart, so queries still match', async () => {
  const dataDir = tmpDir();
  const indexes: IndexDeclarations = { items: [{ name: 'w', keys: { w: 1 } }] };
  let emu = await createTestEmulator({ functionsDir: FUNCTIONS_DIR, indexes, dataDir });
  const when = '2024-05-06T07:08:09.123Z';
  await emu.call('fidelity', {
    op: 'add',
    coll: 'items',
    data: {
      _id: 'i1',
      w: 3,
      big: 2 ** 40,
      frac: 1.5,
      when: { $date: when },
      re: { $dbRegExp: { regexp: 'a+', options: 'i' } },
    },
  });
  await emu.close();

  emu = await createTestEmulator({ functionsDir: FUNCTIONS_DIR, indexes, dataDir });
  try {
    const doc = emu.db.get('items', 'i1')!;
    expect([doc.w, doc.big, doc.frac]).toEqual([3, 2 ** 40, 1.5]);
    expect(doc.when).toEqual(new Date(when));
    expect(doc.re).toBeInstanceOf(RegExp);
    const r = await emu.call('fidelity', { op: 'get', coll: 'items', where: { w: 3 } });
    expect((r.result as any).ok.data.map((d: any) => d._id)).toEqual(['i1']);
  } finally {
    await emu.close();
  }
});
