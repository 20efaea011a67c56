/**
 * The points ledger (积分). Studying a lesson and first passing its quiz each earn points,
 * once per lesson: one `points` entry per (openid, reason, refId), `_id` derived from the
 * three, so a retried or concurrent award inserts once (the database decides).
 *
 * The daily cap (DOMAIN.md: points are capped, never a race of study time) is applied when
 * the ledger is READ, not by a counter: within a member's day (UTC+8) the entries count in
 * their order (`orderKey`: time + id) until the cap is reached; the entry that crosses it
 * counts in part and later ones count 0. Entries are never updated, so nothing can
 * double-count or overbook, whatever runs concurrently: a day's counted points are always
 * min(cap, sum of its entries). The entry keeps the points the event is worth (`points`) and
 * every view shows both what it was worth and what counted.
 *
 * The award an action reports is computed from the day's entries read at the start of the
 * call plus its own; only a second award made in the same instant could make the ledger
 * count it lower later, and `myPoints` always shows the ledger's answer.
 */
import { createHash } from 'crypto';
import * as z from 'zod';
import type { PointsAward, PointsEntryView } from '../../typings/api';
import { COLLECTIONS, fetchAll, type ActionDef, type Database } from '../common';
import type { LessonDoc, PointsDoc, PointsReasonDoc } from '../common/model';
import { chinaDay, dayStart, isDuplicateKey, iso } from '../common/util';
import { PASS_PERCENT } from './shared';

/** Points per event and per day (docs/api.md, the `lesson` section). */
export const POINTS = { lessonStudied: 2, quizPassed: 3 } as const satisfies Record<
  PointsReasonDoc,
  number
>;
export const DAILY_CAP = 10;
/** Days of entries `myPoints` lists. */
const RECENT_DAYS = 7;
/** Entries a day can hold in practice is far below this; it bounds the read. */
const MAX_DAY_ENTRIES = 200;
const MAX_RECENT = 50;

export function entryId(openid: string, reason: PointsReasonDoc, refId: string): string {
  return `e${createHash('sha256').update(`${openid}\n${reason}\n${refId}`).digest('hex').slice(0, 31)}`;
}

/** Points counted for each entry of one day, in ledger order. */
function countDay(entries: Pick<PointsDoc, '_id' | 'points' | 'orderKey'>[]) {
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

/** The caller's entries of today, read at the start of an awarding action (one request). */
export function todayEntries(db: Database, openid: string, now: Date) {
  return fetchAll<PointsDoc>(
    db
      .collection(COLLECTIONS.points)
      .where({ openid, day: chinaDay(now) })
      .orderBy('orderKey', 'asc')
      .limit(MAX_DAY_ENTRIES),
  );
}

/**
 * Inserts the entry (one request). A duplicate means the event was already awarded (a retry
 * or a concurrent call): null, nothing counted twice.
 */
export async function award(
  db: Database,
  p: {
    openid: string;
    reason: PointsReasonDoc;
    lesson: Pick<LessonDoc, '_id' | 'branchId' | 'title'>;
    now: Date;
    today: PointsDoc[];
  },
): Promise<PointsAward | null> {
  const id = entryId(p.openid, p.reason, p.lesson._id);
  const entry: PointsDoc = {
    _id: id,
    openid: p.openid,
    reason: p.reason,
    refId: p.lesson._id,
    branchId: p.lesson.branchId,
    title: p.lesson.title,
    points: POINTS[p.reason],
    day: chinaDay(p.now),
    orderKey: `${p.now.toISOString()}#${id}`,
    createdAt: p.now,
  };
  try {
    await db.collection(COLLECTIONS.points).add({ data: entry });
  } catch (err) {
    if (isDuplicateKey(err)) return null;
    throw err;
  }
  const { counted, total } = countDay([...p.today.filter((e) => e._id !== id), entry]);
  const points = counted.get(id) ?? 0;
  return {
    reason: p.reason,
    points,
    nominal: entry.points,
    capped: points < entry.points,
    today: total,
    dailyCap: DAILY_CAP,
  };
}

/** Whether `score` of `total` passes (≥ 60 %). */
export function passes(score: number, total: number): boolean {
  return total > 0 && score * 100 >= total * PASS_PERCENT;
}

/**
 * The caller's own points: balance (every day's counted points), today's, and the entries of
 * the last 7 days with what each counted. No ranking exists anywhere.
 *
 * The balance is ONE aggregate row whatever the member's history: the caller's entries
 * (`$match`, served by `openid_day_orderKey`) are summed per day, each day capped, and the
 * capped days summed into a single `_id: null` group. CloudBase answers an aggregate without
 * `$limit` with at most 20 rows, so a pipeline that returned one row per day would stop
 * counting after 20 days with points; intermediate groups are not rows of the answer. Today's
 * points come from the recent entries (today is among them). Requests: the balance and the
 * recent entries, in parallel: 2.
 */
export const myPoints: ActionDef<'lesson', 'myPoints'> = {
  kind: 'read',
  schema: z.object({}).optional(),
  async handler(_data, { openid, db }) {
    const now = new Date();
    const today = chinaDay(now);
    const from = chinaDay(dayStart(today).getTime() - (RECENT_DAYS - 1) * 86400_000);
    const $ = db.command.aggregate;
    const _ = db.command;
    const coll = db.collection(COLLECTIONS.points);
    const [balanceRes, recent] = await Promise.all([
      coll
        .aggregate()
        .match({ openid })
        .group({ _id: '$day', sum: $.sum('$points') })
        .project({ counted: $.min(['$sum', DAILY_CAP]) })
        .group({ _id: null, balance: $.sum('$counted') })
        .end(),
      fetchAll<PointsDoc>(
        coll
          .where({ openid, day: _.gte(from) })
          .orderBy('day', 'desc')
          .limit(MAX_DAY_ENTRIES),
      ),
    ]);
    const balance = (balanceRes as unknown as { list?: { balance: number }[] }).list?.[0]?.balance;
    const byDay = new Map<string, PointsDoc[]>();
    for (const e of recent) byDay.set(e.day, [...(byDay.get(e.day) ?? []), e]);
    const counted = new Map<string, number>();
    for (const entries of byDay.values()) {
      for (const [id, c] of countDay(entries).counted) counted.set(id, c);
    }
    const items: PointsEntryView[] = [...recent]
      .sort((a, b) => (a.orderKey < b.orderKey ? 1 : -1))
      .slice(0, MAX_RECENT)
      .map((e) => ({
        entryId: e._id,
        reason: e.reason,
        refId: e.refId,
        title: e.title,
        points: counted.get(e._id) ?? 0,
        nominal: e.points,
        at: iso(e.createdAt),
        day: e.day,
      }));
    return {
      balance: balance ?? 0,
      today: countDay(byDay.get(today) ?? []).total,
      dailyCap: DAILY_CAP,
      rules: { ...POINTS, passPercent: PASS_PERCENT },
      recent: items,
    };
  },
};
