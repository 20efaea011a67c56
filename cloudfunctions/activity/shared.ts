/**
 * Helpers shared by the `activity` actions: ids, loading, the queue (who holds a place), status
 * and labels. The queue rule lives here alone: `queueState` is what every action asks.
 */
import { createHash } from 'crypto';
import * as z from 'zod';
import type {
  ActivityItem,
  ActivityStatus,
  AttendanceSummary,
  LeaveView,
  MeetingType,
  MyParticipation,
} from '../../typings/api';
import {
  AppError,
  COLLECTIONS,
  actorFrom,
  can,
  fetchAll,
  type Actor,
  type Cloud,
  type Database,
  type MembershipDoc,
  type PolicyAction,
  type ReportDoc,
} from '../common';
import type {
  ActivityDoc,
  ActivityKindDoc,
  ParticipantDoc,
  VolunteerTeamDoc,
} from '../common/model';
import { ownOnly, toTime } from '../common/db';
import {
  PAGE,
  chinaDay,
  chinaMinute,
  decodeCursor,
  encodeCursor,
  iso,
  isoOrNull,
  sendEach,
} from '../common/util';

export const MSG = {
  forbidden: '您没有权限进行此操作',
  notFound: '未找到该活动',
  notForYou: '这个活动不在您的参加范围内',
  notOrganiser: '只有支部委员可以管理活动',
  notSecretary: '只有支部书记、副书记可以进行此操作',
  cancelled: '该活动已取消',
  ended: '该活动已结束',
  started: '活动已经开始，不能再修改报名',
  deadlinePassed: '报名已截止',
  notVolunteer: '只有志愿服务活动需要报名',
  notMeeting: '只有会议和主题党日需要回复参加或请假',
  full: '候补名额已满',
  teamOnly: '该活动仅限本服务队队员报名',
  needContact: '请填写姓名和手机号后再报名',
  notSignedUp: '您没有报名该活动',
  checkedIn: '您已签到，不能取消报名',
  notExpected: '您不在本次活动的应参加人员中',
  replyClosed: '活动已开始，不能再回复',
  leaveNotFound: '该同志没有请假申请',
  personNotFound: '未找到该人员，请刷新后重试',
  tooEarlyToMark: '活动开始前 30 分钟起才能登记出勤',
  notStarted: '会议开始后才能发布会议记录',
  capacityBelow: '名额不能少于已确认的人数',
  teamNotFound: '未找到该志愿服务队',
  teamExists: '本支部已有同名的志愿服务队',
  groupNotFound: '未找到所选党小组，请刷新后重新选择',
  changed: '活动刚被他人修改，请刷新后重试',
} as const;

export const forbidden = (message: string = MSG.forbidden) => new AppError('FORBIDDEN', message);
export const notFound = () => new AppError('NOT_FOUND', MSG.notFound);

/** `_id` of the participant document of (activity, person): one per pair, by construction. */
export function participantId(activityId: string, openid: string): string {
  return `p${createHash('sha256').update(`${activityId}\n${openid}`).digest('hex').slice(0, 31)}`;
}

function activityStatus(
  doc: Pick<ActivityDoc, 'cancelled' | 'startAt' | 'endAt'>,
  now: number,
): ActivityStatus {
  if (doc.cancelled) return 'cancelled';
  if (now < toTime(doc.startAt)) return 'upcoming';
  if (now < toTime(doc.endAt)) return 'ongoing';
  return 'ended';
}

/**
 * Where a participant stands in a volunteer activity's queue: the first `capacity` entries are
 * confirmed, the rest waitlisted in order (1-based `position`); not in the queue = null.
 */
export function queueState(
  doc: Pick<ActivityDoc, 'queue' | 'capacity'>,
  pid: string,
): { status: 'confirmed' | 'waitlisted' | null; position: number | null } {
  const i = (doc.queue ?? []).indexOf(pid);
  if (i < 0) return { status: null, position: null };
  if (doc.capacity === null || i < doc.capacity) return { status: 'confirmed', position: null };
  return { status: 'waitlisted', position: i - doc.capacity + 1 };
}

export function confirmedCount(doc: Pick<ActivityDoc, 'queue' | 'capacity'>): number {
  const n = (doc.queue ?? []).length;
  return doc.capacity === null ? n : Math.min(n, doc.capacity);
}

/**
 * Who moved from the waitlist into a place: waitlisted in `before` (index ≥ capacity, the
 * queue read before the change) and confirmed in `after` (the queue read after it). Someone
 * whose sign-up landed meanwhile was never waitlisted in `before`, so is never "promoted".
 */
export function promotedBetween(
  before: Pick<ActivityDoc, 'queue' | 'capacity'>,
  after: Pick<ActivityDoc, 'queue' | 'capacity'> | null,
): string[] {
  if (!after) return [];
  const waitlisted = new Set((before.queue ?? []).slice(confirmedCount(before)));
  return (after.queue ?? []).slice(0, confirmedCount(after)).filter((id) => waitlisted.has(id));
}

export function waitlistCount(doc: Pick<ActivityDoc, 'queue' | 'capacity'>): number {
  return (doc.queue ?? []).length - confirmedCount(doc);
}

const MEETING_LABELS: Record<MeetingType, string> = {
  memberMeeting: '支部党员大会',
  committeeMeeting: '支委会',
  groupMeeting: '党小组会',
  partyLesson: '党课',
};

export function kindLabel(kind: ActivityKindDoc, meetingType: MeetingType | null): string {
  if (kind === 'themeDay') return '主题党日';
  if (kind === 'volunteer') return '志愿服务';
  return MEETING_LABELS[meetingType ?? 'memberMeeting'];
}

// ---------------------------------------------------------------- limits and schemas

/** Longest activity (`endAt - startAt`). */
export const MAX_DURATION_MS = 24 * 3600_000;
/** Waitlist places beyond the capacity; an unlimited activity holds at most `MAX_UNLIMITED`. */
const MAX_WAITLIST = 200;
const MAX_UNLIMITED = 500;
/** Check-in opens this long before the start (the same window the organisers' tools use). */
export const EARLY_MS = 30 * 60_000;
/** Subscribe message template (设置 → 订阅消息), set per deployment (cloudbaserc.json). */
const ACTIVITY_TEMPLATE_ID = process.env.ACTIVITY_TEMPLATE_ID || 'ACTIVITY_REMIND_TEMPLATE';
/** The detail page every activity message opens. */
const ACTIVITY_PAGE = 'pages/activities/detail';

export const idSchema = z.string().trim().min(1, '请填写编号').max(64, '编号过长');
/** Cursors are opaque, built by this function (`encodeCursor`). */
export const cursorSchema = z.string().min(1).max(400);
/** Mainland mobile number (never logged: it is personal data). */
export const phoneSchema = z.string().regex(/^1[3-9]\d{9}$/, '请填写正确的 11 位手机号');
export const nameSchema = z
  .string()
  .trim()
  .min(2, '姓名至少 2 个字')
  .max(20, '姓名不能超过 20 个字');
/** Person ids (openids, sign-up ids) also become field paths in updates: no dots, no `$`. */
export const personIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, '人员编号格式不正确');

/** The bound of an activity's queue: capacity plus the waitlist, or `MAX_UNLIMITED`. */
export function maxQueue(capacity: number | null): number {
  return capacity === null ? MAX_UNLIMITED : capacity + MAX_WAITLIST;
}

// ---------------------------------------------------------------- loading with the caller

/**
 * What one activity-scoped action needs, from ONE database request: the activity, the
 * caller's memberships of ITS branch and their report to it (双报到) — enough for every
 * branch rule of the policy about this activity — its participants (only the caller's unless
 * `all`) and, for a team activity, whether the caller is in the team. All by `$lookup` in one
 * aggregate (indexes `orgId_status_sortKey`, `branchId_status_queueKey`,
 * `activityId_state_cancelledAt`, `_id`).
 */
export interface ActivityFor {
  doc: ActivityDoc;
  actor: Actor;
  /** The caller's active membership of the activity's branch, if any. */
  membership: MembershipDoc | undefined;
  /** The caller's active report to the activity's branch, if any. */
  report: ReportDoc | undefined;
  /** The caller's participant document, if any. */
  mine: ParticipantDoc | null;
  /** Every participant (only with `all`; else the caller's alone). */
  participants: ParticipantDoc[];
  /** For a team activity: the caller is in the team. */
  inTeam: boolean;
  organiser: boolean;
  secretary: boolean;
}

export async function activityFor(
  db: Database,
  openid: string,
  activityId: string,
  opts: { all?: boolean } = {},
): Promise<ActivityFor> {
  const own = (field: string) => ownOnly(db, field, openid);
  const res = (await db
    .collection(COLLECTIONS.activities)
    .aggregate()
    .match({ _id: activityId })
    .lookup({
      from: COLLECTIONS.memberships,
      localField: 'branchId',
      foreignField: 'orgId',
      as: 'm',
    })
    .lookup({
      from: COLLECTIONS.reports,
      localField: 'branchId',
      foreignField: 'branchId',
      as: 'r',
    })
    .lookup({
      from: COLLECTIONS.activityParticipants,
      localField: '_id',
      foreignField: 'activityId',
      as: 'p',
    })
    .lookup({
      from: COLLECTIONS.volunteerTeams,
      localField: 'teamId',
      foreignField: '_id',
      as: 't',
    })
    .addFields({ m: own('m'), r: own('r'), ...(opts.all ? {} : { p: own('p') }) })
    .end()) as unknown as {
    list: (ActivityDoc & {
      m?: MembershipDoc[];
      r?: ReportDoc[];
      p?: ParticipantDoc[];
      t?: VolunteerTeamDoc[];
    })[];
  };
  const row = res.list?.[0];
  if (!row) throw notFound();
  const { m = [], r = [], p = [], t = [], ...doc } = row;
  const actor = actorFrom(openid, m, r);
  const resource = { branchId: doc.branchId };
  return {
    doc: doc as ActivityDoc,
    actor,
    membership: m.find((x) => x.status === 'active'),
    report: r.find((x) => x.status === 'active'),
    mine: p.find((x) => x.openid === openid) ?? null,
    participants: p,
    inTeam: !!doc.teamId && !!t[0]?.members?.includes(openid),
    organiser: can(actor, 'organiseActivity', resource),
    secretary: can(actor, 'moderateActivity', resource),
  };
}

/** The policy rule of the activity's audience. */
function audienceAction(doc: Pick<ActivityDoc, 'audience'>): PolicyAction {
  if (doc.audience === 'public') return 'joinPublicActivity';
  if (doc.audience === 'reported') return 'joinReportedActivity';
  return 'joinBranchActivity';
}

/**
 * May the caller see the activity (get, list)? Organisers always; a held activity nobody
 * else; otherwise its audience decides (docs/permissions.md).
 */
export function sees(a: Pick<ActivityFor, 'doc' | 'actor' | 'organiser'>): boolean {
  if (a.organiser) return true;
  if (a.doc.visibility === 'held') return false;
  return can(a.actor, audienceAction(a.doc), { branchId: a.doc.branchId });
}

/**
 * Refuses a caller the activity is not for: NOT_FOUND for a held activity (it does not exist
 * for them), FORBIDDEN otherwise.
 */
export function assertSees(a: ActivityFor): void {
  if (sees(a)) return;
  if (a.doc.visibility === 'held' && !a.organiser) throw notFound();
  throw forbidden(MSG.notForYou);
}

/** May the caller take a place (volunteer): its audience, and the team for a team activity. */
export function admits(a: ActivityFor): boolean {
  if (a.doc.visibility === 'held') return false;
  if (!can(a.actor, audienceAction(a.doc), { branchId: a.doc.branchId })) return false;
  return !a.doc.teamId || a.inTeam;
}

export function isExpected(doc: Pick<ActivityDoc, 'expected'>, openid: string): boolean {
  return (doc.expected ?? []).some((e) => e.openid === openid);
}

// ---------------------------------------------------------------- attendance

/**
 * A person's attendance: recorded by hand (`attendance`), else present when checked in, else
 * on leave when their leave was approved; null while nothing says.
 */
export function attendanceOf(
  p: Pick<ParticipantDoc, 'attendance' | 'checkedInAt' | 'leave'> | null | undefined,
): 'present' | 'absent' | 'leave' | null {
  if (!p) return null;
  if (p.attendance) return p.attendance;
  if (p.checkedInAt) return 'present';
  if (p.leave?.status === 'approved') return 'leave';
  return null;
}

/** present / expected in percent, one decimal. */
export function rateOf(present: number, expected: number): number {
  return expected === 0 ? 0 : Math.round((present / expected) * 1000) / 10;
}

/**
 * The people an activity counts: a meeting's expected audience (by openid), a volunteer
 * activity's confirmed sign-ups (by sign-up id).
 */
export function countedPeople(
  doc: ActivityDoc,
  participants: ParticipantDoc[],
): { personId: string; name: string; p: ParticipantDoc | null }[] {
  if (doc.kind === 'volunteer') {
    const byId = new Map(participants.map((p) => [p._id, p]));
    const confirmed = (doc.queue ?? []).slice(0, confirmedCount(doc));
    return confirmed.map((id) => {
      const p = byId.get(id) ?? null;
      return { personId: id, name: p?.name ?? '', p };
    });
  }
  const byOpenid = new Map(participants.map((p) => [p.openid, p]));
  return (doc.expected ?? []).map((e) => ({
    personId: e.openid,
    name: e.name,
    p: byOpenid.get(e.openid) ?? null,
  }));
}

/**
 * Expected / present / leave / absent / unanswered. Once any attendance is recorded (by hand
 * or by check-in), everyone counted who is neither present nor on leave is absent.
 */
export function summaryOf(doc: ActivityDoc, participants: ParticipantDoc[]): AttendanceSummary {
  const people = countedPeople(doc, participants);
  let present = 0;
  let leave = 0;
  let unanswered = 0;
  let recorded = false;
  for (const { p } of people) {
    const a = attendanceOf(p);
    if (p?.attendance || p?.checkedInAt) recorded = true;
    if (a === 'present') present++;
    else if (a === 'leave') leave++;
    if (doc.kind !== 'volunteer' && !p?.reply) unanswered++;
  }
  const expected = people.length;
  return {
    expected,
    present,
    leave,
    absent: recorded ? expected - present - leave : 0,
    unanswered,
    rate: recorded ? rateOf(present, expected) : null,
  };
}

// ---------------------------------------------------------------- views

export function leaveView(p: Pick<ParticipantDoc, 'leave'> | null | undefined): LeaveView | null {
  if (!p?.leave) return null;
  return {
    reason: p.leave.reason,
    status: p.leave.status,
    decidedAt: isoOrNull(p.leave.decidedAt),
    note: p.leave.note ?? null,
  };
}

function myParticipation(
  doc: ActivityDoc,
  openid: string,
  mine: ParticipantDoc | null,
): MyParticipation {
  const q = doc.kind === 'volunteer' ? queueState(doc, participantId(doc._id, openid)) : null;
  return {
    signup: q?.status ?? 'none',
    position: q?.position ?? null,
    expected: isExpected(doc, openid),
    reply: mine?.reply ?? null,
    leave: leaveView(mine),
    attendance: attendanceOf(mine),
    checkedInAt: isoOrNull(mine?.checkedInAt),
    checkedOutAt: isoOrNull(mine?.checkedOutAt),
    hours: mine?.confirmedHours ?? null,
  };
}

/** The list item (built field by field: `queue`, `expected`, `tokenSecret` never leave). */
export function activityItem(
  doc: ActivityDoc,
  now: number,
  openid: string,
  mine: ParticipantDoc | null,
): ActivityItem {
  return {
    activityId: doc._id,
    branchId: doc.branchId,
    branchName: doc.branchName,
    kind: doc.kind,
    meetingType: doc.kind === 'meeting' ? (doc.meetingType ?? 'memberMeeting') : null,
    kindLabel: kindLabel(doc.kind, doc.meetingType),
    title: doc.title,
    placeName: doc.place?.name ?? null,
    startAt: iso(doc.startAt),
    endAt: iso(doc.endAt),
    deadline: iso(doc.deadline),
    audience: doc.audience,
    capacity: doc.capacity,
    confirmedCount: doc.kind === 'volunteer' ? confirmedCount(doc) : 0,
    waitlistCount: doc.kind === 'volunteer' ? waitlistCount(doc) : 0,
    status: activityStatus(doc, now),
    held: doc.visibility === 'held',
    my: myParticipation(doc, openid, mine),
  };
}

/** What anyone but an organiser reads instead of the title of an activity held for review. */
export const HELD_TITLE = '活动信息审核中';

/**
 * The title as it may leave the function to someone who is not an organiser (answers, subscribe
 * messages, points, good deeds, the copies on participant documents): the neutral
 * 「活动信息审核中」 while content security holds the activity for review.
 */
export function publicTitle(doc: Pick<ActivityDoc, 'title' | 'visibility'>): string {
  return doc.visibility === 'held' ? HELD_TITLE : doc.title;
}

/** `YYYY` (China time) of an instant. */
export function chinaYear(value: unknown): number {
  return Number(chinaDay(value).slice(0, 4));
}

/**
 * Subscribe messages about one activity to `openids` (in rounds of `SEND_BATCH`; no database
 * request). `note` is the third line (≤ 20 characters); the title is `publicTitle` (neutral
 * while the activity is held). Returns how many went out.
 */
export async function notify(
  cloud: Cloud,
  doc: Pick<ActivityDoc, '_id' | 'title' | 'startAt' | 'visibility'>,
  openids: string[],
  note: string,
): Promise<{ sent: number; skipped: number }> {
  const to = [...new Set(openids)];
  const sent = await sendEach(cloud, to, () => ({
    templateId: ACTIVITY_TEMPLATE_ID,
    page: `${ACTIVITY_PAGE}?id=${doc._id}`,
    data: {
      thing1: { value: publicTitle(doc).slice(0, 20) },
      time2: { value: chinaMinute(doc.startAt) },
      thing3: { value: note.slice(0, 20) },
    },
  }));
  return { sent, skipped: to.length - sent };
}

// ---------------------------------------------------------------- promotion from the waitlist

type QueueDoc = Pick<ActivityDoc, '_id' | 'queue' | 'capacity' | 'cancelled'>;

/** The queue and what decides a place, read back after taking a place (one database request). */
export async function readQueue(db: Database, activityId: string): Promise<QueueDoc | null> {
  const rows = await fetchAll<QueueDoc>(
    db
      .collection(COLLECTIONS.activities)
      .where({ _id: activityId })
      .field({ queue: true, capacity: true, cancelled: true })
      .limit(1),
  );
  return rows[0] ?? null;
}

export const PROMOTED_NOTE = '候补转正，您已获得名额';

/**
 * Tells those who moved from the waitlist into a place between `before` and `after` (queues read
 * around a cancel or a raised capacity; nothing when `after` is missing or cancelled). `doc` is
 * what the message shows. Returns the promoted participant ids.
 */
export async function notifyPromoted(
  cloud: Cloud,
  doc: Pick<ActivityDoc, '_id' | 'title' | 'startAt' | 'visibility'>,
  before: Pick<ActivityDoc, 'queue' | 'capacity'>,
  after: QueueDoc | null,
  participants: readonly Pick<ParticipantDoc, '_id' | 'openid'>[],
): Promise<string[]> {
  const promoted = after && !after.cancelled ? promotedBetween(before, after) : [];
  if (promoted.length) {
    const byId = new Map(participants.map((p) => [p._id, p.openid]));
    await notify(
      cloud,
      doc,
      promoted.map((id) => byId.get(id)).filter((o): o is string => !!o),
      PROMOTED_NOTE,
    );
  }
  return promoted;
}

type PersonCursor = { id: string; i: number };
const isPersonCursor = (v: unknown): v is PersonCursor =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as PersonCursor).id === 'string' &&
  typeof (v as PersonCursor).i === 'number';

/**
 * One page of 20 of a list built in memory from one activity's documents (the queue, the
 * expected audience). The cursor is the last person shown and their index, used when they have
 * since left the list.
 */
export function pageAfter<T>(all: T[], idOf: (x: T) => string, cursor: string | undefined) {
  const c = decodeCursor(cursor, isPersonCursor);
  let from = 0;
  if (c) {
    const i = all.findIndex((x) => idOf(x) === c.id);
    from = i >= 0 ? i + 1 : Math.min(c.i + 1, all.length);
  }
  const page = all.slice(from, from + PAGE);
  const nextCursor =
    from + PAGE < all.length
      ? encodeCursor({ id: idOf(page[page.length - 1]), i: from + PAGE - 1 })
      : null;
  return { page, nextCursor };
}
