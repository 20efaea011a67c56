/**
 * Contract of the `branch` cloud function (issue #3): organisation, joining with approval,
 * roles, directory, identity card, party groups, transfers and notices.
 *
 * Conventions shared by every action:
 * - Dates travel as ISO 8601 strings; "days" (`YYYY-MM-DD`, `MM-DD`) are in China time (UTC+8).
 * - Lists are cursor-paginated: pass back `nextCursor` as `cursor`; `nextCursor === null` means
 *   the end. A page holds at most 20 items (ARCHITECTURE §6).
 * - People are named by their `openid` inside this mini-program (never by the caller's own
 *   openid in `data`: the caller is always `getWXContext().OPENID`).
 * - Errors (ARCHITECTURE §3): `FORBIDDEN` (role does not allow it, docs/permissions.md),
 *   `NOT_FOUND`, `INVALID_ARGUMENT` (message names the field), `CONFLICT` (state changed or
 *   already done), `CONTENT_RISKY` (text refused by content security), `RATE_LIMITED`.
 */
import type { RoleCode } from './api';
import type { LiaisonCard } from './liaison';

/** Party standing an applicant declares: full member (正式党员), probationary (预备党员), activist (入党积极分子). */
export type PartyStatus = 'full' | 'probationary' | 'activist';

/**
 * `pending`: an application awaiting review; `active`: a member; `rejected`: an application
 * turned down (the applicant sees `reason`); `left`: no longer in the branch (kept for history).
 */
export type MembershipState = 'pending' | 'active' | 'rejected' | 'left';

/** Roles a secretary may give with `setRole` (the secretary role moves only by `handOverSecretary`). */
export type AssignableRole = Exclude<RoleCode, 'secretary'>;

export type OrgType = 'committee' | 'generalBranch' | 'branch';

// ---------------------------------------------------------------- me

export interface NoticeBrief {
  noticeId: string;
  title: string;
  pinned: boolean;
  /** ISO 8601 */
  createdAt: string;
  read: boolean;
}

/** One of the caller's memberships (or open applications), with what the home page shows. */
export interface MyMembership {
  /** The membership (= application) id. */
  membershipId: string;
  branchId: string;
  branchName: string;
  /** Committee (党委) the branch belongs to. */
  committeeId: string;
  role: RoleCode;
  status: MembershipState;
  /** Real name given when joining. */
  realName: string;
  partyGroupId: string | null;
  partyGroupName: string | null;
  /** ISO 8601 day the caller joined the party (入党日期), when known. */
  joinedPartyAt: string | null;
  /** Today (UTC+8) is the anniversary of `joinedPartyAt`: 政治生日. */
  politicalBirthday: boolean;
  /** Whole years since `joinedPartyAt` (党龄), or null. */
  partyYears: number | null;
  /** Active memberships only: unread published notices among the latest 100 of the branch. */
  unreadNotices: number;
  /** Active memberships only: pinned published notices, newest first (at most 3). */
  pinnedNotices: NoticeBrief[];
  /**
   * Active memberships only: the newest unread published notices of the branch (at most 3,
   * newest first; `read` is always false), so home can list them without `listNotices`.
   * Added with the review fixes; always sent by the server (optional for older fixtures).
   */
  unreadNoticeItems?: NoticeBrief[];
  /** Applications waiting for review; `null` unless the caller may review them (secretary, deputy, organisation committee). */
  pendingApprovals: number | null;
  /** Incoming transfers waiting for acceptance; `null` unless the caller may accept them. */
  pendingTransfers: number | null;
}

export interface BranchMeResponse {
  /** Active memberships first, then pending applications; at most 20. */
  memberships: MyMembership[];
  /**
   * The caller's reports (双报到) to community branches, pending and active first, then
   * rejected and ended ones; at most 20. Added with issue #3 part 3. A report is not a
   * membership: it never appears in `memberships`. Always sent by the server (optional in
   * the type only so that older fixtures still compile).
   */
  reports?: MyReport[];
  /**
   * The caller's rejected applications (newest first, at most 3) so home can show the
   * outcome and reason without `myApplications`. An application re-opened by applying again
   * leaves this list. Always sent by the server (optional for older fixtures).
   */
  rejectedApplications?: RejectedApplication[];
  /**
   * For callers without an active membership: the liaison card of the household their WeChat
   * is bound to (党员中心户, issue #7), null when not bound. Absent for members (their 联户 tab
   * has it), so a member's home costs no extra request.
   */
  liaison?: LiaisonCard | null;
  /**
   * For a member who is a party member central household (党员中心户, issue #7): their active
   * central households in branches where they are an active member, and the open requests
   * (submitted or accepted, not yet resolved) of those households together — home's 「联户求助
   * N 条待处理」. Absent when the caller is no central household. Read in `me`'s first request
   * (no extra one).
   */
  liaisonRequests?: LiaisonRequestCount;
  /** ISO 8601 server clock. */
  serverTime: string;
}

/** `BranchMeResponse.liaisonRequests`. */
export interface LiaisonRequestCount {
  /** Central households of the caller (≥ 1). */
  households: number;
  /** Open requests of these households together (≥ 0). */
  openRequests: number;
}

/** A rejected application as `me` shows it. */
export interface RejectedApplication {
  applicationId: string;
  branchId: string;
  branchName: string;
  /** Why it was rejected (a neutral text when the reason was held by content security). */
  reason: string | null;
  /** ISO 8601 */
  reviewedAt: string | null;
}

// ---------------------------------------------------------------- invitations

export interface CreateInviteRequest {
  branchId: string;
  /** Validity in days, 1–30 (default 7). */
  validDays?: number;
}

export interface CreateInviteResponse {
  /** Short code (8 characters A–Z 2–9, no look-alikes) typed on the join page. */
  code: string;
  /** Scene of the 小程序码: `c=<code>`; opens `pages/join/index?scene=c%3D<code>`. */
  scene: string;
  /** Cloud file id of the QR image (wxacode.getUnlimited), or null when it could not be made. */
  qrFileID: string | null;
  /** Temporary https URL of the QR image, or null. */
  qrUrl: string | null;
  branchId: string;
  branchName: string;
  /** ISO 8601 */
  expiresAt: string;
}

export interface ListInvitesRequest {
  /** The branch; the caller is its secretary, deputy secretary or organisation committee member. */
  branchId: string;
  /** `nextCursor` of the previous page. */
  cursor?: string;
}

/** An active invitation: not revoked and not expired. */
export interface InviteItem {
  code: string;
  branchId: string;
  /** ISO 8601 */
  expiresAt: string;
  /** ISO 8601 */
  createdAt: string;
  /** openid of whoever created it. */
  createdBy: string;
  /** Real name of the creator in the branch, or null for invitations made before it was kept. */
  createdByName: string | null;
  /** Cloud file id of the QR image, or null. */
  qrFileID: string | null;
}

export interface ListInvitesResponse {
  /** Active invitations, newest first, at most 20. */
  items: InviteItem[];
  nextCursor: string | null;
}

export interface RevokeInviteRequest {
  code: string;
}

export interface RevokeInviteResponse {
  code: string;
  revoked: true;
}

// ---------------------------------------------------------------- applications

export interface ApplyToJoinRequest {
  /** Invitation code, typed or taken from the QR scene (case-insensitive). */
  code: string;
  /** 2–20 characters. */
  realName: string;
  partyStatus: PartyStatus;
  /**
   * Day of joining the party, `YYYY-MM-DD`. Required (server-side) when `partyStatus` is
   * `full` or `probationary` (`INVALID_ARGUMENT` naming `joinedPartyAt`); ignored for activists.
   */
  joinedPartyAt?: string;
  /** Mainland mobile number (11 digits), seen in full only by the branch's secretaries. */
  phone?: string;
}

export interface ApplyToJoinResponse {
  applicationId: string;
  branchId: string;
  branchName: string;
  status: 'pending';
}

export interface ApplicationView {
  applicationId: string;
  branchId: string;
  branchName: string;
  /** `active` = approved. */
  status: MembershipState;
  realName: string;
  partyStatus: PartyStatus;
  joinedPartyAt: string | null;
  /** ISO 8601 */
  appliedAt: string;
  reviewedAt: string | null;
  /** Why it was rejected, shown to the applicant. */
  reason: string | null;
}

export interface MyApplicationsResponse {
  /** Newest first, at most 20. */
  items: ApplicationView[];
}

export interface ListApplicationsRequest {
  branchId: string;
  /** Default `pending`; `active` lists approved ones, `rejected` rejected ones. */
  status?: 'pending' | 'active' | 'rejected';
  cursor?: string;
}

export interface ListApplicationsResponse {
  /**
   * Oldest first (a queue), at most 20. `phone` is masked (`138****1234`) unless the caller
   * may view phones (secretary, deputy secretary: _viewPhones_ in docs/permissions.md);
   * `phoneMasked` tells which (always sent by the server; optional for older fixtures).
   */
  items: (ApplicationView & { openid: string; phone: string | null; phoneMasked?: boolean })[];
  nextCursor: string | null;
}

export interface ReviewApplicationRequest {
  applicationId: string;
  approve: boolean;
  /** Required when rejecting (1–200 characters); the applicant sees it. */
  reason?: string;
}

export interface ReviewApplicationResponse {
  applicationId: string;
  status: 'active' | 'rejected';
  /** The new member's role when approved (member / probationary / activist). */
  role: RoleCode | null;
}

// ---------------------------------------------------------------- directory and card

export interface ListMembersRequest {
  branchId: string;
  cursor?: string;
  /** Part of a name (1–20 characters). */
  keyword?: string;
}

export interface MemberItem {
  openid: string;
  membershipId: string;
  name: string;
  role: RoleCode;
  partyGroupId: string | null;
  partyGroupName: string | null;
  /** `138****1234` unless the caller is a secretary or deputy secretary of the branch; null when none. */
  phone: string | null;
  phoneMasked: boolean;
}

export interface ListMembersResponse {
  /** By name, at most 20. */
  items: MemberItem[];
  nextCursor: string | null;
}

export interface MemberCardRequest {
  branchId: string;
  /** Another member of the branch; omitted = the caller. */
  openid?: string;
}

/** 亮身份: the identity card of a member. */
export interface MemberCardResponse {
  openid: string;
  name: string;
  /**
   * Temporary https URL of the photo (cloud.getTempFileURL, valid about 2 hours), or null
   * when the member has none (or the URL could not be made).
   */
  photo: string | null;
  /** The stored cloud file id of the photo (`cloud://…/avatars/…`), or null. */
  photoFileID?: string | null;
  branchId: string;
  branchName: string;
  role: RoleCode;
  partyGroupName: string | null;
  joinedPartyAt: string | null;
  /** Whole years of party standing (党龄), or null. */
  partyYears: number | null;
  /** `MM-DD` of the political birthday, or null. */
  politicalBirthday: string | null;
  isPoliticalBirthdayToday: boolean;
  phone: string | null;
  phoneMasked: boolean;
}

// ---------------------------------------------------------------- roles and membership changes

/**
 * Party standing limits the roles (`CONFLICT`, `details.reason: 'partyStanding'`, message
 * says why):
 * - an activist (入党积极分子, not a party member) keeps the role `activist`: no committee
 *   role, and never `member` or `probationary` through `setRole` (becoming a party member
 *   follows the admission procedure, which this function does not model);
 * - a probationary member (预备党员) may not hold a committee role (支委); `member` is
 *   allowed and records the conversion to full membership (转正: `partyStatus` becomes
 *   `full`);
 * - a full member (any committee role or `member`) may not be set to `probationary` or
 *   `activist`.
 * Setting the role a member already has answers success.
 */
export interface SetRoleRequest {
  branchId: string;
  openid: string;
  role: AssignableRole;
}

export interface SetRoleResponse {
  openid: string;
  role: AssignableRole;
}

export interface HandOverSecretaryRequest {
  branchId: string;
  /** An active member of the branch who becomes secretary; the caller becomes `member`. */
  toOpenid: string;
}

export interface HandOverSecretaryResponse {
  branchId: string;
  secretaryOpenid: string;
}

export interface LeaveBranchRequest {
  branchId: string;
}

export interface LeaveBranchResponse {
  branchId: string;
  status: 'left';
}

/**
 * Refused up front only when the transfer could never complete: the member is already an
 * active member of the receiving branch (`CONFLICT`, `details.reason: 'memberThere'`), is
 * the secretary (`CONFLICT`: hand over first), or the receiving branch is not a branch of
 * the committee (`NOT_FOUND`; a general branch 党总支 has no members). An earlier record of
 * the person in the receiving branch (a rejected or pending application, or a membership
 * they left) does not block it: `acceptTransfer` replaces it.
 */
export interface TransferMemberRequest {
  /** Source branch (the caller is its secretary). */
  branchId: string;
  openid: string;
  /** Another branch of the same committee (at any level: under the committee or a 党总支). */
  toBranchId: string;
}

export interface TransferMemberResponse {
  membershipId: string;
  toBranchId: string;
  status: 'transferring';
}

export interface ListTransfersRequest {
  /** The receiving branch. */
  branchId: string;
}

export interface TransferItem {
  membershipId: string;
  openid: string;
  name: string;
  role: RoleCode;
  fromBranchId: string;
  fromBranchName: string;
  /** ISO 8601 */
  requestedAt: string;
}

export interface ListTransfersResponse {
  /** At most 20, oldest first. */
  items: TransferItem[];
}

/**
 * The transferred membership moves to the receiving branch. A pending application of the
 * same person to the receiving branch is superseded, and a rejected application or a left
 * membership there is replaced: that old record is removed in the same call (the person
 * has one record per branch), so the transfer never fails on it.
 */
export interface AcceptTransferRequest {
  membershipId: string;
}

export interface AcceptTransferResponse {
  membershipId: string;
  branchId: string;
  status: 'active';
}

export interface DeclineTransferRequest {
  /** An incoming transfer of the caller's branch (`TransferItem.membershipId`). */
  membershipId: string;
  /** 1–200 characters, kept on the membership for the sending branch. */
  reason: string;
}

export interface DeclineTransferResponse {
  membershipId: string;
  /** The member stays an active member of the sending branch; the transfer is gone. */
  status: 'declined';
}

export interface CancelTransferRequest {
  /** A pending outgoing transfer of the caller's branch (`TransferMemberResponse.membershipId`). */
  membershipId: string;
}

export interface CancelTransferResponse {
  membershipId: string;
  status: 'cancelled';
}

// ---------------------------------------------------------------- organisation

export interface CreateGroupRequest {
  branchId: string;
  /** 1–20 characters, e.g. 第一党小组. */
  name: string;
}

export interface CreateGroupResponse {
  groupId: string;
  name: string;
}

export interface AssignGroupRequest {
  branchId: string;
  openid: string;
  /** null takes the member out of any group. */
  groupId: string | null;
}

export interface AssignGroupResponse {
  openid: string;
  groupId: string | null;
  groupName: string | null;
}

export interface TreeRequest {
  /** Committee to show; default: the committee of the caller's first membership. */
  committeeId?: string;
}

/**
 * Nesting: committee → general branches (党总支) and branches directly under the committee;
 * a general branch → its branches; a branch → its party groups. Children: organisations
 * first (by id), then party groups (by name).
 */
export interface TreeNode {
  id: string;
  name: string;
  type: OrgType | 'group';
  /** Grid area (网格) the branch is attached to. */
  gridArea: string | null;
  /**
   * Active members (组织关系) of a branch or a party group (reported members never count);
   * null for the committee and general branches (a general branch has no members of its own).
   */
  memberCount: number | null;
  /**
   * Branches only: whether the branch has its secretary (`false` for a new branch until
   * `appointSecretary`). Absent for other nodes. Added with the committee admin pages.
   */
  hasSecretary?: boolean;
  children: TreeNode[];
}

export interface TreeResponse {
  root: TreeNode;
  /**
   * The caller is a committee admin of this committee (may `createBranch`, `updateBranch`,
   * `appointSecretary`, `searchCommitteeMembers`): the tree page offers 编辑 / 指定书记.
   * Always sent by the server (optional in the type so older fixtures still compile).
   */
  canManage?: boolean;
}

// ---------------------------------------------------------------- committee administration

/**
 * Committee admins (党委管理员) are the secretary and deputy secretary of the committee
 * organisation (an active membership whose `orgId` is the committee, e.g. `demo-committee`
 * in the demo seed). They create branches and general branches (党总支), rename them and
 * appoint a new branch's first secretary.
 *
 * A general branch is an organising level between the committee and its branches. In this
 * version it has no members and no secretary of its own: the committee admins manage it and
 * its branches; each branch under it has its own secretary as usual (`appointSecretary` on a
 * general branch is `NOT_FOUND`, and so is a transfer or an invitation to one).
 */
export type CreatableOrgType = 'branch' | 'generalBranch';

export interface CreateBranchRequest {
  /** The committee (党委) the branch belongs to; the caller must be its admin. */
  committeeId: string;
  /** 2–30 characters, unique within the committee among branches and general branches (`CONFLICT` otherwise). */
  name: string;
  /** Grid area (网格) the branch (or general branch) is laid over, 1–50 characters. */
  gridArea: string;
  /** Default `branch`. `generalBranch` creates a general branch (党总支). Added with general branches. */
  kind?: CreatableOrgType;
  /**
   * Where it sits: omitted (or the committee's id) = directly under the committee. A branch
   * may name a general branch of the same committee (`NOT_FOUND` otherwise); a general
   * branch always sits under the committee (another `parentId`: `INVALID_ARGUMENT` naming
   * `parentId`). Added with general branches.
   */
  parentId?: string;
}

export interface CreateBranchResponse {
  branchId: string;
  committeeId: string;
  name: string;
  gridArea: string;
  /**
   * Always false for a new organisation: the committee appoints a branch's first secretary
   * with `appointSecretary`; a general branch has none.
   */
  hasSecretary: false;
  /** What was created. Always sent by the server (optional for older fixtures). */
  kind?: CreatableOrgType;
  /** The parent: the committee or a general branch. Always sent (optional for older fixtures). */
  parentId?: string;
}

export interface UpdateBranchRequest {
  /** A branch or a general branch (党总支) of the caller's committee. */
  branchId: string;
  /** 2–30 characters, unique within the committee. */
  name?: string;
  /** 1–50 characters. At least one of `name`, `gridArea` is required. */
  gridArea?: string;
}

export interface UpdateBranchResponse {
  branchId: string;
  /** Present when changed: the new name. */
  name?: string;
  /** Present when changed: the new grid area. */
  gridArea?: string;
}

export interface AppointSecretaryRequest {
  /** A branch that has no secretary yet (a new branch); otherwise `CONFLICT`. */
  branchId: string;
  /**
   * The appointee: an active party member (not an activist) of that branch, or an active
   * party member of another branch of the same committee who is not its secretary — their
   * organisational membership (组织关系) then moves to this branch. Others: `NOT_FOUND`.
   */
  openid: string;
}

export interface AppointSecretaryResponse {
  branchId: string;
  secretaryOpenid: string;
  /** True when the appointee's membership moved here from another branch. */
  moved: boolean;
}

export interface SearchCommitteeMembersRequest {
  /** The committee (党委); the caller must be its admin (secretary / deputy of the committee organisation). */
  committeeId: string;
  /** Part of a real name, 1–20 characters (required: the committee is searched, never listed whole). */
  keyword: string;
  /** `nextCursor` of the previous page. */
  cursor?: string;
}

/** A party member of one of the committee's branches, as a committee admin picks one. */
export interface CommitteeMemberItem {
  openid: string;
  /** Real name. */
  name: string;
  /** The branch of this membership (组织关系). */
  branchId: string;
  branchName: string;
  /** Never `activist` (not a party member); `secretary` cannot be appointed elsewhere before handing over. */
  role: RoleCode;
  /** The phone number always masked (`138****1234`), or null when none: enough to tell namesakes apart. */
  phoneMasked: string | null;
}

export interface SearchCommitteeMembersResponse {
  /**
   * Active memberships of the committee's branches (not the committee organisation itself),
   * not activists, whose name contains `keyword`; by name, at most 20.
   */
  items: CommitteeMemberItem[];
  nextCursor: string | null;
}

// ---------------------------------------------------------------- party groups (additions)

export interface RenameGroupRequest {
  groupId: string;
  /** 1–20 characters, unique within the branch (`CONFLICT` otherwise). */
  name: string;
}

export interface RenameGroupResponse {
  groupId: string;
  name: string;
}

// ---------------------------------------------------------------- 双报到 (reports)

/**
 * `pending`: waiting for the community branch; `active`: reported (报到) — sees the branch's
 * notices and may take part in its activities, but is NOT a member of it; `rejected`: turned
 * down (the reporter sees `reason`); `ended`: ended by the reporter.
 */
export type ReportStatus = 'pending' | 'active' | 'rejected' | 'ended';

/** One of the caller's reports, as `me` shows it. */
export interface MyReport {
  reportId: string;
  /** The community branch reported to. */
  branchId: string;
  branchName: string;
  status: ReportStatus;
  /** Why it was rejected, shown to the reporter; null otherwise. */
  reason: string | null;
  /** ISO 8601 */
  reportedAt: string;
}

/**
 * Exactly one of `branchId` and `code` (`INVALID_ARGUMENT` naming `branchId` otherwise).
 * `code` is an invitation code of the community branch shared by its secretary, so a member
 * can report to a branch under another committee without knowing its id; an expired or
 * revoked code is `CONFLICT`, an unknown one `NOT_FOUND`.
 */
export interface ReportToBranchRequest {
  /** A community branch (of the same or another committee) the caller is not a member of. */
  branchId?: string;
  /** Invitation code of the community branch (case-insensitive), instead of `branchId`. */
  code?: string;
}

export interface ReportToBranchResponse {
  reportId: string;
  branchId: string;
  branchName: string;
  status: 'pending';
}

export interface ReviewReportRequest {
  reportId: string;
  approve: boolean;
  /** Required when rejecting (1–200 characters); the reporter sees it. */
  reason?: string;
}

export interface ReviewReportResponse {
  reportId: string;
  status: 'active' | 'rejected';
}

export interface EndReportRequest {
  /** The community branch the caller reported to. */
  branchId: string;
}

export interface EndReportResponse {
  reportId: string;
  branchId: string;
  status: 'ended';
}

export interface ListReportsRequest {
  /** The community branch (the caller is on its branch committee). */
  branchId: string;
  /** Default `pending`. */
  status?: ReportStatus;
  cursor?: string;
}

export interface ReportItem {
  reportId: string;
  openid: string;
  /** Real name from the reporter's own branch membership. */
  name: string;
  /** `138****1234` unless the caller is a secretary or deputy secretary of the branch. */
  phone: string | null;
  phoneMasked: boolean;
  /** The reporter's own branch (组织关系). */
  fromBranchId: string;
  fromBranchName: string;
  status: ReportStatus;
  /** ISO 8601 */
  reportedAt: string;
  reviewedAt: string | null;
  reason: string | null;
}

export interface ListReportsResponse {
  /** Oldest first (a queue), at most 20. */
  items: ReportItem[];
  nextCursor: string | null;
}

// ---------------------------------------------------------------- own profile

export interface UpdateProfileRequest {
  /** 2–20 characters; changes the name on every active membership of the caller. */
  realName?: string;
  /** Mainland mobile number `1[3-9]` + 9 digits; null removes it. Never logged. */
  phone?: string | null;
  /**
   * Photo for the identity card: the `fileID` returned by `wx.cloud.uploadFile` with a
   * `cloudPath` under `avatars/` (e.g. `avatars/<random>.jpg`) in this environment; null
   * removes it. Anything else: `INVALID_ARGUMENT` naming `photoFileID`.
   */
  photoFileID?: string | null;
}

export interface UpdateProfileResponse {
  /** Active memberships updated (a person has one branch, maybe a committee role too). */
  updatedMemberships: number;
  realName: string;
  phone: string | null;
  photoFileID: string | null;
  /** Temporary https URL of the photo, or null. */
  photo: string | null;
}

// ---------------------------------------------------------------- notices

export interface PostNoticeRequest {
  branchId: string;
  /** 1–50 characters. */
  title: string;
  /** 1–2000 characters. */
  body: string;
  pinned?: boolean;
}

export interface PostNoticeResponse {
  noticeId: string;
  /** `held`: content security asked for review; a secretary releases it with `moderateNotice`. */
  status: 'published' | 'held';
}

export interface ListNoticesRequest {
  branchId: string;
  cursor?: string;
  /** `held` lists notices waiting for moderation (secretary, deputy secretary only). */
  status?: 'published' | 'held';
}

export interface NoticeItem extends NoticeBrief {
  authorName: string;
  /** First 60 characters of the body. */
  excerpt: string;
  status: 'published' | 'held';
}

export interface ListNoticesResponse {
  /** Unread first (newest first), then read (newest first); at most 20. */
  items: NoticeItem[];
  nextCursor: string | null;
}

export interface ReadNoticeRequest {
  noticeId: string;
}

export interface NoticeDetail extends NoticeItem {
  branchId: string;
  body: string;
  /** The caller may see who has read it (`noticeReads`) and remind (`remindUnread`). */
  canManage: boolean;
  /**
   * n: current active members of the branch who have read it (reported members and people
   * who have left never count), so `readCount <= audienceCount` always.
   */
  readCount: number;
  /** m: the branch's current active members (not a list frozen at posting time). */
  audienceCount: number;
}

export type ReadNoticeResponse = NoticeDetail;

export interface NoticeReadsRequest {
  noticeId: string;
  /**
   * Which list to page through. Omitted (the old shape): the first page (≤20) of both lists,
   * with `readNextCursor` / `unreadNextCursor` to continue each with `list` + `cursor`.
   */
  list?: 'read' | 'unread';
  /** `nextCursor` (or `readNextCursor` / `unreadNextCursor`) of the previous page; needs `list`. */
  cursor?: string;
}

export interface ReaderItem {
  openid: string;
  name: string;
  /** ISO 8601, read lists only. */
  readAt: string | null;
}

export interface NoticeReadsResponse {
  noticeId: string;
  /**
   * Current active members who have read it, by name, at most 20 (reported members are not
   * listed). With `list: 'unread'` it is empty.
   */
  read: ReaderItem[];
  /** Current active members who have not read it, by name, at most 20. With `list: 'read'` empty. */
  unread: ReaderItem[];
  /** The requested `list`'s page again (`read` or `unread`); without `list`: empty. */
  items?: ReaderItem[];
  /** Continues the requested `list`; null at its end (and without `list`). */
  nextCursor?: string | null;
  /** Continues the read list (pass with `list: 'read'`); null at its end. */
  readNextCursor?: string | null;
  /** Continues the unread list (pass with `list: 'unread'`); null at its end. */
  unreadNextCursor?: string | null;
  /** n, as `NoticeDetail.readCount`. Always sent (optional for older fixtures). */
  readCount?: number;
  /** m, as `NoticeDetail.audienceCount`. Always sent (optional for older fixtures). */
  audienceCount?: number;
  /** `YYYY-MM-DD` (UTC+8) of the last reminder, or null. */
  remindedOn: string | null;
}

export interface RemindUnreadRequest {
  noticeId: string;
}

export interface RemindUnreadResponse {
  noticeId: string;
  /** Subscribe messages accepted by WeChat. */
  sent: number;
  /** Unread members who had not subscribed (or whose message failed). */
  skipped: number;
  /**
   * Unread members not messaged by this call because of the per-call limit (500; the
   * branch's first 500 unread members by name are messaged). 0 in branches of normal size.
   * Always sent (optional for older fixtures).
   */
  remaining?: number;
}

export interface ModerateNoticeRequest {
  noticeId: string;
  /** true publishes a held notice, false removes it. */
  approve: boolean;
}

export interface ModerateNoticeResponse {
  noticeId: string;
  status: 'published' | 'removed';
}

/** Action name → { req, res } of the `branch` function. */
export interface BranchApi {
  /** Read. The caller's memberships with what the home page needs. Any caller. */
  me: { req: Record<string, never> | undefined; res: BranchMeResponse };
  /** Write. Secretary, deputy secretary or organisation committee of the branch. */
  createInvite: { req: CreateInviteRequest; res: CreateInviteResponse };
  /** Write. As `createInvite`. */
  revokeInvite: { req: RevokeInviteRequest; res: RevokeInviteResponse };
  /** Read. As `createInvite`: the branch's active (unexpired, unrevoked) invitations. */
  listInvites: { req: ListInvitesRequest; res: ListInvitesResponse };
  /**
   * Write. Any WeChat user with a valid code; `CONFLICT` when already applied or a member
   * (`details.reason: 'alreadyApplied'`), or already an active full member of another branch
   * (`details.reason: 'memberElsewhere'`: transfer instead).
   */
  applyToJoin: { req: ApplyToJoinRequest; res: ApplyToJoinResponse };
  /** Read. The caller's own applications with their outcome and reason. */
  myApplications: { req: Record<string, never> | undefined; res: MyApplicationsResponse };
  /** Read. Reviewers of the branch. */
  listApplications: { req: ListApplicationsRequest; res: ListApplicationsResponse };
  /**
   * Write. Reviewers of the branch; a second review gets `CONFLICT`, never a second membership.
   * `CONFLICT` carries `details.reason`: `'alreadyReviewed'` (someone reviewed it first) or
   * `'memberElsewhere'` (the applicant is a full member of another branch: transfer instead).
   * With `memberElsewhere` the application is closed in the same call: it becomes `rejected`
   * with the reason 「已是其他支部正式党员」 (the applicant sees it), so it leaves the queue and
   * the badges; `details.status` is then `'rejected'`.
   */
  reviewApplication: { req: ReviewApplicationRequest; res: ReviewApplicationResponse };
  /** Read. Members of the branch. */
  listMembers: { req: ListMembersRequest; res: ListMembersResponse };
  /** Read. Members of the branch (anyone for their own card). */
  memberCard: { req: MemberCardRequest; res: MemberCardResponse };
  /**
   * Write. Secretary. `CONFLICT` `details.reason: 'partyStanding'` when the member's party
   * standing does not allow the role (see `SetRoleRequest`).
   */
  setRole: { req: SetRoleRequest; res: SetRoleResponse };
  /** Write. Secretary; one atomic step, the branch never has zero or two secretaries. */
  handOverSecretary: { req: HandOverSecretaryRequest; res: HandOverSecretaryResponse };
  /** Write. Any member except the secretary (who hands over first: `CONFLICT`). */
  leaveBranch: { req: LeaveBranchRequest; res: LeaveBranchResponse };
  /**
   * Write. Secretary of the source branch. `CONFLICT` `details.reason: 'memberThere'` when the
   * member is already an active member of the receiving branch.
   */
  transferMember: { req: TransferMemberRequest; res: TransferMemberResponse };
  /** Read. Secretary of the receiving branch. */
  listTransfers: { req: ListTransfersRequest; res: ListTransfersResponse };
  /**
   * Write. Secretary of the receiving branch. An earlier pending/rejected/left record of the
   * person in the receiving branch is replaced (see `AcceptTransferRequest`).
   */
  acceptTransfer: { req: AcceptTransferRequest; res: AcceptTransferResponse };
  /** Write. Secretary or organisation committee member of the receiving branch. */
  declineTransfer: { req: DeclineTransferRequest; res: DeclineTransferResponse };
  /** Write. Secretary of the sending branch; `NOT_FOUND` when no transfer is pending. */
  cancelTransfer: { req: CancelTransferRequest; res: CancelTransferResponse };
  /** Write. Secretary. */
  createGroup: { req: CreateGroupRequest; res: CreateGroupResponse };
  /** Write. Secretary. */
  assignGroup: { req: AssignGroupRequest; res: AssignGroupResponse };
  /** Read. Anyone with an active membership in the committee. */
  tree: { req: TreeRequest | undefined; res: TreeResponse };
  /** Write. Branch committee (支委: secretary, deputy, the four committee members). */
  postNotice: { req: PostNoticeRequest; res: PostNoticeResponse };
  /** Read. Members of the branch and members actively reported to it (`held`: secretary, deputy secretary). */
  listNotices: { req: ListNoticesRequest; res: ListNoticesResponse };
  /** Write (marks read). Members of the branch and members actively reported to it. */
  readNotice: { req: ReadNoticeRequest; res: ReadNoticeResponse };
  /** Read. The notice's author, secretary, deputy secretary. */
  noticeReads: { req: NoticeReadsRequest; res: NoticeReadsResponse };
  /**
   * Write. As `noticeReads`; once a day (UTC+8) per notice, else `RATE_LIMITED`. The day is
   * used up only when at least one message was sent.
   */
  remindUnread: { req: RemindUnreadRequest; res: RemindUnreadResponse };
  /** Write. Secretary, deputy secretary. */
  moderateNotice: { req: ModerateNoticeRequest; res: ModerateNoticeResponse };
  /**
   * Write. Committee admins (secretary / deputy of the committee organisation): a branch, or
   * with `kind: 'generalBranch'` a general branch (党总支); a branch may sit under a general
   * branch (`parentId`).
   */
  createBranch: { req: CreateBranchRequest; res: CreateBranchResponse };
  /** Write. Committee admins of the branch's (or general branch's) committee. */
  updateBranch: { req: UpdateBranchRequest; res: UpdateBranchResponse };
  /**
   * Write. Committee admins of the branch's committee, for a branch without a secretary.
   * A retry after success answers the same success (not wrapped in the requestId marker).
   */
  appointSecretary: { req: AppointSecretaryRequest; res: AppointSecretaryResponse };
  /**
   * Read. Committee admins of `committeeId`: party members of the committee's branches by
   * name, to choose a new branch's secretary from (`appointSecretary`).
   */
  searchCommitteeMembers: {
    req: SearchCommitteeMembersRequest;
    res: SearchCommitteeMembersResponse;
  };
  /** Write. Secretary of the group's branch. */
  renameGroup: { req: RenameGroupRequest; res: RenameGroupResponse };
  /**
   * Write. Any active party member (not an activist) of a branch, to another branch;
   * `CONFLICT` when already reported (pending or active) or a member of that branch.
   */
  reportToBranch: { req: ReportToBranchRequest; res: ReportToBranchResponse };
  /** Write. Reviewers (secretary, deputy, organisation committee) of the community branch. */
  reviewReport: { req: ReviewReportRequest; res: ReviewReportResponse };
  /** Write. The reporter; `NOT_FOUND` without a pending or active report. */
  endReport: { req: EndReportRequest; res: EndReportResponse };
  /** Read. Branch committee (支委) of the community branch. */
  listReports: { req: ListReportsRequest; res: ListReportsResponse };
  /** Write. The caller's own active memberships; `NOT_FOUND` without one. */
  updateProfile: { req: UpdateProfileRequest; res: UpdateProfileResponse };
}
