/**
 * Fidelity of every basic database operation, run through the real wx-server-sdk,
 * against the result shapes CloudBase documents.
 */
import type { TestEmulator } from '../helpers/emulator';
import { cmd, date, fails, fidelityEmulator, ok } from './helpers/fidelity';
import type { IndexDeclarations } from '../../emulator/src/db/engine';

let emu: TestEmulator;
afterEach(() => emu?.close());

const INDEXES: IndexDeclarations = {
  books: [
    { name: 'title', keys: { title: 1 } },
    { name: 'shelf_rank', keys: { shelf: 1, rank: -1 } },
  ],
};

describe('add', () => {
  beforeEach(async () => {
    emu = await fidelityEmulator(INDEXES);
  });

  test('assigns a string _id and answers collection.add:ok', async () => {
    const r = await ok(emu, { op: 'add', coll: 'books', data: { title: 'A' } });
    expect(r).toEqual({ _id: expect.any(String), errMsg: 'collection.add:ok' });
    expect(r._id.length).toBeGreaterThanOrEqual(16);
    const got = await ok(emu, { op: 'doc.get', coll: 'books', id: r._id });
    expect(got).toEqual({ data: { _id: r._id, title: 'A' }, errMsg: 'document.get:ok' });
  });

  test('keeps an explicit _id and refuses to add it twice', async () => {
    expect(await ok(emu, { op: 'add', coll: 'books', data: { _id: 'b1', title: 'A' } })).toEqual({
      _id: 'b1',
      errMsg: 'collection.add:ok',
    });
    const e = await fails(emu, { op: 'add', coll: 'books', data: { _id: 'b1', title: 'B' } });
    expect(e.errCode).toBe(-502001);
    expect(e.errMsg).toMatch(/^collection\.add:fail .*E11000 duplicate key/);
    expect((await ok(emu, { op: 'doc.get', coll: 'books', id: 'b1' })).data.title).toBe('A');
  });

  test('an array adds every document and answers _ids', async () => {
    const r = await ok(emu, {
      op: 'add',
      coll: 'books',
      data: [{ title: 'x' }, { _id: 'y', title: 'y' }],
    });
    expect(r).toEqual({ _ids: [expect.any(String), 'y'], errMsg: 'collection.add:ok' });
    expect((await ok(emu, { op: 'count', coll: 'books' })).total).toBe(2);
  });
});

describe('doc()', () => {
  beforeEach(async () => {
    emu = await fidelityEmulator(INDEXES);
    await emu.seed({
      books: [{ _id: 'b1', title: 'A', meta: { pages: 10, lang: 'zh' }, tags: ['x'] }],
    });
  });

  test('get of a missing document fails with the SDK message', async () => {
    const e = await fails(emu, { op: 'doc.get', coll: 'books', id: 'nope' });
    expect(e.errMsg).toBe('document.get:fail document with _id nope does not exist');
  });

  test('set replaces the whole document, and creates it when missing', async () => {
    const replaced = await ok(emu, {
      op: 'doc.set',
      coll: 'books',
      id: 'b1',
      data: { title: 'B' },
    });
    expect(replaced).toEqual({
      _id: 'b1',
      errMsg: 'document.set:ok',
      stats: { updated: 1, created: 0 },
    });
    expect((await ok(emu, { op: 'doc.get', coll: 'books', id: 'b1' })).data).toEqual({
      _id: 'b1',
      title: 'B',
    });

    const created = await ok(emu, { op: 'doc.set', coll: 'books', id: 'b2', data: { title: 'C' } });
    expect(created).toEqual({
      _id: 'b2',
      errMsg: 'document.set:ok',
      stats: { updated: 0, created: 1 },
    });
    expect((await ok(emu, { op: 'doc.get', coll: 'books', id: 'b2' })).data).toEqual({
      _id: 'b2',
      title: 'C',
    });
  });

  test('update merges nested objects into the document instead of replacing them', async () => {
    const r = await ok(emu, {
      op: 'doc.update',
      coll: 'books',
      id: 'b1',
      data: { meta: { pages: 12 }, extra: 1 },
    });
    expect(r).toEqual({ stats: { updated: 1 }, errMsg: 'document.update:ok' });
    expect((await ok(emu, { op: 'doc.get', coll: 'books', id: 'b1' })).data).toEqual({
      _id: 'b1',
      title: 'A',
      meta: { pages: 12, lang: 'zh' },
      tags: ['x'],
      extra: 1,
    });
  });

  test('update of a missing document changes nothing and reports 0', async () => {
    const r = await ok(emu, { op: 'doc.update', coll: 'books', id: 'nope', data: { title: 'Z' } });
    expect(r.stats).toEqual({ updated: 0 });
    expect((await ok(emu, { op: 'count', coll: 'books' })).total).toBe(1);
  });

  test('remove deletes and reports removed', async () => {
    expect(await ok(emu, { op: 'doc.remove', coll: 'books', id: 'b1' })).toEqual({
      stats: { removed: 1 },
      errMsg: 'document.remove:ok',
    });
    expect((await ok(emu, { op: 'doc.remove', coll: 'books', id: 'b1' })).stats).toEqual({
      removed: 0,
    });
    await fails(emu, { op: 'doc.get', coll: 'books', id: 'b1' });
  });

  test('field() projects a document read', async () => {
    const r = await ok(emu, { op: 'doc.get', coll: 'books', id: 'b1', field: { title: true } });
    expect(r.data).toEqual({ _id: 'b1', title: 'A' });
  });
});

describe('where()', () => {
  beforeEach(async () => {
    emu = await fidelityEmulator(INDEXES);
    await emu.seed({
      books: [
        { _id: 'a', shelf: 1, rank: 1, title: 'a' },
        { _id: 'b', shelf: 1, rank: 2, title: 'b' },
        { _id: 'c', shelf: 1, rank: 3, title: 'c' },
        { _id: 'd', shelf: 2, rank: 1, title: 'd' },
      ],
    });
  });

  test('get, count, update and remove report what they matched', async () => {
    const got = await ok(emu, { op: 'get', coll: 'books', where: { shelf: 1 } });
    expect(got.errMsg).toBe('collection.get:ok');
    expect(got.data.map((d: any) => d._id).sort()).toEqual(['a', 'b', 'c']);

    expect(await ok(emu, { op: 'count', coll: 'books', where: { shelf: 1 } })).toEqual({
      total: 3,
      errMsg: 'collection.count:ok',
    });

    const upd = await ok(emu, {
      op: 'update',
      coll: 'books',
      where: { shelf: 1, rank: cmd('gte', 2) },
      data: { hot: true },
    });
    expect(upd).toEqual({ stats: { updated: 2 }, errMsg: 'collection.update:ok' });
    expect((await ok(emu, { op: 'doc.get', coll: 'books', id: 'b' })).data.hot).toBe(true);
    expect((await ok(emu, { op: 'doc.get', coll: 'books', id: 'a' })).data.hot).toBeUndefined();

    const rem = await ok(emu, { op: 'remove', coll: 'books', where: { shelf: 1 } });
    expect(rem).toEqual({ stats: { removed: 3 }, errMsg: 'collection.remove:ok' });
    expect((await ok(emu, { op: 'count', coll: 'books' })).total).toBe(1);
  });

  test('an update that changes nothing reports updated 0', async () => {
    const upd = await ok(emu, {
      op: 'update',
      coll: 'books',
      where: { shelf: 2 },
      data: { rank: 1 },
    });
    expect(upd.stats).toEqual({ updated: 0 });
  });

  test('orderBy, skip and limit follow a compound index (prefix + sort)', async () => {
    const r = await ok(emu, {
      op: 'get',
      coll: 'books',
      where: { shelf: 1 },
      orderBy: [['rank', 'desc']],
      skip: 1,
      limit: 1,
    });
    expect(r.data.map((d: any) => d._id)).toEqual(['b']);
    const asc = await ok(emu, {
      op: 'get',
      coll: 'books',
      where: { shelf: 1 },
      orderBy: [['rank', 'asc']],
    });
    expect(asc.data.map((d: any) => d._id)).toEqual(['a', 'b', 'c']);
  });

  test('field() keeps only the chosen fields, _id included', async () => {
    const r = await ok(emu, {
      op: 'get',
      coll: 'books',
      where: { shelf: 2 },
      field: { title: true },
    });
    expect(r.data).toEqual([{ _id: 'd', title: 'd' }]);
    const ex = await ok(emu, {
      op: 'get',
      coll: 'books',
      where: { shelf: 2 },
      field: { title: false, rank: false },
    });
    expect(ex.data).toEqual([{ _id: 'd', shelf: 2 }]);
  });
});

describe('page sizes', () => {
  test('a get returns 100 documents by default and at most 1000', async () => {
    emu = await fidelityEmulator({ many: [{ name: 'i', keys: { i: 1 } }] });
    await emu.seed({ many: Array.from({ length: 1005 }, (_, i) => ({ _id: `m${i}`, i })) });
    const dflt = await ok(emu, { op: 'get', coll: 'many', orderBy: [['i', 'asc']] });
    expect(dflt.data).toHaveLength(100);
    expect(dflt.data[99].i).toBe(99);
    const max = await ok(emu, { op: 'get', coll: 'many', orderBy: [['i', 'asc']], limit: 5000 });
    expect(max.data).toHaveLength(1000);
    const tail = await ok(emu, {
      op: 'get',
      coll: 'many',
      orderBy: [['i', 'desc']],
      skip: 1000,
      limit: 1000,
    });
    expect(tail.data.map((d: any) => d.i)).toEqual([4, 3, 2, 1, 0]);
    expect((await ok(emu, { op: 'count', coll: 'many' })).total).toBe(1005);
  });
});

describe('types', () => {
  beforeEach(async () => {
    emu = await fidelityEmulator({ things: [{ name: 'kind', keys: { kind: 1 } }] });
  });

  test('db.serverDate() is stored as a Date near the server clock, with its offset', async () => {
    const before = Date.now();
    const r = await ok(emu, {
      op: 'add',
      coll: 'things',
      data: { kind: 'k', at: { $serverDate: 0 }, later: { $serverDate: 60_000 } },
    });
    const doc = emu.db.get('things', r._id)!;
    expect(doc.at).toBeInstanceOf(Date);
    expect(doc.at.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(doc.at.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
    expect(doc.later.getTime() - doc.at.getTime()).toBe(60_000);
    const got = await ok(emu, { op: 'doc.get', coll: 'things', id: r._id });
    expect(got.data.at.$date).toBe(doc.at.toISOString());
  });

  test('serverDate in an update is evaluated by the server', async () => {
    await emu.seed({ things: [{ _id: 't', kind: 'k' }] });
    await ok(emu, {
      op: 'doc.update',
      coll: 'things',
      id: 't',
      data: { seen: { $serverDate: 0 } },
    });
    expect(emu.db.get('things', 't')!.seen).toBeInstanceOf(Date);
  });

  test('a Date round-trips as a Date and is comparable in queries', async () => {
    const when = '2024-05-06T07:08:09.123Z';
    await ok(emu, { op: 'add', coll: 'things', data: { _id: 'd1', kind: 'k', when: date(when) } });
    await ok(emu, {
      op: 'add',
      coll: 'things',
      data: { _id: 'd2', kind: 'k', when: date('2020-01-01T00:00:00Z') },
    });
    expect(emu.db.get('things', 'd1')!.when).toEqual(new Date(when));
    const got = await ok(emu, { op: 'doc.get', coll: 'things', id: 'd1' });
    expect(got.data.when).toEqual({ $date: when });
    const later = await ok(emu, {
      op: 'get',
      coll: 'things',
      where: { kind: 'k', when: cmd('gt', date('2023-01-01T00:00:00Z')) },
    });
    expect(later.data.map((d: any) => d._id)).toEqual(['d1']);
  });

  test('db.RegExp and JS regexes filter by pattern and options', async () => {
    await emu.seed({
      things: [
        { _id: '1', kind: 'k', name: 'Apple' },
        { _id: '2', kind: 'k', name: 'apricot' },
        { _id: '3', kind: 'k', name: 'banana' },
      ],
    });
    const ci = await ok(emu, {
      op: 'get',
      coll: 'things',
      where: { kind: 'k', name: { $dbRegExp: { regexp: '^ap', options: 'i' } } },
    });
    expect(ci.data.map((d: any) => d._id).sort()).toEqual(['1', '2']);
    const cs = await ok(emu, {
      op: 'get',
      coll: 'things',
      where: { kind: 'k', name: { $jsRegExp: ['^ap', ''] } },
    });
    expect(cs.data.map((d: any) => d._id)).toEqual(['2']);
  });

  test('a stored db.RegExp comes back as the SDK decodes it', async () => {
    await ok(emu, {
      op: 'add',
      coll: 'things',
      data: { _id: 'r', kind: 'k', re: { $dbRegExp: { regexp: 'a+b', options: 'i' } } },
    });
    const stored = emu.db.get('things', 'r')!.re;
    expect(stored).toBeInstanceOf(RegExp);
    expect((stored as RegExp).test('AAB')).toBe(true);
    const got = await ok(emu, { op: 'doc.get', coll: 'things', id: 'r' });
    expect(got.data.re).toEqual({ pattern: 'a+b', options: 'i' });
  });
});

describe('collections', () => {
  beforeEach(async () => {
    emu = await fidelityEmulator({ books: [] });
  });

  test('a collection that does not exist fails with -502005 on read and write', async () => {
    const r = await fails(emu, { op: 'get', coll: 'nope' });
    expect(r.errCode).toBe(-502005);
    expect(r.errMsg).toMatch(/^collection\.get:fail -502005 .*nope/);
    expect((await fails(emu, { op: 'add', coll: 'nope', data: { a: 1 } })).errCode).toBe(-502005);
    expect((await fails(emu, { op: 'doc.get', coll: 'nope', id: 'x' })).errCode).toBe(-502005);
  });

  test('createCollection makes it usable', async () => {
    expect(await ok(emu, { op: 'createCollection', coll: 'fresh' })).toEqual({
      errMsg: 'createCollection:ok',
      requestId: expect.any(String),
    });
    expect((await ok(emu, { op: 'add', coll: 'fresh', data: { a: 1 } })).errMsg).toBe(
      'collection.add:ok',
    );
  });

  test('a reserved collection name is a permission error (-502003)', async () => {
    expect((await fails(emu, { op: 'get', coll: 'system_users' })).errCode).toBe(-502003);
    expect((await fails(emu, { op: 'add', coll: 'system_users', data: { a: 1 } })).errCode).toBe(
      -502003,
    );
  });
});
