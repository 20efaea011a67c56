/**
 * The other `branch` actions through the emulator with the demo seed: happy paths, the
 * database requests each makes (ARCHITECTURE §6, measured with a requestId on writes),
 * validation naming the field, notices with content security and reminders.
 */
import type { TestEmulator } from '../helpers/emulator';
import {
  READ_BUDGET,
  WRITE_BUDGET,
  branchCaller,
  demoCollections,
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

beforeEach(async () => {
  emu = await demoEmulator();
});
afterEach(() => emu.close());

async function within<A extends BranchAction>(kind: 'read' | 'write', p: Promise<Called<A>>) {
  const r = await p;
  expect(r.dbRequests).toBeGreaterThan(0);
  expect(r.dbRequests).toBeLessThanOrEqual(kind === 'read' ? READ_BUDGET : WRITE_BUDGET);
  return ok(r.result);
}

test('me: the secretary home has pinned and unread notices and pending approvals', async () => {
  const me = await within('read', call('demo-secretary', 'me'));
  expect(me.memberships).toHaveLength(1);
  const m = me.memberships[0];
  expect(m).toMatchObject({
    branchId: B1,
    role: 'secretary',
    status: 'active',
    pendingApprovals: 1,
  });
  expect(m.pinnedNotices.map((n) => n.noticeId)).toEqual(['n-b1-theme-day']);
  expect(m.unreadNotices).toBe(1); // n-b1-lesson
  const member = await within('read', call('demo-member', 'me'));
  expect(member.memberships[0].pendingApprovals).toBeNull();
  expect(member.memberships[0].unreadNotices).toBe(2);
  expect((await within('read', call('demo-newcomer', 'me'))).memberships).toEqual([]);
});

test('me: a central household’s member learns its open requests in the same requests as before', async () => {
  const HH = 'hh9c7a90fecf2fd066d101587710b928'; // demo-member's, 2 open requests in the seed
  const seeded = demoCollections().liaisonHouseholds.find((h) => h._id === HH)!;
  // Not theirs to answer: a stepped-down household, and one in a branch they are no member of.
  await emu.seed({
    liaisonHouseholds: [
      { ...seeded, _id: 'hh-old', active: false, openRequests: 3, sortKey: 'x\u0000hh-old' },
      { ...seeded, _id: 'hh-b2', branchId: 'org-branch-2', openRequests: 4, sortKey: 'x\u0000b2' },
    ],
  });
  const member = await call('demo-member', 'me');
  expect(ok(member.result).liaisonRequests).toEqual({ households: 1, openRequests: 2 });
  // Memberships (with reports and households joined), the branch's notices: as before.
  expect(member.dbRequests).toBe(2);

  // A resident's new request counts at once.
  const sent = await emu.call(
    'liaison',
    { action: 'submitRequest', data: { category: 'repair', text: '楼道灯坏了' }, requestId: rid() },
    { openid: 'demo-resident' },
  );
  expect(sent.result).toMatchObject({ ok: true });
  expect(ok((await call('demo-member', 'me')).result).liaisonRequests).toEqual({
    households: 1,
    openRequests: 3,
  });

  // A central household with nothing open says so; members who are none get no field.
  expect(ok((await call('demo-member-2', 'me')).result).liaisonRequests).toEqual({
    households: 1,
    openRequests: 0,
  });
  const secretary = await call('demo-secretary', 'me');
  expect(ok(secretary.result).liaisonRequests).toBeUndefined();
  // Memberships, notices, pending applications and transfers: as before.
  expect(secretary.dbRequests).toBe(3);
  const newcomer = await call('demo-newcomer', 'me');
  expect(ok(newcomer.result).liaisonRequests).toBeUndefined();
  expect(newcomer.dbRequests).toBe(2);
});

test('listMembers: pages of 20 by name, keyword search, phones masked for members', async () => {
  const first = await within('read', call('demo-member', 'listMembers', { branchId: B1 }));
  expect(first.items.length).toBeLessThanOrEqual(20);
  const all = [...first.items];
  let cursor = first.nextCursor;
  while (cursor) {
    const next = await within('read', call('demo-member', 'listMembers', { branchId: B1, cursor }));
    all.push(...next.items);
    cursor = next.nextCursor;
  }
  expect(new Set(all.map((i) => i.openid)).size).toBe(all.length);
  expect(all.map((i) => i.openid)).toEqual(
    expect.arrayContaining(['demo-secretary', 'demo-member']),
  );
  expect(all.find((i) => i.openid === 'demo-elder')?.phone).toBe('138****1008');
  const sec = await within(
    'read',
    call('demo-secretary', 'listMembers', { branchId: B1, keyword: '永福' }),
  );
  expect(sec.items).toEqual([
    expect.objectContaining({ name: '何永福', phone: '13800001008', phoneMasked: false }),
  ]);
});

test('listMembers paginates a large branch without repeats', async () => {
  const memberships = Array.from({ length: 45 }, (_, i) => ({
    _id: `m-bulk-${i}`,
    openid: `bulk-${i}`,
    orgId: B1,
    fullKey: `bulk-${i}`,
    role: 'member',
    status: 'active',
    realName: `党员${String(i).padStart(2, '0')}`,
    sortKey: `党员${String(i).padStart(2, '0')}\u0000m-bulk-${i}`,
    joinedAt: new Date(),
  }));
  await emu.seed({ memberships });
  const seen: string[] = [];
  let cursor: string | null | undefined;
  do {
    const page = await within(
      'read',
      call('demo-member', 'listMembers', { branchId: B1, ...(cursor ? { cursor } : {}) }),
    );
    expect(page.items.length).toBeLessThanOrEqual(20);
    seen.push(...page.items.map((i) => i.openid));
    cursor = page.nextCursor;
  } while (cursor);
  expect(seen.length).toBe(new Set(seen).size);
  expect(seen.filter((o) => o.startsWith('bulk-'))).toHaveLength(45);
});

test('memberCard shows identity, standing and political birthday', async () => {
  const card = await within(
    'read',
    call('demo-member', 'memberCard', { branchId: B1, openid: 'demo-elder' }),
  );
  expect(card).toMatchObject({
    name: '何永福',
    branchName: '幸福里社区第一党支部',
    role: 'member',
    joinedPartyAt: '1972-09-09',
    politicalBirthday: '09-09',
    phone: '138****1008',
  });
  expect(card.partyYears).toBeGreaterThanOrEqual(53);
  const own = await within('read', call('demo-member', 'memberCard', { branchId: B1 }));
  expect(own).toMatchObject({ name: '李秀英', phone: '13800001002', phoneMasked: false });
});

test('setRole, assignGroup, createGroup, tree', async () => {
  expect(
    await within(
      'write',
      call(
        'demo-secretary',
        'setRole',
        { branchId: B1, openid: 'demo-elder', role: 'disciplineCommittee' },
        rid(),
      ),
    ),
  ).toEqual({ openid: 'demo-elder', role: 'disciplineCommittee' });
  const g = await within(
    'write',
    call('demo-secretary', 'createGroup', { branchId: B1, name: '第三党小组' }, rid()),
  );
  expect(
    await within(
      'write',
      call(
        'demo-secretary',
        'assignGroup',
        { branchId: B1, openid: 'demo-elder', groupId: g.groupId },
        rid(),
      ),
    ),
  ).toEqual({ openid: 'demo-elder', groupId: g.groupId, groupName: '第三党小组' });
  expect(
    err((await call('demo-secretary', 'createGroup', { branchId: B1, name: '第三党小组' })).result)
      .code,
  ).toBe('CONFLICT');
  const t = await within('read', call('demo-member', 'tree'));
  expect(t.root).toMatchObject({ id: 'org-committee', type: 'committee' });
  const b1 = t.root.children.find((c) => c.id === B1)!;
  expect(b1.gridArea).toContain('网格');
  expect(b1.children.map((c) => c.name)).toEqual(['第一党小组', '第三党小组', '第二党小组']);
  expect(
    err(
      (
        await call('demo-secretary', 'setRole', {
          branchId: B1,
          openid: 'demo-secretary',
          role: 'member',
        })
      ).result,
    ).code,
  ).toBe('CONFLICT');
});

test('handOverSecretary leaves exactly one secretary; the old one may then leave', async () => {
  await within(
    'write',
    call('demo-secretary', 'handOverSecretary', { branchId: B1, toOpenid: 'demo-deputy' }, rid()),
  );
  const secs = emu.db.find('memberships', { orgId: B1, status: 'active', role: 'secretary' }) as {
    openid: string;
  }[];
  expect(secs.map((s) => s.openid)).toEqual(['demo-deputy']);
  expect(
    err(
      (
        await call('demo-secretary', 'setRole', {
          branchId: B1,
          openid: 'demo-elder',
          role: 'member',
        })
      ).result,
    ).code,
  ).toBe('FORBIDDEN');
  expect(
    await within('write', call('demo-secretary', 'leaveBranch', { branchId: B1 }, rid())),
  ).toEqual({ branchId: B1, status: 'left' });
  expect(err((await call('demo-deputy', 'leaveBranch', { branchId: B1 })).result).code).toBe(
    'CONFLICT',
  );
});

test('concurrent handovers to two people leave one secretary', async () => {
  const [a, b] = await Promise.all([
    call('demo-secretary', 'handOverSecretary', { branchId: B1, toOpenid: 'demo-deputy' }, rid()),
    call(
      'demo-secretary',
      'handOverSecretary',
      { branchId: B1, toOpenid: 'demo-organizer' },
      rid(),
    ),
  ]);
  expect([a.result.ok, b.result.ok].filter(Boolean)).toHaveLength(1);
  expect(
    emu.db.find('memberships', { orgId: B1, status: 'active', role: 'secretary' }),
  ).toHaveLength(1);
});

test('transferMember then acceptTransfer moves the member to the other branch', async () => {
  const t = await within(
    'write',
    call(
      'demo-secretary',
      'transferMember',
      { branchId: B1, openid: 'demo-elder', toBranchId: 'org-branch-2' },
      rid(),
    ),
  );
  expect(t.status).toBe('transferring');
  const list = await within(
    'read',
    call('demo-secretary-2', 'listTransfers', { branchId: 'org-branch-2' }),
  );
  expect(list.items).toEqual([
    expect.objectContaining({ openid: 'demo-elder', fromBranchName: '幸福里社区第一党支部' }),
  ]);
  expect(
    (await within('read', call('demo-secretary-2', 'me'))).memberships[0].pendingTransfers,
  ).toBe(1);
  await within(
    'write',
    call('demo-secretary-2', 'acceptTransfer', { membershipId: t.membershipId }, rid()),
  );
  const me = await within('read', call('demo-elder', 'me'));
  expect(me.memberships).toEqual([
    expect.objectContaining({
      branchId: 'org-branch-2',
      branchName: '幸福里社区第二党支部',
      status: 'active',
    }),
  ]);
  expect(
    err((await call('demo-secretary-2', 'acceptTransfer', { membershipId: t.membershipId })).result)
      .code,
  ).toBe('NOT_FOUND');
});

describe('notices', () => {
  test('post, list unread first, read, who has read, remind once a day', async () => {
    const posted = await within(
      'write',
      call(
        'demo-propaganda',
        'postNotice',
        { branchId: B1, title: '学习通知', body: '本周六上午学习', pinned: true },
        rid(),
      ),
    );
    expect(posted.status).toBe('published');
    const list = await within('read', call('demo-member', 'listNotices', { branchId: B1 }));
    expect(list.items.map((i) => [i.noticeId, i.read])).toEqual([
      [posted.noticeId, false],
      ['n-b1-theme-day', false],
      ['n-b1-lesson', false],
      ['n-b1-dues', true],
    ]);
    const detail = await within(
      'write',
      call('demo-member', 'readNotice', { noticeId: posted.noticeId }, rid()),
    );
    expect(detail).toMatchObject({ body: '本周六上午学习', canManage: false, readCount: 2 });
    const reads = await within(
      'read',
      call('demo-propaganda', 'noticeReads', { noticeId: posted.noticeId }),
    );
    expect(reads.read.map((r) => r.openid).sort()).toEqual(['demo-member', 'demo-propaganda']);
    expect(reads.unread.map((r) => r.openid)).toContain('demo-elder');
    emu.emulator.outbox.clear();
    const remind = await within(
      'write',
      call('demo-propaganda', 'remindUnread', { noticeId: posted.noticeId }, rid()),
    );
    expect(remind.sent).toBe(reads.unread.length);
    expect(
      emu.emulator.outbox
        .list()
        .map((m) => (m as { touser: string }).touser)
        .sort(),
    ).toEqual(reads.unread.map((r) => r.openid).sort());
    expect(
      err(
        (await call('demo-secretary', 'remindUnread', { noticeId: posted.noticeId }, rid())).result,
      ).code,
    ).toBe('RATE_LIMITED');
  });

  test('a risky notice is refused; a notice needing review is held for the secretary', async () => {
    expect(
      err(
        (
          await call('demo-secretary', 'postNotice', {
            branchId: B1,
            title: '通知',
            body: '内容 测试违规词',
          })
        ).result,
      ).code,
    ).toBe('CONTENT_RISKY');
    expect(
      (emu.db.find('notices', { branchId: B1 }) as { title: string }[]).filter(
        (n) => n.title === '通知',
      ),
    ).toHaveLength(0);
    const held = await within(
      'write',
      call(
        'demo-propaganda',
        'postNotice',
        { branchId: B1, title: '待审', body: '测试待审词' },
        rid(),
      ),
    );
    expect(held.status).toBe('held');
    const memberList = await within('read', call('demo-member', 'listNotices', { branchId: B1 }));
    expect(memberList.items.map((i) => i.noticeId)).not.toContain(held.noticeId);
    const heldList = await within(
      'read',
      call('demo-secretary', 'listNotices', { branchId: B1, status: 'held' }),
    );
    expect(heldList.items.map((i) => i.noticeId)).toEqual([held.noticeId]);
    await within(
      'write',
      call('demo-secretary', 'moderateNotice', { noticeId: held.noticeId, approve: true }, rid()),
    );
    const after = await within('read', call('demo-member', 'listNotices', { branchId: B1 }));
    expect(after.items.map((i) => i.noticeId)).toContain(held.noticeId);
  });
});

describe('validation names the field', () => {
  test.each([
    ['createInvite', {}, 'branchId'],
    ['createInvite', { branchId: 'org-branch-1', validDays: 99 }, 'validDays'],
    ['applyToJoin', { code: 'ABCDEFGH', realName: '赵', partyStatus: 'full' }, 'realName'],
    ['applyToJoin', { code: 'ABCDEFGH', realName: '赵小明', partyStatus: 'boss' }, 'partyStatus'],
    [
      'applyToJoin',
      { code: 'ABCDEFGH', realName: '赵小明', partyStatus: 'full', joinedPartyAt: '2020-13-01' },
      'joinedPartyAt',
    ],
    [
      'applyToJoin',
      { code: 'ABCDEFGH', realName: '赵小明', partyStatus: 'full', phone: '12345' },
      'phone',
    ],
    ['applyToJoin', { realName: '赵小明', partyStatus: 'full' }, 'code'],
    ['reviewApplication', { applicationId: 'x' }, 'approve'],
    ['listMembers', { branchId: 'org-branch-1', cursor: '!!!' }, 'cursor'],
    ['setRole', { branchId: 'org-branch-1', openid: 'demo-elder', role: 'secretary' }, 'role'],
    ['postNotice', { branchId: 'org-branch-1', title: '', body: 'x' }, 'title'],
    ['postNotice', { branchId: 'org-branch-1', title: 't', body: 'x'.repeat(2001) }, 'body'],
    ['readNotice', {}, 'noticeId'],
    ['assignGroup', { branchId: 'org-branch-1', openid: 'demo-elder' }, 'groupId'],
  ] as const)('%s %j → %s', async (action, data, field) => {
    const e = err((await call('demo-secretary', action, data)).result);
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toContain(field);
  });
});
