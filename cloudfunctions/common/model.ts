/**
 * Stored document shapes (docs/data-model.md). Server-only: the client sees API types from
 * typings/, never these, so a field can be renamed here without breaking old clients.
 */
import type { RoleCode } from '../../typings/api';

export const COLLECTIONS = {
  users: 'users',
  organizations: 'organizations',
  memberships: 'memberships',
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

export type OrganizationType = 'committee' | 'branch';

/** Party committee (党委) or branch (支部); `parentId` builds the tree, null at the root. */
export interface OrganizationDoc {
  _id: string;
  name: string;
  type: OrganizationType;
  parentId: string | null;
}

/** `pending` waits for the secretary's approval; `left` is kept for the branch's history. */
export type MembershipStatus = 'active' | 'pending' | 'left';

/** A person's role in one organisation; unique per (openid, orgId). */
export interface MembershipDoc {
  _id: string;
  openid: string;
  orgId: string;
  role: RoleCode;
  status: MembershipStatus;
  joinedAt: Date;
}
