/**
 * The reviewer's fixes (issue #3 follow-up), through the emulator with the demo seed:
 * masked phones in the application queue, applying rules, declining and cancelling
 * transfers, notice audiences of current members, paginated read lists, reminders,
 * active invitations, reporting by code, `me` additions, permission before state, and
 * fields named by validation. Budgets: read 3, write 5.
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

async function invite(by = 'demo-secretary', branchId = B1) {
  return ok((await call(by, 'createInvite', { branchId }, rid())).result);
}

async function apply(openid: string, code: string) {
  return call(
    openid,
    'applyToJoin',
    {
      code,
      realName: '赵小明',
      partyStatus: 'full',
      joinedPartyAt: '2015-07-01',
      phone: '13912345678',
    },
    rid(),
  );
}

test('listApplications masks phones for the organisation committee, not for the secretary', async () => {
  const { code } = await invite();
  ok((await apply('demo-newcomer', code)).result);
  const org = ok(
    (await within('read', call('demo-organizer', 'listApplications', { branchId: B1 }))).result,
  );
  const mine = org.items.find((i) => i.openid === 'demo-newcomer')!;
  expect(mine).toMatchObject({ phone: '139****5678', phoneMasked: true });
  const sec = ok((await call('demo-secretary', 'listApplications', { branchId: B1 })).result);
  expect(sec.items.find((i) => i.openid === 'demo-newcomer')).toMatchObject({
    phone: '13912345678',
    phoneMasked: false,
  });
});

describe('transfers', () => {
  test('declined by the receiving organisation committee member, cancelled by the sender', async () => {
    const t = ok(
      (
        await call(
          'demo-secretary',
          'transferMember',
          { branchId: B1, openid: 'demo-elder', toBranchId: B2 },
          rid(),
        )
      ).result,
    );
    const d = await within(
      'write',
      call(
        'demo-organizer-2',
        'declineTransfer',
        { membershipId: t.membershipId, reason: '请先办理党费' },
        rid(),
      ),
    );
    const declined = ok(d.result);
    expect(declined).toEqual({ membershipId: t.membershipId, status: 'declined' });
    expect(emu.db.get('memberships', t.membershipId)).toMatchObject({
      orgId: B1,
      status: 'active',
      transferTo: null,
      transferDeclinedReason: '请先办理党费',
    });
    expect(
      ok((await call('demo-secretary-2', 'listTransfers', { branchId: B2 })).result).items,
    ).toEqual([]);

    ok(
      (
        await call(
          'demo-secretary',
          'transferMember',
          { branchId: B1, openid: 'demo-elder', toBranchId: B2 },
          rid(),
        )
      ).result,
    );
    // The sending side's other roles may not cancel.
    expect(
      err(
        (await call('demo-member', 'cancelTransfer', { membershipId: t.membershipId }, rid()))
          .result,
      ).code,
    ).toBe('FORBIDDEN');
    const c = await within(
      'write',
      call('demo-secretary', 'cancelTransfer', { membershipId: t.membershipId }, rid()),
    );
    expect(ok(c.result)).toEqual({ membershipId: t.membershipId, status: 'cancelled' });
    expect(
      err(
        (await call('demo-secretary-2', 'acceptTransfer', { membershipId: t.membershipId }, rid()))
          .result,
      ).code,
    ).toBe('NOT_FOUND');
    expect(
      err(
        (await call('demo-secretary', 'cancelTransfer', { membershipId: t.membershipId }, rid()))
          .result,
      ).code,
    ).toBe('NOT_FOUND');
  });

  test('after a transfer and leaving, applying to the old branch again is a new application', async () => {
    const t = ok(
      (
        await call(
          'demo-secretary',
          'transferMember',
          { branchId: B1, openid: 'demo-elder', toBranchId: B2 },
          rid(),
        )
      ).result,
    );
    ok(
      (await call('demo-secretary-2', 'acceptTransfer', { membershipId: t.membershipId }, rid()))
        .result,
    );
    ok((await call('demo-elder', 'leaveBranch', { branchId: B2 }, rid())).result);
    const { code } = await invite();
    const r = await within('write', apply('demo-elder', code));
    const app = ok(r.result);
    expect(app.applicationId).not.toBe(t.membershipId);
    expect(emu.db.get('memberships', app.applicationId)).toMatchObject({
      openid: 'demo-elder',
      orgId: B1,
      status: 'pending',
    });
    // And while a member of branch 2, applying to branch 1 says why it cannot be.
    const { code: code2 } = await invite();
    expect(err((await apply('demo-member-2', code2)).result).details).toEqual({
      reason: 'memberElsewhere',
    });
  });
});

describe('notice audience: the current active members', () => {
  test('a member joining later should read it; readers who left or are reported never count', async () => {
    const posted = ok(
      (
        await call(
          'demo-propaganda',
          'postNotice',
          { branchId: B1, title: '学习通知', body: '周六学习' },
          rid(),
        )
      ).result,
    );
    // The reported member (双报到) reads it: n stays among members.
    const byReported = ok(
      (await call('demo-member-2', 'readNotice', { noticeId: posted.noticeId })).result,
    );
    expect(byReported.readCount).toBe(1);
    // A newcomer joins after posting.
    const { code } = await invite();
    const app = ok((await apply('demo-newcomer', code)).result);
    ok(
      (
        await call(
          'demo-secretary',
          'reviewApplication',
          { applicationId: app.applicationId, approve: true },
          rid(),
        )
      ).result,
    );
    // A reader leaves.
    ok((await call('demo-elder', 'readNotice', { noticeId: posted.noticeId })).result);
    ok((await call('demo-elder', 'leaveBranch', { branchId: B1 }, rid())).result);

    const r = await within(
      'read',
      call('demo-propaganda', 'noticeReads', { noticeId: posted.noticeId }),
    );
    const reads = ok(r.result);
    const members = emu.db.find('memberships', { orgId: B1, status: 'active' }).length;
    expect(reads.audienceCount).toBe(members);
    expect(reads.readCount).toBe(1); // the author only
    expect(reads.read.map((x) => x.openid)).toEqual(['demo-propaganda']);
    expect(reads.unread.map((x) => x.openid)).toContain('demo-newcomer');
    expect(reads.unread.map((x) => x.openid)).not.toContain('demo-elder');
    const detail = ok(
      (
        await within(
          'write',
          call('demo-newcomer', 'readNotice', { noticeId: posted.noticeId }, rid()),
        )
      ).result,
    );
    expect(detail).toMatchObject({ readCount: 2, audienceCount: members });
    expect(detail.readCount).toBeLessThanOrEqual(detail.audienceCount);
  });

  test('noticeReads pages the unread list 20 at a time', async () => {
    const now = new Date();
    await emu.seed({
      memberships: Array.from({ length: 45 }, (_, i) => {
        const id = `m-extra-${String(i).padStart(2, '0')}`;
        return {
          _id: id,
          openid: `extra-${i}`,
          orgId: B1,
          fullKey: `extra-${i}`,
          committeeId: 'org-committee',
          branchName: '幸福里社区第一党支部',
          role: 'member',
          status: 'active',
          realName: `党员${String(i).padStart(2, '0')}`,
          sortKey: `党员${String(i).padStart(2, '0')}\u0000${id}`,
          joinedAt: now,
        };
      }),
    });
    const posted = ok(
      (
        await call(
          'demo-propaganda',
          'postNotice',
          { branchId: B1, title: '通知', body: '内容' },
          rid(),
        )
      ).result,
    );
    const first = ok(
      (await call('demo-propaganda', 'noticeReads', { noticeId: posted.noticeId })).result,
    );
    expect(first.unread).toHaveLength(20);
    const seen = new Set(first.unread.map((x) => x.openid));
    let cursor = first.unreadNextCursor;
    while (cursor) {
      const r = await within(
        'read',
        call('demo-propaganda', 'noticeReads', {
          noticeId: posted.noticeId,
          list: 'unread',
          cursor,
        }),
      );
      const page = ok(r.result);
      expect(page.items!.length).toBeLessThanOrEqual(20);
      expect(page.read).toEqual([]);
      for (const x of page.items!) {
        expect(seen.has(x.openid)).toBe(false);
        seen.add(x.openid);
      }
      cursor = page.nextCursor ?? null;
    }
    expect(seen.size).toBe(first.audienceCount! - first.readCount!);
  });
});

describe('remindUnread', () => {
  async function post() {
    return ok(
      (
        await call(
          'demo-propaganda',
          'postNotice',
          { branchId: B1, title: '学习通知', body: '周六学习' },
          rid(),
        )
      ).result,
    ).noticeId;
  }

  test('five concurrent reminders send once; the next day it works again', async () => {
    const noticeId = await post();
    emu.emulator.outbox.clear();
    const results = await Promise.all(
      Array.from({ length: 5 }, () => call('demo-propaganda', 'remindUnread', { noticeId }, rid())),
    );
    const sent = results.filter((r) => r.result.ok);
    expect(sent).toHaveLength(1);
    for (const r of results) {
      expect(r.dbRequests).toBeLessThanOrEqual(WRITE_BUDGET);
      if (!r.result.ok) expect(r.result.error.code).toBe('RATE_LIMITED');
    }
    const first = ok(sent[0].result);
    expect(first.sent).toBeGreaterThan(0);
    expect(first.remaining).toBe(0);
    expect(emu.emulator.outbox.list()).toHaveLength(first.sent);

    // Move the stored day back: "yesterday" it was reminded.
    const doc = emu.db.get('notices', noticeId)!;
    emu.db.remove('notices', { _id: noticeId }, false);
    await emu.seed({ notices: [{ ...doc, remindedOn: '2000-01-01' }] });
    const again = await within(
      'write',
      call('demo-secretary', 'remindUnread', { noticeId }, rid()),
    );
    expect(ok(again.result).sent).toBe(first.sent);
  });

  test('when every message fails the day is given back', async () => {
    const noticeId = await post();
    // An empty title makes every subscribe message invalid (thing1 is empty).
    const doc = emu.db.get('notices', noticeId)!;
    emu.db.remove('notices', { _id: noticeId }, false);
    await emu.seed({ notices: [{ ...doc, title: '' }] });
    const r = ok(
      (await within('write', call('demo-propaganda', 'remindUnread', { noticeId }, rid()))).result,
    );
    expect(r.sent).toBe(0);
    expect(r.skipped).toBeGreaterThan(0);
    expect(emu.db.get('notices', noticeId)).toMatchObject({ remindedOn: null });
  });
});

test('listInvites shows active invitations only, each revocable', async () => {
  const a = await invite();
  const b = await invite('demo-organizer');
  ok((await call('demo-secretary', 'revokeInvite', { code: a.code }, rid())).result);
  const r = await within('read', call('demo-deputy', 'listInvites', { branchId: B1 }));
  const list = ok(r.result);
  expect(list.items.map((i) => i.code)).toEqual([b.code]);
  expect(list.items[0]).toMatchObject({
    branchId: B1,
    createdBy: 'demo-organizer',
    expiresAt: b.expiresAt,
  });
  expect(typeof list.items[0].createdAt).toBe('string');
  expect(list.nextCursor).toBeNull();
  ok((await call('demo-deputy', 'revokeInvite', { code: list.items[0].code }, rid())).result);
  expect(ok((await call('demo-deputy', 'listInvites', { branchId: B1 })).result).items).toEqual([]);
  expect(err((await call('demo-member', 'listInvites', { branchId: B1 })).result).code).toBe(
    'FORBIDDEN',
  );
});

test('reportToBranch by an invitation code of the community branch', async () => {
  const { code } = await invite('demo-secretary-2', B2);
  const r = await within(
    'write',
    call('demo-member', 'reportToBranch', { code: code.toLowerCase() }, rid()),
  );
  expect(ok(r.result)).toMatchObject({ branchId: B2, status: 'pending' });
  ok((await call('demo-secretary-2', 'revokeInvite', { code }, rid())).result);
  expect(err((await call('demo-elder', 'reportToBranch', { code }, rid())).result).code).toBe(
    'CONFLICT',
  );
  expect(
    err((await call('demo-elder', 'reportToBranch', { code: 'NOSUCH99' }, rid())).result).code,
  ).toBe('NOT_FOUND');
  expect(
    err((await call('demo-elder', 'reportToBranch', { code, branchId: B2 }, rid())).result).details,
  ).toEqual({ fields: ['branchId'] });
});

test('me shows up to three unread notices per membership and a rejected application', async () => {
  const { code } = await invite();
  const app = ok((await apply('demo-newcomer', code)).result);
  ok(
    (
      await call(
        'demo-secretary',
        'reviewApplication',
        { applicationId: app.applicationId, approve: false, reason: '材料不全' },
        rid(),
      )
    ).result,
  );
  const newcomer = ok((await within('read', call('demo-newcomer', 'me'))).result);
  expect(newcomer.rejectedApplications).toEqual([
    expect.objectContaining({
      applicationId: app.applicationId,
      branchName: '幸福里社区第一党支部',
      reason: '材料不全',
    }),
  ]);
  const member = ok((await within('read', call('demo-member', 'me'))).result);
  const b1 = member.memberships.find((m) => m.branchId === B1)!;
  expect(b1.unreadNoticeItems!.length).toBe(Math.min(3, b1.unreadNotices));
  expect(b1.unreadNoticeItems!.every((n) => !n.read && n.noticeId && n.title)).toBe(true);
});

describe('permission comes before NOT_FOUND / CONFLICT', () => {
  test.each([
    ['reviewApplication', { applicationId: 'no-such', approve: true }],
    ['reviewReport', { reportId: 'no-such', approve: true }],
    ['renameGroup', { groupId: 'no-such', name: '第九党小组' }],
    ['appointSecretary', { branchId: 'no-such', openid: 'demo-elder' }],
    ['acceptTransfer', { membershipId: 'no-such' }],
    ['declineTransfer', { membershipId: 'no-such', reason: '不接收' }],
    ['cancelTransfer', { membershipId: 'no-such' }],
  ] as const)('%s by a plain member is FORBIDDEN', async (action, data) => {
    expect(err((await call('demo-member', action, data, rid())).result).code).toBe('FORBIDDEN');
  });
});

describe('validation names the field', () => {
  test.each([
    ['revokeInvite', { code: '' }, 'code'],
    ['myApplications', { x: 1, nope: true } as object, null],
    ['listApplications', { branchId: B1, status: 'gone' }, 'status'],
    ['memberCard', { branchId: 7 }, 'branchId'],
    ['handOverSecretary', { branchId: B1 }, 'toOpenid'],
    ['transferMember', { branchId: B1, openid: 'demo-elder' }, 'toBranchId'],
    ['listTransfers', {}, 'branchId'],
    ['acceptTransfer', { membershipId: '' }, 'membershipId'],
    ['declineTransfer', { membershipId: 'x' }, 'reason'],
    ['cancelTransfer', {}, 'membershipId'],
    ['listInvites', { branchId: B1, cursor: '!!!' }, 'cursor'],
    ['createGroup', { branchId: B1, name: 'x'.repeat(21) }, 'name'],
    ['tree', { committeeId: 5 }, 'committeeId'],
    ['noticeReads', { noticeId: 'n-b1-dues', list: 'maybe' }, 'list'],
    ['noticeReads', { noticeId: 'n-b1-dues', cursor: 'abc' }, 'list'],
    ['remindUnread', { noticeId: 3 }, 'noticeId'],
    ['moderateNotice', { noticeId: 'n-b1-dues', approve: 'yes' }, 'approve'],
  ] as const)('%s %j → %s', async (action, data, field) => {
    const r = (await call('demo-secretary', action as BranchAction, data)).result;
    if (field === null) {
      // No required field: unknown keys are stripped, the call succeeds.
      expect(r.ok).toBe(true);
      return;
    }
    const e = err(r);
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toContain(field);
    expect((e.details as { fields: string[] }).fields).toContain(field);
  });

  test('missing data for an action with required fields names a field', async () => {
    const e = err((await call('demo-secretary', 'listMembers')).result);
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toMatch(/branchId/);
  });
});

test('validation messages are plain Chinese naming the field; explicit messages are kept', async () => {
  const missing = err((await call('demo-secretary', 'moderateNotice', { noticeId: 'x' })).result);
  expect(missing.message).toBe('请填写「approve」');
  const wrong = err(
    (await call('demo-secretary', 'moderateNotice', { noticeId: 'x', approve: 'yes' })).result,
  );
  expect(wrong.message).toBe('「approve」格式不正确');
  const explicit = err(
    (await call('demo-secretary', 'reviewApplication', { applicationId: 'x', approve: false }))
      .result,
  );
  expect(explicit.message).toBe('参数「reason」有误：驳回时请填写原因');
});
