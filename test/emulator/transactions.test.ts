/**
 * Transactions through the SDK's own runTransaction/startTransaction: isolation,
 * rollback when the callback throws, where() refused, and write conflicts reported
 * as DATABASE_TRANSACTION_CONFLICT so that the SDK's retry loop runs.
 */
import type { TestEmulator } from '../helpers/emulator';
import { fidelityEmulator } from './helpers/fidelity';

let emu: TestEmulator;

beforeEach(async () => {
  emu = await fidelityEmulator({ accounts: [{ name: 'owner', keys: { owner: 1 } }], ledger: [] });
  await emu.seed({
    accounts: [
      { _id: 'alice', owner: 'a', balance: 100 },
      { _id: 'bob', owner: 'b', balance: 50 },
      { _id: 'gone', owner: 'g', balance: 0 },
    ],
  });
  // runTransaction logs nothing, but a rejected attempt's error may be logged by the SDK.
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
});
afterEach(() => {
  jest.restoreAllMocks();
  return emu.close();
});

async function scenario(name: string, event: Record<string, unknown> = {}): Promise<any> {
  const r = await emu.call('txn', { scenario: name, ...event }, { openid: 'o-txn' });
  if (r.error) throw new Error(r.error.errMsg);
  return r.result;
}

const balance = (id: string) => emu.db.get('accounts', id)!.balance;

test('runTransaction commits every write and returns the callback result', async () => {
  const r = await scenario('transfer', { from: 'alice', to: 'bob', amount: 30 });
  expect(r).toEqual({ result: { moved: 30 } });
  expect([balance('alice'), balance('bob')]).toEqual([70, 80]);
  expect(emu.db.find('ledger', {}, {})).toEqual([
    { _id: expect.any(String), from: 'alice', to: 'bob', amount: 30 },
  ]);
});

test('a callback that throws rolls back every write and the error reaches the caller', async () => {
  const r = await scenario('transferThenThrow', { from: 'alice', to: 'bob', amount: 30 });
  expect(r.threw).toBe(true);
  expect(r.error.errMsg).toBe('insufficient funds');
  expect([balance('alice'), balance('bob')]).toEqual([100, 50]);
  expect(emu.db.find('ledger', {}, {})).toEqual([]);
});

test('transaction.rollback(reason) inside runTransaction rejects with that reason', async () => {
  const r = await scenario('rollbackWithReason', { from: 'alice' });
  expect(r).toEqual({ threw: true, reason: 'not today' });
  expect(balance('alice')).toBe(100);
});

test('startTransaction is isolated until commit and rollback discards its writes', async () => {
  const r = await scenario('startThenRollback', { id: 'alice' });
  expect(r.inside).toBe(999);
  expect(r.outside).toBe(100);
  expect(r.after).toBe(100);
  expect(r.fresh.errMsg).toBe('document.get:fail document with _id fresh does not exist');
});

test('startTransaction + set + remove + commit applies them', async () => {
  const r = await scenario('startThenCommit', { id: 'alice' });
  expect(r).toEqual({ after: { _id: 'alice', balance: 7, owner: 'set-in-txn' }, goneLeft: 0 });
});

test('where() inside a transaction is refused, as in the cloud', async () => {
  const r = await scenario('whereInside');
  expect(r.refused).toBe(true);
  expect(r.error.errMsg).toMatch(/where/);
});

test('the second of two transactions writing one document fails with DATABASE_TRANSACTION_CONFLICT', async () => {
  const r = await scenario('twoTransactions', { id: 'alice' });
  expect(r.secondCommitted).toBe(false);
  expect(r.error.code).toBe('DATABASE_TRANSACTION_CONFLICT');
  expect(r.balance).toBe(101);
});

test('a plain write before commit conflicts and the SDK retries the callback, which then succeeds', async () => {
  const r = await scenario('conflictRetry', { id: 'bob' });
  expect(r.attempts).toBe(2);
  // The retry read the value the plain write left, so neither write is lost.
  expect(r.result).toEqual({ seen: 1050 });
  expect(r.balance).toBe(1051);
});

test('a transaction that conflicts on every attempt gives up with the conflict', async () => {
  const r = await scenario('conflictForever', { id: 'bob' });
  expect(r.threw).toBe(true);
  expect(r.error.code).toBe('DATABASE_TRANSACTION_CONFLICT');
  // runTransaction(cb, 2) tries the first time plus `times` retries.
  expect(r.attempts).toBe(3);
  expect(emu.db.get('accounts', 'bob')!.touched).toBeUndefined();
  expect(balance('bob')).toBe(53);
});
