/**
 * Lesson points (积分): studying a lesson and first passing its quiz each earn points, once per
 * lesson, in the ledger shared with the `activity` function (common/points.ts: one entry per
 * (openid, reason, refId), the daily cap applied when the ledger is read). This module adapts
 * a lesson to the ledger's award and serves `myPoints`, the member's view of the whole ledger
 * (lessons and volunteer hours alike).
 */
import * as z from 'zod';
import type { PointsAward, PointsEntryView } from '../../typings/api';
import { COLLECTIONS, fetchAll, type ActionDef, type Database } from '../common';
import type { LessonDoc, PointsDoc } from '../common/model';
import {
  DAILY_CAP,
  MAX_DAY_ENTRIES,
  POINTS,
  VOLUNTEER_MAX,
  award as awardEntry,
  countDay,
  todayEntries,
} from '../common/points';
import { chinaDay, dayStart, iso } from '../common/util';
import { PASS_PERCENT } from './shared';

export { DAILY_CAP, POINTS, todayEntries };
/** Days of entries `myPoints` lists. */
const RECENT_DAYS = 7;
const MAX_RECENT = 50;

/** Awards a lesson event once (common/points.ts `award`): null when already awarded. */
export function award(
  db: Database,
  p: {
    openid: string;
    reason: 'lessonStudied' | 'quizPassed';
    lesson: Pick<LessonDoc, '_id' | 'branchId' | 'title'>;
    now: Date;
    today: PointsDoc[];
  },
): Promise<PointsAward | null> {
  return awardEntry(db, {
    openid: p.openid,
    reason: p.reason,
    refId: p.lesson._id,
    branchId: p.lesson.branchId,
    title: p.lesson.title,
    now: p.now,
    today: p.today,
  });
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
      rules: { ...POINTS, volunteerMax: VOLUNTEER_MAX, passPercent: PASS_PERCENT },
      recent: items,
    };
  },
};
