/**
 * 活动详情 (`?id=<activityId>`; reminders open exactly this route). One call on open:
 * `activity.get`. Kind, time, place (→ `wx.openLocation` when it has coordinates), contact
 * (拨打 → `wx.makePhoneCall`), description, places / waitlist, team, minutes, attendance,
 * good deeds, and the caller's own record (签到 / 签退 times, hours).
 *
 * One main action, chosen from the server's `can` and `my` (the server decides, the page only
 * shows what it allows):
 * - 签到 / 签退 while it runs: `wx.scanCode` (camera only) → `checkIn` / `checkOut` with
 *   `{ token, activityId }`; the server refuses an expired or another activity's code.
 * - volunteer: 报名 (a resident without a branch also gives 姓名 + 手机号, checked here as the
 *   server checks them) → confirmed or 候补第 n 位; 取消报名 / 取消候补 after a confirm step
 *   on the card (no pop-up, 长辈模式) that says a cancellation after the deadline is flagged
 *   to the organiser.
 * - meetings / theme days: 参加 or 请假 (reason 2–100 characters) → the leave's status shown.
 * The reminder subscription is asked for inside the 报名 / 参加 tap (WeChat shows its dialog
 * only there). Every action ends in a toast and a changed card, then a quiet reload; a
 * refusal shows the server's Chinese message under the button. Organisers (`can.manage`) get
 * the links to their tools in packages/activity-admin.
 */
import type {
  ActivityDetail,
  ActivityKind,
  ActivityStatus,
  LeaveView,
  MyParticipation,
} from '../../../typings/api';
import { call } from '../../services/call';
import { currentBranch } from '../../utils/branch-context';
import {
  ATTENDANCE_TEXT,
  LEAVE_STATUS_TEXT,
  STATUS_TEXT,
  activityRange,
  activitySubscribeMessage,
  activityTime,
  hoursText,
  placesText,
  residentErrors,
  scanCheckInCode,
} from '../../utils/activity';
import { isElderlyMode } from '../../utils/elderly';
import { relativeTime } from '../../utils/format';
import { Intents } from '../../utils/intents';
import { ROUTES, decodeQuery, go } from '../../utils/nav';
import { fieldErrors, pageState, stopPullDown, toast } from '../../utils/page';
import { isSubscribeConfigured, requestSubscribe } from '../../utils/subscribe';

type Status = 'loading' | 'error' | 'ready';

interface PageState {
  busy: boolean;
  intents: Intents;
  place: { latitude: number; longitude: number; name: string } | null;
  branchId: string;
}
const st = pageState<PageState>(() => ({
  busy: false,
  intents: new Intents(),
  place: null,
  branchId: '',
}));

const hm = (iso: string | null) => {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? ''
    : `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
};

/** The caller's own part, as the template shows it. */
function myView(my: MyParticipation) {
  const leave: LeaveView | null = my.leave;
  return {
    signup: my.signup,
    position: my.position ?? 0,
    expected: my.expected,
    reply: my.reply ?? '',
    leaveStatus: leave?.status ?? '',
    leaveText: leave ? LEAVE_STATUS_TEXT[leave.status] : '',
    leaveReason: leave?.reason ?? '',
    leaveNote: leave?.note ?? '',
    attendanceText: my.attendance ? ATTENDANCE_TEXT[my.attendance] : '',
    checkedInText: hm(my.checkedInAt),
    checkedOutText: hm(my.checkedOutAt),
    hoursText: hoursText(my.hours),
  };
}

/** Only what the template shows goes into setData (first setData budget, §6). */
function toView(d: ActivityDetail, now: Date) {
  const deadlinePassed = new Date(d.deadline).getTime() <= now.getTime();
  const contactPhone = d.contactPhone ?? '';
  return {
    kind: d.kind,
    kindLabel: d.kindLabel,
    title: d.title,
    activityStatus: d.status,
    statusText: d.held ? '待审核，仅组织者可见' : STATUS_TEXT[d.status],
    range: activityRange(d.startAt, d.endAt, now),
    deadlineText: activityTime(d.deadline, now),
    deadlinePassed,
    branchName: d.branchName,
    placeName: d.place?.name ?? d.placeName ?? '',
    hasLocation: typeof d.place?.latitude === 'number' && typeof d.place?.longitude === 'number',
    contactName: d.contactName ?? '',
    contactPhone,
    /** A masked number (138****1234) cannot be dialled. */
    canCall: /^1\d{10}$/.test(contactPhone),
    description: d.description,
    places: placesText(d),
    capacity: d.capacity ?? 0,
    confirmedCount: d.confirmedCount,
    waitlistCount: d.waitlistCount,
    teamName: d.team?.name ?? '',
    groupName: d.group?.name ?? '',
    cancelReason: d.cancelReason ?? '',
    minutesText: d.minutes?.text ?? '',
    minutesMeta: d.minutes
      ? `${d.minutes.authorName} · ${relativeTime(d.minutes.postedAt, now)}${d.minutes.held ? ' · 待审核' : ''}`
      : '',
    hasMinutes: !!d.minutes,
    /** Secretary / deputy: what content security held waits for their release here. */
    canRelease: d.held && d.can.moderate,
    canReleaseMinutes: !!d.minutes?.held && d.can.moderate,
    goodDeeds: d.goodDeeds,
    attendance: d.attendance
      ? {
          ...d.attendance,
          rateText: d.attendance.rate === null ? '' : `出席率 ${d.attendance.rate}%`,
        }
      : null,
    lateCancellations: d.lateCancellations ?? 0,
    hoursConfirmed: d.hoursConfirmed,
    can: d.can,
    my: myView(d.my),
  };
}

type View = ReturnType<typeof toView>;

Component({
  data: {
    status: 'loading' as Status,
    errorMessage: '',
    elderly: false,
    activityId: '',
    kind: '' as ActivityKind | '',
    kindLabel: '',
    title: '',
    activityStatus: '' as ActivityStatus | '',
    statusText: '',
    range: '',
    deadlineText: '',
    deadlinePassed: false,
    branchName: '',
    placeName: '',
    hasLocation: false,
    contactName: '',
    contactPhone: '',
    canCall: false,
    description: '',
    places: '',
    capacity: 0,
    confirmedCount: 0,
    waitlistCount: 0,
    teamName: '',
    groupName: '',
    cancelReason: '',
    minutesText: '',
    minutesMeta: '',
    hasMinutes: false,
    goodDeeds: 0,
    attendance: null as View['attendance'],
    lateCancellations: 0,
    hoursConfirmed: false,
    can: {
      signUp: false,
      cancel: false,
      reply: false,
      checkIn: false,
      checkOut: false,
      manage: false,
      moderate: false,
    },
    my: myView({
      signup: 'none',
      position: null,
      expected: false,
      reply: null,
      leave: null,
      attendance: null,
      checkedInAt: null,
      checkedOutAt: null,
      hours: null,
    }),
    /** A caller without a branch signs up with name and phone (residents). */
    needsProfile: false,
    realName: '',
    phone: '',
    errors: {} as Record<string, string>,
    /** The in-flight action: 'signUp' | 'cancel' | 'checkIn' | 'checkOut' | 'attend' | 'leave'. */
    acting: '',
    actionError: '',
    /** What the last action did, in words (stays on the card). */
    result: '',
    confirmingCancel: false,
    leaveOpen: false,
    leaveReason: '',
    leaveError: '',
    canSubscribe: false,
    subscribeResult: '',
  },

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const options = decodeQuery(query);
      st(this).branchId = currentBranch()?.branchId ?? '';
      this.setData({
        elderly: isElderlyMode(),
        activityId: options.id ?? options.activityId ?? '',
        canSubscribe: isSubscribeConfigured('activityReminder'),
      });
      void this.load();
    },

    onShow() {
      // Back from an organiser tool (edit, hours, minutes): what it changed shows here.
      if (this.data.status === 'ready') void this.load(true);
    },

    async load(quiet = false) {
      const s = st(this);
      if (s.busy) return;
      s.busy = true;
      if (!quiet) this.setData({ status: 'loading', errorMessage: '' });
      const res = await call('activity', 'get', { activityId: this.data.activityId });
      s.busy = false;
      if (!res.ok) {
        if (!quiet) this.setData({ status: 'error', errorMessage: res.error.message });
        return;
      }
      const d = res.data;
      s.branchId = d.branchId;
      s.place =
        typeof d.place?.latitude === 'number' && typeof d.place?.longitude === 'number'
          ? { latitude: d.place.latitude, longitude: d.place.longitude, name: d.place.name }
          : null;
      this.setData({
        status: 'ready',
        ...toView(d, new Date()),
        // The server knows whether the caller is a party member anywhere; a refusal asking for
        // name and phone (INVALID_ARGUMENT) shows the form too.
        needsProfile: this.data.needsProfile || d.needsContact,
      });
      if (!quiet) {
        try {
          wx.setNavigationBarTitle({ title: d.kindLabel || '活动' });
        } catch {
          // The title stays 活动详情.
        }
      }
    },

    onRetry() {
      void this.load();
    },
    onPullDownRefresh() {
      void this.load(true).then(stopPullDown);
    },

    /** Start an action: one at a time; clears the last error and result. */
    begin(action: string): boolean {
      if (this.data.acting) return false;
      this.setData({ acting: action, actionError: '', result: '' });
      return true;
    },
    fail(message: string, extra: Record<string, unknown> = {}) {
      this.setData({ acting: '', actionError: message, ...extra });
      toast(message);
    },
    /** Done: say it, change the card at once, then refresh the counts quietly. */
    succeed(result: string, patch: Record<string, unknown>, toastText: string) {
      this.setData({ acting: '', result, ...patch });
      toast(toastText, 'success');
      void this.load(true);
    },

    /** Tap handler: the subscribe dialog opens only while the tap is being handled. */
    askReminder() {
      if (!this.data.canSubscribe) return;
      void requestSubscribe('activityReminder').then((outcome) =>
        this.setData({ subscribeResult: activitySubscribeMessage(outcome) }),
      );
    },

    // ------------------------------------------------------------ volunteer sign-up

    onRealName(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.setData({ realName: String(e.detail.value ?? ''), 'errors.realName': '' });
    },
    onPhone(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.setData({ phone: String(e.detail.value ?? '').trim(), 'errors.phone': '' });
    },

    onSignUp() {
      if (this.data.acting || !this.data.can.signUp) return;
      const { needsProfile, realName, phone } = this.data;
      if (needsProfile) {
        const errors = residentErrors(realName, phone);
        if (Object.keys(errors).length) {
          this.setData({ errors });
          return;
        }
      }
      this.askReminder();
      void this.signUp();
    },
    async signUp() {
      if (!this.begin('signUp')) return;
      const { needsProfile, realName, phone, activityId } = this.data;
      const res = await call('activity', 'signUp', {
        activityId,
        ...(needsProfile ? { realName: realName.trim(), phone: phone.trim() } : {}),
      });
      if (!res.ok) {
        const errors = fieldErrors(res.error, ['realName', 'phone']);
        // The server needs a name and phone from this caller: show the form.
        if (Object.keys(errors).length) {
          this.setData({ acting: '', needsProfile: true, errors });
          return;
        }
        this.fail(res.error.message);
        return;
      }
      const waitlisted = res.data.status === 'waitlisted';
      const position = res.data.position ?? 0;
      this.succeed(
        waitlisted
          ? `名额已满，您在候补第 ${position} 位。有人取消时按顺序递补，递补后会通知您。`
          : '报名成功，请按时参加。',
        {
          'my.signup': res.data.status,
          'my.position': position,
          'can.signUp': false,
          'can.cancel': true,
          errors: {},
        },
        waitlisted ? `候补第 ${position} 位` : '报名成功',
      );
    },

    onCancel() {
      if (this.data.acting || !this.data.can.cancel) return;
      this.setData({ confirmingCancel: true, actionError: '', result: '' });
    },
    onCancelKeep() {
      this.setData({ confirmingCancel: false });
    },
    async onCancelConfirm() {
      if (!this.begin('cancel')) return;
      const s = st(this);
      const waitlisted = this.data.my.signup === 'waitlisted';
      const res = await call(
        'activity',
        'cancel',
        { activityId: this.data.activityId },
        { requestId: s.intents.id('cancel') },
      );
      if (!res.ok) {
        this.fail(res.error.message, { confirmingCancel: false });
        return;
      }
      s.intents.done('cancel');
      const what = waitlisted ? '已取消候补' : '已取消报名';
      this.succeed(
        res.data.late
          ? `${what}。已过报名截止时间，组织者会在报名名单中看到这次取消。`
          : `${what}。`,
        {
          confirmingCancel: false,
          'my.signup': 'none',
          'my.position': 0,
          'can.cancel': false,
        },
        what,
      );
    },

    // ------------------------------------------------------------ moderation

    onRelease() {
      void this.release('activity');
    },
    onReleaseMinutes() {
      void this.release('minutes');
    },
    async release(what: 'activity' | 'minutes') {
      if (!this.begin(`release:${what}`)) return;
      const res = await call('activity', 'moderate', { activityId: this.data.activityId, what });
      if (!res.ok) {
        this.fail(res.error.message);
        return;
      }
      const done =
        what === 'activity' ? '已通过审核，党员现在可以看到这个活动' : '会议记录已通过审核';
      this.succeed(
        `${done}。`,
        what === 'activity' ? { canRelease: false } : { canReleaseMinutes: false },
        '已通过审核',
      );
    },

    // ------------------------------------------------------------ check-in / check-out

    scan(): Promise<string | null> {
      return scanCheckInCode((message) => this.setData({ actionError: message }));
    },

    async onCheckIn() {
      if (!this.begin('checkIn')) return;
      const token = await this.scan();
      if (!token) {
        this.setData({ acting: '' });
        return;
      }
      const s = st(this);
      const res = await call(
        'activity',
        'checkIn',
        { token, activityId: this.data.activityId },
        { requestId: s.intents.id(`checkIn:${token}`) },
      );
      if (!res.ok) {
        this.fail(res.error.message);
        return;
      }
      s.intents.done(`checkIn:${token}`);
      const at = hm(res.data.checkedInAt);
      this.succeed(
        res.data.already
          ? `您已在 ${at} 签到过，以第一次为准。`
          : `签到成功，${at}。活动结束时请再扫码签退。`,
        { 'my.checkedInText': at, 'can.checkIn': false, 'can.checkOut': true },
        res.data.already ? '已签到过' : '签到成功',
      );
    },

    async onCheckOut() {
      if (!this.begin('checkOut')) return;
      const token = await this.scan();
      if (!token) {
        this.setData({ acting: '' });
        return;
      }
      const s = st(this);
      const res = await call(
        'activity',
        'checkOut',
        { token, activityId: this.data.activityId },
        { requestId: s.intents.id(`checkOut:${token}`) },
      );
      if (!res.ok) {
        this.fail(res.error.message);
        return;
      }
      s.intents.done(`checkOut:${token}`);
      const at = hm(res.data.checkedOutAt);
      const hours = res.data.computedHours;
      this.succeed(
        hours > 0
          ? `签退成功，${at}。本次计入 ${hoursText(hours)}，组织者确认后记入志愿记录。`
          : `签退成功，${at}。参加时间不足活动时长的六成，本次不计服务时长。`,
        { 'my.checkedOutText': at, 'can.checkOut': false },
        '签退成功',
      );
    },

    // ------------------------------------------------------------ meetings: reply / leave

    onAttend() {
      if (this.data.acting || !this.data.can.reply) return;
      this.askReminder();
      void this.reply('attend');
    },
    onLeaveOpen() {
      if (!this.data.can.reply) return;
      this.setData({ leaveOpen: true, leaveError: '', actionError: '', result: '' });
    },
    onLeaveClose() {
      this.setData({ leaveOpen: false, leaveError: '' });
    },
    onLeaveReason(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.setData({ leaveReason: String(e.detail.value ?? ''), leaveError: '' });
    },
    onLeaveSubmit() {
      const reason = this.data.leaveReason.trim();
      if (reason.length < 2 || reason.length > 100) {
        this.setData({ leaveError: reason ? '请假理由请写 2–100 个字' : '请写明请假理由' });
        return;
      }
      void this.reply('leave', reason);
    },
    async reply(answer: 'attend' | 'leave', reason?: string) {
      if (!this.begin(answer)) return;
      const s = st(this);
      const key = `reply:${answer}:${reason ?? ''}`;
      const res = await call(
        'activity',
        'reply',
        { activityId: this.data.activityId, answer, ...(reason ? { reason } : {}) },
        { requestId: s.intents.id(key) },
      );
      if (!res.ok) {
        if (answer === 'leave') {
          // CONTENT_RISKY / a reason the server refused: said under the box.
          this.setData({ acting: '', leaveError: res.error.message });
          toast(res.error.message);
        } else this.fail(res.error.message);
        return;
      }
      s.intents.done(key);
      const leave = res.data.leave;
      this.succeed(
        answer === 'attend' ? '已回复参加，请按时出席。' : '请假已提交，书记批准后会显示在这里。',
        {
          leaveOpen: false,
          leaveReason: '',
          'my.reply': res.data.reply,
          'my.leaveStatus': leave?.status ?? '',
          'my.leaveText': leave ? LEAVE_STATUS_TEXT[leave.status] : '',
          'my.leaveReason': leave?.reason ?? '',
          'my.leaveNote': leave?.note ?? '',
        },
        answer === 'attend' ? '已回复参加' : '请假已提交',
      );
    },

    // ------------------------------------------------------------ place, contact

    onLocation() {
      const p = st(this).place;
      if (!p) return;
      try {
        wx.openLocation({ latitude: p.latitude, longitude: p.longitude, name: p.name, scale: 16 });
      } catch {
        toast('当前微信版本不能打开地图');
      }
    },
    onCall() {
      if (!this.data.canCall) return;
      try {
        wx.makePhoneCall({ phoneNumber: this.data.contactPhone });
      } catch {
        toast(`请拨打 ${this.data.contactPhone}`);
      }
    },

    // ------------------------------------------------------------ organiser tools

    // Each tool reads the query its page documents (packages/activity-admin/*).
    onSignups() {
      go(ROUTES.activitySignups, { activityId: this.data.activityId });
    },
    onQr() {
      go(ROUTES.activityQr, { activityId: this.data.activityId, title: this.data.title });
    },
    onAttendance() {
      go(ROUTES.activityAttendance, { activityId: this.data.activityId });
    },
    onStats() {
      go(ROUTES.attendanceStats, { branchId: st(this).branchId });
    },
    onHours() {
      go(ROUTES.activityHours, { activityId: this.data.activityId });
    },
    onMinutes() {
      go(ROUTES.activityMinutes, { activityId: this.data.activityId });
    },
    onDeeds() {
      go(ROUTES.goodDeeds, { activityId: this.data.activityId, branchId: st(this).branchId });
    },
    onEdit() {
      go(ROUTES.activityEdit, { activityId: this.data.activityId });
    },
    onExport() {
      go(ROUTES.activityExport, { branchId: st(this).branchId });
    },
  },
});
