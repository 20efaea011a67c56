/**
 * The points ledger (积分), shared by every function that awards points (`lesson`: studying a
 * lesson and first passing its quiz; `activity`: confirmed volunteer hours). One `points` entry
 * per (openid, reason, refId), `_id` derived from the three, so a retried or concurrent award
 * inserts once (the database decides).
 *
 * The daily cap (DOMAIN.md: points are capped, never a race of study or service time) is
 * applied when the ledger is READ, not by a counter: within a member's day (UTC+8) the entries
 * count in their order (`orderKey`: time + id) until the cap is reached; the entry that crosses
 * it counts in part and later ones count 0. Entries are never updated, so nothing can
 * double-count or overbook, whatever runs concurrently: a day's counted points are always
 * min(cap, sum of its entries). One cap for all reasons: a member who studies and volunteers
 * on one day still earns at most `DAILY_CAP`.
 *
 * The award an action reports is computed from the day's entries read at the start of the
 * call plus its own; only a second award made in the same instant could make the ledger count
 * it lower later, and `myPoints` always shows the ledger's answer.
 */
import { createHash } from 'crypto';
import type { PointsAward } from '../../typings/api';
import { fetchAll } from './db';
import type { Database } from './define';
import { COLLECTIONS, type PointsDoc, type PointsReasonDoc } from './model';
import { chinaDay, isDuplicateKey } from './util';

/**
 * Points per event (docs/api.md, the `lesson` section). `volunteerHours` is per confirmed hour
 * (whole hours, at least 1 when any hour was confirmed, at most `VOLUNTEER_MAX` per activity).
 */
export const POINTS = {
  lessonStudied: 2,
  quizPassed: 3,
  volunteerHours: 1,
  /** Per (central household, resident or household, day) served: liaison/records.ts. */
  liaisonService: 1,
} as const satisfies Record<PointsReasonDoc, number>;
/** Points one volunteer activity can earn, however long it was. */
export const VOLUNTEER_MAX = 5;
export const DAILY_CAP = 10;
/** Entries a day can hold in practice is far below this; it bounds the read. */
export const MAX_DAY_ENTRIES = 200;

export function entryId(openid: string, reason: PointsReasonDoc, refId: string): string {
  return `e${createHash('sha256').update(`${openid}\n${reason}\n${refId}`).digest('hex').slice(0, 31)}`;
}

/** Points of `hours` confirmed volunteer hours (floor, min 1 when > 0, max `VOLUNTEER_MAX`). */
export function volunteerPoints(hours: number): number {
  if (!(hours > 0)) return 0;
  return Math.min(VOLUNTEER_MAX, Math.max(1, Math.floor(hours)) * POINTS.volunteerHours);
}

/** Points counted for each entry of one day, in ledger order. */
export function countDay(entries: Pick<PointsDoc, '_id' | 'points' | 'orderKey'>[]) {
  const sorted = [...entries].sort((a, b) => (a.orderKey < b.orderKey ? -1 : 1));
  let used = 0;
  const counted = new Map<string, number>();
  for (const e of sorted) {
    const c = Math.max(0, Math.min(e.points, DAILY_CAP - used));
    used += c;
    counted.set(e._id, c);
  }
  return { counted, total: used };
}

/** The person's entries of today, read before awarding (one request). */
export function todayEntries(db: Database, openid: string, now: Date) {
  return fetchAll<PointsDoc>(
    db
      .collection(COLLECTIONS.points)
      .where({ openid, day: chinaDay(now) })
      .orderBy('orderKey', 'asc')
      .limit(MAX_DAY_ENTRIES),
  );
}

export interface AwardInput {
  openid: string;
  reason: PointsReasonDoc;
  /** What earned it (lesson id, activity id): one entry per (openid, reason, refId). */
  refId: string;
  branchId: string;
  /** Shown in the member's list. */
  title: string;
  /** What the event is worth; default `POINTS[reason]`. */
  points?: number;
  now: Date;
  /** The person's entries of today (`todayEntries`), for the award's report. */
  today: PointsDoc[];
  /**
   * When the event happened, if not `now`: the entry's ledger day (and its order within it),
   * so the daily cap applies to that day. Volunteer hours are dated by the activity's start.
   */
  on?: Date;
}

/** The entry `award` inserts (also for callers that insert several in one request). */
export function pointsEntry(p: Omit<AwardInput, 'today'>): PointsDoc {
  const id = entryId(p.openid, p.reason, p.refId);
  return {
    _id: id,
    openid: p.openid,
    reason: p.reason,
    refId: p.refId,
    branchId: p.branchId,
    title: p.title,
    points: p.points ?? POINTS[p.reason],
    day: chinaDay(p.on ?? p.now),
    orderKey: `${(p.on ?? p.now).toISOString()}#${id}`,
    createdAt: p.now,
  };
}

/** What `entry` counts given the day's other entries (the ledger's read-time cap). */
export function awardOf(entry: PointsDoc, today: PointsDoc[]): PointsAward {
  const { counted, total } = countDay([...today.filter((e) => e._id !== entry._id), entry]);
  const points = counted.get(entry._id) ?? 0;
  return {
    reason: entry.reason,
    points,
    nominal: entry.points,
    capped: points < entry.points,
    today: total,
    dailyCap: DAILY_CAP,
  };
}

/**
 * Inserts the entry (one request). A duplicate means the event was already awarded (a retry
 * or a concurrent call): null, nothing counted twice.
 */
export async function award(db: Database, p: AwardInput): Promise<PointsAward | null> {
  const entry = pointsEntry(p);
  try {
    await db.collection(COLLECTIONS.points).add({ data: entry });
  } catch (err) {
    if (isDuplicateKey(err)) return null;
    throw err;
  }
  return awardOf(entry, p.today);
}
