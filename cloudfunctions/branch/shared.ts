/** Helpers shared by the `branch` actions. No handler logic here. */
import { createHash } from 'crypto';
import * as z from 'zod';
import {
  AppError,
  COLLECTIONS,
  actorFrom,
  can,
  fetchAll,
  type Actor,
  type Database,
  type MembershipDoc,
  type PolicyAction,
} from '../common';
import { MAX_MEMBERSHIPS, UTIL_MESSAGES, chinaDay, loadActor, maskPhone } from '../common/util';

// Generic helpers live in common/util.ts (shared with the `lesson` function); re-exported so
// the branch actions keep importing them from here.
export {
  MAX_MEMBERSHIPS,
  PAGE,
  activeIn,
  chinaDay,
  dayStart,
  decodeCursor,
  encodeCursor,
  iso,
  isoOrNull,
  isDuplicateKey,
  isKeyCursor,
  keyPage,
  loadActor,
  loadActorWithReports,
  maskPhone,
  newId,
  reportId,
  secCheck,
  slicePage,
  updatedCount,
} from '../common/util';

export const MSG = {
  forbidden: '您没有权限进行此操作',
  branchNotFound: '未找到该支部或您不是该支部成员',
  memberNotFound: '未找到该成员',
  applicationNotFound: '未找到该入党申请',
  noticeNotFound: '未找到该通知',
  inviteNotFound: '邀请码无效，请向支部书记核对',
  inviteExpired: '邀请码已过期，请向支部书记重新索取',
  inviteRevoked: '邀请码已作废，请向支部书记重新索取',
  risky: UTIL_MESSAGES.risky,
  alreadyReviewed: '该申请已处理过了',
  alreadyApplied: '您已提交过加入该支部的申请或已是该支部成员',
  alreadyFullMember: '该同志已在其他支部有组织关系，请通过组织关系转接办理',
  secretaryCannotLeave: '书记需先移交书记职务后才能退出支部',
  reasonHeld: '申请未通过，具体原因请联系支部书记',
  badCursor: UTIL_MESSAGES.badCursor,
  remindedToday: '今天已经提醒过了，请明天再试',
  transferNotFound: '未找到待处理的组织关系转接',
  transferDone: '该转接已处理过了',
  transferDeclinedHeld: '接收支部未同意转接，具体原因请联系该支部书记',
  memberElsewhere: '您已是其他支部的正式成员，请由原支部书记办理组织关系转接',
  memberThere: '该同志已是接收支部的正式成员，无需转接',
  /** System reason of an application closed because its applicant is a full member elsewhere. */
  systemRejectedElsewhere: '已是其他支部正式党员',
} as const;

export const forbidden = () => new AppError('FORBIDDEN', MSG.forbidden);

// ---------------------------------------------------------------- schemas

export const idSchema = z.string().trim().min(1).max(64);
/** An opaque `nextCursor` passed back. */
export const cursorSchema = z.string().min(1).max(400);
/** Mainland mobile number (never logged: it is personal data). */
export const phoneSchema = z.string().regex(/^1[3-9]\d{9}$/, '请填写正确的 11 位手机号');

// ---------------------------------------------------------------- identity

export interface Loaded {
  actor: Actor;
  /** Every membership document of the caller (and of `others`), all states. */
  docs: MembershipDoc[];
}

/**
 * The caller's memberships and one membership by id, in one query (an application or a
 * transfer's document): one database request.
 */
export async function loadWithMembership(db: Database, openid: string, id: string) {
  const _ = db.command;
  const docs = await fetchAll<MembershipDoc>(
    db
      .collection(COLLECTIONS.memberships)
      .where(_.or([{ openid }, { _id: id }]))
      .limit(MAX_MEMBERSHIPS + 1),
  );
  return { actor: actorFrom(openid, docs), docs, m: docs.find((d) => d._id === id) };
}

/**
 * The caller's memberships (one database request), FORBIDDEN unless `action` is allowed in
 * the branch, and whether phone numbers are shown in full there (_viewPhones_).
 */
export async function branchReader(
  db: Database,
  openid: string,
  action: PolicyAction,
  branchId: string,
) {
  const { actor } = await loadActor(db, openid);
  if (!can(actor, action, { branchId })) throw forbidden();
  return { actor, reveal: can(actor, 'viewPhones', { branchId }) };
}

// ---------------------------------------------------------------- time

/** Party standing (党龄) in whole years and whether today is the political birthday. */
export function standing(joinedPartyAt: unknown, now = new Date()) {
  if (joinedPartyAt === null || joinedPartyAt === undefined) {
    return { years: null, birthday: null, isToday: false, day: null };
  }
  const day = chinaDay(joinedPartyAt);
  const today = chinaDay(now);
  const md = day.slice(5);
  let years = Number(today.slice(0, 4)) - Number(day.slice(0, 4));
  if (today.slice(5) < md) years -= 1;
  return { years: Math.max(0, years), birthday: md, isToday: today.slice(5) === md, day };
}

// ---------------------------------------------------------------- misc

/**
 * The membership (= application) id of a person in a branch: derived, so a second
 * application to the same branch finds the first one by `_id` without another query.
 */
export function membershipId(openid: string, orgId: string): string {
  return `m${createHash('sha256').update(`${openid}\n${orgId}`).digest('hex').slice(0, 31)}`;
}

/** `phone` in full when `reveal`, else masked, and whether it was masked. */
export function phoneFields(phone: string | null | undefined, reveal: boolean) {
  return {
    phone: reveal ? (phone ?? null) : maskPhone(phone),
    phoneMasked: !reveal && !!phone,
  };
}

/** `s` matched literally inside a regular expression (name search). */
export function escapeRegExp(s: string) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
