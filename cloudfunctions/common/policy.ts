/**
 * The one permission module (ARCHITECTURE §4): `can(actor, action, resource)` decides every
 * action of every function. The table is docs/permissions.md; test/cloud/permissions.test.ts
 * walks every action × role against a copy of that table, so a change here without a change
 * there fails the tests.
 *
 * The actor is loaded once per invocation (the caller's memberships, one database request)
 * and passed in; this module makes no database request itself.
 */
import type { RoleCode } from '../../typings/api';
import type { MembershipDoc } from './model';

/** The caller's active memberships, as the policy needs them. */
export interface Actor {
  openid: string;
  memberships: { orgId: string; committeeId: string | null; role: RoleCode }[];
  /**
   * Branches the caller is actively reported to (双报到). Not memberships: they only let
   * rules marked `orReported` through. Loaded only by actions that need it.
   */
  reports?: string[];
  /**
   * The resident household the caller's WeChat is bound to (党员中心户, issue #7). Loaded only by
   * `liaison` actions; lets `boundResident` rules through for that household.
   */
  binding?: { residentId: string; householdId: string } | null;
}

/** What an action is about. `branchId` for branch-scoped actions, `committeeId` for the tree. */
export interface Resource {
  branchId?: string;
  committeeId?: string;
  /** Author of a notice: may manage their own notice. */
  authorOpenid?: string;
  /** The member of a central household: `orHouseholder` rules let them through. */
  householderOpenid?: string;
  /** A central household: `boundResident` rules let residents bound to it through. */
  householdId?: string;
}

const COMMITTEE: readonly RoleCode[] = [
  'secretary',
  'deputySecretary',
  'organizationCommittee',
  'propagandaCommittee',
  'disciplineCommittee',
  'massWorkCommittee',
];
const EVERY_ROLE: readonly RoleCode[] = [...COMMITTEE, 'member', 'probationary', 'activist'];
const REVIEWERS: readonly RoleCode[] = ['secretary', 'deputySecretary', 'organizationCommittee'];
const SECRETARIES: readonly RoleCode[] = ['secretary', 'deputySecretary'];
const SECRETARY: readonly RoleCode[] = ['secretary'];
/** May turn down an incoming transfer: the receiving secretary and organisation committee member. */
const TRANSFER_DECIDERS: readonly RoleCode[] = ['secretary', 'organizationCommittee'];
/**
 * May write, publish and follow up micro party lessons (微党课): the secretary, the deputy and
 * the propaganda committee member (宣传委员), whose job lessons are.
 */
const LESSON_COMPOSERS: readonly RoleCode[] = [
  'secretary',
  'deputySecretary',
  'propagandaCommittee',
];
/**
 * Manage central households (党员中心户): designate, edit, step down, list them, the dashboard.
 * The secretary, the deputy and the mass-work committee member (群众工作委员).
 */
const LIAISON_MANAGERS: readonly RoleCode[] = ['secretary', 'deputySecretary', 'massWorkCommittee'];
/**
 * Manage the resident households of every central household of the branch (their names,
 * addresses, phones): the secretary and the deputy only. The mass-work member organises the
 * central households but never receives residents' personal data (ARCHITECTURE §4).
 */
const RESIDENT_MANAGERS: readonly RoleCode[] = SECRETARIES;
/** Roles of party members (党员): everyone but activists (入党积极分子). */
const PARTY_MEMBER: readonly RoleCode[] = EVERY_ROLE.filter((r) => r !== 'activist');

type Rule =
  /** Any caller, member or not (their own data only). */
  | { kind: 'anyone' }
  /**
   * Active members of the resource's branch holding one of `roles`; `orHouseholder`: also the
   * member of the resource's central household (`resource.householderOpenid`).
   */
  | {
      kind: 'branch';
      roles: readonly RoleCode[];
      orAuthor?: boolean;
      orReported?: boolean;
      orHouseholder?: boolean;
    }
  /** A resident whose WeChat is bound to the resource's central household (`actor.binding`). */
  | { kind: 'boundResident' }
  /** Anyone with an active membership in the resource's committee. */
  | { kind: 'committee' }
  /**
   * Committee admins: an active membership of the committee organisation itself
   * (`orgId === resource.committeeId`) holding one of `roles`.
   */
  | { kind: 'committeeAdmin'; roles: readonly RoleCode[] }
  /** Anyone with an active membership holding one of `roles`, in any organisation. */
  | { kind: 'member'; roles: readonly RoleCode[] };

/** Action → rule. Keep in step with docs/permissions.md. */
const RULES = {
  me: { kind: 'anyone' },
  applyToJoin: { kind: 'anyone' },
  myApplications: { kind: 'anyone' },
  createInvite: { kind: 'branch', roles: REVIEWERS },
  revokeInvite: { kind: 'branch', roles: REVIEWERS },
  listInvites: { kind: 'branch', roles: REVIEWERS },
  listApplications: { kind: 'branch', roles: REVIEWERS },
  reviewApplication: { kind: 'branch', roles: REVIEWERS },
  listMembers: { kind: 'branch', roles: EVERY_ROLE },
  memberCard: { kind: 'branch', roles: EVERY_ROLE },
  /** Not an action: whether phone numbers are shown unmasked. */
  viewPhones: { kind: 'branch', roles: SECRETARIES },
  setRole: { kind: 'branch', roles: SECRETARY },
  handOverSecretary: { kind: 'branch', roles: SECRETARY },
  leaveBranch: { kind: 'branch', roles: EVERY_ROLE },
  transferMember: { kind: 'branch', roles: SECRETARY },
  listTransfers: { kind: 'branch', roles: SECRETARY },
  acceptTransfer: { kind: 'branch', roles: SECRETARY },
  /** Resource: the receiving branch. */
  declineTransfer: { kind: 'branch', roles: TRANSFER_DECIDERS },
  /** Resource: the sending branch. */
  cancelTransfer: { kind: 'branch', roles: SECRETARY },
  createGroup: { kind: 'branch', roles: SECRETARY },
  assignGroup: { kind: 'branch', roles: SECRETARY },
  tree: { kind: 'committee' },
  postNotice: { kind: 'branch', roles: COMMITTEE },
  listNotices: { kind: 'branch', roles: EVERY_ROLE, orReported: true },
  readNotice: { kind: 'branch', roles: EVERY_ROLE, orReported: true },
  /** Not an action: list held notices (`listNotices { status: 'held' }`). */
  listHeldNotices: { kind: 'branch', roles: SECRETARIES },
  noticeReads: { kind: 'branch', roles: SECRETARIES, orAuthor: true },
  remindUnread: { kind: 'branch', roles: SECRETARIES, orAuthor: true },
  moderateNotice: { kind: 'branch', roles: SECRETARIES },
  createBranch: { kind: 'committeeAdmin', roles: SECRETARIES },
  updateBranch: { kind: 'committeeAdmin', roles: SECRETARIES },
  appointSecretary: { kind: 'committeeAdmin', roles: SECRETARIES },
  searchCommitteeMembers: { kind: 'committeeAdmin', roles: SECRETARIES },
  renameGroup: { kind: 'branch', roles: SECRETARY },
  reportToBranch: { kind: 'member', roles: PARTY_MEMBER },
  reviewReport: { kind: 'branch', roles: REVIEWERS },
  endReport: { kind: 'anyone' },
  listReports: { kind: 'branch', roles: COMMITTEE },
  updateProfile: { kind: 'anyone' },
  // ------------------------------------------------ `lesson` function (微党课)
  /** create, update, publish, unschedule, remove, composeOptions. */
  composeLesson: { kind: 'branch', roles: LESSON_COMPOSERS },
  /** Not an action: `list` of drafts, scheduled and held lessons; `get` of one; `editable`. */
  listUnpublishedLessons: { kind: 'branch', roles: LESSON_COMPOSERS },
  /** Releases a held lesson (content security asked for review), like `moderateNotice`. */
  moderateLesson: { kind: 'branch', roles: SECRETARIES },
  listLessons: { kind: 'branch', roles: EVERY_ROLE },
  /** `get` of a published lesson; the audience decides `complete`/`submitQuiz`, not the role. */
  readLesson: { kind: 'branch', roles: EVERY_ROLE },
  completeLesson: { kind: 'branch', roles: EVERY_ROLE },
  submitQuiz: { kind: 'branch', roles: EVERY_ROLE },
  lessonStats: { kind: 'branch', roles: LESSON_COMPOSERS },
  lessonOverview: { kind: 'branch', roles: LESSON_COMPOSERS },
  remindLesson: { kind: 'branch', roles: LESSON_COMPOSERS },
  listReflections: { kind: 'branch', roles: EVERY_ROLE },
  postReflection: { kind: 'branch', roles: EVERY_ROLE },
  /** Also lists held and hidden reflections. */
  hideReflection: { kind: 'branch', roles: LESSON_COMPOSERS },
  listTopics: { kind: 'branch', roles: EVERY_ROLE },
  proposeTopic: { kind: 'branch', roles: EVERY_ROLE },
  supportTopic: { kind: 'branch', roles: EVERY_ROLE },
  /** Also lists held topics. */
  adoptTopic: { kind: 'branch', roles: LESSON_COMPOSERS },
  myPoints: { kind: 'anyone' },
  // ------------------------------------------------ `activity` function (issue #6)
  /**
   * Organisers of the branch's activities (the committee): create, update, cancelActivity,
   * listSignups, attendance, markAttendance, attendanceStats, checkInToken, confirmHours,
   * createTeam, recordGoodDeeds, exportSignups, exportHours; also see held activities.
   */
  organiseActivity: { kind: 'branch', roles: COMMITTEE },
  /** Secretary and deputy: decideLeave, postMinutes, the text of held minutes. */
  moderateActivity: { kind: 'branch', roles: SECRETARIES },
  /**
   * Secretary and deputy: revealPhone (one resident's phone in full, written to `auditLogs`);
   * every list and export carries masked phones only.
   */
  revealResidentPhone: { kind: 'branch', roles: SECRETARIES },
  /**
   * Taking part by the activity's audience (get, list, signUp, cancel, checkIn, checkOut):
   * `branch` → the branch's members; `reported` → members and reporters (双报到); `public` →
   * anyone, residents included. activity/shared.ts `admits` picks the rule; a team activity
   * also needs the team, a meeting's reply and check-in the expected audience.
   */
  joinBranchActivity: { kind: 'branch', roles: EVERY_ROLE },
  joinReportedActivity: { kind: 'branch', roles: EVERY_ROLE, orReported: true },
  joinPublicActivity: { kind: 'anyone' },
  /** listTeams, joinTeam (leaveTeam: members of the team). */
  volunteerTeams: { kind: 'branch', roles: EVERY_ROLE },
  /** goodDeeds: the branch's tally. */
  viewGoodDeeds: { kind: 'branch', roles: EVERY_ROLE },
  /** mine, myRecord, certificate: the caller's own. */
  myActivities: { kind: 'anyone' },
  // ------------------------------------------------ `liaison` function (issue #7)
  /**
   * Central households, not their residents: designateHousehold, dashboard (figures only);
   * stepDown / updateHousehold of any household of the branch.
   */
  manageLiaison: { kind: 'branch', roles: LIAISON_MANAGERS },
  /**
   * listHouseholds: the managers, and a member who is an active central household of the
   * branch (`householderOpenid`: the caller's own household there), so that stepping down they
   * can choose whom to hand their residents to. Household data only, never residents.
   */
  viewHouseholds: { kind: 'branch', roles: LIAISON_MANAGERS, orHouseholder: true },
  /**
   * Resident households of any central household of the branch: listResidents, addResident,
   * updateResident, removeResident, cardImage, exportCards (cards carry the resident's
   * address), importTemplate, importResidents, exportResidents, listServiceRecords (notes and
   * photos are about residents). Secretary and deputy only.
   */
  manageResidents: { kind: 'branch', roles: RESIDENT_MANAGERS },
  /**
   * The member's own ACTIVE central household (liaison/shared.ts `householdResource` gives a
   * stepped-down one no householder): updateHousehold (own consent), stepDown, addResident,
   * updateResident, listResidents, cardImage, listServiceRecords. Secretaries pass
   * `manageResidents`, the mass-work member `manageLiaison` for the household itself only.
   */
  ownHousehold: { kind: 'branch', roles: [], orHouseholder: true },
  /** Care tags and notes of resident households: the linked member, secretary, deputy. */
  viewResidentCare: { kind: 'branch', roles: SECRETARIES, orHouseholder: true },
  /** revealPhone of a linked resident (audit-logged): the linked member, secretary, deputy. */
  revealLiaisonPhone: { kind: 'branch', roles: SECRETARIES, orHouseholder: true },
  /** logService: the linked member only (a record of their own work). */
  logService: { kind: 'branch', roles: [], orHouseholder: true },
  /**
   * Requests of a central household: the linked member always; the secretary and deputy see
   * them all and handle them from escalation level 1 (liaison/requests.ts checks the level).
   */
  handleRequest: { kind: 'branch', roles: SECRETARIES, orHouseholder: true },
  /** Requests escalated to the committee (level 2), and `updateSettings`: committee secretaries. */
  committeeLiaison: { kind: 'committeeAdmin', roles: SECRETARIES },
  /**
   * bindResident, myLiaison, unbind: anyone (a card and its digits are the proof) — except that
   * bindResident refuses the household's own member and whoever passes `manageLiaison` or
   * `viewResidentCare` for it: they can read card codes and masked phones in their lists.
   */
  bindLiaisonCard: { kind: 'anyone' },
  /** submitRequest, rateRequest, myData, eraseMyData, getRequest of their household's request. */
  residentOfHousehold: { kind: 'boundResident' },
} as const satisfies Record<string, Rule>;

export type PolicyAction = keyof typeof RULES;
export const ACTIONS = Object.keys(RULES) as PolicyAction[];

/** The caller's role in a branch (active memberships only), or null. */
export function roleIn(actor: Actor, branchId: string | undefined): RoleCode | null {
  if (!branchId) return null;
  return actor.memberships.find((m) => m.orgId === branchId)?.role ?? null;
}

export function can(actor: Actor, action: PolicyAction, resource: Resource = {}): boolean {
  const rule: Rule = RULES[action];
  switch (rule.kind) {
    case 'anyone':
      return true;
    case 'committee': {
      const c = resource.committeeId;
      return !!c && actor.memberships.some((m) => m.committeeId === c || m.orgId === c);
    }
    case 'committeeAdmin': {
      const c = resource.committeeId;
      return !!c && actor.memberships.some((m) => m.orgId === c && rule.roles.includes(m.role));
    }
    case 'member':
      return actor.memberships.some((m) => rule.roles.includes(m.role));
    case 'boundResident':
      return !!resource.householdId && actor.binding?.householdId === resource.householdId;
    case 'branch': {
      const role = roleIn(actor, resource.branchId);
      // A central household's member acts on their own household only while they are in the
      // household's branch (a member who left keeps no access).
      if (
        rule.orHouseholder &&
        role &&
        resource.householderOpenid !== undefined &&
        resource.householderOpenid === actor.openid
      )
        return true;
      if (!role) {
        return (
          !!rule.orReported && !!resource.branchId && !!actor.reports?.includes(resource.branchId)
        );
      }
      if (rule.roles.includes(role)) return true;
      return !!rule.orAuthor && resource.authorOpenid === actor.openid;
    }
  }
}

/** Branch ids among the caller's where `action` is allowed. */
export function branchesWhere(actor: Actor, action: PolicyAction): string[] {
  return actor.memberships
    .filter((m) => can(actor, action, { branchId: m.orgId }))
    .map((m) => m.orgId);
}

/** Committees where the caller is an admin for `action` (no database request). */
export function committeesWhere(actor: Actor, action: PolicyAction): string[] {
  return actor.memberships
    .filter((m) => can(actor, action, { committeeId: m.orgId }))
    .map((m) => m.orgId);
}

/**
 * Builds the actor from the caller's membership documents (only active ones count) and,
 * when given, their report documents (only active reports count).
 */
export function actorFrom(
  openid: string,
  docs: readonly MembershipDoc[],
  reports?: readonly { openid: string; branchId: string; status: string }[],
): Actor {
  return {
    ...(reports
      ? {
          reports: reports
            .filter((r) => r.openid === openid && r.status === 'active')
            .map((r) => r.branchId),
        }
      : {}),
    openid,
    memberships: docs
      .filter((d) => d.openid === openid && d.status === 'active')
      .map((d) => ({ orgId: d.orgId, committeeId: d.committeeId ?? null, role: d.role })),
  };
}
