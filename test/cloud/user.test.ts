/**
 * The `user` function through the emulator: the real wx-server-sdk, a fresh store per
 * test, strict indexes from database/indexes.json.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { MeResponse, Result } from '../../typings/api';
import { createTestEmulator } from '../helpers/emulator';
import { reviveDates } from '../helpers/branch';

type Emulator = Awaited<ReturnType<typeof createTestEmulator>>;
type Docs = Record<string, Record<string, unknown>[]>;

const READ_BUDGET = 3;

const day = (iso: string) => new Date(`${iso}T00:00:00.000Z`);

const fixtures: Docs = {
  users: [
    { _id: 'u-secretary', nickname: '王建国', createdAt: day('2025-03-01') },
    { _id: 'u-member', nickname: '李秀英', createdAt: day('2025-03-05') },
    { _id: 'u-newcomer', nickname: '赵小明', createdAt: day('2026-01-10') },
    { _id: 'u-left', nickname: '钱多多', createdAt: day('2025-01-01') },
  ],
  organizations: [
    { _id: 'o-committee', name: '幸福里社区党委', type: 'committee', parentId: null },
    { _id: 'o-b1', name: '幸福里社区第一党支部', type: 'branch', parentId: 'o-committee' },
    { _id: 'o-b2', name: '幸福里社区第二党支部', type: 'branch', parentId: 'o-committee' },
  ],
  memberships: [
    {
      _id: 'm-b1-secretary',
      openid: 'u-secretary',
      fullKey: 'u-secretary',
      orgId: 'o-b1',
      role: 'secretary',
      status: 'active',
      joinedAt: day('2025-03-01'),
    },
    {
      _id: 'm-b1-member',
      openid: 'u-member',
      fullKey: 'u-member',
      orgId: 'o-b1',
      role: 'member',
      status: 'active',
      joinedAt: day('2025-03-05'),
    },
    {
      _id: 'm-b2-left',
      openid: 'u-left',
      fullKey: 'm-b2-left',
      orgId: 'o-b2',
      role: 'member',
      status: 'left',
      joinedAt: day('2025-01-01'),
    },
  ],
};

let emu: Emulator;

beforeEach(async () => {
  emu = await createTestEmulator();
  await emu.seed(fixtures);
});

afterEach(async () => {
  await emu.close();
});

async function me(openid: string, data?: unknown) {
  const event = data === undefined ? { action: 'me' } : { action: 'me', data };
  const { result, dbRequests } = await emu.call('user', event, { openid });
  return { result: result as Result<MeResponse>, dbRequests };
}

function okData(result: Result<MeResponse>): MeResponse {
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.error)}`);
  return result.data;
}

describe('user.me', () => {
  test('a branch member sees their profile and branch role', async () => {
    const { result, dbRequests } = await me('u-member');
    const data = okData(result);
    expect(data).toMatchObject({
      registered: true,
      nickname: '李秀英',
      kind: 'member',
      branches: [{ id: 'o-b1', name: '幸福里社区第一党支部', role: 'member' }],
    });
    // Non-zero first, so a counter that counts nothing cannot pass the budget check.
    expect(dbRequests).toBeGreaterThan(0);
    expect(dbRequests).toBeLessThanOrEqual(READ_BUDGET);
  });

  test('a secretary sees the secretary role', async () => {
    const data = okData((await me('u-secretary')).result);
    expect(data.kind).toBe('member');
    expect(data.branches).toEqual([
      { id: 'o-b1', name: '幸福里社区第一党支部', role: 'secretary' },
    ]);
  });

  test('a registered user without a branch is a resident', async () => {
    const { result, dbRequests } = await me('u-newcomer');
    expect(okData(result)).toMatchObject({
      registered: true,
      nickname: '赵小明',
      kind: 'resident',
      branches: [],
    });
    expect(dbRequests).toBeLessThanOrEqual(READ_BUDGET);
  });

  test('a membership that has ended does not count', async () => {
    const data = okData((await me('u-left')).result);
    expect(data.kind).toBe('resident');
    expect(data.branches).toEqual([]);
  });

  test('an unknown WeChat user is a guest', async () => {
    const { result, dbRequests } = await me('u-never-seen');
    expect(okData(result)).toMatchObject({
      registered: false,
      nickname: null,
      kind: 'guest',
      branches: [],
    });
    expect(dbRequests).toBeLessThanOrEqual(READ_BUDGET);
  });

  test('serverTime is the current time as ISO 8601', async () => {
    const before = Date.now();
    const data = okData((await me('u-member')).result);
    const at = Date.parse(data.serverTime);
    expect(data.serverTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(at).toBeGreaterThanOrEqual(before - 1000);
    expect(at).toBeLessThanOrEqual(Date.now() + 1000);
  });

  test('an openid inside data is ignored: the caller sees only themselves', async () => {
    const data = okData((await me('u-member', { openid: 'u-secretary' })).result);
    expect(data.nickname).toBe('李秀英');
    expect(data.branches.map((b) => b.role)).toEqual(['member']);

    const guest = okData((await me('u-never-seen', { openid: 'u-secretary' })).result);
    expect(guest.kind).toBe('guest');
  });

  test('branches of a member of two branches come in joining order', async () => {
    await emu.seed({
      memberships: [
        {
          _id: 'm-b2-member-earlier',
          openid: 'u-member',
          // Not a second organisational membership (unique `fullKey`): a committee role.
          fullKey: 'm-b2-member-earlier',
          orgId: 'o-b2',
          role: 'propagandaCommittee',
          status: 'active',
          joinedAt: day('2024-06-01'),
        },
      ],
    });
    const { result, dbRequests } = await me('u-member');
    expect(okData(result).branches).toEqual([
      { id: 'o-b2', name: '幸福里社区第二党支部', role: 'propagandaCommittee' },
      { id: 'o-b1', name: '幸福里社区第一党支部', role: 'member' },
    ]);
    expect(dbRequests).toBeLessThanOrEqual(READ_BUDGET);
  });

  test('the read budget holds however many members the branches have', async () => {
    const users = [];
    const memberships = [];
    for (let i = 0; i < 300; i++) {
      users.push({ _id: `bulk-${i}`, nickname: `党员${i}`, createdAt: day('2025-05-01') });
      memberships.push({
        _id: `m-bulk-${i}`,
        openid: `bulk-${i}`,
        fullKey: `bulk-${i}`,
        orgId: i % 2 ? 'o-b1' : 'o-b2',
        role: 'member',
        status: 'active',
        joinedAt: day('2025-05-01'),
      });
    }
    await emu.seed({ users, memberships });
    for (const openid of ['u-member', 'u-newcomer', 'u-never-seen', 'bulk-7']) {
      const { result, dbRequests } = await me(openid);
      expect(result.ok).toBe(true);
      expect(dbRequests).toBeLessThanOrEqual(READ_BUDGET);
    }
  });
});

describe('demo data (database/seed/demo.json)', () => {
  const file = path.join(__dirname, '..', '..', 'database', 'seed', 'demo.json');
  const demo = reviveDates(JSON.parse(readFileSync(file, 'utf8'))) as { collections: Docs };

  beforeEach(async () => {
    // Replace the fixtures with exactly what `npm start` loads.
    await emu.close();
    emu = await createTestEmulator();
    await emu.seed(demo.collections);
  });

  test.each([
    ['demo-secretary', 'member', 'secretary'],
    ['demo-member', 'member', 'member'],
    ['demo-newcomer', 'resident', null],
    ['demo-resident', 'resident', null],
  ])('%s signs in as a %s', async (openid, kind, role) => {
    const data = okData((await me(openid)).result);
    expect(data.registered).toBe(true);
    expect(data.kind).toBe(kind);
    expect(data.branches.map((b) => b.role)).toEqual(role ? [role] : []);
    if (role) expect(data.branches[0].name).toBe('幸福里社区第一党支部');
  });

  test('branches have enough members for lists to show something', () => {
    const active = demo.collections.memberships.filter((m) => m.status === 'active');
    for (const orgId of ['org-branch-1', 'org-branch-2']) {
      expect(active.filter((m) => m.orgId === orgId).length).toBeGreaterThanOrEqual(3);
    }
  });

  test('every membership points at an existing user and organisation, once', () => {
    const users = new Set(demo.collections.users.map((u) => u._id));
    const orgs = new Set(demo.collections.organizations.map((o) => o._id));
    const pairs = new Set<string>();
    for (const m of demo.collections.memberships) {
      expect(users.has(m.openid as string)).toBe(true);
      expect(orgs.has(m.orgId as string)).toBe(true);
      const pair = `${m.openid}/${m.orgId}`;
      expect(pairs.has(pair)).toBe(false);
      pairs.add(pair);
    }
  });
});

describe('the daily request-log clean-up (timer pruneRequestLog)', () => {
  test('removes answers older than a week in one request and keeps the recent ones', async () => {
    const daysAgo = (n: number) => new Date(Date.now() - n * 24 * 3600 * 1000);
    const entry = (id: string, createdAt: Date) => ({
      _id: id,
      state: 'done',
      fn: 'branch',
      action: 'postNotice',
      createdAt,
      result: { noticeId: id },
    });
    await emu.seed({
      requestLog: [
        entry('old-1', daysAgo(30)),
        entry('old-2', daysAgo(8)),
        entry('recent', daysAgo(6)),
        entry('today', daysAgo(0)),
      ],
    });
    const fired = await emu.emulator.fireTimer('user', 'pruneRequestLog');
    expect(fired.error).toBeUndefined();
    expect(fired.result).toEqual({ ok: true, data: null });
    expect(fired.dbRequests).toBe(1);
    const left = emu.db
      .find('requestLog', {})
      .map((d: Record<string, unknown>) => d._id)
      .sort();
    expect(left).toEqual(['recent', 'today']);
  });

  test('is declared as a daily timer CloudBase will deploy', () => {
    const config = JSON.parse(
      readFileSync(path.join(__dirname, '../../cloudfunctions/user/config.json'), 'utf8'),
    );
    expect(config.triggers).toEqual([
      { name: 'pruneRequestLog', type: 'timer', config: '0 30 3 * * * *' },
    ]);
  });
});
