/**
 * Helpers shared by the `activity` actions: ids, loading, the queue (who holds a place), status
 * and labels. The queue rule lives here alone: `queueState` is what every action asks.
 */
import { createHash } from 'crypto';
import type { ActivityStatus, MeetingType } from '../../typings/api';
import { AppError, COLLECTIONS, findById, type Database } from '../common';
import type { ActivityDoc, ActivityKindDoc } from '../common/model';
import { toTime } from '../common/db';

export const MSG = {
  forbidden: '您没有权限进行此操作',
  notFound: '未找到该活动',
} as const;

export const forbidden = (message: string = MSG.forbidden) => new AppError('FORBIDDEN', message);
export const notFound = () => new AppError('NOT_FOUND', MSG.notFound);

/** `_id` of the participant document of (activity, person): one per pair, by construction. */
export function participantId(activityId: string, openid: string): string {
  return `p${createHash('sha256').update(`${activityId}\n${openid}`).digest('hex').slice(0, 31)}`;
}

/** The activity or NOT_FOUND (one database request). */
export async function loadActivity(db: Database, activityId: string): Promise<ActivityDoc> {
  const doc = await findById<ActivityDoc>(db, COLLECTIONS.activities, activityId);
  if (!doc) throw notFound();
  return doc;
}

export function activityStatus(
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
