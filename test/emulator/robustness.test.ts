/**
 * What the emulator does when things are not as they should be: broken functions,
 * SDK copies it cannot serve, foreign origins, writes the cloud would refuse, torn files.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Emulator } from '../../emulator/src/emulator';
import { startGateway } from '../../emulator/src/gateway';
import { Outbox } from '../../emulator/src/runtime/outbox';

const FIXTURES = path.resolve(__dirname, '../fixtures/functions');
const tmp = (p: string) => fs.mkdtempSync(path.join(os.tmpdir(), p));

test('a function that fails to load answers -504002 and does not stop the others', async () => {
  const emu = new Emulator({ functionsDir: FIXTURES });
  try {
    const broken = await emu.invoke('broken', {}, { openid: 'u' });
    expect(broken.error?.errCode).toBe(-504002);
    expect(broken.error?.errMsg).toMatch(/configuration missing at load time/);
    const fine = await emu.invoke('probe', { op: 'whoami' }, { openid: 'u' });
    expect((fine.result as any).openid).toBe('u');
  } finally {
    emu.close();
  }
});

test('an SDK copy the emulator cannot patch is refused rather than left talking to the cloud', async () => {
  const dir = tmp('odd-sdk-');
  const fn = path.join(dir, 'odd');
  fs.mkdirSync(path.join(fn, 'node_modules', 'wx-server-sdk'), { recursive: true });
  fs.writeFileSync(
    path.join(fn, 'node_modules', 'wx-server-sdk', 'package.json'),
    JSON.stringify({ name: 'wx-server-sdk', version: '0.0.1', main: 'index.js' }),
  );
  fs.writeFileSync(
    path.join(fn, 'node_modules', 'wx-server-sdk', 'index.js'),
    'module.exports = {};',
  );
  fs.writeFileSync(
    path.join(fn, 'index.js'),
    "require('wx-server-sdk'); exports.main = async () => 1;",
  );
  const emu = new Emulator({ functionsDir: dir });
  try {
    const r = await emu.invoke('odd', {}, { openid: 'u' });
    expect(r.error?.errMsg).toMatch(/cannot serve the SDK .*@cloudbase\/node-sdk not found/);
  } finally {
    emu.close();
  }
});

test('outside strict mode a write to a missing collection creates it and says how the cloud differs', async () => {
  const lines: string[] = [];
  const emu = new Emulator({ functionsDir: FIXTURES, log: (l) => lines.push(l) });
  try {
    const r = await emu.invoke(
      'probe',
      { op: 'add', coll: 'fresh', doc: { a: 1 } },
      { openid: 'u' },
    );
    expect(r.error).toBeUndefined();
    expect(lines.join('\n')).toMatch(/collection "fresh" did not exist.*-502005/);
  } finally {
    emu.close();
  }
  const strict = new Emulator({ functionsDir: FIXTURES, strict: true });
  try {
    const r = await strict.invoke(
      'probe',
      { op: 'add', coll: 'fresh', doc: { a: 1 } },
      { openid: 'u' },
    );
    expect(r.error?.errMsg).toMatch(/-502005|not exist/);
  } finally {
    strict.close();
  }
});

test('the gateway refuses pages from other origins and allows the loopback preview', async () => {
  const emu = new Emulator({ functionsDir: FIXTURES });
  const gw = await startGateway(emu, { port: 0 });
  try {
    const call = (origin: string) =>
      fetch(`${gw.url}/functions/probe`, {
        method: 'POST',
        headers: { Origin: origin, 'Content-Type': 'text/plain' },
        body: JSON.stringify({ op: 'whoami' }),
      });
    const evil = await call('https://evil.example');
    expect(evil.status).toBe(403);
    const local = await call('http://127.0.0.1:5173');
    expect(local.status).toBe(200);
    expect(local.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:5173');
  } finally {
    await gw.close();
    emu.close();
  }
});

test('a torn outbox record from a crash does not swallow the next acknowledged one', async () => {
  const dir = tmp('outbox-');
  const first = new Outbox(dir);
  await first.append({ id: 1 });
  fs.appendFileSync(path.join(dir, 'outbox.jsonl'), '{"id":2,"tou'); // died mid-write
  const second = new Outbox(dir);
  expect(second.list()).toEqual([{ id: 1 }]);
  await second.append({ id: 3 });
  expect(new Outbox(dir).list()).toEqual([{ id: 1 }, { id: 3 }]);
});

test('a function past its timeout fails with the cloud timeout error, and a fast one passes', async () => {
  const emu = new Emulator({ functionsDir: FIXTURES });
  try {
    const slow = await emu.invoke('slow', { ms: 1500 }, { openid: 'u' });
    expect(slow.error).toEqual({
      errCode: -504003,
      errMsg: 'Invoking task timed out after 1 seconds',
    });
    const quick = await emu.invoke('slow', { ms: 10 }, { openid: 'u' });
    expect(quick.result).toEqual({ done: true });
  } finally {
    emu.close();
  }
});

test('an operator the emulator does not implement fails with an error that names it', async () => {
  const { Database } = await import('../../emulator/src/db/engine');
  const { handleDbRequest } = await import('../../emulator/src/db/protocol');
  const db = new Database({ indexes: { places: [] } });
  const res = handleDbRequest(db, 'database.getDocument', {
    collectionName: 'places',
    queryType: 'WHERE',
    query: JSON.stringify({
      loc: { $nearSphere: { $geometry: { type: 'Point', coordinates: [1, 2] } } },
    }),
  });
  expect(res.code).toBe('EMULATOR_UNSUPPORTED');
  expect(res.message).toMatch(/\$nearSphere/);
});
