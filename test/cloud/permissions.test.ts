/**
 * The permission matrix (docs/permissions.md): every action × every role, through the
 * emulator. The expectation is this file's copy of the documented table, not policy.ts:
 * a change to either without the other fails here.
 */
import type { TestEmulator } from '../helpers/emulator';
import { branchCaller, demoEmulator, rid, type BranchAction } from '../helpers/branch';

/** Column order of the table; each column is one person of the demo seed. */
const ROLES = {
  secretary: 'demo-secretary',
  deputySecretary: 'demo-deputy',
  organizationCommittee: 'demo-organizer',
  propagandaCommittee: 'demo-propaganda',
  disciplineCommittee: 'demo-discipline',
  massWorkCommittee: 'demo-masswork',
  member: 'demo-member',
  probationary: 'demo-probationary',
  activist: 'demo-activist',
  /** A party member of the other branch of the same committee (here its secretary). */
  nonMember: 'demo-secretary-2',
  /** A registered WeChat user in no branch. */
  resident: 'demo-resident',
  /** A member of branch 2 actively reported (双报到) to branch 1: not a member of it. */
  reported: 'demo-member-2',
  /** Secretary of the committee organisation: a committee admin. */
  committeeAdmin: 'demo-committee',
} as const;
type Role = keyof typeof ROLES;
const COLUMNS = Object.keys(ROLES) as Role[];

// prettier-ignore
/** Copy of docs/permissions.md: Y allowed, · FORBIDDEN. Columns in ROLES order. */
const TABLE: Record<string, string> = {
  me:                'Y Y Y Y Y Y Y Y Y Y Y Y Y',
  applyToJoin:       'Y Y Y Y Y Y Y Y Y Y Y Y Y',
  myApplications:    'Y Y Y Y Y Y Y Y Y Y Y Y Y',
  createInvite:      'Y Y Y · · · · · · · · · ·',
  revokeInvite:      'Y Y Y · · · · · · · · · ·',
  listApplications:  'Y Y Y · · · · · · · · · ·',
  reviewApplication: 'Y Y Y · · · · · · · · · ·',
  listMembers:       'Y Y Y Y Y Y Y Y Y · · · ·',
  memberCard:        'Y Y Y Y Y Y Y Y Y · · · ·',
  viewPhones:        'Y Y · · · · · · · · · · ·',
  setRole:           'Y · · · · · · · · · · · ·',
  handOverSecretary: 'Y · · · · · · · · · · · ·',
  leaveBranch:       'Y Y Y Y Y Y Y Y Y · · · ·',
  transferMember:    'Y · · · · · · · · · · · ·',
  listTransfers:     'Y · · · · · · · · · · · ·',
  acceptTransfer:    'Y · · · · · · · · · · · ·',
  createGroup:       'Y · · · · · · · · · · · ·',
  assignGroup:       'Y · · · · · · · · · · · ·',
  tree:              'Y Y Y Y Y Y Y Y Y Y · Y Y',
  postNotice:        'Y Y Y Y Y Y · · · · · · ·',
  listNotices:       'Y Y Y Y Y Y Y Y Y · · Y ·',
  listHeldNotices:   'Y Y · · · · · · · · · · ·',
  readNotice:        'Y Y Y Y Y Y Y Y Y · · Y ·',
  noticeReads:       'Y Y Y · · · · · · · · · ·',
  remindUnread:      'Y Y Y · · · · · · · · · ·',
  moderateNotice:    'Y Y · · · · · · · · · · ·',
  createBranch:      '· · · · · · · · · · · · Y',
  updateBranch:      '· · · · · · · · · · · · Y',
  appointSecretary:  '· · · · · · · · · · · · Y',
  searchCommitteeMembers: '· · · · · · · · · · · · Y',
  renameGroup:       'Y · · · · · · · · · · · ·',
  reportToBranch:    'Y Y Y Y Y Y Y Y · Y · Y Y',
  reviewReport:      'Y Y Y · · · · · · · · · ·',
  endReport:         'Y Y Y Y Y Y Y Y Y Y Y Y Y',
  listReports:       'Y Y Y Y Y Y · · · · · · ·',
  updateProfile:     'Y Y Y Y Y Y Y Y Y Y Y Y Y',
};

const B1 = 'org-branch-1';
const INVITE = 'PERMTEST';
/** Each action's request, about branch 1 (the notice n-b1-dues is by the organisation committee member). */
const REQUESTS: Record<string, { action: BranchAction; data?: unknown; write?: boolean }> = {
  me: { action: 'me' },
  applyToJoin: {
    action: 'applyToJoin',
    data: { code: INVITE, realName: '申请人', partyStatus: 'full' },
  },
  myApplications: { action: 'myApplications' },
  createInvite: { action: 'createInvite', data: { branchId: B1 } },
  revokeInvite: { action: 'revokeInvite', data: { code: INVITE } },
  listApplications: { action: 'listApplications', data: { branchId: B1 } },
  reviewApplication: {
    action: 'reviewApplication',
    data: { applicationId: 'm-branch-1-applicant', approve: false, reason: '材料不全' },
  },
  listMembers: { action: 'listMembers', data: { branchId: B1 } },
  memberCard: { action: 'memberCard', data: { branchId: B1, openid: 'demo-elder' } },
  viewPhones: { action: 'listMembers', data: { branchId: B1, keyword: '何永福' } },
  setRole: { action: 'setRole', data: { branchId: B1, openid: 'demo-elder', role: 'member' } },
  handOverSecretary: {
    action: 'handOverSecretary',
    data: { branchId: B1, toOpenid: 'demo-elder' },
  },
  leaveBranch: { action: 'leaveBranch', data: { branchId: B1 } },
  transferMember: {
    action: 'transferMember',
    data: { branchId: B1, openid: 'demo-elder', toBranchId: 'org-branch-2' },
  },
  listTransfers: { action: 'listTransfers', data: { branchId: B1 } },
  acceptTransfer: { action: 'acceptTransfer', data: { membershipId: 'm-perm-transfer' } },
  createGroup: { action: 'createGroup', data: { branchId: B1, name: '第三党小组' } },
  assignGroup: {
    action: 'assignGroup',
    data: { branchId: B1, openid: 'demo-elder', groupId: 'pg-b1-2' },
  },
  tree: { action: 'tree' },
  postNotice: { action: 'postNotice', data: { branchId: B1, title: '通知', body: '周五开会' } },
  listNotices: { action: 'listNotices', data: { branchId: B1 } },
  listHeldNotices: { action: 'listNotices', data: { branchId: B1, status: 'held' } },
  readNotice: { action: 'readNotice', data: { noticeId: 'n-b1-dues' } },
  noticeReads: { action: 'noticeReads', data: { noticeId: 'n-b1-dues' } },
  remindUnread: { action: 'remindUnread', data: { noticeId: 'n-b1-dues' } },
  moderateNotice: { action: 'moderateNotice', data: { noticeId: 'n-perm-held', approve: true } },
  createBranch: {
    action: 'createBranch',
    data: { committeeId: 'org-committee', name: '幸福里社区第三党支部', gridArea: '第三网格' },
  },
  updateBranch: { action: 'updateBranch', data: { branchId: B1, gridArea: '幸福里第一网格' } },
  appointSecretary: { action: 'appointSecretary', data: { branchId: B1, openid: 'demo-elder' } },
  searchCommitteeMembers: {
    action: 'searchCommitteeMembers',
    data: { committeeId: 'org-committee', keyword: '何' },
  },
  renameGroup: { action: 'renameGroup', data: { groupId: 'pg-b1-2', name: '第二党小组' } },
  reportToBranch: { action: 'reportToBranch', data: { branchId: B1 } },
  reviewReport: {
    action: 'reviewReport',
    data: { reportId: 'r-perm-pending', approve: false, reason: '请先与社区联系' },
  },
  endReport: { action: 'endReport', data: { branchId: B1 } },
  listReports: { action: 'listReports', data: { branchId: B1 } },
  updateProfile: { action: 'updateProfile', data: { phone: '13912345678' } },
};

let emu: TestEmulator;
const call = branchCaller(() => emu);

beforeEach(async () => {
  emu = await demoEmulator();
  const now = new Date();
  await emu.seed({
    invites: [
      {
        _id: INVITE,
        branchId: B1,
        branchName: '幸福里社区第一党支部',
        committeeId: 'org-committee',
        createdBy: 'demo-secretary',
        createdAt: now,
        expiresAt: new Date(now.getTime() + 86400_000),
        revoked: false,
        qrFileID: null,
      },
    ],
    users: [{ _id: 'perm-mover', nickname: '转入者', createdAt: now }],
    memberships: [
      {
        _id: 'm-perm-transfer',
        openid: 'perm-mover',
        orgId: 'org-branch-2',
        fullKey: 'perm-mover',
        committeeId: 'org-committee',
        branchName: '幸福里社区第二党支部',
        role: 'member',
        status: 'active',
        realName: '转入者',
        sortKey: '转入者\u0000m-perm-transfer',
        joinedAt: now,
        transferTo: B1,
        transferFromName: '幸福里社区第二党支部',
        transferAt: now,
      },
    ],
    reports: [
      {
        _id: 'r-perm-pending',
        openid: 'demo-member-3',
        branchId: B1,
        branchName: '幸福里社区第一党支部',
        committeeId: 'org-committee',
        fromBranchId: 'org-branch-2',
        fromBranchName: '幸福里社区第二党支部',
        realName: '林淑珍',
        phone: null,
        status: 'pending',
        reportedAt: now,
        queueKey: `${now.toISOString()}#r-perm-pending`,
        reviewedAt: null,
        reviewedBy: null,
        reason: null,
        reasonHeld: false,
        endedAt: null,
      },
    ],
    notices: [
      {
        _id: 'n-perm-held',
        branchId: B1,
        committeeId: 'org-committee',
        title: '待审通知',
        body: '内容',
        pinned: false,
        status: 'held',
        authorOpenid: 'demo-propaganda',
        authorName: '孙伟',
        createdAt: now,
        audience: [],
        readBy: [],
        reads: [],
        remindedOn: null,
      },
    ],
  });
});
afterEach(() => emu.close());

test('the table covers every action of the branch function', async () => {
  const { main } = (await import('../../cloudfunctions/branch/index')) as {
    main: { meta: { actions: Record<string, string> } };
  };
  for (const action of Object.keys(main.meta.actions)) expect(TABLE).toHaveProperty(action);
  for (const row of Object.keys(TABLE)) expect(REQUESTS).toHaveProperty(row);
});

/** Secretary last: their allowed writes (hand over, review) must not change others' rights first. */
const ORDER: Role[] = [...COLUMNS.filter((r) => r !== 'secretary'), 'secretary'];

describe.each(Object.keys(TABLE))('%s', (row) => {
  test('every role gets exactly the documented answer', async () => {
    const cells = TABLE[row].split(' ');
    expect(cells).toHaveLength(COLUMNS.length);
    const got: Record<string, string> = {};
    const want: Record<string, string> = {};
    const req = REQUESTS[row];
    for (const role of ORDER) {
      want[role] = cells[COLUMNS.indexOf(role)];
      const { result } = await call(ROLES[role], req.action, req.data, rid());
      if (row === 'viewPhones') {
        const item = result.ok
          ? (result.data as { items: { phoneMasked: boolean; phone: string }[] }).items[0]
          : undefined;
        got[role] = item && !item.phoneMasked && /^\d{11}$/.test(item.phone) ? 'Y' : '·';
      } else {
        if (!result.ok && ['INVALID_ARGUMENT', 'INTERNAL'].includes(result.error.code)) {
          throw new Error(`${row} by ${role}: ${result.error.message}`);
        }
        got[role] = !result.ok && result.error.code === 'FORBIDDEN' ? '·' : 'Y';
      }
    }
    expect(got).toEqual(want);
  });
});
