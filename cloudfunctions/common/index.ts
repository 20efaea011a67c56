/** The server kit every cloud function is built on; bundled into each function. */
export { defineFunction } from './define';
export type {
  ActionDef,
  ActionTable,
  CloudMain,
  Cloud,
  Database,
  FunctionDef,
  HandlerContext,
  TimerContext,
} from './define';
export { AppError, isAppError, MESSAGES } from './errors';
export type { ServerErrorCode } from './errors';
export { fetchAll, findById, toTime } from './db';
export { COLLECTIONS } from './model';
export { withIdempotency, requestKey } from './idempotency';
export { can, actorFrom, branchesWhere, committeesWhere, roleIn, ACTIONS } from './policy';
export type { Actor, PolicyAction, Resource } from './policy';
export type {
  CollectionName,
  InviteDoc,
  NoticeDoc,
  PartyGroupDoc,
  ReportDoc,
  ReportStatus,
  MembershipDoc,
  MembershipStatus,
  OrganizationDoc,
  OrganizationType,
  UserDoc,
} from './model';
