/**
 * 已读情况 of a notice (poster, secretary, deputy; `?id=`). One call on open
 * (`branch.noticeReads` without `list`: the first page, ≤20, of both lists with a cursor for
 * each, and the server's n / m: `readCount` of `audienceCount` current members). Tabs 未读 /
 * 已读 show one list at a time; 加载更多 asks for that list's next page
 * (`noticeReads { list, cursor }`) and appends it by data path. 提醒未读 sends the subscribe
 * message once a day (`branch.remindUnread`, RATE_LIMITED after that, shown as the server
 * words it).
 */
import type { NoticeReadsResponse, ReaderItem } from '../../../../typings/api';
import { call, newRequestId } from '../../../services/call';
import { isElderlyMode } from '../../../utils/elderly';
import { relativeTime, today } from '../../../utils/format';
import { stopPullDown, toast } from '../../../utils/page';
import { decodeQuery } from '../../../utils/nav';

type Status = 'loading' | 'error' | 'ready';
type List = 'read' | 'unread';

interface Row {
  openid: string;
  name: string;
  when: string;
}

interface ListView {
  items: Row[];
  hasMore: boolean;
  loadingMore: boolean;
  moreError: string;
}

interface PageState {
  busy: boolean;
  remindId?: string;
  cursors: Record<List, string | null>;
  paging: Record<List, boolean>;
}
const state = new WeakMap<object, PageState>();
function st(page: object): PageState {
  let s = state.get(page);
  if (!s)
    state.set(
      page,
      (s = {
        busy: false,
        cursors: { read: null, unread: null },
        paging: { read: false, unread: false },
      }),
    );
  return s;
}

const toRow = (x: ReaderItem): Row => ({
  openid: x.openid,
  name: x.name,
  when: x.readAt ? relativeTime(x.readAt) : '',
});

const emptyList = (): ListView => ({
  items: [],
  hasMore: false,
  loadingMore: false,
  moreError: '',
});

Component({
  data: {
    status: 'loading' as Status,
    errorMessage: '',
    elderly: false,
    noticeId: '',
    tab: 'unread' as List,
    readCount: 0,
    audienceCount: 0,
    unreadCount: 0,
    read: emptyList(),
    unread: emptyList(),
    remindedToday: false,
    reminding: false,
    remindResult: '',
  },

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const options = decodeQuery(query);
      this.setData({ elderly: isElderlyMode(), noticeId: options.id ?? '' });
      void this.load();
    },

    show(r: NoticeReadsResponse) {
      const s = st(this);
      s.cursors = { read: r.readNextCursor ?? null, unread: r.unreadNextCursor ?? null };
      // n / m come from the server; the page lengths are only a fallback for old servers.
      const readCount = r.readCount ?? r.read.length;
      const audienceCount = r.audienceCount ?? r.read.length + r.unread.length;
      this.setData({
        status: 'ready',
        readCount,
        audienceCount,
        unreadCount: Math.max(0, audienceCount - readCount),
        read: { ...emptyList(), items: r.read.slice(0, 20).map(toRow), hasMore: !!s.cursors.read },
        unread: {
          ...emptyList(),
          items: r.unread.slice(0, 20).map(toRow),
          hasMore: !!s.cursors.unread,
        },
        remindedToday: r.remindedOn === today(),
      });
    },

    async load() {
      const s = st(this);
      if (s.busy) return;
      s.busy = true;
      if (this.data.status !== 'ready') this.setData({ status: 'loading', errorMessage: '' });
      const res = await call('branch', 'noticeReads', { noticeId: this.data.noticeId });
      s.busy = false;
      stopPullDown();
      if (res.ok) this.show(res.data);
      else if (this.data.status !== 'ready')
        this.setData({ status: 'error', errorMessage: res.error.message });
      else toast(res.error.message);
    },

    onRetry() {
      void this.load();
    },
    onPullDownRefresh() {
      void this.load();
    },

    onTab(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      const tab: List = e.detail.value === 'read' ? 'read' : 'unread';
      this.setData({ tab });
    },

    async loadMore(list: List) {
      const s = st(this);
      const cursor = s.cursors[list];
      if (s.paging[list] || !cursor) return;
      s.paging[list] = true;
      this.setData({ [`${list}.loadingMore`]: true, [`${list}.moreError`]: '' });
      const res = await call('branch', 'noticeReads', {
        noticeId: this.data.noticeId,
        list,
        cursor,
      });
      s.paging[list] = false;
      if (!res.ok) {
        this.setData({ [`${list}.loadingMore`]: false, [`${list}.moreError`]: res.error.message });
        return;
      }
      const page = res.data.items ?? res.data[list];
      s.cursors[list] = res.data.nextCursor ?? null;
      const shown = this.data[list].items;
      const known = new Set(shown.map((r) => r.openid));
      const patch: Record<string, unknown> = {
        [`${list}.loadingMore`]: false,
        [`${list}.hasMore`]: !!s.cursors[list],
      };
      page
        .slice(0, 20)
        .filter((x) => !known.has(x.openid))
        .forEach((x, i) => (patch[`${list}.items[${shown.length + i}]`] = toRow(x)));
      this.setData(patch);
    },

    onMore() {
      void this.loadMore(this.data.tab);
    },
    onReachBottom() {
      const list = this.data[this.data.tab];
      if (list.hasMore && !list.loadingMore && !list.moreError) void this.loadMore(this.data.tab);
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
      const remaining = res.data.remaining ?? 0;
      toast('已提醒', 'success');
      this.setData({
        // The day is used up only when a message went out.
        remindedToday: sent > 0,
        remindResult:
          `已提醒 ${sent} 人${skipped ? `，${skipped} 人未订阅消息，请电话告知` : ''}` +
          (remaining ? `，另有 ${remaining} 人这次未提醒` : ''),
      });
    },
  },
});
