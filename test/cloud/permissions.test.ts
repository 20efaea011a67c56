/**
 * The permission matrix (docs/permissions.md): every action × every role, through the
 * emulator. The expectation is this file's copy of the documented table, not policy.ts:
 * a change to either without the other fails here. An allowed cell must answer `ok: true`
 * (each role gets its own fixture where an action consumes one), or exactly the domain
 * error the table's footnotes document for that cell (`OUTCOMES`) — never "anything but
 * FORBIDDEN".
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
  listInvites:       'Y Y Y · · · · · · · · · ·',
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
  declineTransfer:   'Y · Y · · · · · · · · · ·',
  cancelTransfer:    'Y · · · · · · · · · · · ·',
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
const ALLOWED_REVIEWERS = ['deputySecretary', 'organizationCommittee', 'secretary'] as const;
const BRANCH1_MEMBERS: Role[] = COLUMNS.slice(0, 9);
/** The role's own fixture when it is allowed; else the secretary's (used last, see ORDER). */
const own = (role: Role, allowed: readonly Role[], prefix: string) =>
  `${prefix}${allowed.includes(role) ? role : 'secretary'}`;
const each = (roles: readonly Role[], code: string) =>
  Object.fromEntries(roles.map((r) => [r, code])) as Partial<Record<Role, string>>;

/**
 * Allowed cells that end in a documented domain error (docs/permissions.md footnotes);
 * every other allowed cell must answer `ok: true`.
 */
const OUTCOMES: Record<string, Partial<Record<Role, string>>> = {
  // Already a member here (alreadyApplied) or a full member elsewhere (memberElsewhere).
  applyToJoin: each([...BRANCH1_MEMBERS, 'nonMember', 'reported', 'committeeAdmin'], 'CONFLICT'),
  leaveBranch: { secretary: 'CONFLICT' }, // footnote 1
  appointSecretary: { committeeAdmin: 'CONFLICT' }, // footnote 4
  // footnote 5: members of branch 1 belong there; demo-member-2 is already reported.
  reportToBranch: each(
    [...BRANCH1_MEMBERS.filter((r) => r !== 'activist'), 'reported'],
    'CONFLICT',
  ),
  // Only demo-member-2 has a report to branch 1 to end.
  endReport: each(
    COLUMNS.filter((r) => r !== 'reported'),
    'NOT_FOUND',
  ),
  updateProfile: { resident: 'NOT_FOUND' }, // footnote 6
};

type Req = { action: BranchAction; data?: unknown | ((role: Role) => unknown) };
/** Each action's request, about branch 1 (the notice n-b1-dues is by the organisation committee member). */
const REQUESTS: Record<string, Req> = {
  me: { action: 'me' },
  applyToJoin: {
    action: 'applyToJoin',
    data: { code: INVITE, realName: '申请人', partyStatus: 'full', joinedPartyAt: '2010-07-01' },
  },
  myApplications: { action: 'myApplications' },
  createInvite: { action: 'createInvite', data: { branchId: B1 } },
  revokeInvite: { action: 'revokeInvite', data: { code: INVITE } },
  listInvites: { action: 'listInvites', data: { branchId: B1 } },
  listApplications: { action: 'listApplications', data: { branchId: B1 } },
  reviewApplication: {
    action: 'reviewApplication',
    data: (role: Role) => ({
      applicationId: own(role, ALLOWED_REVIEWERS, 'm-perm-app-'),
      approve: false,
      reason: '材料不全',
    }),
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
  declineTransfer: {
    action: 'declineTransfer',
    data: (role: Role) => ({
      membershipId: role === 'organizationCommittee' ? 'm-perm-transfer-2' : 'm-perm-transfer',
      reason: '暂不接收',
    }),
  },
  cancelTransfer: { action: 'cancelTransfer', data: { membershipId: 'm-perm-outgoing' } },
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
  remindUnread: {
    action: 'remindUnread',
    data: (role: Role) => ({ noticeId: own(role, ALLOWED_REVIEWERS, 'n-perm-remind-') }),
  },
  moderateNotice: {
    action: 'moderateNotice',
    data: (role: Role) => ({
      noticeId: own(role, ['deputySecretary', 'secretary'], 'n-perm-held-'),
      approve: true,
    }),
  },
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
    data: (role: Role) => ({
      reportId: own(role, ALLOWED_REVIEWERS, 'r-perm-'),
      approve: false,
      reason: '请先与社区联系',
    }),
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
      ...ALLOWED_REVIEWERS.map((role) => ({
        _id: `m-perm-app-${role}`,
        openid: `perm-applicant-${role}`,
        orgId: B1,
        fullKey: `m-perm-app-${role}`,
        committeeId: 'org-committee',
        branchName: '幸福里社区第一党支部',
        role: 'member',
        status: 'pending',
        realName: '申请者',
        partyStatus: 'full',
        sortKey: `申请者\u0000m-perm-app-${role}`,
        queueKey: `${now.toISOString()}#m-perm-app-${role}`,
        joinedAt: now,
        appliedAt: now,
      })),
      {
        _id: 'm-perm-transfer-2',
        openid: 'perm-mover-2',
        orgId: 'org-branch-2',
        fullKey: 'perm-mover-2',
        committeeId: 'org-committee',
        branchName: '幸福里社区第二党支部',
        role: 'member',
        status: 'active',
        realName: '转入者二',
        sortKey: '转入者二\u0000m-perm-transfer-2',
        joinedAt: now,
        transferTo: B1,
        transferFromName: '幸福里社区第二党支部',
        transferAt: now,
      },
      {
        _id: 'm-perm-outgoing',
        openid: 'perm-leaver',
        orgId: B1,
        fullKey: 'perm-leaver',
        committeeId: 'org-committee',
        branchName: '幸福里社区第一党支部',
        role: 'member',
        status: 'active',
        realName: '转出者',
        sortKey: '转出者\u0000m-perm-outgoing',
        joinedAt: now,
        transferTo: 'org-branch-2',
        transferFromName: '幸福里社区第一党支部',
        transferAt: now,
      },
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
    reports: ALLOWED_REVIEWERS.map((role) => ({
      _id: `r-perm-${role}`,
      openid: `perm-reporter-${role}`,
      branchId: B1,
      branchName: '幸福里社区第一党支部',
      committeeId: 'org-committee',
      fromBranchId: 'org-branch-2',
      fromBranchName: '幸福里社区第二党支部',
      realName: '林淑珍',
      phone: null,
      status: 'pending',
      reportedAt: now,
      queueKey: `${now.toISOString()}#r-perm-${role}`,
      reviewedAt: null,
      reviewedBy: null,
      reason: null,
      reasonHeld: false,
      endedAt: null,
    })),
    notices: [
      ...(['deputySecretary', 'secretary'] as const).map((role) => ({
        _id: `n-perm-held-${role}`,
        branchId: B1,
        committeeId: 'org-committee',
        title: '待审通知',
        body: '内容',
        pinned: false,
        status: 'held',
        authorOpenid: 'demo-propaganda',
        authorName: '孙伟',
        createdAt: now,
        readBy: [],
        reads: [],
        remindedOn: null,
      })),
      // By the organisation committee member (footnote 2), one per allowed role.
      ...ALLOWED_REVIEWERS.map((role) => ({
        _id: `n-perm-remind-${role}`,
        branchId: B1,
        committeeId: 'org-committee',
        title: '请按时交纳党费',
        body: '内容',
        pinned: false,
        status: 'published',
        authorOpenid: 'demo-organizer',
        authorName: '组织委员',
        createdAt: now,
        readBy: ['demo-organizer'],
        reads: [],
        remindedOn: null,
      })),
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
      const data = typeof req.data === 'function' ? req.data(role) : req.data;
      const { result } = await call(ROLES[role], req.action, data, rid());
      if (row === 'viewPhones') {
        const item = result.ok
          ? (result.data as { items: { phoneMasked: boolean; phone: string }[] }).items[0]
          : undefined;
        got[role] = item && !item.phoneMasked && /^\d{11}$/.test(item.phone) ? 'Y' : '·';
      } else {
        if (!result.ok && ['INVALID_ARGUMENT', 'INTERNAL'].includes(result.error.code)) {
          throw new Error(`${row} by ${role}: ${result.error.message}`);
        }
        const expected = OUTCOMES[row]?.[role] ?? 'ok';
        const outcome = result.ok ? 'ok' : result.error.code;
        // '·' = FORBIDDEN; 'Y' = exactly the allowed outcome; anything else shows what came back.
        got[role] = outcome === 'FORBIDDEN' ? '·' : outcome === expected ? 'Y' : outcome;
      }
    }
    expect(got).toEqual(want);
  });
});
