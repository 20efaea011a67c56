/**
 * Declared indexes are real: unique ones reject duplicates with the cloud's
 * duplicate-key error, lookups do not scan, and strict mode refuses what no index serves.
 */
import type { TestEmulator } from '../helpers/emulator';
import { cmd, fails, fidelityEmulator, ok } from './helpers/fidelity';
import type { IndexDeclarations } from '../../emulator/src/db/engine';

let emu: TestEmulator;
afterEach(() => emu?.close());

const INDEXES: IndexDeclarations = {
  members: [
    { name: 'openid_unique', keys: { openid: 1 }, unique: true },
    { name: 'branch_joinedAt', keys: { branchId: 1, joinedAt: -1 } },
    { name: 'branch_role_unique', keys: { branchId: 1, role: 1 }, unique: true },
  ],
};

describe('unique indexes', () => {
  beforeEach(async () => {
    emu = await fidelityEmulator(INDEXES);
    await emu.seed({
      members: [{ _id: 'm1', openid: 'o1', branchId: 'b1', role: 'secretary', joinedAt: 1 }],
    });
  });

  test('add of a duplicate key fails with -502001 and E11000, and writes nothing', async () => {
    const e = await fails(emu, {
      op: 'add',
      coll: 'members',
      data: { openid: 'o1', branchId: 'b2' },
    });
    expect(e.errCode).toBe(-502001);
    expect(e.errMsg).toMatch(
      /^collection\.add:fail -502001 .*E11000 duplicate key error collection: members index: openid_unique dup key: \{ openid: "o1" \}/,
    );
    expect((await ok(emu, { op: 'count', coll: 'members', where: { openid: 'o1' } })).total).toBe(
      1,
    );
  });

  test('a compound unique key collides only on the whole key', async () => {
    expect(
      (
        await ok(emu, {
          op: 'add',
          coll: 'members',
          data: { openid: 'o2', branchId: 'b1', role: 'member' },
        })
      ).errMsg,
    ).toBe('collection.add:ok');
    const e = await fails(emu, {
      op: 'add',
      coll: 'members',
      data: { openid: 'o3', branchId: 'b1', role: 'secretary' },
    });
    expect(e.errMsg).toMatch(/E11000 .*branch_role_unique/);
  });

  test('an update or set that would duplicate a key fails and leaves the document as it was', async () => {
    await emu.seed({
      members: [{ _id: 'm2', openid: 'o2', branchId: 'b2', role: 'member', joinedAt: 2 }],
    });
    const u = await fails(emu, {
      op: 'doc.update',
      coll: 'members',
      id: 'm2',
      data: { openid: 'o1' },
    });
    expect(u.errCode).toBe(-502001);
    expect(u.errMsg).toMatch(/^document\.update:fail .*E11000/);
    const s = await fails(emu, {
      op: 'doc.set',
      coll: 'members',
      id: 'm2',
      data: { openid: 'o1' },
    });
    expect(s.errMsg).toMatch(/E11000/);
    expect(emu.db.get('members', 'm2')!.openid).toBe('o2');
    // Rewriting a document's own key is not a duplicate.
    expect(
      (await ok(emu, { op: 'doc.update', coll: 'members', id: 'm1', data: { openid: 'o1', x: 1 } }))
        .stats,
    ).toEqual({
      updated: 1,
    });
  });

  test('two documents in one array add that share a key are refused together', async () => {
    const e = await fails(emu, {
      op: 'add',
      coll: 'members',
      data: [{ openid: 'n1' }, { openid: 'n1' }],
    });
    expect(e.errMsg).toMatch(/E11000/);
    expect((await ok(emu, { op: 'count', coll: 'members', where: { openid: 'n1' } })).total).toBe(
      0,
    );
  });
});

describe('strict mode', () => {
  beforeEach(async () => {
    emu = await fidelityEmulator(INDEXES);
    await emu.seed({
      members: [
        { _id: 'a', openid: 'oa', branchId: 'b1', role: 'r1', joinedAt: 1, name: 'A' },
        { _id: 'b', openid: 'ob', branchId: 'b1', role: 'r2', joinedAt: 3, name: 'B' },
        { _id: 'c', openid: 'oc', branchId: 'b1', role: 'r3', joinedAt: 2, name: 'C' },
        { _id: 'd', openid: 'od', branchId: 'b2', role: 'r1', joinedAt: 9, name: 'D' },
      ],
    });
  });

  test('a filter no declared index serves is refused, naming the collection and the fields', async () => {
    const e = await fails(emu, { op: 'get', coll: 'members', where: { name: 'A' } });
    expect(e.errMsg).toMatch(/"members"/);
    expect(e.errMsg).toMatch(/\[name\]/);
    // count, update and remove are planned the same way.
    expect(
      (await fails(emu, { op: 'count', coll: 'members', where: { name: 'A' } })).errMsg,
    ).toMatch(/members/);
    expect(
      (await fails(emu, { op: 'update', coll: 'members', where: { name: 'A' }, data: { x: 1 } }))
        .errMsg,
    ).toMatch(/name/);
    expect(
      (await fails(emu, { op: 'remove', coll: 'members', where: { name: 'A' } })).errMsg,
    ).toMatch(/name/);
    expect(emu.db.find('members', { _id: 'a' })[0].x).toBeUndefined();
  });

  test('a sort no index serves is refused, naming the sort field', async () => {
    const e = await fails(emu, {
      op: 'get',
      coll: 'members',
      where: { branchId: 'b1' },
      orderBy: [['name', 'asc']],
    });
    expect(e.errMsg).toMatch(/members/);
    expect(e.errMsg).toMatch(/name asc/);
  });

  test('a compound index prefix + its sort serves the query, in either direction', async () => {
    const desc = await ok(emu, {
      op: 'get',
      coll: 'members',
      where: { branchId: 'b1' },
      orderBy: [['joinedAt', 'desc']],
    });
    expect(desc.data.map((d: any) => d._id)).toEqual(['b', 'c', 'a']);
    const asc = await ok(emu, {
      op: 'get',
      coll: 'members',
      where: { branchId: 'b1' },
      orderBy: [['joinedAt', 'asc']],
    });
    expect(asc.data.map((d: any) => d._id)).toEqual(['a', 'c', 'b']);
    // Cursor pagination: continue after the last value seen.
    const next = await ok(emu, {
      op: 'get',
      coll: 'members',
      where: { branchId: 'b1', joinedAt: cmd('lt', 3) },
      orderBy: [['joinedAt', 'desc']],
      limit: 1,
    });
    expect(next.data.map((d: any) => d._id)).toEqual(['c']);
  });

  test('a filter on a field that is not the leading key is refused', async () => {
    const e = await fails(emu, { op: 'get', coll: 'members', where: { joinedAt: cmd('gt', 1) } });
    expect(e.errMsg).toMatch(/joinedAt/);
  });

  test('outside strict mode the same query is answered by a scan', async () => {
    emu.close();
    emu = await fidelityEmulator(INDEXES, false);
    await emu.seed({ members: [{ _id: 'a', openid: 'oa', name: 'A' }] });
    expect((await ok(emu, { op: 'get', coll: 'members', where: { name: 'A' } })).data).toHaveLength(
      1,
    );
    expect(emu.db.lastStats.index).toBeNull();
  });
});

describe('multikey indexes', () => {
  beforeEach(async () => {
    emu = await fidelityEmulator({ posts: [{ name: 'tags', keys: { tags: 1 } }] });
    await emu.seed({
      posts: [
        { _id: 'p1', tags: ['x', 'y'] },
        { _id: 'p2', tags: ['y'] },
        { _id: 'p3', tags: [] },
        { _id: 'p4', tags: [['x', 'y']] },
      ],
    });
  });
  const ids = async (where: Record<string, unknown>) =>
    (await ok(emu, { op: 'get', coll: 'posts', where })).data.map((d: any) => d._id).sort();

  test('an element, an exact array and an empty array are all found through the index', async () => {
    expect(await ids({ tags: 'y' })).toEqual(['p1', 'p2']);
    expect(await ids({ tags: ['x', 'y'] })).toEqual(['p1', 'p4']);
    expect(await ids({ tags: ['y'] })).toEqual(['p2']);
    expect(await ids({ tags: [] })).toEqual(['p3']);
    expect(await ids({ tags: cmd('in', ['x', 'zz']) })).toEqual(['p1']);
    expect(emu.db.lastStats.index).toBe('tags');
  });
});

describe('index lookups do not scan', () => {
  const N = 5000;
  // Read-only tests share one large store.
  let big: TestEmulator;
  beforeAll(async () => {
    big = await fidelityEmulator(INDEXES);
    await big.seed({
      members: Array.from({ length: N }, (_, i) => ({
        _id: `m${i}`,
        openid: `o${i}`,
        branchId: `b${i % 50}`,
        role: `r${i}`,
        joinedAt: i,
      })),
    });
  });
  afterAll(() => big.close());

  test('equality on a unique field examines one document', async () => {
    const r = await ok(big, { op: 'get', coll: 'members', where: { openid: 'o4321' } });
    expect(r.data.map((d: any) => d._id)).toEqual(['m4321']);
    expect(big.db.lastStats).toEqual({ docsExamined: 1, index: 'openid_unique' });
  });

  test('a page of a compound prefix + sort examines only that page', async () => {
    const r = await ok(big, {
      op: 'get',
      coll: 'members',
      where: { branchId: 'b7' },
      orderBy: [['joinedAt', 'desc']],
      limit: 5,
    });
    expect(r.data.map((d: any) => d.joinedAt)).toEqual([4957, 4907, 4857, 4807, 4757]);
    expect(big.db.lastStats.docsExamined).toBeLessThanOrEqual(5);
    expect(big.db.lastStats.index).toBe('branch_joinedAt');
  });

  test('a doc(id) read and a doc(id) update examine one document', async () => {
    await ok(big, { op: 'doc.get', coll: 'members', id: 'm2500' });
    expect(big.db.lastStats.docsExamined).toBe(1);
    await ok(big, { op: 'doc.update', coll: 'members', id: 'm2500', data: { seen: true } });
    expect(big.db.lastStats.docsExamined).toBe(1);
  });

  test('count of a prefix examines the prefix, not the collection', async () => {
    expect((await ok(big, { op: 'count', coll: 'members', where: { branchId: 'b3' } })).total).toBe(
      N / 50,
    );
    expect(big.db.lastStats.docsExamined).toBe(N / 50);
  });

  test('$in on an indexed field examines only the matches', async () => {
    const r = await ok(big, {
      op: 'get',
      coll: 'members',
      where: { openid: cmd('in', ['o1', 'o2', 'o3']) },
    });
    expect(r.data).toHaveLength(3);
    expect(big.db.lastStats.docsExamined).toBe(3);
  });
});

describe('multikey ranges', () => {
  test('a two-sided range on an indexed array field matches when different elements satisfy each bound', async () => {
    const { Database } = await import('../../emulator/src/db/engine');
    const db = new Database({
      strict: true,
      indexes: { scores: [{ name: 'vals', keys: { vals: 1 } }] },
    });
    db.insert('scores', [
      { _id: 'split', vals: [3, 12] }, // 12 > 5 and 3 < 10: MongoDB matches this document
      { _id: 'inside', vals: [7] },
      { _id: 'outside', vals: [1, 2] },
    ]);
    const ids = db.find('scores', { vals: { $gt: 5, $lt: 10 } }).map((d) => d._id);
    expect(ids.sort()).toEqual(['inside', 'split']);
  });
});

describe('aggregation through indexes', () => {
  async function bigDb() {
    const { Database } = await import('../../emulator/src/db/engine');
    const db = new Database({
      strict: true,
      indexes: {
        users: [{ name: 'branch', keys: { branch: 1 } }],
        posts: [
          { name: 'author', keys: { author: 1 } },
          { name: 'at', keys: { at: -1 } },
        ],
      },
    });
    db.insert(
      'users',
      Array.from({ length: 5000 }, (_, i) => ({ _id: `u${i}`, name: `用户${i}`, branch: i % 50 })),
    );
    db.insert(
      'posts',
      Array.from({ length: 5000 }, (_, i) => ({
        _id: `p${i}`,
        author: `u${i % 2500}`,
        at: i,
        tags: [`u${i}`],
      })),
    );
    return db;
  }

  test('a $lookup reads only the joined documents of the foreign collection', async () => {
    const db = await bigDb();
    const out = db.aggregate('posts', [
      { $match: { _id: { $in: ['p1', 'p2501'] } } },
      { $lookup: { from: 'users', localField: 'author', foreignField: '_id', as: 'user' } },
      { $project: { author: 1, 'user.name': 1 } },
    ]);
    expect(out).toEqual([
      { _id: 'p1', author: 'u1', user: [{ name: '用户1' }] },
      { _id: 'p2501', author: 'u1', user: [{ name: '用户1' }] },
    ]);
    expect(db.lastStats.docsExamined).toBeLessThanOrEqual(2);
  });

  test('a $lookup on an array field joins every element, as MongoDB does', async () => {
    const db = await bigDb();
    db.insert('posts', [{ _id: 'multi', author: 'u1', at: -1, tags: ['u7', 'u8', 'nobody'] }]);
    const [row] = db.aggregate('posts', [
      { $match: { _id: 'multi' } },
      { $lookup: { from: 'users', localField: 'tags', foreignField: '_id', as: 'tagged' } },
    ]);
    expect(row.tagged.map((u: any) => u._id).sort()).toEqual(['u7', 'u8']);
  });

  test('a leading $sort + $limit is an index scan of only the page', async () => {
    const db = await bigDb();
    const out = db.aggregate('posts', [
      { $sort: { at: -1 } },
      { $limit: 3 },
      { $project: { at: 1 } },
    ]);
    expect(out.map((d) => d.at)).toEqual([4999, 4998, 4997]);
    expect(db.lastStats.docsExamined).toBe(3);
  });

  test('strict mode refuses a $lookup on a field with no index', async () => {
    const db = await bigDb();
    expect(() =>
      db.aggregate('posts', [
        { $match: { _id: 'p1' } },
        { $lookup: { from: 'users', localField: 'author', foreignField: 'name', as: 'x' } },
      ]),
    ).toThrow(/no declared index serves the query on collection "users"/);
  });
});
