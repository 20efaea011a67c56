/**
 * Check-in and check-out by QR code (签到 / 签退). The organiser's phone shows a code that
 * changes every 30 seconds: a token `ck1.<activityId>.<exp>.<sig>` signed with the activity's
 * own random `tokenSecret` (HMAC-SHA256), valid for 45 seconds. A participant scans it on the
 * spot; the server verifies the signature, the expiry and the activity, so a photographed code
 * stops working within a minute, a forged one never works and a code of one activity cannot
 * check anyone into another (its secret differs, and a mismatching `activityId` is refused).
 *
 * Check-in only records real attendance at a real activity (national rules forbid forced
 * check-ins as assessment): it is possible only around the activity's time and only for
 * people who take part (confirmed volunteers, the expected audience of a meeting).
 */
import { createHmac, timingSafeEqual } from 'crypto';
import * as QRCode from 'qrcode';
import * as z from 'zod';
import { AppError, COLLECTIONS, isAppError, type ActionDef, type Database } from '../common';
import type { ActivityDoc, ParticipantDoc } from '../common/model';
import { findById, toTime } from '../common/db';
import { isDuplicateKey, updatedCount } from '../common/util';
import {
  EARLY_MS,
  activityFor,
  chinaYear,
  forbidden,
  idSchema,
  isExpected,
  participantId,
  publicTitle,
  queueState,
  type ActivityFor,
} from './shared';
import { computeHours } from './hours';

/** Token lifetime: the code on screen is refreshed every 30 s, so 45 s covers a slow scan. */
export const TOKEN_TTL_S = 45;
export const REFRESH_SECONDS = 30;
/** Check-out stays open this long after the end (check-in opens `EARLY_MS` before the start). */
export const LATE_OUT_MS = 30 * 60_000;
const TOKEN_VERSION = 'ck1';
/** Pixels per QR module: a version-4 code (the token) is about 140 px with the margin. */
const QR_SCALE = 4;
const QR_MARGIN = 1;

export const CHECKIN_MSG = {
  invalid: '签到码无效',
  expired: '签到码已过期，请扫描最新的二维码',
  otherActivity: '这是另一个活动的签到码',
  cancelled: '该活动已取消',
  tooEarly: '活动开始前 30 分钟才能签到',
  closed: '活动已结束，不能再签到',
  outClosed: '签退时间已过（活动结束后 30 分钟内可签退）',
  tokenClosed: '现在不在签到时间内（活动开始前 30 分钟至结束后 30 分钟）',
  notConfirmed: '您没有该活动的确认名额，不能签到',
  waitlisted: '您还在候补中，不能签到',
  notExpected: '您不在本次活动的参加人员中',
  notCheckedIn: '请先签到，再签退',
  notOrganiser: '只有支部委员可以出示签到码',
} as const;

// ---------------------------------------------------------------- organisers

// ---------------------------------------------------------------- tokens

function sign(secret: string, body: string): string {
  return createHmac('sha256', secret).update(body).digest('base64url');
}

/** A token of `activity` expiring at `expSeconds` (Unix seconds). */
export function makeToken(activity: Pick<ActivityDoc, '_id' | 'tokenSecret'>, expSeconds: number) {
  const body = `${TOKEN_VERSION}.${activity._id}.${expSeconds}`;
  return `${body}.${sign(activity.tokenSecret, body)}`;
}

/** The parts of a well-formed token, or null. The signature is checked by `verifyToken`. */
export function parseToken(token: string): { activityId: string; exp: number; sig: string } | null {
  const parts = token.trim().split('.');
  if (parts.length < 4 || parts[0] !== TOKEN_VERSION) return null;
  const sig = parts[parts.length - 1];
  const expText = parts[parts.length - 2];
  const activityId = parts.slice(1, -2).join('.');
  if (!/^\d{1,12}$/.test(expText) || !/^[A-Za-z0-9_-]{43}$/.test(sig) || !activityId) return null;
  return { activityId, exp: Number(expText), sig };
}

/** Signature first (a forged token learns nothing about expiry), then expiry. */
export function verifyToken(
  activity: Pick<ActivityDoc, '_id' | 'tokenSecret'>,
  parsed: { activityId: string; exp: number; sig: string },
  now: number,
): void {
  const expected = Buffer.from(
    sign(activity.tokenSecret, `${TOKEN_VERSION}.${activity._id}.${parsed.exp}`),
  );
  const given = Buffer.from(parsed.sig);
  if (
    parsed.activityId !== activity._id ||
    expected.length !== given.length ||
    !timingSafeEqual(expected, given)
  ) {
    throw new AppError('INVALID_ARGUMENT', CHECKIN_MSG.invalid);
  }
  if (parsed.exp * 1000 < now) throw new AppError('CONFLICT', CHECKIN_MSG.expired);
}

// ---------------------------------------------------------------- QR image

/**
 * The QR code of `text` as a PNG data URL, by the `qrcode` package: about 2 KB and 2 ms, so the
 * organiser's page can refresh it every 30 s over a weak connection. Margin 1 and 4 px per module
 * keep it small; the page scales the image up.
 */
export function qrDataUrl(text: string): Promise<string> {
  return QRCode.toDataURL(text, { errorCorrectionLevel: 'M', margin: QR_MARGIN, scale: QR_SCALE });
}

// ---------------------------------------------------------------- actions

/**
 * A fresh token and its QR image for the organiser's screen, from 30 minutes before the start
 * until 30 minutes after the end (the last half hour serves check-out). Read: the activity with
 * the caller's memberships (shared.ts `activityFor`): 1.
 */
export const checkInToken: ActionDef<'activity', 'checkInToken'> = {
  kind: 'read',
  schema: z.object({ activityId: idSchema }),
  async handler(data, { openid, db }) {
    const {
      doc: activity,
      organiser,
      participants,
    } = await activityFor(db, openid, data.activityId, { all: true });
    if (!organiser) throw forbidden(CHECKIN_MSG.notOrganiser);
    if (activity.cancelled) throw new AppError('CONFLICT', CHECKIN_MSG.cancelled);
    const now = Date.now();
    if (now < toTime(activity.startAt) - EARLY_MS || now > toTime(activity.endAt) + LATE_OUT_MS) {
      throw new AppError('CONFLICT', CHECKIN_MSG.tokenClosed);
    }
    const exp = Math.floor(now / 1000) + TOKEN_TTL_S;
    const token = makeToken(activity, exp);
    return {
      activityId: activity._id,
      title: activity.title,
      checkedIn: participants.filter((p) => p.checkedInAt).length,
      token,
      qrDataUrl: await qrDataUrl(token),
      expiresAt: new Date(exp * 1000).toISOString(),
      refreshSeconds: REFRESH_SECONDS,
    };
  },
};

const scanSchema = z.object({
  token: z.string().trim().min(1, '请扫描签到二维码').max(200, '签到码无效'),
  activityId: idSchema.optional(),
});

/**
 * The scanned token's activity, verified: malformed, forged, another activity's (when the page
 * names one) and expired tokens are refused before anything else is looked at. Read: the
 * activity with the caller's memberships, report and participant record (`activityFor`): 1.
 */
async function scanned(db: Database, openid: string, data: { token: string; activityId?: string }) {
  const parsed = parseToken(data.token);
  if (!parsed) throw new AppError('INVALID_ARGUMENT', CHECKIN_MSG.invalid);
  if (data.activityId !== undefined && data.activityId !== parsed.activityId) {
    throw new AppError('INVALID_ARGUMENT', CHECKIN_MSG.otherActivity);
  }
  let a: ActivityFor;
  try {
    a = await activityFor(db, openid, parsed.activityId);
  } catch (err) {
    // An unknown activity is a forged token: say no more than for a bad signature.
    if (isAppError(err) && err.code === 'NOT_FOUND') {
      throw new AppError('INVALID_ARGUMENT', CHECKIN_MSG.invalid);
    }
    throw err;
  }
  const now = Date.now();
  verifyToken(a.doc, parsed, now);
  if (a.doc.cancelled) throw new AppError('CONFLICT', CHECKIN_MSG.cancelled);
  return { a, activity: a.doc, participant: a.mine, pid: participantId(a.doc._id, openid), now };
}

/**
 * Whether the caller takes part, and the name to record: a volunteer activity needs a confirmed
 * place (the queue decides, not the participant record); a meeting or theme day needs the
 * caller in the expected audience, or, for a theme day open to reported members (双报到), an
 * active report to the branch.
 */
function participantName(a: ActivityFor, openid: string, pid: string): string {
  const activity = a.doc;
  if (activity.kind === 'volunteer') {
    const q = queueState(activity, pid);
    if (q.status === 'waitlisted') throw forbidden(CHECKIN_MSG.waitlisted);
    if (q.status !== 'confirmed' || !a.mine) throw forbidden(CHECKIN_MSG.notConfirmed);
    return a.mine.name;
  }
  const expected = (activity.expected ?? []).find((e) => e.openid === openid);
  if (expected) return expected.name;
  if (activity.audience === 'reported' && a.report) return a.report.realName;
  throw forbidden(CHECKIN_MSG.notExpected);
}

/**
 * Checks the caller in (`attendance: present`). Checking in again keeps the first time and
 * answers `already` — also after the end while check-out is open, so the scan page can offer
 * 签退 (idempotent by itself, so no requestId marker). The answer's title is `publicTitle`
 * (neutral while the activity is held). Requests: the activity with
 * the caller's records (1), the write (1), a second conditional write when a concurrent reply
 * created the record meanwhile (1) and a re-read when a concurrent check-in won the race (1):
 * at most 4.
 */
export const checkIn: ActionDef<'activity', 'checkIn'> = {
  kind: 'write',
  idempotent: false,
  schema: scanSchema,
  async handler(data, { openid, db }) {
    const { a, activity, participant, pid, now } = await scanned(db, openid, data);
    if (now < toTime(activity.startAt) - EARLY_MS) {
      throw new AppError('CONFLICT', CHECKIN_MSG.tooEarly);
    }
    const name = participantName(a, openid, pid);
    const base = { activityId: activity._id, title: publicTitle(activity) };
    // Already in: answered while check-out is open (until 30 minutes after the end), so the
    // scan page offers 签退 after the end too.
    if (participant?.checkedInAt && now <= toTime(activity.endAt) + LATE_OUT_MS) {
      return {
        ...base,
        checkedInAt: new Date(toTime(participant.checkedInAt)).toISOString(),
        already: true,
      };
    }
    if (now > toTime(activity.endAt)) throw new AppError('CONFLICT', CHECKIN_MSG.closed);
    const at = new Date(now);
    const coll = db.collection(COLLECTIONS.activityParticipants);
    const _ = db.command;
    if (participant) {
      // Conditional on "not yet checked in": of two concurrent scans, the first time stays.
      const res = await coll
        .where({ _id: pid, checkedInAt: _.eq(null) })
        .update({ data: { checkedInAt: at, attendance: 'present', updatedAt: at } });
      if (updatedCount(res) === 1)
        return { ...base, checkedInAt: at.toISOString(), already: false };
    } else {
      // A meeting's expected member who never replied has no record yet: create it whole.
      const doc: ParticipantDoc = {
        _id: pid,
        activityId: activity._id,
        branchId: activity.branchId,
        branchName: activity.branchName,
        kind: activity.kind,
        title: publicTitle(activity),
        startAt: activity.startAt,
        year: activity.year ?? chinaYear(activity.startAt),
        openid,
        name,
        phone: null,
        who: isExpected(activity, openid) ? 'member' : 'reported',
        state: null,
        signedUpAt: null,
        cancelledAt: null,
        lateCancel: false,
        reply: null,
        leave: null,
        attendance: 'present',
        checkedInAt: at,
        checkedOutAt: null,
        confirmedHours: null,
        corrections: [],
        createdAt: at,
        updatedAt: at,
      };
      try {
        await coll.add({ data: doc });
        return { ...base, checkedInAt: at.toISOString(), already: false };
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        // Created meanwhile (a reply or another scan): the conditional update decides.
        const res = await coll
          .where({ _id: pid, checkedInAt: _.eq(null) })
          .update({ data: { checkedInAt: at, attendance: 'present', updatedAt: at } });
        if (updatedCount(res) === 1) {
          return { ...base, checkedInAt: at.toISOString(), already: false };
        }
      }
    }
    const stored = await findById<ParticipantDoc>(db, COLLECTIONS.activityParticipants, pid);
    return {
      ...base,
      checkedInAt: new Date(toTime(stored?.checkedInAt ?? at)).toISOString(),
      already: true,
    };
  },
};

/**
 * Checks the caller out, until 30 minutes after the end. Scanning out again moves the time to
 * the latest scan (someone who scanned out too early and stayed on is not penalised; the
 * attended time is clipped to the activity's own time anyway). Answers the attended minutes and
 * the hours by the rule (hours.ts). Idempotent by itself (a retry writes a moment later, which
 * changes nothing once past the end). Requests: the activity with the caller's records (1), the
 * write (1): 2.
 */
export const checkOut: ActionDef<'activity', 'checkOut'> = {
  kind: 'write',
  idempotent: false,
  schema: scanSchema,
  async handler(data, { openid, db }) {
    const { a, activity, participant, pid, now } = await scanned(db, openid, data);
    if (now > toTime(activity.endAt) + LATE_OUT_MS) {
      throw new AppError('CONFLICT', CHECKIN_MSG.outClosed);
    }
    participantName(a, openid, pid);
    if (!participant?.checkedInAt) throw new AppError('CONFLICT', CHECKIN_MSG.notCheckedIn);
    const at = new Date(Math.max(now, toTime(participant.checkedInAt)));
    await db
      .collection(COLLECTIONS.activityParticipants)
      .where({ _id: pid, activityId: activity._id })
      .update({ data: { checkedOutAt: at, updatedAt: at } });
    const { attendedMinutes, hours } = computeHours(activity, {
      ...participant,
      checkedOutAt: at,
    });
    return {
      activityId: activity._id,
      title: publicTitle(activity),
      checkedOutAt: at.toISOString(),
      attendedMinutes,
      computedHours: hours,
    };
  },
};
