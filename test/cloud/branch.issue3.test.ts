/**
 * The actions closing issue #3's gaps, through the emulator with the demo seed: committee
 * administration, 双报到 reports, the atomic handover, the member's own profile and photo,
 * CONFLICT details, party group renaming and member counts. Budgets: read 3, write 5.
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
const C = 'org-committee';

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

const secretaries = (branchId: string) =>
  (
    emu.db.find('memberships', { orgId: branchId, status: 'active', role: 'secretary' }) as {
      openid: string;
    }[]
  ).map((m) => m.openid);

describe('committee administration', () => {
  test('the committee secretary creates a branch, renames it and appoints its secretary', async () => {
    const b = await within(
      'write',
      call(
        'demo-committee',
        'createBranch',
        { committeeId: C, name: '幸福里社区第三党支部', gridArea: '第三网格（13–18 栋）' },
        rid(),
      ),
    );
    expect(b).toMatchObject({
      committeeId: C,
      hasSecretary: false,
      gridArea: '第三网格（13–18 栋）',
    });
    const t = await within('read', call('demo-member', 'tree'));
    expect(t.root.children.find((n) => n.id === b.branchId)).toMatchObject({
      name: '幸福里社区第三党支部',
      gridArea: '第三网格（13–18 栋）',
      memberCount: 0,
    });
    expect(
      await within(
        'write',
        call(
          'demo-committee',
          'updateBranch',
          { branchId: b.branchId, gridArea: '第三网格' },
          rid(),
        ),
      ),
    ).toEqual({ branchId: b.branchId, gridArea: '第三网格' });
    // Same name as branch 2: the unique index refuses it.
    expect(
      err(
        (
          await call('demo-committee', 'createBranch', {
            committeeId: C,
            name: '幸福里社区第二党支部',
            gridArea: '网格',
          })
        ).result,
      ).code,
    ).toBe('CONFLICT');

    // A member of branch 1 is appointed: their 组织关系 moves to the new branch.
    const a = await within(
      'write',
      call(
        'demo-committee',
        'appointSecretary',
        { branchId: b.branchId, openid: 'demo-elder' },
        rid(),
      ),
    );
    expect(a).toEqual({ branchId: b.branchId, secretaryOpenid: 'demo-elder', moved: true });
    expect(secretaries(b.branchId)).toEqual(['demo-elder']);
    // A retry answers the same; appointing someone else now is a CONFLICT.
    expect(
      ok(
        (
          await call('demo-committee', 'appointSecretary', {
            branchId: b.branchId,
            openid: 'demo-elder',
          })
        ).result,
      ),
    ).toMatchObject({ secretaryOpenid: 'demo-elder' });
    const again = err(
      (
        await call('demo-committee', 'appointSecretary', {
          branchId: b.branchId,
          openid: 'demo-member',
        })
      ).result,
    );
    expect(again).toMatchObject({ code: 'CONFLICT', details: { reason: 'hasSecretary' } });
    // Renamed: the members' memberships show the new name.
    await within(
      'write',
      call('demo-committee', 'updateBranch', { branchId: b.branchId, name: '新三支部' }, rid()),
    );
    const me = await within('read', call('demo-elder', 'me'));
    expect(me.memberships[0]).toMatchObject({
      branchId: b.branchId,
      branchName: '新三支部',
      role: 'secretary',
    });
    // The new secretary can now invite.
    await within('write', call('demo-elder', 'createInvite', { branchId: b.branchId }, rid()));
  });

  test('branch secretaries and members may not administer the committee', async () => {
    for (const who of ['demo-secretary', 'demo-member', 'demo-resident']) {
      const e = err(
        (await call(who, 'createBranch', { committeeId: C, name: '某支部', gridArea: '网格' }))
          .result,
      );
      expect(e.code).toBe('FORBIDDEN');
    }
    expect(
      err((await call('demo-secretary', 'updateBranch', { branchId: B1, name: '改名' })).result)
        .code,
    ).toBe('FORBIDDEN');
    expect(
      err((await call('demo-committee', 'updateBranch', { branchId: 'nope', name: '改名' })).result)
        .code,
    ).toBe('NOT_FOUND');
  });

  test('five concurrent appointments to a new branch make exactly one secretary', async () => {
    const b = ok(
      (
        await call('demo-committee', 'createBranch', {
          committeeId: C,
          name: '第四党支部',
          gridArea: '第四网格',
        })
      ).result,
    );
    const who = [
      'demo-elder',
      'demo-member',
      'demo-member-b1-01',
      'demo-member-2',
      'demo-member-3',
    ];
    const rs = await Promise.all(
      who.map((o) =>
        call('demo-committee', 'appointSecretary', { branchId: b.branchId, openid: o }),
      ),
    );
    expect(rs.filter((r) => r.result.ok)).toHaveLength(1);
    expect(secretaries(b.branchId)).toHaveLength(1);
    for (const r of rs) expect(r.dbRequests).toBeLessThanOrEqual(WRITE_BUDGET);
    // Nobody lost their 组织关系: everyone still has exactly one active full membership.
    for (const o of who) {
      expect(emu.db.find('memberships', { openid: o, status: 'active' })).toHaveLength(1);
    }
  });

  test('an activist or another branch secretary cannot be appointed', async () => {
    const b = ok(
      (
        await call('demo-committee', 'createBranch', {
          committeeId: C,
          name: '五支部',
          gridArea: '五',
        })
      ).result,
    );
    for (const o of ['demo-activist', 'demo-secretary-2']) {
      expect(
        err(
          (await call('demo-committee', 'appointSecretary', { branchId: b.branchId, openid: o }))
            .result,
        ).code,
      ).toBe('CONFLICT');
    }
    expect(
      err(
        (
          await call('demo-committee', 'appointSecretary', {
            branchId: b.branchId,
            openid: 'demo-resident',
          })
        ).result,
      ).code,
    ).toBe('NOT_FOUND');
  });
});

describe('双报到 reports', () => {
  test('report, confirm, read notices, appear in me and listReports, end', async () => {
    const r = await within(
      'write',
      call('demo-member-3', 'reportToBranch', { branchId: B1 }, rid()),
    );
    expect(r).toMatchObject({
      branchId: B1,
      branchName: '幸福里社区第一党支部',
      status: 'pending',
    });
    // Pending: no notices yet.
    expect(err((await call('demo-member-3', 'listNotices', { branchId: B1 })).result).code).toBe(
      'FORBIDDEN',
    );
    const queue = await within('read', call('demo-organizer', 'listReports', { branchId: B1 }));
    expect(queue.items).toEqual([
      expect.objectContaining({
        reportId: r.reportId,
        openid: 'demo-member-3',
        name: '林淑珍',
        fromBranchId: B2,
        status: 'pending',
      }),
    ]);
    await within(
      'write',
      call('demo-organizer', 'reviewReport', { reportId: r.reportId, approve: true }, rid()),
    );
    const notices = await within('read', call('demo-member-3', 'listNotices', { branchId: B1 }));
    expect(notices.items.map((n) => n.noticeId)).toContain('n-b1-theme-day');
    const detail = await within(
      'write',
      call('demo-member-3', 'readNotice', { noticeId: 'n-b1-theme-day' }, rid()),
    );
    expect(detail.audienceCount).toBe(16);
    const me = await within('read', call('demo-member-3', 'me'));
    expect(me.memberships.map((m) => m.branchId)).toEqual([B2]);
    expect(me.reports).toEqual([
      expect.objectContaining({ reportId: r.reportId, branchId: B1, status: 'active' }),
    ]);
    // Not a member: no directory, not counted.
    expect(err((await call('demo-member-3', 'listMembers', { branchId: B1 })).result).code).toBe(
      'FORBIDDEN',
    );
    const before = (await within('read', call('demo-member', 'tree'))).root.children.find(
      (n) => n.id === B1,
    )!.memberCount;
    expect(before).toBe(16);
    await within('write', call('demo-member-3', 'endReport', { branchId: B1 }, rid()));
    expect(err((await call('demo-member-3', 'listNotices', { branchId: B1 })).result).code).toBe(
      'FORBIDDEN',
    );
    expect(err((await call('demo-member-3', 'endReport', { branchId: B1 })).result).code).toBe(
      'NOT_FOUND',
    );
  });

  test('the seeded reported member sees branch 1 notices; a rejection shows its reason', async () => {
    expect(
      (await within('read', call('demo-member-2', 'listNotices', { branchId: B1 }))).items.length,
    ).toBeGreaterThan(0);
    const r = ok((await call('demo-member-b2-04', 'reportToBranch', { branchId: B1 })).result);
    await within(
      'write',
      call(
        'demo-secretary',
        'reviewReport',
        { reportId: r.reportId, approve: false, reason: '请先联系网格员' },
        rid(),
      ),
    );
    const me = await within('read', call('demo-member-b2-04', 'me'));
    expect(me.reports).toEqual([
      expect.objectContaining({ status: 'rejected', reason: '请先联系网格员' }),
    ]);
    // May report again after a rejection.
    expect(
      (await within('write', call('demo-member-b2-04', 'reportToBranch', { branchId: B1 }, rid())))
        .status,
    ).toBe('pending');
  });

  test('five concurrent reports make one; five concurrent reviews apply once', async () => {
    const rs = await Promise.all(
      Array.from({ length: 5 }, () =>
        call('demo-member-b2-06', 'reportToBranch', { branchId: B1 }, rid()),
      ),
    );
    expect(rs.filter((r) => r.result.ok)).toHaveLength(1);
    for (const r of rs.filter((x) => !x.result.ok)) {
      expect(err(r.result)).toMatchObject({
        code: 'CONFLICT',
        details: { reason: 'alreadyReported' },
      });
    }
    expect(emu.db.find('reports', { openid: 'demo-member-b2-06' })).toHaveLength(1);
    const id = ok(rs.find((r) => r.result.ok)!.result).reportId;
    const reviews = await Promise.all(
      ['demo-secretary', 'demo-deputy', 'demo-organizer', 'demo-secretary', 'demo-deputy'].map(
        (o) => call(o, 'reviewReport', { reportId: id, approve: true }, rid()),
      ),
    );
    expect(reviews.filter((r) => r.result.ok)).toHaveLength(1);
    for (const r of reviews.filter((x) => !x.result.ok)) {
      expect(err(r.result)).toMatchObject({
        code: 'CONFLICT',
        details: { reason: 'alreadyReviewed' },
      });
    }
  });

  test('members of the branch, activists and residents cannot report to it', async () => {
    expect(
      err((await call('demo-member', 'reportToBranch', { branchId: B1 })).result),
    ).toMatchObject({
      code: 'CONFLICT',
      details: { reason: 'memberHere' },
    });
    expect(
      err((await call('demo-activist-2', 'reportToBranch', { branchId: B1 })).result).code,
    ).toBe('FORBIDDEN');
    expect(err((await call('demo-resident', 'reportToBranch', { branchId: B1 })).result).code).toBe(
      'FORBIDDEN',
    );
    expect(
      err((await call('demo-member', 'reportToBranch', { branchId: 'org-x' })).result).code,
    ).toBe('NOT_FOUND');
    expect(err((await call('demo-member', 'listReports', { branchId: B1 })).result).code).toBe(
      'FORBIDDEN',
    );
  });
});

describe('handOverSecretary is one transaction', () => {
  test('within budget; a retry answers the same success; a non-member successor is NOT_FOUND', async () => {
    expect(
      err(
        (
          await call('demo-secretary', 'handOverSecretary', {
            branchId: B1,
            toOpenid: 'demo-secretary-2',
          })
        ).result,
      ).code,
    ).toBe('NOT_FOUND');
    const id = rid();
    const first = await within(
      'write',
      call('demo-secretary', 'handOverSecretary', { branchId: B1, toOpenid: 'demo-deputy' }, id),
    );
    expect(first).toEqual({ branchId: B1, secretaryOpenid: 'demo-deputy' });
    const retry = await within(
      'write',
      call('demo-secretary', 'handOverSecretary', { branchId: B1, toOpenid: 'demo-deputy' }, id),
    );
    expect(retry).toEqual(first);
    expect(secretaries(B1)).toEqual(['demo-deputy']);
    expect(
      err(
        (
          await call('demo-secretary', 'handOverSecretary', {
            branchId: B1,
            toOpenid: 'demo-member',
          })
        ).result,
      ).code,
    ).toBe('FORBIDDEN');
  });

  test('five concurrent handovers to different people leave one secretary', async () => {
    const to = ['demo-deputy', 'demo-organizer', 'demo-member', 'demo-elder', 'demo-propaganda'];
    const rs = await Promise.all(
      to.map((o) =>
        call('demo-secretary', 'handOverSecretary', { branchId: B1, toOpenid: o }, rid()),
      ),
    );
    expect(rs.filter((r) => r.result.ok)).toHaveLength(1);
    expect(secretaries(B1)).toHaveLength(1);
    expect(
      emu.db.find('memberships', { openid: 'demo-secretary', role: 'member', status: 'active' }),
    ).toHaveLength(1);
  });
});

describe('updateProfile and the identity card photo', () => {
  test('photo, phone and name change; the card shows a temporary URL', async () => {
    const up = await emu.emulator.storage.uploadFile({
      cloudPath: 'avatars/demo-member.jpg',
      fileContent: Buffer.from('jpeg'),
    });
    const fileID = (up as { fileID: string }).fileID;
    const p = await within(
      'write',
      call(
        'demo-member',
        'updateProfile',
        { photoFileID: fileID, phone: '13912345678', realName: '李秀英' },
        rid(),
      ),
    );
    expect(p).toMatchObject({ updatedMemberships: 1, photoFileID: fileID, phone: '13912345678' });
    expect(p.photo).toMatch(/^https?:\/\//);
    const card = await within(
      'read',
      call('demo-secretary', 'memberCard', { branchId: B1, openid: 'demo-member' }),
    );
    expect(card.photo).toMatch(/^https?:\/\//);
    expect(card).toMatchObject({ photoFileID: fileID, phone: '13912345678' });
    const masked = await within(
      'read',
      call('demo-elder', 'memberCard', { branchId: B1, openid: 'demo-member' }),
    );
    expect(masked.phone).toBe('139****5678');
    // A member without a photo.
    expect(
      (
        await within(
          'read',
          call('demo-member', 'memberCard', { branchId: B1, openid: 'demo-elder' }),
        )
      ).photo,
    ).toBeNull();
    // New name: the directory finds it.
    await within('write', call('demo-member', 'updateProfile', { realName: '李秀英新' }, rid()));
    const found = await within(
      'read',
      call('demo-secretary', 'listMembers', { branchId: B1, keyword: '秀英新' }),
    );
    expect(found.items.map((i) => i.openid)).toEqual(['demo-member']);
  });

  test('a photo of another environment or outside avatars/ is refused, naming photoFileID', async () => {
    for (const photoFileID of [
      'https://example.com/a.jpg',
      'cloud://other-env.6f74-other-env-1250000000/avatars/a.jpg',
      `cloud://${emu.emulator.envId}.x/invites/a.png`,
    ]) {
      const e = err((await call('demo-member', 'updateProfile', { photoFileID })).result);
      expect(e.code).toBe('INVALID_ARGUMENT');
      expect(e.message).toContain('photoFileID');
    }
    expect(
      err((await call('demo-resident', 'updateProfile', { phone: '13912345678' })).result).code,
    ).toBe('NOT_FOUND');
  });
});

test('reviewApplication CONFLICTs say why', async () => {
  await within(
    'write',
    call(
      'demo-secretary',
      'reviewApplication',
      { applicationId: 'm-branch-1-applicant', approve: true },
      rid(),
    ),
  );
  expect(
    err(
      (
        await call('demo-deputy', 'reviewApplication', {
          applicationId: 'm-branch-1-applicant',
          approve: true,
        })
      ).result,
    ),
  ).toMatchObject({ code: 'CONFLICT', details: { reason: 'alreadyReviewed' } });
  // demo-member-2 (full member of branch 2) applied to branch 1.
  await emu.seed({
    memberships: [
      {
        _id: 'm-dup-app',
        openid: 'demo-member-2',
        orgId: B1,
        fullKey: 'm-dup-app',
        committeeId: C,
        branchName: '幸福里社区第一党支部',
        role: 'member',
        status: 'pending',
        realName: '黄德明',
        joinedAt: new Date(),
        appliedAt: new Date(),
        queueKey: `${new Date().toISOString()}#m-dup-app`,
      },
    ],
  });
  expect(
    err(
      (
        await call('demo-secretary', 'reviewApplication', {
          applicationId: 'm-dup-app',
          approve: true,
        })
      ).result,
    ),
  ).toMatchObject({ code: 'CONFLICT', details: { reason: 'memberElsewhere' } });
});

test('renameGroup renames the group and its members; tree counts members per branch and group', async () => {
  const r = await within(
    'write',
    call('demo-secretary', 'renameGroup', { groupId: 'pg-b1-2', name: '老党员小组' }, rid()),
  );
  expect(r).toEqual({ groupId: 'pg-b1-2', name: '老党员小组' });
  const list = await within(
    'read',
    call('demo-secretary', 'listMembers', { branchId: B1, keyword: '邓淑华' }),
  );
  expect(list.items[0].partyGroupName).toBe('老党员小组');
  expect(
    err(
      (await call('demo-secretary', 'renameGroup', { groupId: 'pg-b1-2', name: '第一党小组' }))
        .result,
    ).code,
  ).toBe('CONFLICT');
  expect(
    err((await call('demo-secretary-2', 'renameGroup', { groupId: 'pg-b1-2', name: 'x' })).result)
      .code,
  ).toBe('FORBIDDEN');
  const t = await within('read', call('demo-member', 'tree'));
  const b1 = t.root.children.find((n) => n.id === B1)!;
  const b2 = t.root.children.find((n) => n.id === B2)!;
  const active = (o: string) => emu.db.find('memberships', { orgId: o, status: 'active' }).length;
  expect(b1.memberCount).toBe(active(B1));
  expect(b2.memberCount).toBe(active(B2));
  expect(t.root.memberCount).toBeNull();
  const g = b1.children.find((c) => c.id === 'pg-b1-2')!;
  const inGroup = (
    emu.db.find('memberships', { orgId: B1, status: 'active' }) as { partyGroupId?: string }[]
  ).filter((m) => m.partyGroupId === 'pg-b1-2');
  expect(g.memberCount).toBe(inGroup.length);
  expect(g.memberCount).toBeGreaterThan(0);
});

describe('validation names the field', () => {
  test.each([
    ['createBranch', { committeeId: C, name: '支', gridArea: '网格' }, 'name'],
    ['createBranch', { committeeId: C, name: '新支部' }, 'gridArea'],
    ['updateBranch', { branchId: B1 }, 'name'],
    ['appointSecretary', { branchId: B1 }, 'openid'],
    ['renameGroup', { groupId: 'pg-b1-2', name: '' }, 'name'],
    ['reportToBranch', {}, 'branchId'],
    ['reviewReport', { reportId: 'x', approve: false }, 'reason'],
    ['endReport', { branchId: 7 }, 'branchId'],
    ['listReports', { branchId: B1, status: 'gone' }, 'status'],
    ['updateProfile', { phone: '12345678901' }, 'phone'],
    ['updateProfile', { realName: '李' }, 'realName'],
    ['updateProfile', { photoFileID: 'avatars/a.jpg' }, 'photoFileID'],
    ['updateProfile', {}, 'realName'],
  ] as const)('%s %j → %s', async (action, data, field) => {
    const e = err((await call('demo-committee', action, data)).result);
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toContain(field);
  });
});

describe('searchCommitteeMembers', () => {
  const search = (who: string, data: unknown) => call(who, 'searchCommitteeMembers', data);

  test('finds party members of every branch by name, phones masked, within the read budget', async () => {
    const r = await within('read', search('demo-committee', { committeeId: C, keyword: '淑' }));
    expect(r.nextCursor).toBeNull();
    expect(r.items.map((i) => i.name).sort()).toEqual(['林淑珍', '邓淑华', '魏淑芬'].sort());
    expect(r.items.find((i) => i.name === '林淑珍')).toEqual({
      openid: 'demo-member-3',
      name: '林淑珍',
      branchId: B2,
      branchName: '幸福里社区第二党支部',
      role: 'member',
      phoneMasked: '138****2003',
    });
    expect(new Set(r.items.map((i) => i.branchId))).toEqual(new Set([B1, B2]));
  });

  test('activists, the committee organisation and applicants are not listed', async () => {
    for (const keyword of ['吴磊', '沈佳', '陈志远', '罗晓东']) {
      const r = await within('read', search('demo-committee', { committeeId: C, keyword }));
      expect(r.items).toEqual([]);
    }
    // Regular-expression characters are matched literally.
    expect(
      (await within('read', search('demo-committee', { committeeId: C, keyword: '.' }))).items,
    ).toEqual([]);
  });

  test('pages of 20 by name, each within budget, until nextCursor is null', async () => {
    const now = new Date();
    await emu.seed({
      memberships: Array.from({ length: 25 }, (_, i) => {
        const id = `m-search-${i}`;
        const name = `测试党员${String(i).padStart(2, '0')}`;
        return {
          _id: id,
          openid: `search-${i}`,
          orgId: i % 2 ? B1 : B2,
          fullKey: `search-${i}`,
          committeeId: C,
          branchName: i % 2 ? '幸福里社区第一党支部' : '幸福里社区第二党支部',
          role: 'member',
          status: 'active',
          realName: name,
          sortKey: `${name}\u0000${id}`,
          joinedAt: now,
        };
      }),
    });
    const first = await within(
      'read',
      search('demo-committee', { committeeId: C, keyword: '测试' }),
    );
    expect(first.items).toHaveLength(20);
    expect(first.nextCursor).not.toBeNull();
    const second = await within(
      'read',
      search('demo-committee', { committeeId: C, keyword: '测试', cursor: first.nextCursor }),
    );
    expect(second.items).toHaveLength(5);
    expect(second.nextCursor).toBeNull();
    const names = [...first.items, ...second.items].map((i) => i.name);
    expect(names).toEqual(
      Array.from({ length: 25 }, (_, i) => `测试党员${String(i).padStart(2, '0')}`),
    );
  });

  test('a member found is appointed secretary of a new branch; the tree shows it', async () => {
    const b = ok(
      (
        await call('demo-committee', 'createBranch', {
          committeeId: C,
          name: '幸福里社区第六党支部',
          gridArea: '第六网格',
        })
      ).result,
    );
    let t = await within('read', call('demo-committee', 'tree', { committeeId: C }));
    expect(t.canManage).toBe(true);
    expect(t.root.children.find((n) => n.id === b.branchId)?.hasSecretary).toBe(false);
    expect(t.root.children.find((n) => n.id === B1)?.hasSecretary).toBe(true);
    const found = await within(
      'read',
      search('demo-committee', { committeeId: C, keyword: '何永福' }),
    );
    expect(found.items).toHaveLength(1);
    await within(
      'write',
      call(
        'demo-committee',
        'appointSecretary',
        { branchId: b.branchId, openid: found.items[0].openid },
        rid(),
      ),
    );
    t = await within('read', call('demo-committee', 'tree', { committeeId: C }));
    expect(t.root.children.find((n) => n.id === b.branchId)).toMatchObject({
      hasSecretary: true,
      memberCount: 1,
    });
    expect((await within('read', call('demo-member', 'tree'))).canManage).toBe(false);
  });

  test('only committee admins of that committee may search', async () => {
    for (const who of ['demo-secretary', 'demo-deputy', 'demo-member', 'demo-resident']) {
      expect(err((await search(who, { committeeId: C, keyword: '李' })).result).code).toBe(
        'FORBIDDEN',
      );
    }
    const other = err((await search('demo-committee', { committeeId: B1, keyword: '李' })).result);
    expect(other.code).toBe('FORBIDDEN');
  });

  test.each([
    [{ committeeId: C }, 'keyword', '请填写要搜索的姓名'],
    [{ committeeId: C, keyword: '  ' }, 'keyword', '请填写要搜索的姓名'],
    [
      { committeeId: C, keyword: '一二三四五六七八九十一二三四五六七八九十一' },
      'keyword',
      '最多 20 个字',
    ],
    [{ keyword: '李' }, 'committeeId', ''],
    [{ committeeId: C, keyword: '李', cursor: '%%%' }, 'cursor', '分页参数无效'],
  ])('%j → INVALID_ARGUMENT naming %s', async (data, field, text) => {
    const e = err((await search('demo-committee', data)).result);
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toContain(`「${field}」`);
    expect(e.message).toContain(text);
  });
});
