/**
 * Stored document shapes (docs/data-model.md). Server-only: the client sees API types from
 * typings/, never these, so a field can be renamed here without breaking old clients.
 */
import type { RoleCode } from '../../typings/api';

export const COLLECTIONS = {
  users: 'users',
  organizations: 'organizations',
  memberships: 'memberships',
  /** Invitation codes of a branch (`_id` = the code). */
  invites: 'invites',
  /** Party groups (党小组) of a branch. */
  partyGroups: 'partyGroups',
  /** Notices (通知公告) of a branch, with who they went to and who read them. */
  notices: 'notices',
  /** 双报到: in-service members reporting to a community branch (not memberships). */
  reports: 'reports',
  /** Answers of finished writes by request id, so a retried write is not applied twice. */
  requestLog: 'requestLog',
} as const;

export type CollectionName = (typeof COLLECTIONS)[keyof typeof COLLECTIONS];

/** One per WeChat user who has completed a profile; `_id` is the openid. */
export interface UserDoc {
  _id: string;
  nickname: string;
  createdAt: Date;
}

export type OrganizationType = 'committee' | 'generalBranch' | 'branch';

/** Party committee (党委), general branch (总支) or branch (支部); `parentId` builds the tree. */
export interface OrganizationDoc {
  _id: string;
  name: string;
  type: OrganizationType;
  parentId: string | null;
  /** The root committee of the tree (its own id for a committee); absent on old documents. */
  committeeId?: string;
  /** Grid area (网格) a branch is laid over. */
  gridArea?: string | null;
  /**
   * A branch has (had) a secretary: set by `appointSecretary` with a conditional update, so
   * two concurrent appointments make one secretary. It stays true: a secretary can leave
   * only after handing over. Branches of the seed carry `true`.
   */
  hasSecretary?: boolean;
  createdAt?: Date;
  createdBy?: string;
}

/** `pending` → `active` / `rejected`; `pending`/`active` → `ended` (by the reporter). */
export type ReportStatus = 'pending' | 'active' | 'rejected' | 'ended';

/**
 * 双报到: a party member of one branch reporting to a community branch. One document per
 * (openid, branchId) — unique index — re-opened when reporting again after `rejected`/`ended`.
 * `_id` is derived from both (see branch/shared.ts `reportId`).
 */
export interface ReportDoc {
  _id: string;
  openid: string;
  /** The community branch reported to. */
  branchId: string;
  branchName: string;
  committeeId: string;
  /** The reporter's own branch (组织关系) when reporting. */
  fromBranchId: string;
  fromBranchName: string;
  realName: string;
  phone: string | null;
  status: ReportStatus;
  reportedAt: Date;
  /** ISO time + `#` + `_id`: the queue's order and cursor. */
  queueKey: string;
  reviewedAt: Date | null;
  reviewedBy: string | null;
  reason: string | null;
  reasonHeld: boolean;
  endedAt: Date | null;
}

/**
 * `pending` waits for the secretary's approval (an application is a pending membership);
 * `rejected` keeps the reason for the applicant; `left` is kept for the branch's history.
 */
export type MembershipStatus = 'active' | 'pending' | 'rejected' | 'left';

/**
 * A person's role in one organisation; unique per (openid, orgId). Fields after `joinedAt`
 * were added by the `branch` function and are absent on documents written before it.
 */
export interface MembershipDoc {
  _id: string;
  openid: string;
  orgId: string;
  role: RoleCode;
  status: MembershipStatus;
  joinedAt: Date;
  /**
   * Unique: the openid while this is the person's active organisational membership (组织关系),
   * the document's own `_id` otherwise. So the database keeps one full membership per person.
   */
  fullKey?: string;
  committeeId?: string;
  branchName?: string;
  realName?: string;
  phone?: string | null;
  partyStatus?: 'full' | 'probationary' | 'activist';
  joinedPartyAt?: Date | null;
  partyGroupId?: string | null;
  partyGroupName?: string | null;
  /** Identity-card photo: a `cloud://…/avatars/…` file id (`updateProfile`). */
  photo?: string | null;
  /** `realName` + NUL + `_id`: the directory's order and cursor. */
  sortKey?: string;
  /** ISO time + `#` + `_id`: the application queue's order and cursor. */
  queueKey?: string;
  appliedAt?: Date;
  reviewedAt?: Date | null;
  reviewedBy?: string | null;
  reason?: string | null;
  /** The reason was held by content security: the applicant sees a neutral text. */
  reasonHeld?: boolean;
  /** A transfer (组织关系转接) waiting for the receiving branch. */
  transferTo?: string | null;
  transferFromName?: string | null;
  transferAt?: Date | null;
  /** Why the receiving branch declined the last transfer (`declineTransfer`), for the sender. */
  transferDeclinedReason?: string | null;
  transferDeclinedAt?: Date | null;
}

export interface InviteDoc {
  /** The code itself. */
  _id: string;
  branchId: string;
  branchName: string;
  committeeId: string;
  createdBy: string;
  /** Real name of the creator in the branch (absent on invitations made before it was kept). */
  createdByName?: string | null;
  createdAt: Date;
  expiresAt: Date;
  revoked: boolean;
  qrFileID: string | null;
}

export interface PartyGroupDoc {
  _id: string;
  branchId: string;
  committeeId: string;
  name: string;
  createdAt: Date;
}

export interface NoticeDoc {
  _id: string;
  branchId: string;
  committeeId: string;
  title: string;
  body: string;
  pinned: boolean;
  status: 'published' | 'held' | 'removed';
  authorOpenid: string;
  authorName: string;
  createdAt: Date;
  /**
   * Legacy: the active members when it was posted. No longer written or read: the audience
   * is the branch's current active members (docs/data-model.md).
   */
  audience?: { openid: string; name: string }[];
  /** Openids that have read it (for `readBy: openid` / `$ne` queries). */
  readBy: string[];
  reads: { openid: string; at: Date }[];
  /** `YYYY-MM-DD` (UTC+8) of the last reminder. */
  remindedOn: string | null;
}
