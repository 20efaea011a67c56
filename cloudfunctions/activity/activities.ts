/**
 * Activities themselves: create, edit, cancel (notifying everyone taking part), the lists
 * (`list`, `mine`) and the detail (`get`). Organisers are the branch committee (policy
 * `organiseActivity`); who sees an activity is its audience (activity/shared.ts `sees`).
 *
 * A meeting or theme day snapshots its expected audience (`expected`) when it is created or its
 * audience edited: attendance rates count against that list, so people who join the branch
 * later do not lower a past meeting's rate. Texts go through content security; `review` keeps
 * the activity `held` (organisers only) until it is edited to pass.
 */
import { randomBytes } from 'crypto';
import * as z from 'zod';
import type {
  ActivityDetail,
  ActivityInput,
  ActivityItem,
  MinutesView,
  TeamRef,
} from '../../typings/api';
import {
  AppError,
  COLLECTIONS,
  actorFrom,
  can,
  fetchAll,
  findById,
  toTime,
  type ActionDef,
  type Cloud,
  type Database,
  type MembershipDoc,
} from '../common';
import type { ActivityDoc, ParticipantDoc, VolunteerTeamDoc } from '../common/model';
import {
  PAGE,
  activeIn,
  decodeCursor,
  encodeCursor,
  loadActor,
  loadActorWithReports,
  maskPhone,
  newId,
  secCheck,
  updatedCount,
} from '../common/util';
import {
  EARLY_MS,
  HELD_TITLE,
  MAX_DURATION_MS,
  MSG,
  activityFor,
  activityItem,
  assertSees,
  admits,
  chinaYear,
  confirmedCount,
  cursorSchema,
  forbidden,
  idSchema,
  isExpected,
  notify,
  participantId,
  phoneSchema,
  notifyPromoted,
  publicTitle,
  queueState,
  readQueue,
  summaryOf,
} from './shared';

/** Largest branch read for an expected audience (the SDK returns at most 1000 per query). */
const MAX_AUDIENCE = 1000;
const REMIND_BEFORE = [24 * 3600_000, 2 * 3600_000];

// ---------------------------------------------------------------- schemas

const isoSchema = (label: string) =>
  z.iso.datetime({ offset: true, message: `请填写正确的${label}` });

const placeSchema = z
  .object({
    name: z.string().trim().min(1, '请填写活动地点').max(60, '地点不能超过 60 个字'),
    latitude: z.number().min(-90).max(90).optional(),
    longitude: z.number().min(-180).max(180).optional(),
  })
  .refine((p) => (p.latitude === undefined) === (p.longitude === undefined), {
    message: '经度和纬度需同时填写',
    path: ['latitude'],
  });

/** The fields every write may carry (create: all; update: any subset). */
const fields = {
  meetingType: z
    .enum(['memberMeeting', 'committeeMeeting', 'groupMeeting', 'partyLesson'], {
      message: '会议类型应为支部党员大会、支委会、党小组会或党课',
    })
    .optional(),
  groupId: idSchema.optional(),
  title: z.string().trim().min(2, '标题至少 2 个字').max(40, '标题不能超过 40 个字'),
  description: z.string().trim().max(1000, '活动说明不能超过 1000 个字').optional(),
  place: placeSchema.optional(),
  startAt: isoSchema('开始时间'),
  endAt: isoSchema('结束时间'),
  deadline: isoSchema('报名截止时间').optional(),
  audience: z
    .enum(['branch', 'reported', 'public'], { message: '参加范围应为本支部、含报到党员或公开' })
    .optional(),
  capacity: z
    .number()
    .int('名额应为整数')
    .min(1, '名额至少为 1')
    .max(500, '名额不能超过 500')
    .optional(),
  teamId: idSchema.optional(),
  contactName: z.string().trim().min(1).max(20, '联系人姓名不能超过 20 个字').optional(),
  contactPhone: phoneSchema.optional(),
};

type Merged = Omit<ActivityInput, 'branchId'>;

/** Rules over several fields, for create and for the merged result of an update. */
function checkCombined(v: Merged, add: (path: string, message: string) => void) {
  const start = Date.parse(v.startAt);
  const end = Date.parse(v.endAt);
  if (!(end > start)) add('endAt', '结束时间应晚于开始时间');
  else if (end - start > MAX_DURATION_MS) add('endAt', '活动时长不能超过 24 小时');
  if (v.deadline !== undefined && Date.parse(v.deadline) > start) {
    add('deadline', '报名截止时间不能晚于开始时间');
  }
  const audience = v.audience ?? 'branch';
  if (v.kind === 'meeting' && audience !== 'branch') add('audience', '会议只面向本支部');
  if (v.kind === 'themeDay' && audience === 'public') add('audience', '主题党日不能面向居民公开');
  if (v.kind !== 'volunteer' && v.capacity !== undefined) {
    add('capacity', '只有志愿服务活动可以设置名额');
  }
  if (v.kind !== 'volunteer' && v.teamId !== undefined) {
    add('teamId', '只有志愿服务活动可以指定服务队');
  }
  if (v.kind === 'meeting' && v.meetingType === 'groupMeeting' && !v.groupId) {
    add('groupId', '党小组会请选择党小组');
  }
}

const createSchema = z
  .object({
    branchId: idSchema,
    kind: z.enum(['meeting', 'themeDay', 'volunteer'], {
      message: '活动类型应为会议、主题党日或志愿服务',
    }),
    ...fields,
  })
  .superRefine((v, ctx) =>
    checkCombined(v, (path, message) => ctx.addIssue({ code: 'custom', path: [path], message })),
  );

/** `null` clears an optional field (no limit, no team, no place, no contact). */
const updateSchema = z.object({
  activityId: idSchema,
  ...fields,
  title: fields.title.optional(),
  startAt: fields.startAt.optional(),
  endAt: fields.endAt.optional(),
  place: placeSchema.nullable().optional(),
  capacity: fields.capacity.nullable(),
  teamId: fields.teamId.nullable(),
  contactName: fields.contactName.nullable(),
  contactPhone: fields.contactPhone.nullable(),
});

/** The new value of an optional field: `null` clears it, `undefined` keeps the old one. */
function pick<T>(given: T | null | undefined, old: T | null | undefined): T | undefined {
  if (given === null) return undefined;
  return given ?? old ?? undefined;
}

// ---------------------------------------------------------------- helpers

/** The China-time instant reminders are due: 24 h, then 2 h before the start; null after. */
export function nextRemindAfter(startAt: number, now: number): Date | null {
  for (const before of REMIND_BEFORE) {
    const at = startAt - before;
    if (at > now) return new Date(at);
  }
  return null;
}

/** The branch's active members with what the expected audience needs (one request). */
async function activeMembers(db: Database, branchId: string): Promise<MembershipDoc[]> {
  return fetchAll<MembershipDoc>(
    db
      .collection(COLLECTIONS.memberships)
      .where({ orgId: branchId, status: 'active' })
      .orderBy('sortKey', 'asc')
      .field({
        openid: true,
        orgId: true,
        role: true,
        status: true,
        realName: true,
        partyGroupId: true,
        partyGroupName: true,
        committeeId: true,
      })
      .limit(MAX_AUDIENCE),
  );
}

/**
 * Who is expected (三会一课: party members; 支委会: the committee; 党小组会: the group's party
 * members; 主题党日: every member), and the group's name. The committee is whoever the policy
 * lets organise, so both stay one definition.
 */
function expectedOf(
  kind: ActivityDoc['kind'],
  meetingType: ActivityDoc['meetingType'],
  groupId: string | null,
  branchId: string,
  members: MembershipDoc[],
): { expected: ActivityDoc['expected']; groupName: string | null } {
  if (kind === 'volunteer') return { expected: [], groupName: null };
  const party = (m: MembershipDoc) => m.role !== 'activist';
  let chosen = members;
  let groupName: string | null = null;
  if (kind === 'meeting') {
    if (meetingType === 'committeeMeeting') {
      chosen = members.filter((m) =>
        can(actorFrom(m.openid, [m]), 'organiseActivity', { branchId }),
      );
    } else if (meetingType === 'groupMeeting') {
      chosen = members.filter((m) => m.partyGroupId === groupId);
      groupName = chosen[0]?.partyGroupName ?? null;
      // A group is known by its members: an unknown or empty group has nobody to meet.
      if (!groupName) throw new AppError('NOT_FOUND', MSG.groupNotFound);
      chosen = chosen.filter(party);
    } else {
      chosen = members.filter(party);
    }
  }
  return {
    expected: chosen.map((m) => ({ openid: m.openid, name: m.realName ?? '' })),
    groupName,
  };
}

/** Content security over the title and the description: risky refused, review → held. */
async function checkTexts(
  cloud: Cloud,
  openid: string,
  title: string,
  description: string,
): Promise<'visible' | 'held'> {
  const verdict = await secCheck(cloud, openid, description || title, 3, title);
  return verdict === 'review' ? 'held' : 'visible';
}

async function teamFor(db: Database, teamId: string | undefined, branchId: string) {
  if (!teamId) return null;
  const team = await findById<VolunteerTeamDoc>(db, COLLECTIONS.volunteerTeams, teamId);
  if (!team || team.branchId !== branchId) throw new AppError('NOT_FOUND', MSG.teamNotFound);
  return team;
}

// ---------------------------------------------------------------- create

/**
 * Requests: the caller's memberships and, in parallel, the branch's members (meetings and
 * theme days: the expected audience) or the team (a team's volunteer activity) (2), insert
 * (1); with a requestId 2 more: at most 5.
 */
export const create: ActionDef<'activity', 'create'> = {
  kind: 'write',
  schema: createSchema,
  async handler(data, { openid, db, cloud }) {
    const kind = data.kind;
    const [{ actor, docs }, members, team] = await Promise.all([
      loadActor(db, openid),
      kind === 'volunteer' ? Promise.resolve([]) : activeMembers(db, data.branchId),
      kind === 'volunteer' ? teamFor(db, data.teamId, data.branchId) : Promise.resolve(null),
    ]);
    if (!can(actor, 'organiseActivity', { branchId: data.branchId })) {
      throw forbidden(MSG.notOrganiser);
    }
    const now = Date.now();
    if (Date.parse(data.endAt) <= now) {
      throw new AppError('INVALID_ARGUMENT', '参数「endAt」有误：活动结束时间已过', {
        fields: ['endAt'],
      });
    }
    const mine = activeIn(docs, openid, data.branchId)!;
    const meetingType = kind === 'meeting' ? (data.meetingType ?? 'memberMeeting') : null;
    const groupId = meetingType === 'groupMeeting' ? (data.groupId ?? null) : null;
    const { expected, groupName } = expectedOf(kind, meetingType, groupId, data.branchId, members);
    const visibility = await checkTexts(cloud, openid, data.title, data.description ?? '');
    const startAt = new Date(data.startAt);
    const at = new Date(now);
    const doc: ActivityDoc = {
      _id: newId(),
      branchId: data.branchId,
      branchName: mine.branchName ?? '',
      committeeId: mine.committeeId ?? '',
      kind,
      meetingType,
      groupId,
      groupName,
      title: data.title,
      description: data.description ?? '',
      place: data.place ?? null,
      startAt,
      endAt: new Date(data.endAt),
      deadline: new Date(data.deadline ?? data.startAt),
      audience: data.audience ?? 'branch',
      capacity: kind === 'volunteer' ? (data.capacity ?? null) : null,
      teamId: team?._id ?? null,
      teamName: team?.name ?? null,
      contactName: data.contactName ?? null,
      contactPhone: data.contactPhone ?? null,
      queue: [],
      expected,
      tokenSecret: randomBytes(32).toString('hex'),
      visibility,
      cancelled: false,
      cancelReason: null,
      cancelledAt: null,
      minutes: null,
      goodDeeds: 0,
      hoursConfirmed: false,
      nextRemindAt: nextRemindAfter(startAt.getTime(), now),
      year: chinaYear(startAt),
      createdBy: openid,
      createdByName: mine.realName ?? '',
      createdAt: at,
      updatedAt: at,
    };
    await db.collection(COLLECTIONS.activities).add({ data: doc });
    return { activityId: doc._id, visibility };
  },
};

// ---------------------------------------------------------------- update

/**
 * Every field but the branch and the kind. The merged result is checked like a new activity.
 * Raising the capacity confirms the first on the waitlist (notified at once); lowering it is
 * allowed only down to the people in the queue (a conditional update on the queue's length,
 * so a sign-up racing the edit cannot be pushed out of a place it was given). An edit of a
 * meeting's type or group takes a new expected audience. Not wrapped in the requestId marker
 * (`idempotent: false`): saving the same fields again changes nothing. Participant documents
 * keep copies of the title, start and year (read by `mine`, `myRecord`, the certificate, the
 * exports and `attendanceStats`): when the title (as non-organisers read it, `publicTitle`) or
 * the start changes, one update by `activityId` refreshes them all. Requests: the activity
 * with the caller's memberships and its participants (1), the branch's members when the
 * audience changes or the team when it changes (1), the conditional update (1), then in
 * parallel the participants' copies when the title or the start changed and there are
 * participants (1) and the queue read back when a raised capacity may confirm people from the
 * waitlist (1): at most 5.
 */
export const update: ActionDef<'activity', 'update'> = {
  kind: 'write',
  idempotent: false,
  schema: updateSchema,
  async handler(data, { openid, db, cloud }) {
    const a = await activityFor(db, openid, data.activityId, { all: true });
    const old = a.doc;
    if (!a.organiser) throw forbidden(MSG.notOrganiser);
    const now = Date.now();
    if (old.cancelled) throw new AppError('CONFLICT', MSG.cancelled);
    if (toTime(old.endAt) <= now) throw new AppError('CONFLICT', MSG.ended);

    const startChanged = data.startAt !== undefined;
    const oldStart = toTime(old.startAt);
    const oldDeadlineWasStart = toTime(old.deadline) === oldStart;
    const merged: Merged = {
      kind: old.kind,
      meetingType: data.meetingType ?? old.meetingType ?? undefined,
      groupId: data.groupId ?? old.groupId ?? undefined,
      title: data.title ?? old.title,
      description: data.description ?? old.description,
      place: pick(data.place, old.place),
      startAt: data.startAt ?? new Date(oldStart).toISOString(),
      endAt: data.endAt ?? new Date(toTime(old.endAt)).toISOString(),
      deadline:
        data.deadline ??
        (startChanged && oldDeadlineWasStart
          ? data.startAt
          : new Date(toTime(old.deadline)).toISOString()),
      audience: data.audience ?? old.audience,
      capacity: pick(data.capacity, old.capacity),
      teamId: pick(data.teamId, old.teamId),
      contactName: pick(data.contactName, old.contactName),
      contactPhone: pick(data.contactPhone, old.contactPhone),
    };
    const issues: { path: string; message: string }[] = [];
    checkCombined(merged, (path, message) => issues.push({ path, message }));
    if (issues.length) {
      throw new AppError(
        'INVALID_ARGUMENT',
        `参数「${issues[0].path}」有误：${issues[0].message}`,
        {
          fields: issues.map((i) => i.path),
        },
      );
    }

    const meetingType = old.kind === 'meeting' ? (merged.meetingType ?? 'memberMeeting') : null;
    const groupId = meetingType === 'groupMeeting' ? (merged.groupId ?? null) : null;
    const audienceChanged =
      old.kind !== 'volunteer' && (meetingType !== old.meetingType || groupId !== old.groupId);
    const teamChanged = old.kind === 'volunteer' && (merged.teamId ?? null) !== old.teamId;
    const [members, team] = await Promise.all([
      audienceChanged ? activeMembers(db, old.branchId) : Promise.resolve(null),
      teamChanged ? teamFor(db, merged.teamId, old.branchId) : Promise.resolve(undefined),
    ]);

    const textChanged =
      merged.title !== old.title || (merged.description ?? '') !== (old.description ?? '');
    const visibility = textChanged
      ? await checkTexts(cloud, openid, merged.title, merged.description ?? '')
      : old.visibility;

    const _ = db.command;
    const startAt = new Date(merged.startAt);
    const capacity = old.kind === 'volunteer' ? (merged.capacity ?? null) : null;
    const change: Record<string, unknown> = {
      title: merged.title,
      description: merged.description ?? '',
      place: merged.place ? _.set(merged.place) : null,
      startAt,
      endAt: new Date(merged.endAt),
      deadline: new Date(merged.deadline ?? merged.startAt),
      audience: merged.audience ?? 'branch',
      capacity,
      contactName: merged.contactName ?? null,
      contactPhone: merged.contactPhone ?? null,
      visibility,
      year: chinaYear(startAt),
      updatedAt: new Date(now),
    };
    if (startChanged) change.nextRemindAt = nextRemindAfter(startAt.getTime(), now);
    if (old.kind === 'meeting') {
      change.meetingType = meetingType;
      change.groupId = groupId;
    }
    if (members) {
      const next = expectedOf(old.kind, meetingType, groupId, old.branchId, members);
      change.expected = _.set(next.expected);
      change.groupName = next.groupName;
    }
    if (team !== undefined) {
      change.teamId = team?._id ?? null;
      change.teamName = team?.name ?? null;
    }

    const where: Record<string, unknown> = { _id: old._id, updatedAt: old.updatedAt };
    const lowered = capacity !== null && (old.capacity === null || capacity < old.capacity);
    if (lowered) {
      if (capacity < confirmedCount(old)) throw new AppError('CONFLICT', MSG.capacityBelow);
      // Nobody may stand beyond the new capacity when it takes effect (a sign-up racing us).
      where[`queue.${capacity}`] = _.exists(false);
    }
    const res = await db.collection(COLLECTIONS.activities).where(where).update({ data: change });
    if (updatedCount(res) !== 1) {
      throw new AppError('CONFLICT', lowered ? MSG.capacityBelow : MSG.changed);
    }

    // The participants' copies (index `activityId_state_cancelledAt`), in parallel with the
    // queue read back below. A held title is copied as 「活动信息审核中」 (`moderate` copies the
    // real one on release).
    const title = publicTitle({ title: merged.title, visibility });
    const copiesChanged = title !== publicTitle(old) || startAt.getTime() !== oldStart;
    const copies =
      copiesChanged && a.participants.length > 0
        ? db
            .collection(COLLECTIONS.activityParticipants)
            .where({ activityId: old._id })
            .update({
              data: { title, startAt, year: chinaYear(startAt), updatedAt: new Date(now) },
            })
        : Promise.resolve(null);

    // Raised capacity: whoever was waitlisted in the queue read before and holds a place in the
    // queue read back now hears it at once — never someone who signed up meanwhile, nor someone
    // who left meanwhile. (A cancel racing this edit may tell the same person too: docs/api.md.)
    const raised =
      old.kind === 'volunteer' &&
      old.capacity !== null &&
      (capacity === null || capacity > old.capacity) &&
      (old.queue ?? []).length > old.capacity;
    const [after] = await Promise.all([
      raised && visibility === 'visible' ? readQueue(db, old._id) : Promise.resolve(null),
      copies,
    ]);
    if (raised && visibility === 'visible') {
      await notifyPromoted(
        cloud,
        { ...old, title: merged.title, startAt, visibility },
        old,
        after,
        a.participants,
      );
    }
    return { activityId: old._id, visibility };
  },
};

// ---------------------------------------------------------------- cancel

/**
 * Cancels the whole activity and tells everyone signed up (volunteers, waitlist included) or
 * expected (meetings) by subscribe message — under 「活动信息审核中」 when it is held. A conditional update on `cancelled: false`, so two
 * organisers cancelling at once notify once. Requests: the activity with the caller's
 * memberships and its participants (1), the update (1); with a requestId 2 more: 4.
 */
export const cancelActivity: ActionDef<'activity', 'cancelActivity'> = {
  kind: 'write',
  schema: z.object({
    activityId: idSchema,
    reason: z.string().trim().min(2, '取消原因至少 2 个字').max(100, '取消原因不能超过 100 个字'),
  }),
  async handler(data, { openid, db, cloud }) {
    const a = await activityFor(db, openid, data.activityId, { all: true });
    const doc = a.doc;
    if (!a.organiser) throw forbidden(MSG.notOrganiser);
    if (doc.cancelled) throw new AppError('CONFLICT', MSG.cancelled);
    if (toTime(doc.endAt) <= Date.now()) throw new AppError('CONFLICT', MSG.ended);
    const verdict = await secCheck(cloud, openid, data.reason, 3);
    // A reason that needs review is not shown to participants; the fact is.
    const reason = verdict === 'review' ? '组织方已取消该活动' : data.reason;
    const now = new Date();
    const res = await db
      .collection(COLLECTIONS.activities)
      .where({ _id: doc._id, cancelled: false })
      .update({
        data: {
          cancelled: true,
          cancelReason: reason,
          cancelledAt: now,
          nextRemindAt: null,
          updatedAt: now,
        },
      });
    if (updatedCount(res) !== 1) throw new AppError('CONFLICT', MSG.cancelled);
    let openids: string[];
    if (doc.kind === 'volunteer') {
      const inQueue = new Set(doc.queue ?? []);
      openids = a.participants.filter((p) => inQueue.has(p._id)).map((p) => p.openid);
    } else {
      openids = (doc.expected ?? []).map((e) => e.openid);
    }
    // A held activity is announced too, under the neutral title (`notify` → `publicTitle`).
    const { sent, skipped } = await notify(cloud, doc, openids, `活动已取消：${reason}`);
    return { activityId: doc._id, status: 'cancelled', notified: sent, skipped };
  },
};

// ---------------------------------------------------------------- reading

function minutesView(doc: ActivityDoc, secretary: boolean): MinutesView | null {
  const m = doc.minutes;
  if (!m) return null;
  // Held minutes: the secretaries read the text; everyone else learns it awaits review.
  return {
    text: m.held && !secretary ? '' : m.text,
    postedAt: new Date(toTime(m.postedAt)).toISOString(),
    authorName: m.authorName,
    held: m.held,
  };
}

/**
 * The detail with the caller's state and what they may do now. Requests: the activity with the
 * caller's memberships and report in its branch, its participants and team (1), in parallel
 * with the caller's memberships anywhere (1, for `needsContact`): 2.
 */
export const get: ActionDef<'activity', 'get'> = {
  kind: 'read',
  schema: z.object({ activityId: idSchema }),
  async handler(data, { openid, db }) {
    const [a, { docs }] = await Promise.all([
      activityFor(db, openid, data.activityId, { all: true }),
      loadActor(db, openid),
    ]);
    assertSees(a);
    const { doc, mine, organiser, secretary } = a;
    // signUp names a party member of any branch by their membership; only others give contact.
    const memberAnywhere = docs.some((d) => d.openid === openid && d.status === 'active');
    const now = Date.now();
    const item = activityItem(doc, now, openid, mine);
    const start = toTime(doc.startAt);
    const end = toTime(doc.endAt);
    const live = !doc.cancelled;
    const volunteer = doc.kind === 'volunteer';
    const q = queueState(doc, participantId(doc._id, openid));
    const expected = isExpected(doc, openid);
    const takingPart = q.status === 'confirmed' || (!volunteer && expected);
    const inWindow = now >= start - EARLY_MS && now <= end;
    const team: TeamRef | null = doc.teamId
      ? { teamId: doc.teamId, name: doc.teamName ?? '' }
      : null;
    const detail: ActivityDetail = {
      ...item,
      description: doc.description,
      place: doc.place ?? null,
      contactName: doc.contactName,
      contactPhone:
        organiser || q.status !== null || expected ? doc.contactPhone : maskPhone(doc.contactPhone),
      team,
      group: doc.groupId ? { groupId: doc.groupId, name: doc.groupName ?? '' } : null,
      cancelReason: doc.cancelReason,
      minutes: minutesView(doc, secretary),
      goodDeeds: doc.goodDeeds ?? 0,
      attendance:
        !volunteer && (organiser || (now >= start && expected))
          ? summaryOf(doc, a.participants)
          : null,
      lateCancellations: organiser ? a.participants.filter((p) => p.lateCancel).length : null,
      hoursConfirmed: doc.hoursConfirmed,
      needsContact: volunteer && q.status === null && !a.membership && !a.report && !memberAnywhere,
      can: {
        signUp: volunteer && live && now < toTime(doc.deadline) && q.status === null && admits(a),
        cancel:
          volunteer &&
          live &&
          q.status !== null &&
          now < start &&
          !mine?.checkedInAt &&
          mine?.attendance !== 'present',
        reply: !volunteer && live && expected && now < start,
        checkIn: live && takingPart && inWindow && !mine?.checkedInAt,
        checkOut: live && !!mine?.checkedInAt && !mine?.checkedOutAt && now <= end + EARLY_MS,
        manage: organiser,
        moderate: secretary,
      },
    };
    return detail;
  },
};

type ListCursor = { t: number; ids: string[] };
const isListCursor = (v: unknown): v is ListCursor =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as ListCursor).t === 'number' &&
  Array.isArray((v as ListCursor).ids);

/**
 * The cursor after `shown` (rows in `startAt` order): the last start time and the ids shown at
 * that time; ties carried over from earlier pages at the same time stay excluded.
 */
function tieCursor(
  shown: readonly { _id: string; startAt: unknown }[],
  cursor: ListCursor | null,
): string {
  const t = toTime(shown[shown.length - 1].startAt);
  const ids = shown.filter((r) => toTime(r.startAt) === t).map((r) => r._id);
  if (cursor && cursor.t === t) ids.push(...cursor.ids);
  return encodeCursor({ t, ids });
}

/** The caller's branch when none is asked for: their earliest active branch membership. */
function ownBranch(docs: MembershipDoc[], openid: string): MembershipDoc | undefined {
  return docs
    .filter((d) => d.openid === openid && d.status === 'active' && d.orgId !== d.committeeId)
    .sort((x, y) => toTime(x.joinedAt) - toTime(y.joinedAt) || (x._id < y._id ? -1 : 1))[0];
}

/**
 * Upcoming (not ended, soonest first; a cancelled one stays, marked, until its end) or past
 * (ended, newest first) activities of a branch: its members see every audience, reporters
 * (双报到) the `reported` and `public` ones, anyone else the `public` ones; held ones only the
 * organisers. Without `branchId`: the caller's branch together with the `reported` and `public`
 * activities of the branches they report to (双报到), or for someone in none the upcoming
 * public activities of every branch. Equal start times page correctly: the cursor keeps the
 * ids already shown at its time. Requests: the caller's memberships with reports (1), the page
 * (1, index `branchId_startAt` or `audience_startAt`), the caller's participant documents of
 * the page (1, by `_id`): 3.
 */
export const list: ActionDef<'activity', 'list'> = {
  kind: 'read',
  // Every field is optional, so the 活动 tab may call it without data.
  schema: z
    .object({
      branchId: idSchema.optional(),
      kind: z.enum(['meeting', 'themeDay', 'volunteer']).optional(),
      when: z.enum(['upcoming', 'past']).optional(),
      cursor: cursorSchema.optional(),
    })
    .optional()
    .transform((v) => v ?? {}),
  async handler(data, { openid, db }) {
    const cursor = decodeCursor(data.cursor, isListCursor);
    const { actor, docs } = await loadActorWithReports(db, openid);
    const branchId = data.branchId ?? ownBranch(docs, openid)?.orgId;
    const when = data.when ?? 'upcoming';
    const _ = db.command;
    const now = Date.now();
    const where: Record<string, unknown> = {};
    let organiser = false;
    /**
     * Branches whose `reported`/`public` activities join the caller's own list: without a
     * `branchId`, a member's list also holds the community branches they report to (双报到),
     * whose `branch`-only activities are dropped below (one query: `branchId` in the set).
     */
    let alsoReported: string[] = [];
    if (branchId) {
      const resource = { branchId };
      organiser = can(actor, 'organiseActivity', resource);
      if (!can(actor, 'joinBranchActivity', resource)) {
        where.audience = can(actor, 'joinReportedActivity', resource)
          ? _.in(['reported', 'public'])
          : 'public';
      }
      if (!data.branchId && !where.audience) {
        alsoReported = (actor.reports ?? []).filter((b) => b !== branchId);
      }
      where.branchId = alsoReported.length ? _.in([branchId, ...alsoReported]) : branchId;
    } else {
      // Nobody's branch: the public activities of every branch (upcoming only).
      if (when === 'past') return { items: [], nextCursor: null, canCreate: false, branchId: null };
      where.audience = 'public';
    }
    const visible = (r: ActivityDoc) =>
      r.branchId === branchId || !alsoReported.length || r.audience !== 'branch';
    const asc = when === 'upcoming';
    const edge = asc ? now - 24 * 3600_000 : now;
    // An activity lasts at most 24 hours: one that started more than that ago has ended.
    if (asc) where.startAt = _.gte(new Date(Math.max(cursor?.t ?? edge, edge)));
    else where.startAt = cursor ? _.lte(new Date(cursor.t)) : _.lt(new Date(edge));
    where.endAt = asc ? _.gte(new Date(now)) : _.lt(new Date(now));
    if (data.kind) where.kind = data.kind;
    if (!organiser) where.visibility = 'visible';
    const seen = new Set(cursor?.ids ?? []);
    // Rows dropped by `visible` are read too: read ahead so a page still fills in one request.
    const limit = (alsoReported.length ? 3 * PAGE : PAGE) + 1 + seen.size;
    const fetched = await fetchAll<ActivityDoc>(
      db
        .collection(COLLECTIONS.activities)
        .where(where)
        .orderBy('startAt', asc ? 'asc' : 'desc')
        .field({ tokenSecret: false, description: false })
        .limit(limit),
    );
    const rows = fetched.filter((r) => !seen.has(r._id));
    // Walk in order until a page is full; the cursor continues after the last row examined.
    const page: ActivityDoc[] = [];
    let examined = 0;
    while (examined < rows.length && page.length < PAGE) {
      const r = rows[examined++];
      if (visible(r)) page.push(r);
    }
    const more = examined < rows.length || fetched.length === limit;
    let nextCursor: string | null = null;
    if (more && examined > 0) nextCursor = tieCursor(rows.slice(0, examined), cursor);
    const mine = page.length
      ? await fetchAll<ParticipantDoc>(
          db
            .collection(COLLECTIONS.activityParticipants)
            .where({ _id: _.in(page.map((r) => participantId(r._id, openid))) })
            .limit(PAGE),
        )
      : [];
    const byActivity = new Map(mine.map((p) => [p.activityId, p]));
    const items: ActivityItem[] = page.map((r) =>
      activityItem(r, now, openid, byActivity.get(r._id) ?? null),
    );
    return { items, nextCursor, canCreate: organiser, branchId: branchId ?? null };
  },
};

/**
 * The caller's activities (signed up, waitlisted, replied, on leave, attended), newest start
 * first. Cancelled sign-ups with nothing else recorded are left out (so a page may hold fewer
 * than 20 while more follow). An activity held for review (content security) shows its
 * organisers everything; anyone else who signed up before it was held sees it under the neutral
 * title 「活动信息审核中」 without its place. Requests: the caller's participant documents (1,
 * index `openid_startAt`), their activities (1, by `_id`), the caller's memberships (1, only
 * when one is held): at most 3.
 */
export const mine: ActionDef<'activity', 'mine'> = {
  kind: 'read',
  schema: z.object({ cursor: cursorSchema.optional() }).optional(),
  async handler(data, { openid, db }) {
    const cursor = decodeCursor(data?.cursor, isListCursor);
    const _ = db.command;
    const where: Record<string, unknown> = { openid };
    if (cursor) where.startAt = _.lte(new Date(cursor.t));
    const seen = new Set(cursor?.ids ?? []);
    const rows = (
      await fetchAll<ParticipantDoc>(
        db
          .collection(COLLECTIONS.activityParticipants)
          .where(where)
          .orderBy('startAt', 'desc')
          .limit(PAGE + 1 + seen.size),
      )
    ).filter((r) => !seen.has(r._id));
    const window = rows.slice(0, PAGE);
    let nextCursor: string | null = null;
    if (rows.length > PAGE) nextCursor = tieCursor(window, cursor);
    const kept = window.filter(
      (p) => p.state === 'active' || p.reply !== null || p.attendance !== null || !!p.checkedInAt,
    );
    const activities = kept.length
      ? await fetchAll<ActivityDoc>(
          db
            .collection(COLLECTIONS.activities)
            .where({ _id: _.in(kept.map((p) => p.activityId)) })
            .field({ tokenSecret: false, description: false })
            .limit(PAGE),
        )
      : [];
    const byId = new Map(activities.map((d) => [d._id, d]));
    const now = Date.now();
    const actor = activities.some((d) => d.visibility === 'held')
      ? (await loadActor(db, openid)).actor
      : null;
    const items = kept
      .map((p) => {
        const doc = byId.get(p.activityId);
        if (!doc) return null;
        const item = activityItem(doc, now, openid, p);
        if (doc.visibility !== 'held') return item;
        if (actor && can(actor, 'organiseActivity', { branchId: doc.branchId })) return item;
        return { ...item, title: HELD_TITLE, placeName: null };
      })
      .filter((x): x is ActivityItem => x !== null);
    return { items, nextCursor };
  },
};
