/**
 * 已读情况 of a notice (poster, secretary, deputy; `?id=`). One call on open
 * (`branch.noticeReads`); 提醒未读 sends the subscribe message once a day
 * (`branch.remindUnread`, RATE_LIMITED after that, shown as the server words it).
 */
import type { NoticeReadsResponse } from '../../../../typings/api';
import { call, newRequestId } from '../../../services/call';
import { isElderlyMode } from '../../../utils/elderly';
import { relativeTime, today } from '../../../utils/format';
import { stopPullDown, toast } from '../../../utils/page';

type Status = 'loading' | 'error' | 'ready';

interface PageState {
  busy: boolean;
  remindId?: string;
}
const state = new WeakMap<object, PageState>();
function st(page: object): PageState {
  let s = state.get(page);
  if (!s) state.set(page, (s = { busy: false }));
  return s;
}

function toView(r: NoticeReadsResponse) {
  return {
    read: r.read.map((x) => ({ openid: x.openid, name: x.name, when: relativeTime(x.readAt) })),
    unread: r.unread.map((x) => ({ openid: x.openid, name: x.name })),
    remindedToday: r.remindedOn === today(),
  };
}

Component({
  data: {
    status: 'loading' as Status,
    errorMessage: '',
    elderly: false,
    noticeId: '',
    read: [] as { openid: string; name: string; when: string }[],
    unread: [] as { openid: string; name: string }[],
    remindedToday: false,
    reminding: false,
    remindResult: '',
  },

  methods: {
    onLoad(options: Record<string, string | undefined>) {
      this.setData({ elderly: isElderlyMode(), noticeId: options.id ?? '' });
      void this.load();
    },

    async load() {
      const s = st(this);
      if (s.busy) return;
      s.busy = true;
      if (this.data.status !== 'ready') this.setData({ status: 'loading', errorMessage: '' });
      const res = await call('branch', 'noticeReads', { noticeId: this.data.noticeId });
      s.busy = false;
      stopPullDown();
      if (res.ok) this.setData({ status: 'ready', ...toView(res.data) });
      else this.setData({ status: 'error', errorMessage: res.error.message });
    },

    onRetry() {
      void this.load();
    },
    onPullDownRefresh() {
      void this.load();
    },

    async onRemind() {
      if (this.data.reminding) return;
      const s = st(this);
      s.remindId = s.remindId ?? newRequestId();
      this.setData({ reminding: true, remindResult: '' });
      const res = await call(
        'branch',
        'remindUnread',
        { noticeId: this.data.noticeId },
        { requestId: s.remindId },
      );
      this.setData({ reminding: false });
      if (!res.ok) {
        this.setData({ remindResult: res.error.message });
        return;
      }
      s.remindId = undefined;
      const { sent, skipped } = res.data;
      toast('已提醒', 'success');
      this.setData({
        remindedToday: true,
        remindResult: `已提醒 ${sent} 人${skipped ? `，${skipped} 人未订阅消息，请电话告知` : ''}`,
      });
    },
  },
});
