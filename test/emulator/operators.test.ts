/**
 * Every query operator of db.command, every update operator and the aggregate stages
 * the project uses, built by the real SDK and evaluated by the emulator. Queries carry
 * an equality on the indexed `g` so that strict mode serves them.
 */
import type { TestEmulator } from '../helpers/emulator';
import { cmd, fails, fidelityEmulator, ok } from './helpers/fidelity';

let emu: TestEmulator;
let shared: TestEmulator;
afterEach(() => emu?.close());

const DOCS = [
  {
    _id: 'p1',
    g: 1,
    n: 1,
    s: 'a',
    tags: ['x', 'y'],
    a: { b: 1 },
    items: [{ k: 1, v: 'p' }],
    opt: 1,
  },
  { _id: 'p2', g: 1, n: 2, s: 'b', tags: ['y'], a: { b: 2 }, items: [{ k: 2, v: 'q' }] },
  {
    _id: 'p3',
    g: 1,
    n: 3,
    s: 'c',
    tags: ['x', 'y', 'z'],
    a: { b: 3 },
    items: [{ k: 1, v: 'q' }],
    opt: null,
  },
  { _id: 'p4', g: 1, n: 4, s: 'd', tags: [], a: { b: 4 }, items: [] },
  { _id: 'q1', g: 2, n: 1, s: 'a', tags: ['x'], a: { b: 1 }, items: [] },
];

async function ids(where: Record<string, unknown>): Promise<string[]> {
  const r = await ok(shared, { op: 'get', coll: 'ops', where: { g: 1, ...where } });
  return r.data.map((d: any) => d._id).sort();
}

describe('query operators', () => {
  // Read-only tests share one store.
  beforeAll(async () => {
    shared = await fidelityEmulator({ ops: [{ name: 'g', keys: { g: 1 } }] });
    await shared.seed({ ops: DOCS });
  });
  afterAll(() => shared.close());

  test.each([
    ['eq', { n: cmd('eq', 2) }, ['p2']],
    ['neq', { n: cmd('neq', 2) }, ['p1', 'p3', 'p4']],
    ['lt', { n: cmd('lt', 2) }, ['p1']],
    ['lte', { n: cmd('lte', 2) }, ['p1', 'p2']],
    ['gt', { n: cmd('gt', 3) }, ['p4']],
    ['gte', { n: cmd('gte', 3) }, ['p3', 'p4']],
    ['in', { s: cmd('in', ['a', 'c', 'zz']) }, ['p1', 'p3']],
    ['nin', { s: cmd('nin', ['a', 'c']) }, ['p2', 'p4']],
    ['and (chained)', { n: { $cmd: ['gt', 1], $then: ['and', cmd('lt', 4)] } }, ['p2', 'p3']],
    ['and (command)', { n: cmd('and', [cmd('gt', 1), cmd('lt', 3)]) }, ['p2']],
    ['or (field)', { n: cmd('or', [cmd('lt', 2), cmd('gt', 3)]) }, ['p1', 'p4']],
    ['exists true', { opt: cmd('exists', true) }, ['p1', 'p3']],
    ['exists false', { opt: cmd('exists', false) }, ['p2', 'p4']],
    ['size', { tags: cmd('size', 2) }, ['p1']],
    ['all', { tags: cmd('all', ['x', 'y']) }, ['p1', 'p3']],
    ['elemMatch', { items: cmd('elemMatch', { k: 1, v: 'q' }) }, ['p3']],
    ['mod', { n: cmd('mod', [2, 0]) }, ['p2', 'p4']],
    ['array contains', { tags: 'z' }, ['p3']],
    ['nested path a.b', { 'a.b': cmd('gte', 3) }, ['p3', 'p4']],
    ['nested object', { a: { b: 2 } }, ['p2']],
    ['path into array', { 'items.v': 'q' }, ['p2', 'p3']],
  ])('%s', async (_name, where, expected) => {
    expect(await ids(where)).toEqual(expected);
  });

  test('or across fields (top level _.or)', async () => {
    const r = await ok(shared, {
      op: 'get',
      coll: 'ops',
      where: cmd('or', [
        { g: 1, n: 1 },
        { g: 2, s: 'a' },
      ]),
    });
    expect(r.data.map((d: any) => d._id).sort()).toEqual(['p1', 'q1']);
  });

  test('count agrees with get', async () => {
    const r = await ok(shared, { op: 'count', coll: 'ops', where: { g: 1, tags: 'x' } });
    expect(r.total).toBe(2);
  });
});

describe('update operators', () => {
  beforeEach(async () => {
    emu = await fidelityEmulator({ ops: [{ name: 'g', keys: { g: 1 } }] });
    await emu.seed({
      ops: [
        {
          _id: 'u',
          g: 1,
          n: 10,
          m: 3,
          arr: [1, 2, 3, 2],
          set: ['a'],
          gone: 1,
          old: 'o',
          lo: 5,
          hi: 5,
          a: { b: 1 },
        },
      ],
    });
  });

  const apply = async (data: Record<string, unknown>) => {
    const r = await ok(emu, { op: 'doc.update', coll: 'ops', id: 'u', data });
    expect(r.stats.updated).toBe(1);
    return emu.db.get('ops', 'u')!;
  };

  test.each([
    ['set', { a: cmd('set', { c: 2 }) }, (d: any) => expect(d.a).toEqual({ c: 2 })],
    ['set nested path', { 'a.b': 9 }, (d: any) => expect(d.a).toEqual({ b: 9 })],
    ['inc', { n: cmd('inc', 5) }, (d: any) => expect(d.n).toBe(15)],
    ['mul', { m: cmd('mul', 4) }, (d: any) => expect(d.m).toBe(12)],
    ['remove', { gone: cmd('remove') }, (d: any) => expect('gone' in d).toBe(false)],
    ['push', { arr: cmd('push', [7, 8]) }, (d: any) => expect(d.arr).toEqual([1, 2, 3, 2, 7, 8])],
    [
      'push with position',
      { arr: cmd('push', { each: [0], position: 1 }) },
      (d: any) => expect(d.arr).toEqual([1, 0, 2, 3, 2]),
    ],
    ['pop', { arr: cmd('pop') }, (d: any) => expect(d.arr).toEqual([1, 2, 3])],
    ['shift', { arr: cmd('shift') }, (d: any) => expect(d.arr).toEqual([2, 3, 2])],
    [
      'unshift',
      { arr: cmd('unshift', [9, 8]) },
      (d: any) => expect(d.arr).toEqual([9, 8, 1, 2, 3, 2]),
    ],
    ['pull', { arr: cmd('pull', 2) }, (d: any) => expect(d.arr).toEqual([1, 3])],
    [
      'pull with condition',
      { arr: cmd('pull', cmd('gte', 2)) },
      (d: any) => expect(d.arr).toEqual([1]),
    ],
    ['pullAll', { arr: cmd('pullAll', [1, 3]) }, (d: any) => expect(d.arr).toEqual([2, 2])],
    ['addToSet', { set: cmd('addToSet', 'b') }, (d: any) => expect(d.set).toEqual(['a', 'b'])],
    // The wx-server-sdk docs spell the modifier `$each` for addToSet (push takes `each`).
    [
      'addToSet $each',
      { set: cmd('addToSet', { $each: ['b', 'a', 'c'] }) },
      (d: any) => expect(d.set).toEqual(['a', 'b', 'c']),
    ],
    [
      'rename',
      { old: cmd('rename', 'renamed') },
      (d: any) => expect([d.old, d.renamed]).toEqual([undefined, 'o']),
    ],
    [
      'min',
      { lo: cmd('min', 2), hi: cmd('min', 9) },
      (d: any) => expect([d.lo, d.hi]).toEqual([2, 5]),
    ],
    [
      'max',
      { lo: cmd('max', 2), hi: cmd('max', 9) },
      (d: any) => expect([d.lo, d.hi]).toEqual([5, 9]),
    ],
  ])('%s', async (_name, data, check) => {
    check(await apply(data));
  });

  test('addToSet of a present value changes nothing and reports updated 0', async () => {
    const r = await ok(emu, {
      op: 'doc.update',
      coll: 'ops',
      id: 'u',
      data: { set: cmd('addToSet', 'a') },
    });
    expect(r.stats).toEqual({ updated: 0 });
    expect(emu.db.get('ops', 'u')!.set).toEqual(['a']);
  });

  test('where().update with an operator updates every match and counts them', async () => {
    await emu.seed({
      ops: [
        { _id: 'v', g: 1, n: 1 },
        { _id: 'w', g: 2, n: 1 },
      ],
    });
    const r = await ok(emu, {
      op: 'update',
      coll: 'ops',
      where: { g: 1 },
      data: { n: cmd('inc', 1) },
    });
    expect(r.stats).toEqual({ updated: 2 });
    expect([
      emu.db.get('ops', 'u')!.n,
      emu.db.get('ops', 'v')!.n,
      emu.db.get('ops', 'w')!.n,
    ]).toEqual([11, 2, 1]);
  });

  test('set refuses update operators (the SDK checks it)', async () => {
    const e = await fails(emu, { op: 'doc.set', coll: 'ops', id: 'u', data: { n: cmd('inc', 1) } });
    expect(e.errMsg).toMatch(/document\.set:fail/);
    expect(emu.db.get('ops', 'u')!.n).toBe(10);
  });
});

describe('aggregate', () => {
  beforeEach(async () => {
    emu = await fidelityEmulator({
      orders: [{ name: 'shop', keys: { shop: 1, at: 1 } }],
      users: [{ name: 'uid', keys: { uid: 1 }, unique: true }],
    });
    await emu.seed({
      orders: [
        { _id: 'o1', shop: 's', uid: 'u1', at: 1, qty: 2, price: 5, lines: ['a', 'b'] },
        { _id: 'o2', shop: 's', uid: 'u2', at: 2, qty: 1, price: 7, lines: ['c'] },
        { _id: 'o3', shop: 's', uid: 'u1', at: 3, qty: 4, price: 1, lines: [] },
        { _id: 'o4', shop: 't', uid: 'u1', at: 4, qty: 9, price: 9, lines: ['d'] },
      ],
      users: [
        { _id: 'x1', uid: 'u1', name: 'Ann' },
        { _id: 'x2', uid: 'u2', name: 'Bo' },
      ],
    });
  });

  const agg = async (stages: [string, unknown][]) =>
    (await ok(emu, { op: 'aggregate', coll: 'orders', stages })) as { list: any[]; errMsg: string };

  test('$match $group $sort with accumulator operators', async () => {
    const r = await agg([
      ['match', { shop: 's' }],
      [
        'group',
        {
          _id: '$uid',
          orders: cmd('aggregate.sum', 1),
          qty: cmd('aggregate.sum', '$qty'),
          revenue: cmd('aggregate.sum', cmd('aggregate.multiply', ['$qty', '$price'])),
          maxQty: cmd('aggregate.max', '$qty'),
        },
      ],
      ['sort', { _id: 1 }],
    ]);
    expect(r.errMsg).toBe('collection.aggregate:ok');
    expect(r.list).toEqual([
      { _id: 'u1', orders: 2, qty: 6, revenue: 14, maxQty: 4 },
      { _id: 'u2', orders: 1, qty: 1, revenue: 7, maxQty: 1 },
    ]);
  });

  test('$sort $skip $limit $project $addFields', async () => {
    const r = await agg([
      ['match', { shop: 's' }],
      ['sort', { at: -1 }],
      ['skip', 1],
      ['limit', 1],
      ['addFields', { total: cmd('aggregate.multiply', ['$qty', '$price']) }],
      ['project', { _id: 0, uid: 1, total: 1 }],
    ]);
    expect(r.list).toEqual([{ uid: 'u2', total: 7 }]);
  });

  test('$lookup joins another collection and $unwind flattens it', async () => {
    const r = await agg([
      ['match', { shop: 's' }],
      ['sort', { at: 1 }],
      ['lookup', { from: 'users', localField: 'uid', foreignField: 'uid', as: 'user' }],
      ['unwind', '$user'],
      ['project', { _id: 1, name: '$user.name' }],
    ]);
    expect(r.list).toEqual([
      { _id: 'o1', name: 'Ann' },
      { _id: 'o2', name: 'Bo' },
      { _id: 'o3', name: 'Ann' },
    ]);
  });

  test('$unwind of an array field and $count', async () => {
    const r = await agg([
      ['match', { shop: 's' }],
      ['unwind', '$lines'],
      ['count', 'lines'],
    ]);
    expect(r.list).toEqual([{ lines: 3 }]);
  });

  test('strict mode refuses a pipeline whose $match no index serves, naming the collection', async () => {
    const e = await fails(emu, {
      op: 'aggregate',
      coll: 'orders',
      stages: [['match', { qty: 1 }]],
    });
    expect(e.errMsg).toMatch(/orders/);
    expect(e.errMsg).toMatch(/qty/);
  });
});
