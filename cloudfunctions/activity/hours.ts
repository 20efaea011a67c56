/**
 * Service hours (志愿服务时长): the rule that turns check-in and check-out into hours, and the
 * organiser's confirmation with corrections and points.
 *
 * The rule (docs/api.md): only the time within the activity counts (the overlap of
 * [checked in, checked out] with [start, end]); it counts only when at least 60 % of the
 * activity was attended (exactly 60 % counts), and then as hours rounded to the nearest half
 * hour. Without a check-out nothing is counted; someone marked present by hand without any scan
 * attended the whole activity. The organiser confirms the hours and may correct them with a
 * reason; every correction is kept.
 */
import * as z from 'zod';
import type { ConfirmHoursRequest } from '../../typings/api';
import { AppError, COLLECTIONS, type ActionDef, type Database } from '../common';
import type { ActivityDoc, HoursCorrectionDoc, ParticipantDoc, PointsDoc } from '../common/model';
import { toTime } from '../common/db';
import { fetchAll } from '../common/db';
import { pointsEntry, volunteerPoints } from '../common/points';
import { isDuplicateKey, secCheck, updatedCount } from '../common/util';
import {
  activityFor,
  forbidden,
  idSchema,
  personIdSchema,
  publicTitle,
  queueState,
} from './shared';

/** Share of the activity's time that must be attended for any hours to count. */
export const MIN_ATTENDED_PERCENT = 60;
const HALF_HOUR_MS = 30 * 60_000;
const MAX_ENTRIES = 50;
/**
 * Database requests a call of `confirmHours` may spend on writes: the budget (5) less the one
 * read (the activity with memberships and participants, `activityFor`).
 */
const WRITE_SLOTS = 4;

export const HOURS_MSG = {
  notVolunteer: '只有志愿服务活动需要确认服务时长',
  notEnded: '活动结束后才能确认服务时长',
  cancelled: '该活动已取消',
  notOrganiser: '只有支部委员可以确认服务时长',
  unknownSignup: '未找到该报名记录，请刷新后重试',
  notConfirmed: '只能为已确认名额的报名确认服务时长',
  needReason: '修改服务时长时请填写原因（2–100 字）',
  duplicate: '同一报名不能在一次确认中出现两次',
} as const;

type Times = Pick<ActivityDoc, 'startAt' | 'endAt'>;
type Attendance = Pick<ParticipantDoc, 'checkedInAt' | 'checkedOutAt'> &
  Partial<Pick<ParticipantDoc, 'attendance'>>;

/**
 * Hours by the rule, and the minutes attended within the activity's time. Pure: the same
 * figures for `checkOut`, `listSignups`, `confirmHours` and the exports.
 */
export function computeHours(
  activity: Times,
  p: Attendance,
): { attendedMinutes: number; hours: number } {
  const start = toTime(activity.startAt);
  const end = toTime(activity.endAt);
  const duration = end - start;
  if (!(duration > 0)) return { attendedMinutes: 0, hours: 0 };
  let attended: number;
  if (!p.checkedInAt && !p.checkedOutAt && p.attendance === 'present') {
    // Marked present by hand, no scan at all: the whole activity.
    attended = duration;
  } else if (!p.checkedInAt || !p.checkedOutAt) {
    attended = 0;
  } else {
    const from = Math.max(start, toTime(p.checkedInAt));
    const to = Math.min(end, toTime(p.checkedOutAt));
    attended = Math.max(0, to - from);
  }
  const attendedMinutes = Math.floor(attended / 60_000);
  // Integer comparison in milliseconds: exactly 60 % counts, 59.99 % does not.
  if (attended * 100 < duration * MIN_ATTENDED_PERCENT) return { attendedMinutes, hours: 0 };
  return { attendedMinutes, hours: Math.round(attended / HALF_HOUR_MS) / 2 };
}

// ---------------------------------------------------------------- confirmHours

const hoursSchema = z
  .number({ message: '服务时长应为数字' })
  .min(0, '服务时长不能小于 0')
  .max(24, '服务时长不能超过 24 小时')
  .refine((v) => Number.isInteger(v * 2), '服务时长以半小时为单位（如 1.5）');

const reasonSchema = z
  .string()
  .trim()
  .min(2, '更正原因至少 2 个字')
  .max(100, '更正原因不能超过 100 字');

const confirmSchema = z.object({
  activityId: idSchema,
  entries: z
    .array(
      z.object({
        signupId: personIdSchema,
        hours: hoursSchema.optional(),
        reason: reasonSchema.optional(),
      }),
    )
    .min(1, '请选择要确认时长的报名')
    .max(MAX_ENTRIES, `一次最多确认 ${MAX_ENTRIES} 人`),
}) satisfies z.ZodType<ConfirmHoursRequest, unknown>;

/** One grouped write: every entry in it gets the same change. */
interface Group {
  to: number;
  correction: { from: number; reason: string } | null;
  ids: string[];
  /**
   * Participants confirmed with hours > 0 who had no hours > 0 confirmed before (first
   * confirmation, or 0 corrected upwards): they earn points unless an entry exists already.
   */
  award: ParticipantDoc[];
}

/**
 * Inserts the points entries in one request and answers the requests spent (0–3). A duplicate
 * means some entries exist already: an earlier call inserted them and stopped before
 * confirming, two organisers confirmed at once, or the hours were confirmed > 0 before, then
 * corrected to 0 and now back (points are never taken back). Then one `_id in […]` read finds
 * the existing entries and one insert adds the rest, if any: at most 3 requests whatever the
 * number of entries, so nobody is awarded twice or missed.
 */
async function insertPoints(db: Database, entries: PointsDoc[]): Promise<number> {
  if (entries.length === 0) return 0;
  const coll = db.collection(COLLECTIONS.points);
  try {
    await coll.add({ data: entries } as never);
    return 1;
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
  }
  const ids = entries.map((e) => e._id);
  const existing = await fetchAll<Pick<PointsDoc, '_id'>>(
    coll
      .where({ _id: db.command.in(ids) })
      .field({ _id: true })
      .limit(ids.length),
  );
  const have = new Set(existing.map((e) => e._id));
  const missing = entries.filter((e) => !have.has(e._id));
  if (missing.length === 0) return 2;
  try {
    await coll.add({ data: missing } as never);
  } catch (err) {
    // Inserted meanwhile by a concurrent call: theirs counts, nothing twice.
    if (!isDuplicateKey(err)) throw err;
  }
  return 3;
}

/** A correction as stored (with `reasonHeld` when content security asked for review). */
export type StoredCorrection = HoursCorrectionDoc;

/** Shown instead of a correction reason held for review (docs/api.md). */
export const HELD_REASON = '（原因审核中）';

/** The reason a reader sees: held reasons only to the secretaries (and deputy). */
export function correctionReason(c: StoredCorrection, secretary: boolean): string {
  return c.reasonHeld && !secretary ? HELD_REASON : c.reason;
}

/**
 * Organisers confirm the hours of confirmed volunteers after the end. For each entry the target
 * is `hours`, or when omitted the hours already confirmed, or the computed ones. A target that
 * differs from that baseline needs a `reason` and appends a correction {from, to, reason, by,
 * at}; corrections are never removed. A reason content security sends to review is kept with
 * `reasonHeld` (shown as 「（原因审核中）」 to all but the secretaries); a risky one is refused.
 *
 * Points: a confirmation with hours > 0 for someone who had no hours > 0 confirmed before (the
 * first confirmation, or 0 corrected upwards) earns points (common/points.ts, reason
 * `volunteerHours`, refId the activity: one entry per person and activity, unique by its id),
 * dated by the activity's China day so the ledger's daily cap applies per service day.
 * Corrections after the points were awarded do not change them.
 *
 * Budget: the activity with the caller's memberships and every participant (`activityFor`, 1),
 * then at most 4 writes. Entries with the same change are written by one conditional update
 * (`_id in […]`), so a call holds only as many distinct changes as fit: the points entries take
 * one write (one insert of all; when some exist already, a read of those and an insert of the
 * rest: 3), the activity's `hoursConfirmed` flag one on the first call; entries left over are
 * answered in `pending` and the page sends them again (every call makes progress: confirms a
 * group or stores the points the next call needs). In practice one call does it all: a first
 * confirmation typically has a few distinct values (0, 2, 2.5 hours). Idempotent by itself
 * (confirming the same hours again writes nothing): no requestId marker.
 */
export const confirmHours: ActionDef<'activity', 'confirmHours'> = {
  kind: 'write',
  idempotent: false,
  schema: confirmSchema,
  async handler(data, { openid, db, cloud }) {
    const ids = data.entries.map((e) => e.signupId);
    if (new Set(ids).size !== ids.length) {
      throw new AppError('INVALID_ARGUMENT', HOURS_MSG.duplicate, { fields: ['entries'] });
    }
    const _ = db.command;
    const a = await activityFor(db, openid, data.activityId, { all: true });
    const activity = a.doc;
    if (!a.organiser) throw forbidden(HOURS_MSG.notOrganiser);
    if (activity.kind !== 'volunteer') throw new AppError('CONFLICT', HOURS_MSG.notVolunteer);
    if (activity.cancelled) throw new AppError('CONFLICT', HOURS_MSG.cancelled);
    const now = new Date();
    if (now.getTime() < toTime(activity.endAt)) throw new AppError('CONFLICT', HOURS_MSG.notEnded);

    const byId = new Map(a.participants.map((p) => [p._id, p]));
    const groups = new Map<string, Group>();
    let unchanged = 0;
    const reasons = new Set<string>();
    for (const entry of data.entries) {
      const p = byId.get(entry.signupId);
      if (!p) throw new AppError('NOT_FOUND', HOURS_MSG.unknownSignup);
      if (queueState(activity, p._id).status !== 'confirmed' || p.state !== 'active') {
        throw new AppError('CONFLICT', HOURS_MSG.notConfirmed);
      }
      const computed = computeHours(activity, p).hours;
      const baseline = p.confirmedHours ?? computed;
      const to = entry.hours ?? baseline;
      let correction: Group['correction'] = null;
      if (to !== baseline) {
        if (!entry.reason) {
          throw new AppError('INVALID_ARGUMENT', HOURS_MSG.needReason, {
            fields: [`entries.${data.entries.indexOf(entry)}.reason`],
          });
        }
        correction = { from: baseline, reason: entry.reason };
        reasons.add(entry.reason);
      } else if (p.confirmedHours === to) {
        unchanged++;
        continue;
      }
      const key = JSON.stringify([to, correction]);
      const g = groups.get(key) ?? { to, correction, ids: [], award: [] };
      g.ids.push(p._id);
      if (to > 0 && !((p.confirmedHours ?? 0) > 0)) g.award.push(p);
      groups.set(key, g);
    }
    // Reasons are shown to organisers and in exports: checked like all text. Risky is refused;
    // review keeps the reason held (shown to the secretaries only, `correctionReason`).
    const held = new Set<string>();
    for (const reason of reasons) {
      if ((await secCheck(cloud, openid, reason, 2)) === 'review') held.add(reason);
    }

    // Which groups fit this call: the flag first (once), then groups, each group that earns
    // points needing the one shared points insert (which may cost up to 3: `insertPoints`).
    const setFlag = !activity.hoursConfirmed && groups.size > 0;
    let slots = WRITE_SLOTS - (setFlag ? 1 : 0);
    let chosen: Group[] = [];
    const pending: string[] = [];
    let pointsNeeded = false;
    for (const g of groups.values()) {
      const cost = 1 + (g.award.length > 0 && !pointsNeeded ? 1 : 0);
      if (cost <= slots) {
        chosen.push(g);
        slots -= cost;
        if (g.award.length > 0) pointsNeeded = true;
      } else {
        pending.push(...g.ids);
      }
    }

    const byName = a.membership?.realName ?? '';
    // Dated by the activity's China day, not today: the ledger's daily cap applies per service
    // day, so one organiser confirming several activities on one day does not cap them together.
    const serviceDay = new Date(toTime(activity.startAt));
    // Before the hours: a call that stops in between leaves the participant unconfirmed, so
    // the next call retries the points (existing entries are skipped) rather than losing them.
    const spent = await insertPoints(
      db,
      chosen.flatMap((g) =>
        g.award.map((p) =>
          pointsEntry({
            openid: p.openid,
            reason: 'volunteerHours',
            refId: activity._id,
            branchId: activity.branchId,
            // Shown by `myPoints`: neutral while the activity is held for review.
            title: publicTitle(activity),
            points: volunteerPoints(g.to),
            now,
            on: serviceDay,
          }),
        ),
      ),
    );
    // The duplicate recovery took more than the one request planned: the groups that no longer
    // fit wait in `pending` (their points are in; the next call skips them).
    const left = WRITE_SLOTS - (setFlag ? 1 : 0) - spent;
    if (chosen.length > left) {
      for (const g of chosen.slice(Math.max(0, left))) pending.push(...g.ids);
      chosen = chosen.slice(0, Math.max(0, left));
    }
    const coll = db.collection(COLLECTIONS.activityParticipants);
    const written = await Promise.all([
      ...chosen.map((g) => {
        const correction: StoredCorrection | null = g.correction && {
          from: g.correction.from,
          to: g.to,
          reason: g.correction.reason,
          ...(held.has(g.correction.reason) ? { reasonHeld: true } : {}),
          by: openid,
          byName,
          at: now,
        };
        // Only where the hours are still those this call read (a correction's `from`, or not
        // yet confirmed): another organiser's concurrent change is never overwritten unseen.
        return coll
          .where({
            _id: _.in(g.ids),
            activityId: activity._id,
            confirmedHours: g.correction ? _.in([null, g.correction.from]) : null,
          })
          .update({
            data: {
              confirmedHours: g.to,
              updatedAt: now,
              ...(correction ? { corrections: _.push([correction]) } : {}),
            },
          });
      }),
      ...(setFlag
        ? [
            db
              .collection(COLLECTIONS.activities)
              .where({ _id: activity._id })
              .update({ data: { hoursConfirmed: true, updatedAt: now } }),
          ]
        : []),
    ]);
    // A group some of whose people changed meanwhile goes back whole as `pending`: sent again,
    // those written count as unchanged and the others are compared with the new hours.
    const raced = chosen.filter((g, i) => updatedCount(written[i]) < g.ids.length);
    for (const g of raced) pending.push(...g.ids);
    const done = chosen.filter((g) => !raced.includes(g));
    return {
      confirmed: unchanged + done.reduce((n, g) => n + g.ids.length, 0),
      corrected: done.reduce((n, g) => n + (g.correction ? g.ids.length : 0), 0),
      pending,
    };
  },
};
