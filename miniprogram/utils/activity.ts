/**
 * Words and times of activities (issue #6) as members read them: kind filters, the caller's
 * state as a tag, places left, and activity times 「明天 14:00」「3月5日 周三 09:00–11:30」 in
 * the phone's time zone (utils/format.ts has no library either, for the same package budget).
 */
import type {
  ActivityItem,
  ActivityKind,
  ActivityStatus,
  LeaveView,
  MyParticipation,
} from '../../typings/api';
import { isPermissionDenied, isPrivacyRefusal, isUserCancel } from './privacy';
import { SUBSCRIBE_MESSAGES, type SubscribeOutcome } from './subscribe';

/** The filter tabs of the 活动 tab: '' = 全部. */
export const KIND_TABS: readonly { value: '' | ActivityKind; label: string }[] = [
  { value: '', label: '全部' },
  { value: 'themeDay', label: '主题党日' },
  { value: 'meeting', label: '三会一课' },
  { value: 'volunteer', label: '志愿服务' },
];

export const STATUS_TEXT: Record<ActivityStatus, string> = {
  upcoming: '即将开始',
  ongoing: '进行中',
  ended: '已结束',
  cancelled: '已取消',
};

export const LEAVE_STATUS_TEXT: Record<LeaveView['status'], string> = {
  pending: '请假待批准',
  approved: '已准假',
  rejected: '请假未批准',
};

export const ATTENDANCE_TEXT: Record<'present' | 'absent' | 'leave', string> = {
  present: '已出席',
  absent: '缺席',
  leave: '请假',
};

const WEEKDAYS = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];
const pad = (n: number) => String(n).padStart(2, '0');

function parse(value: string | null | undefined): Date | null {
  if (!value) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

const dayStart = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
const hm = (d: Date) => `${pad(d.getHours())}:${pad(d.getMinutes())}`;

/** The day part: 今天 / 明天 / 后天 / 昨天 / 3月5日 周三 / 2024年3月5日. */
function dayText(d: Date, now: Date): string {
  const days = Math.round((dayStart(d) - dayStart(now)) / 86_400_000);
  if (days === 0) return '今天';
  if (days === 1) return '明天';
  if (days === 2) return '后天';
  if (days === -1) return '昨天';
  const md = `${d.getMonth() + 1}月${d.getDate()}日 ${WEEKDAYS[d.getDay()]}`;
  return d.getFullYear() === now.getFullYear() ? md : `${d.getFullYear()}年${md}`;
}

/** 「明天 14:00」「3月5日 周三 09:00」 */
export function activityTime(value: string | null | undefined, now: Date = new Date()): string {
  const d = parse(value);
  return d ? `${dayText(d, now)} ${hm(d)}` : '';
}

/** 「明天 14:00–16:00」, or both ends in full when it runs past midnight. */
export function activityRange(startAt: string, endAt: string, now: Date = new Date()): string {
  const s = parse(startAt);
  const e = parse(endAt);
  if (!s) return '';
  if (!e) return activityTime(startAt, now);
  if (dayStart(s) === dayStart(e)) return `${dayText(s, now)} ${hm(s)}–${hm(e)}`;
  return `${activityTime(startAt, now)} 至 ${activityTime(endAt, now)}`;
}

/** 「剩 1 个名额」「已满，候补 3 人」「不限名额」; '' for meetings (no places). */
export function placesText(
  a: Pick<ActivityItem, 'kind' | 'capacity' | 'confirmedCount' | 'waitlistCount'>,
): string {
  if (a.kind !== 'volunteer') return '';
  if (a.capacity === null) return `不限名额，已报 ${a.confirmedCount} 人`;
  const left = a.capacity - a.confirmedCount;
  if (left > 0) return `剩 ${left} 个名额`;
  return a.waitlistCount > 0 ? `已满，候补 ${a.waitlistCount} 人` : '名额已满';
}

export type TagTheme = 'primary' | 'success' | 'warning' | 'danger' | 'default';

/** The caller's own state as one tag: 已报名 / 候补第 n 位 / 已请假 / 待回复 …; '' for none. */
export function myStateTag(
  my: MyParticipation,
  status: ActivityStatus,
): { text: string; theme: TagTheme } {
  if (my.signup === 'confirmed') return { text: '已报名', theme: 'success' };
  if (my.signup === 'waitlisted')
    return { text: `候补第 ${my.position ?? '-'} 位`, theme: 'warning' };
  if (my.attendance === 'present') return { text: '已出席', theme: 'success' };
  if (my.leave) {
    if (my.leave.status === 'approved') return { text: '已请假', theme: 'default' };
    if (my.leave.status === 'pending') return { text: '请假待批准', theme: 'warning' };
    return { text: '请假未批准', theme: 'danger' };
  }
  if (my.expected) {
    if (my.reply === 'attend') return { text: '将参加', theme: 'success' };
    if (status === 'upcoming') return { text: '待回复', theme: 'danger' };
  }
  return { text: '', theme: 'default' };
}

/** What a row of the list shows (components/activity-cell). */
export interface ActivityRow {
  activityId: string;
  branchId: string;
  kind: ActivityKind;
  kindLabel: string;
  title: string;
  when: string;
  place: string;
  places: string;
  myText: string;
  myTheme: TagTheme;
  /** 已取消 / 已结束 / 进行中 / 待审核; '' while upcoming. */
  statusText: string;
}

export function activityRow(a: ActivityItem, now: Date = new Date()): ActivityRow {
  const mine = myStateTag(a.my, a.status);
  return {
    activityId: a.activityId,
    branchId: a.branchId,
    kind: a.kind,
    kindLabel: a.kindLabel,
    title: a.title,
    when: activityTime(a.startAt, now),
    place: a.placeName ?? '',
    places: a.status === 'upcoming' || a.status === 'ongoing' ? placesText(a) : '',
    myText: mine.text,
    myTheme: mine.theme,
    statusText: a.held ? '待审核' : a.status === 'upcoming' ? '' : STATUS_TEXT[a.status],
  };
}

/** Hours as people say them: 「2 小时」「1.5 小时」. */
export function hoursText(hours: number | null | undefined): string {
  if (hours === null || hours === undefined) return '';
  return `${Number.isInteger(hours) ? hours : hours.toFixed(1)} 小时`;
}

/** Residents' sign-up form, checked as the server does (typings/activity.ts SignUpRequest). */
export function residentErrors(realName: string, phone: string): Record<string, string> {
  const e: Record<string, string> = {};
  const name = realName.trim();
  if (!name) e.realName = '请填写姓名';
  else if (name.length < 2 || name.length > 20) e.realName = '姓名请填写 2–20 个字';
  if (!phone.trim()) e.phone = '请填写手机号，方便组织者联系您';
  else if (!/^1\d{10}$/.test(phone.trim())) e.phone = '请填写 11 位手机号';
  return e;
}

/** The subscribe outcome for activity reminders, worded for activities (utils/subscribe.ts). */
export function activitySubscribeMessage(outcome: SubscribeOutcome): string {
  return outcome === 'accepted'
    ? '已开启提醒：活动开始前会通过微信服务通知提醒您一次。'
    : SUBSCRIBE_MESSAGES[outcome];
}

/**
 * What a failed `wx.scanCode` means for the member ('' when they closed the scanner).
 * scanCode is a privacy API: pages that scan carry `<privacy-consent>` (docs/client.md).
 */
export function scanFailMessage(err: unknown): string {
  if (isUserCancel(err)) return '';
  if (isPrivacyRefusal(err))
    return '您还没有同意隐私保护指引，不能扫码。再点一次扫码，可以查看并同意。';
  if (isPermissionDenied(err))
    return '没有使用摄像头的权限，请点右上角「···」›「设置」允许使用摄像头后再扫码。';
  return '没有扫到签到码，请对准组织者手机上的二维码再试';
}

/**
 * `wx.scanCode` from the camera (QR only): the code's text, or null with `onError` told what
 * to show ('' is never passed: closing the scanner is no error).
 */
export function scanCheckInCode(onError: (message: string) => void): Promise<string | null> {
  return new Promise((resolve) => {
    try {
      wx.scanCode({
        onlyFromCamera: true,
        scanType: ['qrCode'],
        success: (r) => resolve(r.result || null),
        fail: (e) => {
          const message = scanFailMessage(e);
          if (message) onError(message);
          resolve(null);
        },
      });
    } catch {
      onError('当前微信版本不能扫码，请升级微信后再试');
      resolve(null);
    }
  });
}
