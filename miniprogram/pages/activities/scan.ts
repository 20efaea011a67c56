/**
 * 扫码签到: one big 「扫码签到 / 签退」 button. `wx.scanCode` (camera only) → `checkIn
 * { token }` (the token names its activity; the server checks it is fresh and the caller
 * signed up / expected). A first check-in says the activity and the time; when the answer
 * says I was already checked in, the page offers 签退 → a new scan → `checkOut`, and says the
 * minutes attended and the hours counted. 签退 always scans again (as the issue has it: scan to
 * check in, and again to check out): reusing the check-in code would let one slip of the
 * thumb end the visit seconds after it began, with 0 hours. Refusals (expired, another activity, not signed up) show the
 * server's message under the button.
 */
import { call } from '../../services/call';
import { hoursText, scanCheckInCode } from '../../utils/activity';
import { isElderlyMode } from '../../utils/elderly';
import { Intents } from '../../utils/intents';
import { ROUTES, go } from '../../utils/nav';
import { pageState, toast } from '../../utils/page';

interface PageState {
  intents: Intents;
}
const st = pageState<PageState>(() => ({ intents: new Intents() }));

const hm = (iso: string) => {
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? ''
    : `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
};

Component({
  data: {
    elderly: false,
    acting: '' as '' | 'checkIn' | 'checkOut',
    error: '',
    /** The last result: what, when, and for 签退 the hours. */
    kind: '' as '' | 'checkIn' | 'checkOut',
    activityId: '',
    title: '',
    timeText: '',
    hoursLine: '',
    /** Checked in already (now or before): 签退 is offered. */
    canCheckOut: false,
  },

  methods: {
    onLoad() {
      this.setData({ elderly: isElderlyMode() });
    },

    scan(): Promise<string | null> {
      return scanCheckInCode((message) => this.setData({ error: message }));
    },

    async onScan() {
      if (this.data.acting) return;
      this.setData({ acting: 'checkIn', error: '' });
      const token = await this.scan();
      if (!token) {
        this.setData({ acting: '' });
        return;
      }
      const s = st(this);
      const res = await call('activity', 'checkIn', { token }, { requestId: s.intents.id(token) });
      if (!res.ok) {
        this.setData({ acting: '', error: res.error.message });
        toast(res.error.message);
        return;
      }
      s.intents.done(token);
      this.setData({
        acting: '',
        kind: 'checkIn',
        activityId: res.data.activityId,
        title: res.data.title,
        timeText: res.data.already
          ? `您已在 ${hm(res.data.checkedInAt)} 签到过，以第一次为准。要离开了吗？请签退。`
          : `签到时间 ${hm(res.data.checkedInAt)}`,
        hoursLine: '',
        canCheckOut: true,
      });
      toast(res.data.already ? '已签到过' : '签到成功', res.data.already ? 'none' : 'success');
    },

    async onCheckOut() {
      if (this.data.acting) return;
      this.setData({ acting: 'checkOut', error: '' });
      const s = st(this);
      const token = (await this.scan()) ?? '';
      if (!token) {
        this.setData({ acting: '' });
        return;
      }
      const res = await call(
        'activity',
        'checkOut',
        { token, activityId: this.data.activityId || undefined },
        { requestId: s.intents.id(`out:${token}`) },
      );
      if (!res.ok) {
        this.setData({ acting: '', error: res.error.message });
        toast(res.error.message);
        return;
      }
      s.intents.done(`out:${token}`);
      const h = res.data.computedHours;
      this.setData({
        acting: '',
        kind: 'checkOut',
        activityId: res.data.activityId,
        title: res.data.title,
        timeText: `签退时间 ${hm(res.data.checkedOutAt)}，参加 ${res.data.attendedMinutes} 分钟`,
        hoursLine:
          h > 0
            ? `计入时长 ${hoursText(h)}（组织者确认后记入志愿记录）`
            : '参加时间不足活动时长的六成，本次不计服务时长',
        canCheckOut: false,
      });
      toast('签退成功', 'success');
    },

    onOpenActivity() {
      if (this.data.activityId) go(ROUTES.activityDetail, { id: this.data.activityId });
    },
  },
});
