/**
 * 待审核通知 (secretary, deputy secretary; `?branchId=`). Notices that content security held
 * for review. One call on open (`branch.listNotices { status: 'held' }`, 20 a page, more at
 * the bottom, pull to refresh). 发布 is one tap (`moderateNotice { approve: true }`);
 * 删除 asks on the card first, then `moderateNotice { approve: false }`. A decided notice
 * leaves the list; a failure stays on its card with the server's words.
 */
import type { NoticeItem } from '../../../../typings/api';
import { call } from '../../../services/call';
import { isElderlyMode } from '../../../utils/elderly';
import { relativeTime } from '../../../utils/format';
import { Intents } from '../../../utils/intents';
import { listPageBehavior } from '../../../utils/list-page';
import { dataset, decodeQuery } from '../../../utils/nav';
import { toast } from '../../../utils/page';
import { PagedList } from '../../../utils/paged-list';

type Status = 'loading' | 'error' | 'empty' | 'ready';

interface Row {
  noticeId: string;
  title: string;
  excerpt: string;
  meta: string;
  removing: boolean;
  busy: boolean;
  error: string;
}

const toRow = (n: NoticeItem, now: Date): Row => ({
  noticeId: n.noticeId,
  title: n.title,
  excerpt: n.excerpt,
  meta: `${n.authorName} · ${relativeTime(n.createdAt, now)}`,
  removing: false,
  busy: false,
  error: '',
});

/** One page of the list; the first when `cursor` is undefined. */
const listPage = (branchId: string, cursor?: string) =>
  call('branch', 'listNotices', {
    branchId,
    status: 'held',
    ...(cursor === undefined ? {} : { cursor }),
  });

interface PageState {
  list: PagedList;
  intents: Intents;
}
const state = new WeakMap<object, PageState>();
function st(page: object): PageState {
  let s = state.get(page);
  if (!s) state.set(page, (s = { list: new PagedList(), intents: new Intents() }));
  return s;
}

Component({
  behaviors: [listPageBehavior()],

  data: {
    status: 'loading' as Status,
    errorMessage: '',
    elderly: false,
    branchId: '',
    items: [] as Row[],
    hasMore: false,
    loadingMore: false,
    moreError: '',
  },

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const options = decodeQuery(query);
      this.setData({ elderly: isElderlyMode(), branchId: options.branchId ?? '' });
      void this.loadFirst();
    },

    async loadFirst() {
      await st(this).list.first(this, (c) => listPage(this.data.branchId, c), toRow);
    },

    async loadMore() {
      await st(this).list.more(this, (c) => listPage(this.data.branchId, c), toRow);
    },

    indexOf(id: string): number {
      return this.data.items.findIndex((r) => r.noticeId === id);
    },

    onRelease(e: WechatMiniprogram.BaseEvent) {
      void this.moderate(dataset(e, 'id'), true);
    },
    onRemoveStart(e: WechatMiniprogram.BaseEvent) {
      const i = this.indexOf(dataset(e, 'id'));
      if (i >= 0) this.setData({ [`items[${i}].removing`]: true, [`items[${i}].error`]: '' });
    },
    onRemoveCancel(e: WechatMiniprogram.BaseEvent) {
      const i = this.indexOf(dataset(e, 'id'));
      if (i >= 0) this.setData({ [`items[${i}].removing`]: false, [`items[${i}].error`]: '' });
    },
    onRemoveConfirm(e: WechatMiniprogram.BaseEvent) {
      void this.moderate(dataset(e, 'id'), false);
    },

    async moderate(id: string, approve: boolean) {
      const i = this.indexOf(id);
      if (i < 0 || this.data.items[i].busy) return;
      const key = `${id}:${approve ? 'release' : 'remove'}`;
      this.setData({ [`items[${i}].busy`]: true, [`items[${i}].error`]: '' });
      const res = await call(
        'branch',
        'moderateNotice',
        { noticeId: id, approve },
        { requestId: st(this).intents.id(key) },
      );
      const j = this.indexOf(id);
      if (res.ok) {
        st(this).intents.done(key);
        toast(res.data.status === 'published' ? '已发布' : '已删除', 'success');
        const items = this.data.items.filter((r) => r.noticeId !== id);
        this.setData({ items, status: items.length || this.data.hasMore ? 'ready' : 'empty' });
        return;
      }
      if (j >= 0)
        this.setData({ [`items[${j}].busy`]: false, [`items[${j}].error`]: res.error.message });
    },
  },
});
