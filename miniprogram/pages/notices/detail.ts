/**
 * 通知详情 (`?id=`). One call on open: `branch.readNotice`, which returns the notice and
 * marks it read (a write, so it carries a requestId, kept across a retry). The poster,
 * secretary and deputy see how many have read it and can open who has not (subpackage).
 * 开启通知提醒 (utils/subscribe.ts, asked inside the tap) lets the next 提醒未读 reach the
 * reader; hidden while the template id in config.ts is empty. Outcome shown inline.
 */
import type { NoticeDetail } from '../../../typings/api';
import { call, newRequestId } from '../../services/call';
import { isElderlyMode } from '../../utils/elderly';
import { formatDate, relativeTime } from '../../utils/format';
import { ROUTES, decodeQuery, go } from '../../utils/nav';
import { isSubscribeConfigured, requestSubscribe, SUBSCRIBE_MESSAGES } from '../../utils/subscribe';

type Status = 'loading' | 'error' | 'ready';

function toView(n: NoticeDetail) {
  return {
    noticeId: n.noticeId,
    title: n.title,
    body: n.body,
    pinned: n.pinned,
    held: n.status === 'held',
    meta: `${n.authorName} · ${formatDate(n.createdAt)}（${relativeTime(n.createdAt)}）`,
    canManage: n.canManage,
    readText: `已读 ${n.readCount} / ${n.audienceCount} 人`,
  };
}

interface PageState {
  busy: boolean;
  requestId: string;
}
const state = new WeakMap<object, PageState>();
function st(page: object): PageState {
  let s = state.get(page);
  if (!s) state.set(page, (s = { busy: false, requestId: newRequestId() }));
  return s;
}

Component({
  data: {
    status: 'loading' as Status,
    errorMessage: '',
    elderly: false,
    noticeId: '',
    title: '',
    body: '',
    pinned: false,
    held: false,
    meta: '',
    canManage: false,
    readText: '',
    canSubscribe: false,
    subscribing: false,
    subscribeResult: '',
    subscribeAccepted: false,
  },

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const options = decodeQuery(query);
      this.setData({
        elderly: isElderlyMode(),
        noticeId: options.id ?? '',
        canSubscribe: isSubscribeConfigured('noticeReminder'),
      });
      void this.load();
    },

    async load() {
      const s = st(this);
      if (s.busy) return;
      s.busy = true;
      this.setData({ status: 'loading', errorMessage: '' });
      const res = await call(
        'branch',
        'readNotice',
        { noticeId: this.data.noticeId },
        { requestId: s.requestId },
      );
      s.busy = false;
      if (res.ok) {
        this.setData({ status: 'ready', ...toView(res.data) });
        try {
          wx.setNavigationBarTitle({ title: res.data.title });
        } catch {
          // Title stays 通知详情.
        }
      } else {
        this.setData({ status: 'error', errorMessage: res.error.message });
      }
    },

    onRetry() {
      void this.load();
    },

    /** Tap handler: WeChat's dialog opens only while the tap is being handled. */
    onSubscribe() {
      if (this.data.subscribing) return;
      const asked = requestSubscribe('noticeReminder');
      this.setData({ subscribing: true, subscribeResult: '' });
      void asked.then((outcome) =>
        this.setData({
          subscribing: false,
          subscribeResult: SUBSCRIBE_MESSAGES[outcome],
          subscribeAccepted: outcome === 'accepted',
        }),
      );
    },

    onReads() {
      go(ROUTES.reads, { id: this.data.noticeId });
    },
  },
});
