/**
 * Places in volunteer activities: sign up, cancel, and the organisers' list.
 *
 * The activity's `queue` (participant ids in arrival order) is the truth of who holds a place:
 * the first `capacity` entries are confirmed, the rest waitlisted in order. Signing up is ONE
 * atomic `_.addToSet` on the activity (a person can never be in twice; the order is the
 * database's serialisation order), so however many people sign up at once, exactly `capacity`
 * are confirmed and the rest get distinct waitlist positions. Cancelling is one `_.pull`: the
 * first waitlisted moves into the confirmed range by itself and is told at once.
 *
 * A queue entry always has a participant document (name, phone of a resident, state). A first
 * sign-up writes it BEFORE the place is taken: a crash in between leaves a document that is not
 * in the queue, which means not signed up. Signing up again after cancelling keeps the old
 * document (which already names the person) until the place is taken and rewrites it only then,
 * so a refused place (FULL, or the activity cancelled meanwhile) leaves the cancellation on
 * record; a crash in between leaves a place with the old document, which the retry rewrites
 * (in the queue but not `active`).
 */
import * as z from 'zod';
import type { SignupItem } from '../../typings/api';
import { AppError, COLLECTIONS, can, toTime, type ActionDef } from '../common';
import type { ActivityDoc, AuditLogDoc, ParticipantDoc } from '../common/model';
import { iso, isoOrNull, loadActor, maskPhone, newId } from '../common/util';
import { computeHours, correctionReason } from './hours';
import {
  MSG,
  activityFor,
  admits,
  assertSees,
  confirmedCount,
  cursorSchema,
  forbidden,
  idSchema,
  maxQueue,
  nameSchema,
  notifyPromoted,
  participantId,
  phoneSchema,
  queueState,
  publicTitle,
  readQueue,
  sees,
  waitlistCount,
  pageAfter,
} from './shared';

function answer(doc: Pick<ActivityDoc, '_id' | 'queue' | 'capacity'>, pid: string) {
  const q = queueState(doc, pid);
  return {
    activityId: doc._id,
    status: q.status as 'confirmed' | 'waitlisted',
    position: q.position,
  };
}

/**
 * Takes a place (or a waitlist position). Already in the queue: the current state, nothing
 * written (so a retry, with or without a requestId, changes nothing: `idempotent: false`) —
 * unless the document is not `active` (a re-sign-up interrupted after taking its place), which
 * is then rewritten.
 * Members give nothing; reporters (双报到) are named by their report; anyone else (residents)
 * gives `realName` and `phone`, unless they are a party member elsewhere (named by their
 * membership). Requests: the activity with the caller's membership and report in its branch,
 * team and participant document (1) and the caller's memberships (1), in parallel; the
 * participant document (1, before the place for a first sign-up, after it for a re-sign-up), the
 * place (1), the queue read back (1): 5.
 */
export const signUp: ActionDef<'activity', 'signUp'> = {
  kind: 'write',
  idempotent: false,
  schema: z
    .object({
      activityId: idSchema,
      realName: nameSchema.optional(),
      phone: phoneSchema.optional(),
    })
    .refine((v) => (v.realName === undefined) === (v.phone === undefined), {
      message: '姓名和手机号需同时填写',
      path: ['phone'],
    }),
  async handler(data, { openid, db }) {
    const [a, { docs }] = await Promise.all([
      activityFor(db, openid, data.activityId),
      loadActor(db, openid),
    ]);
    assertSees(a);
    const doc = a.doc;
    if (doc.kind !== 'volunteer') throw new AppError('CONFLICT', MSG.notVolunteer);
    const pid = participantId(doc._id, openid);
    // Signing up again after cancelling: what was recorded stays (an earlier late cancellation
    // for the organisers, check-in times, confirmed hours and their corrections).
    const was = a.mine;
    const placed = !!queueState(doc, pid).status;
    if (placed && was?.state === 'active') return answer(doc, pid);
    const now = Date.now();
    const max = maxQueue(doc.capacity);
    if (!placed) {
      if (doc.cancelled) throw new AppError('CONFLICT', MSG.cancelled);
      if (now >= toTime(doc.deadline)) throw new AppError('CONFLICT', MSG.deadlinePassed);
      if (!admits(a)) throw forbidden(doc.teamId && !a.inTeam ? MSG.teamOnly : MSG.notForYou);
      if ((doc.queue ?? []).length >= max) throw new AppError('FULL', MSG.full);
    }

    let who: ParticipantDoc['who'] = 'resident';
    let name: string;
    let phone: string | null = null;
    const elsewhere = docs.find((d) => d.openid === openid && d.status === 'active');
    if (a.membership) {
      who = 'member';
      name = a.membership.realName ?? '';
    } else if (a.report) {
      who = 'reported';
      name = a.report.realName;
    } else if (elsewhere) {
      name = elsewhere.realName ?? '';
    } else if (data.realName && data.phone) {
      name = data.realName;
      phone = data.phone;
    } else if (placed && was) {
      // Rewriting an interrupted re-sign-up: the contact given before.
      name = was.name;
      phone = was.phone;
    } else {
      throw new AppError('INVALID_ARGUMENT', MSG.needContact, { fields: ['realName', 'phone'] });
    }

    const at = new Date(now);
    const participant: Omit<ParticipantDoc, '_id'> = {
      activityId: doc._id,
      branchId: doc.branchId,
      branchName: doc.branchName,
      kind: doc.kind,
      title: publicTitle(doc),
      startAt: doc.startAt,
      year: doc.year,
      openid,
      name,
      phone,
      who,
      state: 'active',
      signedUpAt: at,
      cancelledAt: null,
      lateCancel: !!was?.lateCancel,
      reply: null,
      leave: null,
      attendance: was?.attendance ?? null,
      checkedInAt: was?.checkedInAt ?? null,
      checkedOutAt: was?.checkedOutAt ?? null,
      confirmedHours: was?.confirmedHours ?? null,
      corrections: was?.corrections ?? [],
      createdAt: was?.createdAt ?? at,
      updatedAt: at,
    };
    const _ = db.command;
    const write = () =>
      db.collection(COLLECTIONS.activityParticipants).doc(pid).set({ data: participant });
    if (placed) {
      await write();
      return answer(doc, pid);
    }
    // First sign-up: the document before the place (see the top of this file).
    if (!was) await write();
    // One atomic update: the place, bounded by the queue's limit, never on a cancelled activity.
    await db
      .collection(COLLECTIONS.activities)
      .where({ _id: doc._id, cancelled: false, [`queue.${max - 1}`]: _.exists(false) })
      .update({ data: { queue: _.addToSet(pid) } });
    const after = await readQueue(db, doc._id);
    if (after && queueState(after, pid).status) {
      // Again after cancelling: the document once the place is taken, so a refusal keeps the
      // cancellation on record.
      if (was) await write();
      return answer(after, pid);
    }
    if (!after || after.cancelled) throw new AppError('CONFLICT', MSG.cancelled);
    throw new AppError('FULL', MSG.full);
  },
};

/**
 * Leaves the queue: allowed until the start and before checking in (check-in opens 30 minutes
 * before the start); after the deadline it is flagged (`lateCancel`,
 * which stays on a later sign-up) for the organisers. Cancelling again answers the same
 * (`idempotent: false`).
 *
 * 「候补转正」 goes at once to whoever was waitlisted in the queue read before the pull and is
 * confirmed in the queue read after it (`promotedBetween`), so someone whose sign-up landed
 * meanwhile (a non-full activity) is never told. Known limit (docs/api.md): cancels running at
 * the same moment each see the others' pulls in their read-back, so a person promoted then may
 * be told once per such cancel. Telling each exactly once needs the queue as it was right after
 * this very pull — an atomic read-and-modify that wx-server-sdk does not offer on a query, or a
 * transaction (start, read, update, commit) that with the activity's read and the participant's
 * update exceeds the 5-request budget. Nobody is ever left untold. Requests: the activity with
 * the caller's memberships and every participant document (1, for the promoted people's
 * openids), the pull (1), the queue read back and the participant document (2, parallel): 4.
 */
export const cancel: ActionDef<'activity', 'cancel'> = {
  kind: 'write',
  idempotent: false,
  schema: z.object({ activityId: idSchema }),
  async handler(data, { openid, db, cloud }) {
    const a = await activityFor(db, openid, data.activityId, { all: true });
    const doc = a.doc;
    const pid = participantId(doc._id, openid);
    const late = Date.now() > toTime(doc.deadline);
    if (!queueState(doc, pid).status) {
      if (!sees(a)) assertSees(a);
      if (doc.kind !== 'volunteer') throw new AppError('CONFLICT', MSG.notVolunteer);
      if (a.mine?.state === 'cancelled') {
        return {
          activityId: doc._id,
          status: 'cancelled',
          late: a.mine.lateCancel,
          promoted: false,
        };
      }
      throw new AppError('CONFLICT', MSG.notSignedUp);
    }
    if (doc.cancelled) throw new AppError('CONFLICT', MSG.cancelled);
    // Check-in opens 30 minutes before the start: someone already there stays on the list.
    if (a.mine?.checkedInAt || a.mine?.attendance === 'present') {
      throw new AppError('CONFLICT', MSG.checkedIn);
    }
    const now = Date.now();
    if (now >= toTime(doc.startAt)) throw new AppError('CONFLICT', MSG.started);

    const _ = db.command;
    await db
      .collection(COLLECTIONS.activities)
      .where({ _id: doc._id })
      .update({ data: { queue: _.pull(pid) } });
    const at = new Date(now);
    const [after] = await Promise.all([
      readQueue(db, doc._id),
      db
        .collection(COLLECTIONS.activityParticipants)
        .where({ _id: pid })
        .update({
          data: {
            state: 'cancelled',
            cancelledAt: at,
            lateCancel: late || !!a.mine?.lateCancel,
            updatedAt: at,
          },
        }),
    ]);
    const promoted = await notifyPromoted(cloud, doc, doc, after, a.participants);
    return { activityId: doc._id, status: 'cancelled', late, promoted: promoted.length > 0 };
  },
};

/**
 * Organisers: the active sign-ups in queue order (confirmed, then the waitlist with positions)
 * or the cancelled ones, newest first, with check-in times and hours. Residents' phones are
 * masked for everyone (`138****1234`, ARCHITECTURE §4); the secretary and deputy reveal one on
 * purpose with `revealPhone` (`canRevealPhones`), which is audit-logged. The cursor is the last person shown
 * (and its index, used if they have since left). Requests: the activity with the caller's
 * memberships and every participant document (1): 1.
 */
export const listSignups: ActionDef<'activity', 'listSignups'> = {
  kind: 'read',
  schema: z.object({
    activityId: idSchema,
    status: z.enum(['active', 'cancelled']).optional(),
    cursor: cursorSchema.optional(),
  }),
  async handler(data, { openid, db }) {
    const a = await activityFor(db, openid, data.activityId, { all: true });
    if (!a.organiser) throw forbidden(MSG.notOrganiser);
    const doc = a.doc;
    const byId = new Map(a.participants.map((p) => [p._id, p]));
    let ids: string[];
    if ((data.status ?? 'active') === 'active') {
      ids = doc.queue ?? [];
    } else {
      ids = a.participants
        .filter((p) => p.state === 'cancelled')
        .sort((x, y) => toTime(y.cancelledAt) - toTime(x.cancelledAt) || (x._id < y._id ? -1 : 1))
        .map((p) => p._id);
    }
    const { page: pageIds, nextCursor } = pageAfter(ids, (id) => id, data.cursor);
    const items: SignupItem[] = pageIds.map((id) => {
      const p = byId.get(id);
      const q = queueState(doc, id);
      return {
        signupId: id,
        name: p?.name ?? '',
        phone: maskPhone(p?.phone),
        who: p?.who ?? 'member',
        status: q.status ?? 'cancelled',
        position: q.position,
        signedUpAt: p?.signedUpAt ? iso(p.signedUpAt) : iso(doc.createdAt),
        cancelledAt: isoOrNull(p?.cancelledAt),
        lateCancel: !!p?.lateCancel,
        checkedInAt: isoOrNull(p?.checkedInAt),
        checkedOutAt: isoOrNull(p?.checkedOutAt),
        computedHours: p ? computeHours(doc, p).hours : 0,
        confirmedHours: p?.confirmedHours ?? null,
        corrections: (p?.corrections ?? []).map((c) => ({
          from: c.from,
          to: c.to,
          reason: correctionReason(c, a.secretary),
          byName: c.byName,
          at: iso(c.at),
        })),
      };
    });
    return {
      items,
      nextCursor,
      canRevealPhones: can(a.actor, 'revealResidentPhone', { branchId: doc.branchId }),
      capacity: doc.capacity,
      confirmedCount: confirmedCount(doc),
      waitlistCount: waitlistCount(doc),
    };
  },
};

/**
 * Secretary / deputy (`revealResidentPhone`): one sign-up's phone in full, on purpose. The
 * reveal is written to `auditLogs` (who, whose sign-up, which activity, when — never the phone
 * or the name) BEFORE the answer: if the log cannot be written the phone is not given. A
 * sign-up without a phone (members) answers `phone: null` and logs nothing. Not wrapped in the
 * requestId marker (`idempotent: false`): the marker would store the answer, a phone, in
 * `requestLog`; every call is a reveal and is logged. Requests: the activity with the caller's
 * memberships and every participant document (1), the log entry (1): 2.
 */
export const revealPhone: ActionDef<'activity', 'revealPhone'> = {
  kind: 'write',
  idempotent: false,
  schema: z.object({ activityId: idSchema, signupId: idSchema }),
  async handler(data, { openid, db }) {
    const a = await activityFor(db, openid, data.activityId, { all: true });
    const doc = a.doc;
    if (!can(a.actor, 'revealResidentPhone', { branchId: doc.branchId })) {
      throw forbidden(a.organiser ? MSG.notSecretary : MSG.notOrganiser);
    }
    const p = a.participants.find((x) => x._id === data.signupId);
    if (!p) throw new AppError('NOT_FOUND', MSG.personNotFound);
    if (!p.phone) return { signupId: p._id, phone: null };
    const entry: AuditLogDoc = {
      _id: newId(),
      at: new Date(),
      actorOpenid: openid,
      action: 'revealPhone',
      subjectId: p._id,
      activityId: doc._id,
      branchId: doc.branchId,
    };
    await db.collection(COLLECTIONS.auditLogs).add({ data: entry });
    return { signupId: p._id, phone: p.phone };
  },
};
