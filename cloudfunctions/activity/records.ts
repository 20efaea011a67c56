/**
 * Records: each person's volunteer record (志愿服务记录) and the certificate they can show
 * (志愿服务证明), and the branch's tally of good deeds done for residents (办好事实事).
 *
 * A person's totals come from their own participant records (`confirmedHours`, confirmed by an
 * organiser: check-ins alone never count) summed by ONE aggregate row, whatever their history;
 * the record's list pages through the same records newest first. Good deeds are entries of
 * their own (`goodDeeds`), the activity keeping a running count for its detail page.
 */
import { createHash } from 'crypto';
import * as z from 'zod';
import type { RecordItem } from '../../typings/api';
import { AppError, COLLECTIONS, can, fetchAll, type ActionDef, type Database } from '../common';
import type { GoodDeedDoc, MembershipDoc, ParticipantDoc } from '../common/model';
import { toTime } from '../common/db';
import {
  PAGE,
  chinaDay,
  decodeCursor,
  encodeCursor,
  isDuplicateKey,
  iso,
  loadActor,
  newId,
  secCheck,
} from '../common/util';
import { activityFor, chinaYear, cursorSchema, forbidden, idSchema, publicTitle } from './shared';

export const RECORDS_MSG = {
  notOrganiser: '只有支部委员可以登记办好事实事',
  notStarted: '活动开始后才能登记办好事实事',
  cancelled: '该活动已取消',
  held: '活动内容审核中，暂不能记录',
  notMember: '只有本支部成员可以查看办好事实事',
} as const;

/** Recent good deeds `goodDeeds` lists. */
const RECENT_DEEDS = 10;
/** Shown instead of a note content security held for review (no one releases notes). */
const HELD_NOTE = '（备注审核中）';

// ---------------------------------------------------------------- totals

interface Totals {
  totalHours: number;
  count: number;
  since: string | null;
  until: string | null;
  /** A name from the records (residents have no membership to take it from). */
  name: string | null;
}

/**
 * The caller's confirmed volunteer service in one aggregate row (one request): the caller's
 * volunteer records with hours > 0 (`$match` served by `openid_startAt`), summed into a
 * single `_id: null` group, so the answer is one row however long the history (CloudBase returns
 * at most 20 rows of an aggregate without `$limit`).
 */
async function volunteerTotals(db: Database, openid: string): Promise<Totals> {
  const _ = db.command;
  const $ = db.command.aggregate;
  const res = (await db
    .collection(COLLECTIONS.activityParticipants)
    .aggregate()
    .match({ openid, kind: 'volunteer', confirmedHours: _.gt(0) })
    .group({
      _id: null,
      hours: $.sum('$confirmedHours'),
      count: $.sum(1),
      since: $.min('$startAt'),
      until: $.max('$startAt'),
      name: $.last('$name'),
    })
    .end()) as unknown as {
    list?: { hours: number; count: number; since: unknown; until: unknown; name?: string }[];
  };
  const row = res.list?.[0];
  if (!row) return { totalHours: 0, count: 0, since: null, until: null, name: null };
  return {
    // Half hours summed stay exact in binary floating point; the rounding only guards input.
    totalHours: Math.round(row.hours * 2) / 2,
    count: row.count,
    since: row.since ? chinaDay(row.since) : null,
    until: row.until ? chinaDay(row.until) : null,
    name: row.name ?? null,
  };
}

/** The caller's name and branch: their full (organisational) membership, else any active one. */
function profile(docs: MembershipDoc[], openid: string) {
  const active = docs.filter((d) => d.openid === openid && d.status === 'active');
  const main = active.find((d) => d.fullKey === openid) ?? active[0];
  return { name: main?.realName ?? null, branchName: main?.branchName ?? null };
}

// ---------------------------------------------------------------- myRecord

/** Cursor: the start of the last item shown and the ids shown with that same start. */
interface RecordCursor {
  t: string;
  ids: string[];
}

const isRecordCursor = (v: unknown): v is RecordCursor =>
  !!v &&
  typeof v === 'object' &&
  typeof (v as RecordCursor).t === 'string' &&
  Array.isArray((v as RecordCursor).ids) &&
  (v as RecordCursor).ids.length <= PAGE &&
  (v as RecordCursor).ids.every((x) => typeof x === 'string');

/**
 * The caller's volunteer record: totals (confirmed hours, activities with hours) and the
 * volunteer activities they attended, newest first: present (by hand), checked in, or with
 * hours > 0 confirmed. A sign-up alone (still waitlisted, or confirmed but never there) is not
 * service. Hours are null until confirmed. Requests: memberships, the totals and the page (one
 * aggregate: `$match` and `$sort` served by `openid_startAt`, then the attended filter), in
 * parallel: 3.
 */
export const myRecord: ActionDef<'activity', 'myRecord'> = {
  kind: 'read',
  schema: z.object({ cursor: cursorSchema.optional() }).optional(),
  async handler(data, { openid, db }) {
    const cursor = decodeCursor(data?.cursor, isRecordCursor);
    const _ = db.command;
    const where: Record<string, unknown> = { openid, kind: 'volunteer' };
    if (cursor) where.startAt = _.lte(new Date(cursor.t));
    const skip = new Set(cursor?.ids ?? []);
    const [{ docs }, totals, page0] = await Promise.all([
      loadActor(db, openid),
      volunteerTotals(db, openid),
      db
        .collection(COLLECTIONS.activityParticipants)
        .aggregate()
        .match(where)
        .sort({ startAt: -1 })
        .match(
          _.or([
            { attendance: 'present' },
            { checkedInAt: _.neq(null) },
            { confirmedHours: _.gt(0) },
          ]),
        )
        .limit(PAGE + 1 + skip.size)
        .end() as unknown as Promise<{ list?: ParticipantDoc[] }>,
    ]);
    const rows = page0.list ?? [];
    // Records with the cursor's start time were partly shown: leave those out.
    const fresh = rows.filter((r) => !skip.has(r._id));
    const page = fresh.slice(0, PAGE);
    let nextCursor: string | null = null;
    if (fresh.length > PAGE) {
      const t = iso(page[page.length - 1].startAt);
      const same = page.filter((r) => iso(r.startAt) === t).map((r) => r._id);
      // Same instant as the previous cursor: the ids shown before still count as shown.
      const carried = cursor && cursor.t === t ? cursor.ids : [];
      nextCursor = encodeCursor({ t, ids: [...carried, ...same] } satisfies RecordCursor);
    }
    const items: RecordItem[] = page.map((r) => ({
      activityId: r.activityId,
      title: r.title,
      branchName: r.branchName,
      startAt: iso(r.startAt),
      hours: r.confirmedHours ?? null,
    }));
    const me = profile(docs, openid);
    return {
      name: me.name ?? totals.name ?? page[0]?.name ?? '',
      totalHours: totals.totalHours,
      count: totals.count,
      items,
      nextCursor,
    };
  },
};

// ---------------------------------------------------------------- certificate

/**
 * A short code of the certificate's figures (who, name, hours, count, first and last day): a
 * printed copy whose figures were altered no longer matches the code the page shows.
 */
export function certificateSerial(
  openid: string,
  c: {
    name: string;
    totalHours: number;
    count: number;
    since: string | null;
    until: string | null;
  },
): string {
  const text = [openid, c.name, c.totalHours, c.count, c.since ?? '', c.until ?? ''].join('\n');
  return createHash('sha256').update(text).digest('hex').slice(0, 12).toUpperCase();
}

/** The caller's certificate. Requests: memberships and the totals, in parallel: 2. */
export const certificate: ActionDef<'activity', 'certificate'> = {
  kind: 'read',
  schema: z.object({}).optional(),
  async handler(_data, { openid, db }) {
    const [{ docs }, totals] = await Promise.all([
      loadActor(db, openid),
      volunteerTotals(db, openid),
    ]);
    const me = profile(docs, openid);
    const figures = {
      name: me.name ?? totals.name ?? '',
      totalHours: totals.totalHours,
      count: totals.count,
      since: totals.since,
      until: totals.until,
    };
    return {
      ...figures,
      branchName: me.branchName,
      serial: certificateSerial(openid, figures),
      issuedAt: new Date().toISOString(),
    };
  },
};

// ---------------------------------------------------------------- good deeds

/**
 * The branch's totals (all time and this year) and, when given, one activity's, in one
 * aggregate row (served by `branchId_at`).
 */
async function deedTotals(db: Database, branchId: string, activityId?: string) {
  const $ = db.command.aggregate;
  const year = chinaYear(Date.now());
  const res = (await db
    .collection(COLLECTIONS.goodDeeds)
    .aggregate()
    .match({ branchId })
    .group({
      _id: null,
      branch: $.sum('$count'),
      year: $.sum($.cond([$.eq(['$year', year]), '$count', 0])),
      activity: $.sum($.cond([$.eq(['$activityId', activityId ?? '']), '$count', 0])),
    })
    .end()) as unknown as { list?: { branch: number; year: number; activity: number }[] };
  const row = res.list?.[0];
  return { branch: row?.branch ?? 0, year: row?.year ?? 0, activity: row?.activity ?? 0 };
}

const deedsSchema = z.object({
  activityId: idSchema,
  count: z
    .number({ message: '请填写件数' })
    .int('件数应为整数')
    .min(1, '件数至少为 1')
    .max(100, '一次最多登记 100 件'),
  note: z.string().trim().min(2, '请填写说明（至少 2 个字）').max(200, '说明不能超过 200 字'),
});

/**
 * Organisers record good deeds done for residents on an activity that has started and is not
 * held for review (members read the tally with the activity's title). The note is
 * checked by content security (risky: refused; review: kept, shown neutrally). With a
 * requestId the entry's `_id` is derived from it, so a retried call finds its entry and does
 * not count twice (idempotent by itself: no requestId marker). Requests: the activity with the
 * caller's memberships (1), the entry (1), the activity's count (1), the totals (1): 4.
 */
export const recordGoodDeeds: ActionDef<'activity', 'recordGoodDeeds'> = {
  kind: 'write',
  idempotent: false,
  schema: deedsSchema,
  async handler(data, { openid, db, cloud, requestId }) {
    const { doc: activity, organiser } = await activityFor(db, openid, data.activityId);
    if (!organiser) throw forbidden(RECORDS_MSG.notOrganiser);
    if (activity.cancelled) throw new AppError('CONFLICT', RECORDS_MSG.cancelled);
    // The tally is shown to every member with the activity's title: not while it is held.
    if (activity.visibility === 'held') throw new AppError('CONFLICT', RECORDS_MSG.held);
    const now = new Date();
    if (now.getTime() < toTime(activity.startAt)) {
      throw new AppError('CONFLICT', RECORDS_MSG.notStarted);
    }
    const verdict = await secCheck(cloud, openid, data.note, 2);
    const entry: GoodDeedDoc = {
      _id: requestId
        ? `g${createHash('sha256').update(`${openid}\n${requestId}`).digest('hex').slice(0, 31)}`
        : `g${newId()}`,
      branchId: activity.branchId,
      activityId: activity._id,
      title: publicTitle(activity),
      count: data.count,
      note: data.note,
      noteHeld: verdict === 'review',
      year: chinaYear(now),
      by: openid,
      at: now,
    };
    let fresh = true;
    try {
      await db.collection(COLLECTIONS.goodDeeds).add({ data: entry });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      fresh = false;
    }
    if (fresh) {
      await db
        .collection(COLLECTIONS.activities)
        .where({ _id: activity._id })
        .update({ data: { goodDeeds: db.command.inc(data.count), updatedAt: now } });
    }
    const totals = await deedTotals(db, activity.branchId, activity._id);
    return { activityId: activity._id, activityTotal: totals.activity, branchTotal: totals.branch };
  },
};

/**
 * The branch's tally: all time, this year, and the latest entries. Members of the branch.
 * Requests: memberships, the totals and the recent entries, in parallel: 3.
 */
export const goodDeeds: ActionDef<'activity', 'goodDeeds'> = {
  kind: 'read',
  schema: z.object({ branchId: idSchema }),
  async handler(data, { openid, db }) {
    const [{ actor }, totals, recent] = await Promise.all([
      loadActor(db, openid),
      deedTotals(db, data.branchId),
      fetchAll<GoodDeedDoc>(
        db
          .collection(COLLECTIONS.goodDeeds)
          .where({ branchId: data.branchId })
          .orderBy('at', 'desc')
          .limit(RECENT_DEEDS),
      ),
    ]);
    if (!can(actor, 'viewGoodDeeds', { branchId: data.branchId })) {
      throw forbidden(RECORDS_MSG.notMember);
    }
    return {
      branchTotal: totals.branch,
      yearTotal: totals.year,
      recent: recent.map((g) => ({
        activityId: g.activityId,
        title: g.title,
        count: g.count,
        note: g.noteHeld ? HELD_NOTE : g.note,
        at: iso(g.at),
      })),
    };
  },
};
