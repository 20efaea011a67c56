/**
 * Final review fixes, through the emulator with the demo seed: transfers into a branch where
 * the person already has an old record, general branches (党总支) in the tree, party
 * standing in `setRole`, applications closed when their applicant is a full member
 * elsewhere, and `data` itself named by validation. Budgets: read 3, write 5.
 */
import type { TestEmulator } from '../helpers/emulator';
import {
  READ_BUDGET,
  WRITE_BUDGET,
  branchCaller,
  demoEmulator,
  err,
  ok,
  rid,
  type BranchAction,
  type Called,
} from '../helpers/branch';

let emu: TestEmulator;
const call = branchCaller(() => emu);
const C = 'org-committee';
const B1 = 'org-branch-1';
const B2 = 'org-branch-2';

beforeEach(async () => {
  emu = await demoEmulator();
});
afterEach(() => emu.close());

async function within<A extends BranchAction>(kind: 'read' | 'write', p: Promise<Called<A>>) {
  const r = await p;
  expect(r.dbRequests).toBeLessThanOrEqual(kind === 'read' ? READ_BUDGET : WRITE_BUDGET);
  return r;
}

async function invite(by: string, branchId: string) {
  return ok((await call(by, 'createInvite', { branchId }, rid())).result).code;
}

async function apply(openid: string, code: string) {
  return ok(
    (
      await call(
        openid,
        'applyToJoin',
        { code, realName: '赵小明', partyStatus: 'full', joinedPartyAt: '2015-07-01' },
        rid(),
      )
    ).result,
  ).applicationId;
}

async function review(by: string, applicationId: string, approve: boolean) {
  return call(
    by,
    'reviewApplication',
    approve ? { applicationId, approve } : { applicationId, approve, reason: '材料不全' },
    rid(),
  );
}

/** `demo-secretary-2` transfers `openid` from branch 2 to branch 1; `demo-secretary` accepts. */
async function transferToBranch1(openid: string) {
  const t = ok(
    (
      await within(
        'write',
        call('demo-secretary-2', 'transferMember', { branchId: B2, openid, toBranchId: B1 }, rid()),
      )
    ).result,
  );
  const accepted = ok(
    (
      await within(
        'write',
        call('demo-secretary', 'acceptTransfer', { membershipId: t.membershipId }, rid()),
      )
    ).result,
  );
  expect(accepted).toEqual({ membershipId: t.membershipId, branchId: B1, status: 'active' });
  return t.membershipId;
}

const recordsIn = (openid: string, orgId: string) =>
  emu.db.find('memberships', { openid, orgId }) as { _id: string; status: string }[];

describe('a transfer is not blocked by an old record in the receiving branch', () => {
  test('left, then a member of branch 2, then transferred back to branch 1', async () => {
    ok((await call('demo-elder', 'leaveBranch', { branchId: B1 }, rid())).result);
    expect(recordsIn('demo-elder', B1)).toEqual([expect.objectContaining({ status: 'left' })]);
    const app = await apply('demo-elder', await invite('demo-secretary-2', B2));
    ok((await review('demo-secretary-2', app, true)).result);

    const moved = await transferToBranch1('demo-elder');
    expect(recordsIn('demo-elder', B1)).toEqual([
      expect.objectContaining({ _id: moved, status: 'active' }),
    ]);
    expect(recordsIn('demo-elder', B2)).toEqual([]);
    const me = ok((await call('demo-elder', 'me')).result);
    expect(me.memberships.map((m) => [m.branchId, m.status])).toEqual([[B1, 'active']]);
    const listed = ok((await call('demo-secretary', 'listMembers', { branchId: B1 })).result);
    expect(listed.items.filter((i) => i.openid === 'demo-elder')).toHaveLength(1);
  });

  test('rejected by branch 1, approved by branch 2, then transferred to branch 1', async () => {
    const rejected = await apply('demo-newcomer', await invite('demo-secretary', B1));
    ok((await review('demo-secretary', rejected, false)).result);
    const app = await apply('demo-newcomer', await invite('demo-secretary-2', B2));
    ok((await review('demo-secretary-2', app, true)).result);

    const moved = await transferToBranch1('demo-newcomer');
    expect(recordsIn('demo-newcomer', B1)).toEqual([
      expect.objectContaining({ _id: moved, status: 'active' }),
    ]);
    const me = ok((await call('demo-newcomer', 'me')).result);
    expect(me.memberships.map((m) => [m.branchId, m.status])).toEqual([[B1, 'active']]);
    // The old rejection is superseded by the membership.
    expect(me.rejectedApplications).toEqual([]);
  });

  test('a pending application to branch 1 is superseded by the transfer', async () => {
    const pending = await apply('demo-newcomer', await invite('demo-secretary', B1));
    const app = await apply('demo-newcomer', await invite('demo-secretary-2', B2));
    ok((await review('demo-secretary-2', app, true)).result);
    const badge = async () =>
      ok((await call('demo-secretary', 'me')).result).memberships.find((m) => m.branchId === B1)!
        .pendingApprovals;
    const before = await badge();

    const moved = await transferToBranch1('demo-newcomer');
    expect(moved).not.toBe(pending);
    expect(emu.db.get('memberships', pending)).toBeFalsy();
    expect(recordsIn('demo-newcomer', B1)).toEqual([
      expect.objectContaining({ _id: moved, status: 'active' }),
    ]);
    expect(await badge()).toBe(before! - 1);
    const queue = ok((await call('demo-secretary', 'listApplications', { branchId: B1 })).result);
    expect(queue.items.map((i) => i.openid)).not.toContain('demo-newcomer');
  });

  test('an active member of the receiving branch is refused up front, in Chinese', async () => {
    // A second active record (e.g. left over from an import) in branch 2 for demo-elder.
    await emu.seed({
      memberships: [
        {
          _id: 'm-elder-b2',
          openid: 'demo-elder',
          orgId: B2,
          fullKey: 'm-elder-b2',
          committeeId: C,
          branchName: '幸福里社区第二党支部',
          role: 'member',
          status: 'active',
          realName: '何永福',
          sortKey: '何永福\u0000m-elder-b2',
          joinedAt: new Date(),
        },
      ],
    });
    const e = err(
      (
        await within(
          'write',
          call(
            'demo-secretary',
            'transferMember',
            { branchId: B1, openid: 'demo-elder', toBranchId: B2 },
            rid(),
          ),
        )
      ).result,
    );
    expect(e).toMatchObject({ code: 'CONFLICT', details: { reason: 'memberThere' } });
    expect(e.message).toContain('已是接收支部的正式成员');
  });
});

describe('general branches (党总支)', () => {
  test('the seed nests a branch under its general branch', async () => {
    const t = ok((await within('read', call('demo-member', 'tree'))).result);
    const g = t.root.children.find((n) => n.id === 'org-general-1')!;
    expect(g).toMatchObject({
      type: 'generalBranch',
      memberCount: null,
      name: '幸福里社区北区党总支',
    });
    expect(g.children).toEqual([
      expect.objectContaining({ id: 'org-branch-3', type: 'branch', memberCount: 0 }),
    ]);
    expect(t.root.children.find((n) => n.id === 'org-branch-3')).toBeUndefined();
  });

  test('committee admins create a general branch and a branch under it; the tree nests them', async () => {
    const g = ok(
      (
        await within(
          'write',
          call(
            'demo-committee',
            'createBranch',
            {
              committeeId: C,
              name: '幸福里社区南区党总支',
              gridArea: '南区',
              kind: 'generalBranch',
            },
            rid(),
          ),
        )
      ).result,
    );
    expect(g).toMatchObject({ kind: 'generalBranch', parentId: C, hasSecretary: false });
    const b = ok(
      (
        await within(
          'write',
          call(
            'demo-committee',
            'createBranch',
            {
              committeeId: C,
              name: '南区第一党支部',
              gridArea: '南区一网格',
              parentId: g.branchId,
            },
            rid(),
          ),
        )
      ).result,
    );
    expect(b).toMatchObject({ kind: 'branch', parentId: g.branchId, hasSecretary: false });

    const t = ok((await within('read', call('demo-committee', 'tree', { committeeId: C }))).result);
    const gn = t.root.children.find((n) => n.id === g.branchId)!;
    expect(gn).toMatchObject({ type: 'generalBranch', memberCount: null, gridArea: '南区' });
    expect(gn.children).toEqual([
      expect.objectContaining({ id: b.branchId, type: 'branch', hasSecretary: false }),
    ]);

    // The nested branch is a branch like any other: its first secretary is appointed...
    ok(
      (
        await within(
          'write',
          call(
            'demo-committee',
            'appointSecretary',
            { branchId: b.branchId, openid: 'demo-elder' },
            rid(),
          ),
        )
      ).result,
    );
    const t2 = ok((await call('demo-member', 'tree')).result);
    expect(
      t2.root.children.find((n) => n.id === g.branchId)!.children.find((n) => n.id === b.branchId),
    ).toMatchObject({ memberCount: 1, hasSecretary: true });
    // ...while a general branch has no secretary of its own, and is renamed like a branch.
    expect(
      err(
        (
          await call('demo-committee', 'appointSecretary', {
            branchId: g.branchId,
            openid: 'demo-member',
          })
        ).result,
      ).code,
    ).toBe('NOT_FOUND');
    expect(
      ok(
        (
          await within(
            'write',
            call(
              'demo-committee',
              'updateBranch',
              { branchId: g.branchId, name: '南区党总支' },
              rid(),
            ),
          )
        ).result,
      ),
    ).toEqual({ branchId: g.branchId, name: '南区党总支' });
    // Names are unique across both levels.
    expect(
      err(
        (
          await call('demo-committee', 'createBranch', {
            committeeId: C,
            name: '幸福里社区第一党支部',
            gridArea: '网格',
            kind: 'generalBranch',
          })
        ).result,
      ).code,
    ).toBe('CONFLICT');
  });

  test('a branch sits only under a general branch of the same committee', async () => {
    for (const parentId of [B1, 'org-nowhere']) {
      expect(
        err(
          (
            await call('demo-committee', 'createBranch', {
              committeeId: C,
              name: '某支部',
              gridArea: '网格',
              parentId,
            })
          ).result,
        ).code,
      ).toBe('NOT_FOUND');
    }
    const e = err(
      (
        await call('demo-committee', 'createBranch', {
          committeeId: C,
          name: '某总支',
          gridArea: '网格',
          kind: 'generalBranch',
          parentId: 'org-general-1',
        })
      ).result,
    );
    expect(e).toMatchObject({ code: 'INVALID_ARGUMENT', details: { fields: ['parentId'] } });
    expect(e.message).toContain('「parentId」');
  });

  test('only committee admins create general branches; nobody transfers into one', async () => {
    for (const who of ['demo-secretary', 'demo-member', 'demo-resident']) {
      expect(
        err(
          (
            await call(who, 'createBranch', {
              committeeId: C,
              name: '某总支',
              gridArea: '网格',
              kind: 'generalBranch',
            })
          ).result,
        ).code,
      ).toBe('FORBIDDEN');
    }
    expect(
      err(
        (
          await call('demo-secretary', 'transferMember', {
            branchId: B1,
            openid: 'demo-elder',
            toBranchId: 'org-general-1',
          })
        ).result,
      ).code,
    ).toBe('NOT_FOUND');
  });
});

describe('setRole respects party standing', () => {
  test.each([
    ['demo-activist', 'organizationCommittee', '入党积极分子'],
    ['demo-activist', 'member', '入党积极分子'],
    ['demo-activist', 'probationary', '入党积极分子'],
    ['demo-probationary', 'propagandaCommittee', '预备党员'],
    ['demo-probationary', 'deputySecretary', '预备党员'],
    ['demo-probationary', 'activist', '预备党员'],
    ['demo-elder', 'activist', '正式党员'],
    ['demo-elder', 'probationary', '正式党员'],
    ['demo-organizer', 'activist', '正式党员'],
  ])('%s → %s is CONFLICT partyStanding', async (openid, role, text) => {
    const before = emu.db.find('memberships', { openid, orgId: B1 });
    const e = err(
      (
        await within(
          'write',
          call('demo-secretary', 'setRole', { branchId: B1, openid, role }, rid()),
        )
      ).result,
    );
    expect(e).toMatchObject({ code: 'CONFLICT', details: { reason: 'partyStanding' } });
    expect(e.message).toContain(text);
    expect(emu.db.find('memberships', { openid, orgId: B1 })).toEqual(before);
  });

  test('a probationary member set to member is converted (转正); committee roles follow', async () => {
    expect(
      ok(
        (
          await within(
            'write',
            call(
              'demo-secretary',
              'setRole',
              { branchId: B1, openid: 'demo-probationary', role: 'member' },
              rid(),
            ),
          )
        ).result,
      ),
    ).toEqual({ openid: 'demo-probationary', role: 'member' });
    expect(emu.db.find('memberships', { openid: 'demo-probationary', orgId: B1 })).toEqual([
      expect.objectContaining({ role: 'member', partyStatus: 'full' }),
    ]);
    ok(
      (
        await call(
          'demo-secretary',
          'setRole',
          { branchId: B1, openid: 'demo-probationary', role: 'organizationCommittee' },
          rid(),
        )
      ).result,
    );
    // The activist's own role again is the same outcome, not a refusal.
    expect(
      ok(
        (
          await call('demo-secretary', 'setRole', {
            branchId: B1,
            openid: 'demo-activist',
            role: 'activist',
          })
        ).result,
      ),
    ).toEqual({ openid: 'demo-activist', role: 'activist' });
  });
});

test('approving an applicant who is a full member elsewhere closes the application', async () => {
  const pending = await apply('demo-newcomer', await invite('demo-secretary', B1));
  const app = await apply('demo-newcomer', await invite('demo-secretary-2', B2));
  ok((await review('demo-secretary-2', app, true)).result);
  const badge = async () =>
    ok((await call('demo-secretary', 'me')).result).memberships.find((m) => m.branchId === B1)!
      .pendingApprovals;
  const before = await badge();

  const e = err((await within('write', review('demo-secretary', pending, true))).result);
  expect(e).toMatchObject({
    code: 'CONFLICT',
    details: { reason: 'memberElsewhere', status: 'rejected' },
  });
  expect(emu.db.get('memberships', pending)).toMatchObject({
    status: 'rejected',
    reason: '已是其他支部正式党员',
    fullKey: pending,
  });
  expect(await badge()).toBe(before! - 1);
  const mine = ok((await call('demo-newcomer', 'myApplications')).result);
  expect(mine.items.find((i) => i.applicationId === pending)).toMatchObject({
    status: 'rejected',
    reason: '已是其他支部正式党员',
  });
  // Reviewing it again: already handled.
  expect(err((await review('demo-secretary', pending, true)).result)).toMatchObject({
    code: 'CONFLICT',
    details: { reason: 'alreadyReviewed' },
  });
});

describe('data that is not an object is named as the field `data`', () => {
  test.each([
    ['createInvite', null],
    ['createInvite', 'x'],
    ['createInvite', [B1]],
    ['listMembers', 5],
    ['me', 'x'],
  ] as const)('%s with data %j', async (action, data) => {
    const { result } = await call('demo-secretary', action, data);
    const e = err(result);
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.details).toEqual({ fields: ['data'] });
    expect(e.message).toContain('「data」');
  });
});
