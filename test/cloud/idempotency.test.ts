/**
 * ARCHITECTURE §3: a mutating action retried with the same requestId is applied once.
 * Runs a kit-built function through the emulator with the real SDK.
 */
import * as path from 'path';
import { createTestEmulator, type TestEmulator } from '../helpers/emulator';

const FNS = path.resolve(__dirname, '../fixtures/kit');
let emu: TestEmulator;

beforeEach(async () => {
  emu = await createTestEmulator({
    functionsDir: FNS,
    indexes: { counters: [], requestLog: [{ name: 'createdAt', keys: { createdAt: 1 } }] },
  });
  await emu.seed({ counters: [{ _id: 'c', n: 0 }] });
});
afterEach(() => emu.close());

const bump = (requestId: string | undefined, openid = 'demo-member', extra: object = {}) =>
  emu.call('kitdemo', { action: 'bump', data: { by: 1, ...extra }, requestId }, { openid });
const counter = () => emu.db.get('counters', 'c')!.n;

test('a retry with the same requestId returns the first answer and does not apply again', async () => {
  const first = await bump('req-00000001');
  const again = await bump('req-00000001');
  expect(first.result).toEqual({ ok: true, data: { n: 1, at: '1970-01-01T00:00:00.000Z' } });
  expect(again.result).toEqual(first.result);
  expect(counter()).toBe(1);
  expect(first.dbRequests).toBeLessThanOrEqual(5); // §6 write budget, idempotency included
  expect(again.dbRequests).toBeLessThanOrEqual(3);
});

test('different requestIds, or none, apply each time', async () => {
  await bump('req-00000001');
  await bump('req-00000002');
  await bump(undefined);
  await bump(undefined);
  expect(counter()).toBe(4);
});

test('the same requestId from another caller is another request', async () => {
  await bump('req-00000001', 'demo-member');
  await bump('req-00000001', 'demo-secretary');
  expect(counter()).toBe(2);
});

test('concurrent retries of one request apply it once; the loser is told it is in progress', async () => {
  const [a, b] = await Promise.all([
    bump('req-concurrent', 'demo-member', { slowMs: 50 }),
    bump('req-concurrent', 'demo-member', { slowMs: 50 }),
  ]);
  expect(counter()).toBe(1);
  const results = [a.result, b.result] as any[];
  expect(results.filter((r) => r.ok)).toHaveLength(1);
  expect(results.find((r) => !r.ok).error).toEqual({
    code: 'CONFLICT',
    message: expect.stringMatching(/处理中/),
  });
  // Once finished, the retry gets the answer.
  expect((await bump('req-concurrent')).result).toEqual(results.find((r) => r.ok));
});

test('a write that failed is not replayed: its retry runs again', async () => {
  const first = await emu.call(
    'kitdemo',
    { action: 'refuse', data: {}, requestId: 'req-refuse01' },
    { openid: 'u' },
  );
  expect(first.result).toEqual({ ok: false, error: { code: 'FULL', message: '名额已满' } });
  const retry = await emu.call(
    'kitdemo',
    { action: 'refuse', data: {}, requestId: 'req-refuse01' },
    { openid: 'u' },
  );
  expect(retry.result).toEqual({ ok: true, data: { n: 100 } });
});

test('the request log keeps no openid in clear', async () => {
  await bump('req-00000001', 'demo-member');
  const logged = JSON.stringify(emu.db.find('requestLog', {}));
  expect(logged).not.toContain('demo-member');
  expect(logged).not.toContain('req-00000001');
});
