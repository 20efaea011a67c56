/**
 * 通知公告 of one branch (`?branchId=`, `canPost=1` for committee members). One call on
 * open (`branch.listNotices`): unread first, then read, newest first within each, as the
 * server orders them; pinned ones carry a 置顶 tag. More on reaching the bottom, pull to
 * refresh, and a refresh when coming back from a notice (it is read now).
 *
 * 开启通知提醒 asks WeChat for the notice-reminder subscription (utils/subscribe.ts) inside
 * the tap, so the poster's 提醒未读 can reach this member; hidden while the template id in
 * config.ts is empty. The outcome is shown inline under the button, never in a pop-up.
 */
import type { NoticeItem } from '../../../typings/api';
import { call } from '../../services/call';
import { isElderlyMode } from '../../utils/elderly';
import { relativeTime } from '../../utils/format';
import { listPageBehavior } from '../../utils/list-page';
import { ROUTES, decodeQuery, go } from '../../utils/nav';
import { stopPullDown } from '../../utils/page';
import { isSubscribeConfigured, requestSubscribe, SUBSCRIBE_MESSAGES } from '../../utils/subscribe';

type Status = 'loading' | 'error' | 'empty' | 'ready';

interface Row {
  noticeId: string;
  title: string;
  pinned: boolean;
  read: boolean;
  held: boolean;
  meta: string;
  excerpt: string;
}

function toRow(n: NoticeItem, now: Date): Row {
  return {
    noticeId: n.noticeId,
    title: n.title,
    pinned: n.pinned,
    read: n.read,
    held: n.status === 'held',
    meta: `${n.authorName} · ${relativeTime(n.createdAt, now)}`,
    excerpt: n.excerpt,
  };
}

interface PageState {
  generation: number;
  loadingMore: boolean;
  cursor: string | null;
  shown: boolean;
}
const state = new WeakMap<object, PageState>();
function st(page: object): PageState {
  let s = state.get(page);
  if (!s) state.set(page, (s = { generation: 0, loadingMore: false, cursor: null, shown: false }));
  return s;
}

Component({
  behaviors: [listPageBehavior({ quietRefresh: true })],

  data: {
    status: 'loading' as Status,
    errorMessage: '',
    elderly: false,
    branchId: '',
    canPost: false,
    items: [] as Row[],
    hasMore: false,
    loadingMore: false,
    moreError: '',
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
        branchId: options.branchId ?? '',
        canPost: options.canPost === '1',
        canSubscribe: isSubscribeConfigured('noticeReminder'),
      });
      void this.loadFirst();
    },

    onShow() {
      const s = st(this);
      if (s.shown && this.data.status === 'ready') void this.loadFirst(true);
      s.shown = true;
    },

    async loadFirst(quiet = false) {
      const s = st(this);
      const gen = ++s.generation;
      s.loadingMore = false;
      if (!quiet) this.setData({ status: 'loading', errorMessage: '', moreError: '' });
      const res = await call('branch', 'listNotices', { branchId: this.data.branchId });
      if (gen !== s.generation) return;
      stopPullDown();
      if (!res.ok) {
        if (!quiet) this.setData({ status: 'error', errorMessage: res.error.message });
        return;
      }
      s.cursor = res.data.nextCursor;
      const now = new Date();
      const items = res.data.items.map((n) => toRow(n, now));
      this.setData({
        status: items.length ? 'ready' : 'empty',
        items,
        hasMore: !!s.cursor,
        loadingMore: false,
      });
    },

    async loadMore() {
      const s = st(this);
      if (s.loadingMore || !s.cursor || this.data.status !== 'ready') return;
      s.loadingMore = true;
      const gen = s.generation;
      this.setData({ loadingMore: true, moreError: '' });
      const res = await call('branch', 'listNotices', {
        branchId: this.data.branchId,
        cursor: s.cursor,
      });
      if (gen !== s.generation) return;
      s.loadingMore = false;
      if (!res.ok) {
        this.setData({ loadingMore: false, moreError: res.error.message });
        return;
      }
      s.cursor = res.data.nextCursor;
      const now = new Date();
      const start = this.data.items.length;
      const patch: Record<string, unknown> = { loadingMore: false, hasMore: !!s.cursor };
      res.data.items.forEach((n, i) => (patch[`items[${start + i}]`] = toRow(n, now)));
      this.setData(patch);
    },

    onOpen(e: WechatMiniprogram.CustomEvent<{ noticeId: string }>) {
      go(ROUTES.noticeDetail, { id: e.detail.noticeId });
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
    onCompose() {
      go(ROUTES.compose, { branchId: this.data.branchId });
    },
  },
});
