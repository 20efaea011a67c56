/**
 * Wire-format contract, pinned to the installed SDK versions: the emulator answers the
 * exact `send(action, params)` payloads these versions produce. An SDK upgrade that
 * changes the protocol fails here first; re-check the emulator against the new
 * payloads before updating the literals.
 */
import * as path from 'path';
import { createRequire } from 'module';
import { Database } from '../../emulator/src/db/engine';
import * as protocol from '../../emulator/src/db/protocol';
import type { TestEmulator } from '../helpers/emulator';
import { cmd, fidelityEmulator, ok } from './helpers/fidelity';

const ROOT = path.resolve(__dirname, '..', '..');

/** Version of `pkg` as the cloud function resolves it: through wx-server-sdk's own chain. */
function chainVersions(): Record<string, string> {
  const fromRoot = createRequire(path.join(ROOT, 'package.json'));
  const sdkPkg = fromRoot.resolve('wx-server-sdk/package.json');
  const fromSdk = createRequire(sdkPkg);
  const nodeSdkPkg = fromSdk.resolve('@cloudbase/node-sdk/package.json');
  const dbPkg = createRequire(nodeSdkPkg).resolve('@cloudbase/database/package.json');
  return {
    'wx-server-sdk': fromRoot(sdkPkg).version,
    '@cloudbase/node-sdk': fromRoot(nodeSdkPkg).version,
    '@cloudbase/database': fromRoot(dbPkg).version,
  };
}

test('the installed SDK chain is the one this contract was captured from', () => {
  expect(chainVersions()).toEqual({
    'wx-server-sdk': '4.0.2',
    '@cloudbase/node-sdk': '3.17.2',
    '@cloudbase/database': '1.4.3',
  });
});

describe('payloads', () => {
  let emu: TestEmulator;
  let spy: jest.SpyInstance;
  beforeEach(async () => {
    emu = await fidelityEmulator({
      books: [{ name: 'n', keys: { n: 1 } }],
      accounts: [],
      ledger: [],
    });
    spy = jest.spyOn(protocol, 'handleDbRequest');
  });
  afterEach(() => {
    spy.mockRestore();
    return emu.close();
  });

  /** What the SDK sent, as JSON, with generated transaction ids made stable. */
  function sent(): [string, unknown][] {
    const ids = new Map<string, string>();
    return spy.mock.calls.map(([, action, params]) => {
      const p = params === undefined ? null : JSON.parse(JSON.stringify(params));
      if (p?.transactionId) {
        if (!ids.has(p.transactionId)) ids.set(p.transactionId, `<txn${ids.size + 1}>`);
        p.transactionId = ids.get(p.transactionId);
      }
      return [action, p];
    });
  }

  test('collection and document operations', async () => {
    await ok(emu, {
      op: 'sequence',
      steps: [
        {
          op: 'add',
          coll: 'books',
          data: {
            _id: 'x',
            title: 'A',
            n: 1,
            at: { $date: '2024-01-02T03:04:05.678Z' },
            s: { $serverDate: 0 },
            re: { $dbRegExp: { regexp: '^a', options: 'i' } },
          },
        },
        { op: 'doc.get', coll: 'books', id: 'x' },
        {
          op: 'get',
          coll: 'books',
          where: { n: cmd('gt', 0), title: { $jsRegExp: ['^A', 'i'] } },
          orderBy: [['n', 'desc']],
          skip: 2,
          limit: 5,
          field: { title: true },
        },
        { op: 'get', coll: 'books', where: { n: 1 } },
        { op: 'count', coll: 'books', where: { n: 1 } },
        {
          op: 'doc.update',
          coll: 'books',
          id: 'x',
          data: { n: cmd('inc', 1), tags: cmd('push', ['a']), meta: { k: 1 }, gone: cmd('remove') },
        },
        { op: 'doc.set', coll: 'books', id: 'x', data: { title: 'B', n: 2 } },
        { op: 'update', coll: 'books', where: { n: cmd('in', [2, 3]) }, data: { hot: true } },
        { op: 'doc.remove', coll: 'books', id: 'y' },
        { op: 'remove', coll: 'books', where: { n: 2 } },
        {
          op: 'aggregate',
          coll: 'books',
          stages: [
            ['match', { n: 2 }],
            ['group', { _id: '$n', c: cmd('aggregate.sum', 1) }],
            ['limit', 1],
          ],
        },
      ],
    });
    expect(sent()).toEqual([
      [
        'database.insertDocument',
        {
          collectionName: 'books',
          data: [
            '{"_id":"x","title":"A","n":{"$numberInt":"1"},"at":{"$date":{"$numberLong":"1704164645678"}},' +
              '"s":{"$tcb_server_date":{"offset":{"$numberInt":"0"}}},' +
              '"re":{"$regularExpression":{"pattern":"^a","options":"i"}}}',
          ],
        },
      ],
      [
        'database.getDocument',
        { collectionName: 'books', query: '{"_id":"x"}', queryType: 'DOC', multi: false },
      ],
      [
        'database.getDocument',
        {
          collectionName: 'books',
          queryType: 'WHERE',
          query:
            '{"n":{"$gt":{"$numberInt":"0"}},"title":{"$regularExpression":{"pattern":"^A","options":"i"}}}',
          order: '{"n":{"$numberInt":"-1"}}',
          offset: 2,
          limit: 5,
          projection: '{"title":{"$numberInt":"1"}}',
        },
      ],
      // The SDK, not the server, applies the default page size.
      [
        'database.getDocument',
        {
          collectionName: 'books',
          queryType: 'WHERE',
          query: '{"n":{"$numberInt":"1"}}',
          limit: 100,
        },
      ],
      [
        'database.calculateDocument',
        { collectionName: 'books', queryType: 'WHERE', query: '{"n":{"$numberInt":"1"}}' },
      ],
      [
        'database.modifyDocument',
        {
          collectionName: 'books',
          data:
            '{"$inc":{"n":{"$numberInt":"1"}},"$push":{"tags":{"$each":["a"]}},"$unset":{"gone":""},' +
            '"$set":{"meta.k":{"$numberInt":"1"}}}',
          query: '{"_id":"x"}',
          queryType: 'DOC',
          multi: false,
          merge: true,
          upsert: false,
        },
      ],
      // set(): a whole-document replace with upsert.
      [
        'database.modifyDocument',
        {
          collectionName: 'books',
          queryType: 'DOC',
          data: '{"title":"B","n":{"$numberInt":"2"}}',
          multi: false,
          merge: false,
          upsert: true,
          query: '{"_id":"x"}',
        },
      ],
      [
        'database.modifyDocument',
        {
          collectionName: 'books',
          queryType: 'WHERE',
          multi: true,
          merge: true,
          upsert: false,
          data: '{"$set":{"hot":true}}',
          query: '{"n":{"$in":[{"$numberInt":"2"},{"$numberInt":"3"}]}}',
        },
      ],
      [
        'database.removeDocument',
        { collectionName: 'books', query: '{"_id":"y"}', queryType: 'DOC', multi: false },
      ],
      [
        'database.removeDocument',
        {
          collectionName: 'books',
          query: '{"n":{"$numberInt":"2"}}',
          queryType: 'WHERE',
          multi: true,
        },
      ],
      [
        'database.aggregateDocuments',
        {
          collectionName: 'books',
          stages: [
            { stageKey: '$match', stageValue: '{"n":{"$numberInt":"2"}}' },
            { stageKey: '$group', stageValue: '{"_id":"$n","c":{"$sum":{"$numberInt":"1"}}}' },
            { stageKey: '$limit', stageValue: '1' },
          ],
        },
      ],
    ]);
  });

  test('the answers have the shapes the SDK reads', async () => {
    await ok(emu, {
      op: 'sequence',
      steps: [
        { op: 'add', coll: 'books', data: { _id: 'x', n: 1 } },
        { op: 'get', coll: 'books', where: { n: 1 } },
        { op: 'count', coll: 'books', where: { n: 1 } },
        { op: 'doc.set', coll: 'books', id: 'z', data: { n: 5 } },
        { op: 'update', coll: 'books', where: { n: 1 }, data: { n: 2 } },
        { op: 'remove', coll: 'books', where: { n: 2 } },
        { op: 'get', coll: 'nope' },
      ],
    });
    const answers = spy.mock.results.map((r) => {
      const { requestId, ...rest } = r.value as protocol.DbResponse;
      expect(requestId).toEqual(expect.any(String));
      return rest;
    });
    expect(answers).toEqual([
      { data: { insertedIds: ['x'] } },
      { data: { list: ['{"_id":"x","n":{"$numberInt":"1"}}'], limit: 100, offset: 0 } },
      { data: { total: 1 } },
      { data: { updated: 0, upsert_id: 'z' } },
      { data: { updated: 1 } },
      { data: { deleted: 1 } },
      // The code string is what the node-sdk maps to errCode -502005.
      { code: 'DATABASE_COLLECTION_NOT_EXIST', message: expect.stringContaining('nope') },
    ]);
  });

  test('transactions', async () => {
    await emu.seed({
      accounts: [
        { _id: 'alice', balance: 10 },
        { _id: 'bob', balance: 0 },
      ],
    });
    const r = await emu.call('txn', { scenario: 'transfer', from: 'alice', to: 'bob', amount: 1 });
    expect(r.result).toEqual({ result: { moved: 1 } });
    const inTxn = (coll: string, id: string) => ({
      collectionName: coll,
      query: `{"_id":"${id}"}`,
      transactionId: '<txn1>',
      queryType: 'DOC',
      multi: false,
    });
    expect(sent()).toEqual([
      ['database.startTransaction', null],
      ['database.getDocument', inTxn('accounts', 'alice')],
      ['database.getDocument', inTxn('accounts', 'bob')],
      [
        'database.modifyDocument',
        {
          ...inTxn('accounts', 'alice'),
          data: '{"$set":{"balance":{"$numberInt":"9"}}}',
          merge: true,
          upsert: false,
        },
      ],
      [
        'database.modifyDocument',
        {
          ...inTxn('accounts', 'bob'),
          data: '{"$set":{"balance":{"$numberInt":"1"}}}',
          merge: true,
          upsert: false,
        },
      ],
      [
        'database.insertDocument',
        {
          collectionName: 'ledger',
          data: ['{"from":"alice","to":"bob","amount":{"$numberInt":"1"}}'],
          transactionId: '<txn1>',
        },
      ],
      ['database.commitTransaction', { transactionId: '<txn1>' }],
    ]);
    // startTransaction answers the id at the top level, where the SDK reads it.
    expect(spy.mock.results[0].value).toEqual({
      requestId: expect.any(String),
      transactionId: expect.any(String),
    });
  });
});

test('an action the emulator does not support fails with an error that names it', () => {
  const db = new Database({ strict: true });
  const r = protocol.handleDbRequest(db, 'database.watchDocument', { collectionName: 'x' });
  expect(r).toEqual({
    requestId: expect.any(String),
    code: 'EMULATOR_UNSUPPORTED',
    message: expect.stringContaining('"database.watchDocument"'),
  });
});
