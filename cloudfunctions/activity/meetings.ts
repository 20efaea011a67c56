/**
 * The branch's regular life (三会一课, 主题党日): replies and leave (请假), the secretary's
 * decision, attendance (check-in or by hand), minutes (会议记录) and the year's attendance
 * rates. The expected audience is the activity's `expected` snapshot; each person's reply,
 * leave and attendance live in their participant document.
 */
import { createHash } from 'crypto';
import * as z from 'zod';
import type { AttendanceItem } from '../../typings/api';
import {
  AppError,
  COLLECTIONS,
  can,
  fetchAll,
  toTime,
  type ActionDef,
  type Database,
} from '../common';
import type { ActivityDoc, ActivityMinutesDoc, ParticipantDoc } from '../common/model';
import { chinaDay, dayStart, isDuplicateKey, isoOrNull, loadActor, secCheck } from '../common/util';
import {
  EARLY_MS,
  MSG,
  activityFor,
  assertSees,
  attendanceOf,
  countedPeople,
  cursorSchema,
  forbidden,
  idSchema,
  isExpected,
  kindLabel,
  leaveView,
  notFound,
  participantId,
  personIdSchema,
  publicTitle,
  rateOf,
  sees,
  summaryOf,
  pageAfter,
} from './shared';

/** A participant document for someone who had none yet (a meeting's expected member). */
function newParticipant(
  doc: ActivityDoc,
  openid: string,
  name: string,
  at: Date,
): Omit<ParticipantDoc, '_id'> {
  return {
    activityId: doc._id,
    branchId: doc.branchId,
    branchName: doc.branchName,
    kind: doc.kind,
    title: publicTitle(doc),
    startAt: doc.startAt,
    year: doc.year,
    openid,
    name,
    phone: null,
    who: 'member',
    state: null,
    signedUpAt: null,
    cancelledAt: null,
    lateCancel: false,
    reply: null,
    leave: null,
    attendance: null,
    checkedInAt: null,
    checkedOutAt: null,
    confirmedHours: null,
    corrections: [],
    createdAt: at,
    updatedAt: at,
  };
}

// ---------------------------------------------------------------- reply

/**
 * An expected member answers: attend, or leave with a reason (checked by content security)
 * that waits for the secretary. Answering again replaces the answer (a new leave request is
 * pending again). A held activity (content security review) is NOT_FOUND for members, as
 * for `get`. Requests: the activity with the caller's document (1), the write (1); with a
 * requestId 2 more: 4.
 */
export const reply: ActionDef<'activity', 'reply'> = {
  kind: 'write',
  schema: z
    .object({
      activityId: idSchema,
      answer: z.enum(['attend', 'leave'], { message: '请选择参加或请假' }),
      reason: z
        .string()
        .trim()
        .min(2, '请假原因至少 2 个字')
        .max(100, '请假原因不能超过 100 个字')
        .optional(),
    })
    .refine((v) => v.answer !== 'leave' || v.reason !== undefined, {
      message: '请填写请假原因',
      path: ['reason'],
    }),
  async handler(data, { openid, db, cloud }) {
    const a = await activityFor(db, openid, data.activityId);
    const doc = a.doc;
    // Held for review: it does not exist for members (as for `get`), so nobody answers it.
    if (doc.visibility === 'held' && !a.organiser) throw notFound();
    if (!isExpected(doc, openid)) {
      if (!sees(a)) assertSees(a);
      throw forbidden(MSG.notExpected);
    }
    if (doc.kind === 'volunteer') throw new AppError('CONFLICT', MSG.notMeeting);
    if (doc.cancelled) throw new AppError('CONFLICT', MSG.cancelled);
    const now = Date.now();
    if (now >= toTime(doc.startAt)) throw new AppError('CONFLICT', MSG.replyClosed);
    if (data.answer === 'leave') await secCheck(cloud, openid, data.reason!, 2);
    const at = new Date(now);
    const leave: ParticipantDoc['leave'] =
      data.answer === 'leave'
        ? { reason: data.reason!, status: 'pending', decidedAt: null, decidedBy: null, note: null }
        : null;
    const pid = participantId(doc._id, openid);
    const coll = db.collection(COLLECTIONS.activityParticipants);
    const _ = db.command;
    if (a.mine) {
      await coll.where({ _id: pid }).update({
        data: { reply: data.answer, leave: leave ? _.set(leave) : null, updatedAt: at },
      });
    } else {
      const name = doc.expected.find((e) => e.openid === openid)?.name ?? '';
      await coll
        .doc(pid)
        .set({ data: { ...newParticipant(doc, openid, name, at), reply: data.answer, leave } });
    }
    return { activityId: doc._id, reply: data.answer, leave: leaveView({ leave }) };
  },
};

// ---------------------------------------------------------------- attendance

/**
 * Organisers: the expected audience (meetings, in directory order) or the confirmed volunteers
 * (queue order) with replies, leave and attendance, and the summary. Requests: the activity
 * with the caller's memberships and every participant document (1): 1.
 */
export const attendance: ActionDef<'activity', 'attendance'> = {
  kind: 'read',
  schema: z.object({ activityId: idSchema, cursor: cursorSchema.optional() }),
  async handler(data, { openid, db }) {
    const a = await activityFor(db, openid, data.activityId, { all: true });
    if (!a.organiser) throw forbidden(MSG.notOrganiser);
    const people = countedPeople(a.doc, a.participants);
    const { page, nextCursor } = pageAfter(people, (x) => x.personId, data.cursor);
    const items: AttendanceItem[] = page.map(({ personId, name, p }) => ({
      personId,
      name,
      reply: p?.reply ?? null,
      leave: leaveView(p),
      attendance: attendanceOf(p),
      checkedInAt: isoOrNull(p?.checkedInAt),
      checkedOutAt: isoOrNull(p?.checkedOutAt),
    }));
    return {
      items,
      nextCursor,
      summary: summaryOf(a.doc, a.participants),
      canModerate: a.secretary,
    };
  },
};

/**
 * The secretary or deputy approves or turns down a leave request (also after deciding, to
 * change it). Requests: the activity with its participant documents (1), the update (1); with a
 * requestId 2 more: 4.
 */
export const decideLeave: ActionDef<'activity', 'decideLeave'> = {
  kind: 'write',
  schema: z.object({
    activityId: idSchema,
    personId: personIdSchema,
    approve: z.boolean({ message: '请选择批准或不批准' }),
    note: z.string().trim().max(100, '批注不能超过 100 个字').optional(),
  }),
  async handler(data, { openid, db }) {
    const a = await activityFor(db, openid, data.activityId, { all: true });
    if (!a.secretary) throw forbidden(MSG.notSecretary);
    const p = a.participants.find((x) => x.openid === data.personId);
    if (!p?.leave) throw new AppError('NOT_FOUND', MSG.leaveNotFound);
    const at = new Date();
    const leave = {
      ...p.leave,
      status: data.approve ? ('approved' as const) : ('rejected' as const),
      decidedAt: at,
      decidedBy: openid,
      note: data.note || null,
    };
    await db
      .collection(COLLECTIONS.activityParticipants)
      .where({ _id: p._id })
      .update({ data: { leave: db.command.set(leave), updatedAt: at } });
    return { personId: data.personId, leave: leaveView({ leave })! };
  },
};

/**
 * Organisers record attendance by hand, from 30 minutes before the start: up to 50 people a
 * call, each present, absent or on leave. People without a document yet (members who never
 * replied) get one in a single insert; the others are updated in one request per value. Marking
 * the same again is the same state (`idempotent: false`). Requests: the activity with its
 * participant documents (1), the insert (≤ 1), one update per value used (≤ 3): at most 5.
 */
export const markAttendance: ActionDef<'activity', 'markAttendance'> = {
  kind: 'write',
  idempotent: false,
  schema: z.object({
    activityId: idSchema,
    entries: z
      .array(
        z.object({
          personId: personIdSchema,
          attendance: z.enum(['present', 'absent', 'leave'], {
            message: '出勤应为出席、缺席或请假',
          }),
        }),
      )
      .min(1, '请至少登记一人')
      .max(50, '每次最多登记 50 人'),
  }),
  async handler(data, { openid, db }) {
    const a = await activityFor(db, openid, data.activityId, { all: true });
    if (!a.organiser) throw forbidden(MSG.notOrganiser);
    const doc = a.doc;
    if (doc.cancelled) throw new AppError('CONFLICT', MSG.cancelled);
    const now = Date.now();
    if (now < toTime(doc.startAt) - EARLY_MS) throw new AppError('CONFLICT', MSG.tooEarlyToMark);
    const people = new Map(countedPeople(doc, a.participants).map((x) => [x.personId, x]));
    // The last entry for a person wins.
    const wanted = new Map(data.entries.map((e) => [e.personId, e.attendance]));
    const unknown = [...wanted.keys()].filter((id) => !people.has(id));
    if (unknown.length) {
      throw new AppError('NOT_FOUND', MSG.personNotFound, { personIds: unknown.slice(0, 10) });
    }
    const at = new Date(now);
    const byValue = new Map<string, string[]>();
    const inserts: (Omit<ParticipantDoc, '_id'> & { _id: string })[] = [];
    for (const [personId, value] of wanted) {
      const person = people.get(personId)!;
      if (person.p) {
        byValue.set(value, [...(byValue.get(value) ?? []), person.p._id]);
      } else {
        const pid = participantId(doc._id, personId);
        inserts.push({
          _id: pid,
          ...newParticipant(doc, personId, person.name, at),
          attendance: value,
        });
      }
    }
    const _ = db.command;
    const coll = db.collection(COLLECTIONS.activityParticipants);
    await Promise.all([
      inserts.length ? insertAll(coll, inserts) : null,
      ...[...byValue].map(([value, ids]) =>
        coll.where({ _id: _.in(ids) }).update({ data: { attendance: value, updatedAt: at } }),
      ),
    ]);
    // The summary as it now stands: the loaded documents with this call's marks applied.
    const marked = new Map(
      [...wanted].map(([personId, value]) => [participantId(doc._id, personId), value]),
    );
    const after: ParticipantDoc[] = [
      ...a.participants.map((p) => {
        const key = doc.kind === 'volunteer' ? p._id : participantId(doc._id, p.openid);
        const v = doc.kind === 'volunteer' ? wanted.get(p._id) : marked.get(key);
        return v ? { ...p, attendance: v as ParticipantDoc['attendance'] } : p;
      }),
      ...(inserts as ParticipantDoc[]),
    ];
    return { updated: wanted.size, summary: summaryOf(doc, after) };
  },
};

/** One insert of several documents; a duplicate means someone wrote one meanwhile. */
async function insertAll(coll: ReturnType<Database['collection']>, docs: unknown[]): Promise<void> {
  try {
    await coll.add({ data: docs as never });
  } catch (err) {
    // A check-in or a reply created one meanwhile: the organiser marks again, it updates.
    if (!isDuplicateKey(err)) throw err;
    throw new AppError('CONFLICT', MSG.changed);
  }
}

// ---------------------------------------------------------------- minutes

/**
 * The secretary or deputy posts the minutes of a meeting or theme day that has started. Every
 * version is kept in `activityMinutes` (its `_id` derived from the text, so posting the same
 * text again adds nothing: `idempotent: false`); the latest is in the activity. Text that
 * needs review is held: only the secretaries read it. Requests: the activity (1), the history
 * entry (1), the activity's update (1): 3.
 */
export const postMinutes: ActionDef<'activity', 'postMinutes'> = {
  kind: 'write',
  idempotent: false,
  schema: z.object({
    activityId: idSchema,
    text: z.string().trim().min(10, '会议记录至少 10 个字').max(5000, '会议记录不能超过 5000 个字'),
  }),
  async handler(data, { openid, db, cloud }) {
    const a = await activityFor(db, openid, data.activityId);
    if (!a.secretary) throw forbidden(MSG.notSecretary);
    const doc = a.doc;
    if (doc.kind === 'volunteer') throw new AppError('CONFLICT', MSG.notMeeting);
    if (doc.cancelled) throw new AppError('CONFLICT', MSG.cancelled);
    if (Date.now() < toTime(doc.startAt)) throw new AppError('CONFLICT', MSG.notStarted);
    const verdict = await secCheck(cloud, openid, data.text, 3, doc.title);
    const held = verdict === 'review';
    const postedAt = new Date();
    const authorName = a.membership?.realName ?? '';
    const history: ActivityMinutesDoc = {
      _id: `m${createHash('sha256').update(`${doc._id}\n${data.text}`).digest('hex').slice(0, 31)}`,
      activityId: doc._id,
      branchId: doc.branchId,
      text: data.text,
      held,
      authorOpenid: openid,
      authorName,
      postedAt,
    };
    try {
      await db.collection(COLLECTIONS.activityMinutes).add({ data: history });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    const minutes = { text: data.text, postedAt, authorOpenid: openid, authorName, held };
    await db
      .collection(COLLECTIONS.activities)
      .where({ _id: doc._id })
      .update({ data: { minutes: db.command.set(minutes), updatedAt: postedAt } });
    return {
      activityId: doc._id,
      minutes: { text: data.text, postedAt: postedAt.toISOString(), authorName, held },
    };
  },
};

// ---------------------------------------------------------------- statistics

/** Meetings in the statistics of a year (two a week at most: more than a branch holds). */
const STATS_MEETINGS = 100;
/**
 * Groups the participants' aggregate answers: the meetings above plus room for cancelled ones
 * (their participant documents are grouped too, then left out).
 */
const STATS_GROUPS = 2 * STATS_MEETINGS;

/**
 * One meeting's participants as grouped by the database: the openids present, on leave, with
 * attendance recorded (by hand or by check-in) and who replied. `null` stands for "not this
 * one" (`$addToSet` of a `$cond`), dropped when read.
 */
interface MeetingGroup {
  _id: string;
  present: (string | null)[];
  leave: (string | null)[];
  recorded: (string | null)[];
  replied: (string | null)[];
}

/**
 * The year's participant documents of the branch's meetings and theme days (volunteer
 * sign-ups never enter: `kind` is matched), grouped per meeting by the database into the sets
 * of openids each count needs, however many documents there are: at most `STATS_GROUPS` rows
 * (newest first) of at most the meeting's audience each. One request, `$match` served by
 * `branchId_kind_startAt`. The same rule as `attendanceOf`: attendance recorded wins, then a
 * check-in (present), then approved leave.
 */
async function meetingGroups(db: Database, branchId: string, from: number, to: number) {
  const _ = db.command;
  const $ = db.command.aggregate;
  const noAttendance = $.eq([$.ifNull(['$attendance', null]), null]);
  const checkedIn = $.neq([$.ifNull(['$checkedInAt', null]), null]);
  const present = $.or([$.eq(['$attendance', 'present']), $.and([noAttendance, checkedIn])]);
  const leave = $.or([
    $.eq(['$attendance', 'leave']),
    $.and([noAttendance, $.not([checkedIn]), $.eq(['$leave.status', 'approved'])]),
  ]);
  const recorded = $.or([$.not([noAttendance]), checkedIn]);
  const replied = $.neq([$.ifNull(['$reply', null]), null]);
  const res = (await db
    .collection(COLLECTIONS.activityParticipants)
    .aggregate()
    .match({
      branchId,
      kind: _.in(['meeting', 'themeDay']),
      startAt: _.gte(new Date(from)).and(_.lt(new Date(to))),
    })
    .group({
      _id: '$activityId',
      startAt: $.max('$startAt'),
      present: $.addToSet($.cond([present, '$openid', null])),
      leave: $.addToSet($.cond([leave, '$openid', null])),
      recorded: $.addToSet($.cond([recorded, '$openid', null])),
      replied: $.addToSet($.cond([replied, '$openid', null])),
    })
    .sort({ startAt: -1 })
    .limit(STATS_GROUPS)
    .end()) as unknown as { list?: MeetingGroup[] };
  const sets = (xs: (string | null)[] | undefined) =>
    new Set((xs ?? []).filter((x): x is string => typeof x === 'string'));
  return new Map(
    (res.list ?? []).map((g) => [
      g._id,
      {
        present: sets(g.present),
        leave: sets(g.leave),
        recorded: sets(g.recorded),
        replied: sets(g.replied),
      },
    ]),
  );
}

/**
 * Organisers: the year's meetings and theme days that have started (newest first, at most
 * `STATS_MEETINGS`, with their attendance) and, per member, present / leave / absent over the
 * meetings whose attendance was recorded. Rates are present / expected: only the expected
 * audience (the activity's snapshot) counts, however many records there are.
 *
 * Requests, all in parallel: the caller's memberships (1), the meetings (1, index
 * `branchId_startAt`, with their expected audience) and the participants grouped per meeting by
 * the database (1, `meetingGroups`): 3. The per-member rows are counted from those two answers
 * (a member without any record of a recorded meeting is absent from it), so no raw participant
 * document is read. The answer is bounded: ≤ 100 meetings, one row per expected person (a
 * branch is at most a few hundred members).
 */
export const attendanceStats: ActionDef<'activity', 'attendanceStats'> = {
  kind: 'read',
  schema: z.object({
    branchId: idSchema,
    year: z.number().int('年份应为整数').min(2000, '年份有误').max(2100, '年份有误').optional(),
  }),
  async handler(data, { openid, db }) {
    const now = Date.now();
    const year = data.year ?? Number(chinaDay(now).slice(0, 4));
    const from = dayStart(`${year}-01-01`).getTime();
    const to = Math.min(dayStart(`${year + 1}-01-01`).getTime(), now + 1);
    const _ = db.command;
    const none = Promise.resolve(null);
    // Read in parallel; nothing is answered before the permission check below.
    const [{ actor }, activities, groups] = await Promise.all([
      loadActor(db, openid),
      from < to
        ? fetchAll<ActivityDoc>(
            db
              .collection(COLLECTIONS.activities)
              .where({
                branchId: data.branchId,
                startAt: _.gte(new Date(from)).and(_.lt(new Date(to))),
                kind: _.in(['meeting', 'themeDay']),
                cancelled: false,
              })
              .orderBy('startAt', 'desc')
              .field({ tokenSecret: false, description: false, queue: false })
              .limit(STATS_MEETINGS),
          )
        : Promise.resolve([] as ActivityDoc[]),
      from < to ? meetingGroups(db, data.branchId, from, to) : none,
    ]);
    if (!can(actor, 'organiseActivity', { branchId: data.branchId })) {
      throw forbidden(MSG.notOrganiser);
    }
    const perMember = new Map<
      string,
      { personId: string; name: string; present: number; leave: number; absent: number }
    >();
    const meetings = activities.map((doc) => {
      const g = groups?.get(doc._id);
      const expected = doc.expected ?? [];
      let present = 0;
      let leave = 0;
      let unanswered = 0;
      let recorded = false;
      for (const e of expected) {
        if (g?.present.has(e.openid)) present++;
        else if (g?.leave.has(e.openid)) leave++;
        if (g?.recorded.has(e.openid)) recorded = true;
        if (!g?.replied.has(e.openid)) unanswered++;
      }
      const summary = {
        expected: expected.length,
        present,
        leave,
        absent: recorded ? expected.length - present - leave : 0,
        unanswered,
        rate: recorded ? rateOf(present, expected.length) : null,
      };
      if (recorded) {
        for (const e of expected) {
          const row = perMember.get(e.openid) ?? {
            personId: e.openid,
            name: e.name,
            present: 0,
            leave: 0,
            absent: 0,
          };
          if (g?.present.has(e.openid)) row.present++;
          else if (g?.leave.has(e.openid)) row.leave++;
          else row.absent++;
          perMember.set(e.openid, row);
        }
      }
      return {
        activityId: doc._id,
        title: doc.title,
        kindLabel: kindLabel(doc.kind, doc.meetingType),
        startAt: new Date(toTime(doc.startAt)).toISOString(),
        summary,
      };
    });
    const members = [...perMember.values()]
      .map((m) => ({ ...m, rate: rateOf(m.present, m.present + m.leave + m.absent) }))
      .sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
    return { year, meetings, members };
  },
};
