/**
 * 现场签到码 (organisers; `?activityId=`; `&title=` from the page that opens it shows the title
 * before the first answer, which then names the activity and the live check-in count).
 * The organiser's phone shows a QR code of a signed, short-lived token
 * (`activity.checkInToken`, drawn by the server as `qrDataUrl`); participants scan it to
 * check in and again to check out. A new code is fetched when the page shows and every
 * `refreshSeconds` (30) after, with 「x 秒后刷新」 counting down; the one-second ticker is
 * cleared when the page hides or closes, so a code is never fetched for a screen nobody
 * sees. The screen stays on while the code shows (wx.setKeepScreenOn).
 *
 * The server refuses outside the check-in window (from 30 min before the start to the end)
 * and says so: that message is the error state, with 重新加载. A refresh that fails for the
 * network keeps the code on screen (it is valid about 45 s) and tries again in 5 s.
 */
import { call } from '../../../services/call';
import { isElderlyMode } from '../../../utils/elderly';
import { decodeQuery } from '../../../utils/nav';
import { pageState } from '../../../utils/page';

type Status = 'loading' | 'error' | 'ready';

const DEFAULT_REFRESH = 30;
const NETWORK_RETRY = 5;

interface PageState {
  timer: ReturnType<typeof setInterval> | null;
  /** Bumped by every fetch and by hiding: a late answer of an older fetch is dropped. */
  generation: number;
  fetching: boolean;
}
const st = pageState<PageState>(() => ({ timer: null, generation: 0, fetching: false }));

function keepScreenOn(on: boolean): void {
  try {
    wx.setKeepScreenOn({ keepScreenOn: on });
  } catch {
    // Not supported on this host: the phone may dim, the code still works.
  }
}

Component({
  data: {
    status: 'loading' as Status,
    errorMessage: '',
    elderly: false,
    activityId: '',
    title: '',
    qrDataUrl: '',
    countdown: 0,
    checkedIn: 0,
    refreshing: false,
    warning: '',
  },

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const o = decodeQuery(query);
      this.setData({
        elderly: isElderlyMode(),
        activityId: o.activityId ?? '',
        title: o.title ?? '',
      });
    },

    onShow() {
      keepScreenOn(true);
      void this.refresh();
    },
    onHide() {
      this.stop();
      keepScreenOn(false);
    },
    onUnload() {
      this.stop();
      keepScreenOn(false);
    },

    stop() {
      const s = st(this);
      if (s.timer !== null) clearInterval(s.timer);
      s.timer = null;
      s.generation += 1;
      s.fetching = false;
    },

    /** One tick a second: count down, fetch a new code at zero. */
    startTicker() {
      const s = st(this);
      if (s.timer !== null) return;
      s.timer = setInterval(() => {
        if (s.fetching) return;
        const next = this.data.countdown - 1;
        if (next <= 0) void this.refresh();
        else this.setData({ countdown: next });
      }, 1000);
    },

    async refresh() {
      const s = st(this);
      const gen = ++s.generation;
      s.fetching = true;
      this.setData({ refreshing: true });
      const res = await call('activity', 'checkInToken', { activityId: this.data.activityId });
      if (gen !== s.generation) return;
      s.fetching = false;
      if (!res.ok) {
        if (res.error.code === 'UNAVAILABLE' && this.data.status === 'ready') {
          // The code on screen is still valid for a while: keep it, try again soon.
          this.setData({
            refreshing: false,
            countdown: NETWORK_RETRY,
            warning: `${res.error.message}，${NETWORK_RETRY} 秒后重试`,
          });
          this.startTicker();
          return;
        }
        this.stop();
        this.setData({
          status: 'error',
          errorMessage: res.error.message,
          refreshing: false,
          qrDataUrl: '',
        });
        return;
      }
      const every = res.data.refreshSeconds > 0 ? res.data.refreshSeconds : DEFAULT_REFRESH;
      this.setData({
        status: 'ready',
        qrDataUrl: res.data.qrDataUrl,
        title: res.data.title,
        checkedIn: res.data.checkedIn,
        countdown: every,
        refreshing: false,
        warning: '',
      });
      this.startTicker();
    },

    onRetry() {
      this.stop();
      this.setData({ status: 'loading', errorMessage: '' });
      void this.refresh();
    },
  },
});
