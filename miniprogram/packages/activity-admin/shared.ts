/**
 * What the organiser pages of activities (packages/activity-admin) share: labels of the
 * contract's codes and picker text ↔ ISO. Lives in the subpackage so the main package does not
 * carry organiser-only code; the exported file's card is utils/export-file.ts (shared with
 * packages/liaison-admin).
 */
import type {
  ActivityAudience,
  ActivityKind,
  AttendanceSummary,
  MeetingType,
} from '../../../typings/api';

export const KIND_OPTIONS: { label: string; value: ActivityKind }[] = [
  { label: '主题党日', value: 'themeDay' },
  { label: '三会一课', value: 'meeting' },
  { label: '志愿服务', value: 'volunteer' },
];

export const MEETING_OPTIONS: { label: string; value: MeetingType }[] = [
  { label: '支部党员大会', value: 'memberMeeting' },
  { label: '支委会', value: 'committeeMeeting' },
  { label: '党小组会', value: 'groupMeeting' },
  { label: '党课', value: 'partyLesson' },
];

export const AUDIENCE_LABEL: Record<ActivityAudience, string> = {
  branch: '本支部党员',
  reported: '含双报到党员',
  public: '向居民开放',
};

/** The audiences the contract allows for a kind (typings/activity.ts `ActivityAudience`). */
export function audiencesFor(kind: ActivityKind): ActivityAudience[] {
  if (kind === 'meeting') return ['branch'];
  if (kind === 'themeDay') return ['branch', 'reported'];
  return ['branch', 'reported', 'public'];
}

export const WHO_LABEL: Record<'member' | 'reported' | 'resident', string> = {
  member: '党员',
  reported: '双报到',
  resident: '居民',
};

const pad = (n: number) => String(n).padStart(2, '0');

/** `YYYY-MM-DD HH:mm` in the phone's time zone, as the date-time picker shows it. */
export function pickerText(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function parsePicker(v: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})/.exec(v);
  if (!m) return null;
  const d = new Date(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** 「3月5日 14:00」 (with the year when it is not this year); '' for null. */
export function whenText(iso: string | null | undefined, now: Date = new Date()): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const day = `${d.getMonth() + 1}月${d.getDate()}日`;
  const year = d.getFullYear() === now.getFullYear() ? '' : `${d.getFullYear()}年`;
  return `${year}${day} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** 「14:05」; '' for null. */
export function clockText(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** 出勤率 as people read it: 「92.5%」, 「未记录」 before attendance is recorded. */
export function rateText(rate: number | null): string {
  return rate === null ? '未记录' : `${rate}%`;
}

export function summaryView(s: AttendanceSummary) {
  return { ...s, rateText: rateText(s.rate) };
}

/** Hours as people read them: 2 → 「2 小时」, 2.5 → 「2.5 小时」. */
export function hoursText(h: number | null): string {
  return h === null ? '未确认' : `${h} 小时`;
}
