/**
 * 求助列表 (issue #7): the residents' requests a manager follows. `?branchId=` — the branch's
 * requests, for its secretaries (`listRequests { scope: 'branch', branchId }`); `?committeeId=`
 * — the requests escalated to the community party committee, for its secretaries
 * (`{ scope: 'committee', committeeId }`). `&status=open|overdue` picks the tab (default 未办结).
 *
 * Tabs 未办结 (`status: 'open'`) / 已超时 (`'overdue'`) / 全部 (no status; newest first). One
 * call on open; a tab change asks for its own first page. 20 a page, more at the bottom, pull
 * to refresh, a quiet refresh when shown again (back from handling one). A row: category, the
 * text on one line, grid and central household member, 已转支部书记 / 已转社区党委, 紧急 / 已超时,
 * the state, when it was sent; tap → 处理求助.
 */
import type { ListRequestsRequest, RequestItem } from '../../../../typings/api';
import { call } from '../../../services/call';
import { isElderlyMode } from '../../../utils/elderly';
import { relativeTime } from '../../../utils/format';
import { listPageBehavior } from '../../../utils/list-page';
import { ROUTES, dataset, decodeQuery, go } from '../../../utils/nav';
import { pageState } from '../../../utils/page';
import { PagedList } from '../../../utils/paged-list';
import { CATEGORY_LABELS, LEVEL_TEXT, REQUEST_STATUS_TEXT } from '../shared';

type Status = 'loading' | 'error' | 'empty' | 'ready';
/** The tab: '' = 全部. */
type Filter = 'open' | 'overdue' | '';

const FILTERS: readonly Filter[] = ['open', 'overdue', ''];

const EMPTY_TEXT: Record<Filter, string> = {
  open: '没有未办结的求助',
  overdue: '没有超时的求助',
  '': '还没有求助',
};

interface Row {
  requestId: string;
  category: string;
  text: string;
  where: string;
  levelText: string;
  urgent: boolean;
  overdue: boolean;
  held: boolean;
  statusText: string;
  time: string;
  label: string;
}

function toRow(r: RequestItem, now: Date): Row {
  const category = CATEGORY_LABELS[r.category] ?? '其他';
  const levelText = LEVEL_TEXT[r.level] ?? '';
  const statusText = REQUEST_STATUS_TEXT[r.status] ?? '';
  const where = [r.grid, r.memberName ? `中心户 ${r.memberName}` : ''].filter(Boolean).join(' · ');
  const time = relativeTime(r.createdAt, now);
  return {
    requestId: r.requestId,
    category,
    text: r.text,
    where,
    levelText,
    urgent: r.urgent,
    overdue: r.overdue,
    held: r.held,
    statusText,
    time,
    label: [
      `${category}求助`,
      r.urgent ? '紧急' : '',
      r.overdue ? '已超时' : '',
      levelText,
      statusText,
      where,
      time,
      r.text,
    ]
      .filter(Boolean)
      .join('，'),
  };
}

const st = pageState(() => ({ list: new PagedList(), shown: false }));

Component({
  behaviors: [listPageBehavior({ quietRefresh: true })],

  data: {
    status: 'loading' as Status,
    errorMessage: '',
    elderly: false,
    branchId: '',
    committeeId: '',
    filter: 'open' as Filter,
    emptyText: EMPTY_TEXT.open,
    items: [] as Row[],
    hasMore: false,
    loadingMore: false,
    moreError: '',
  },

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const o = decodeQuery(query);
      const filter = FILTERS.includes(o.status as Filter) ? (o.status as Filter) : 'open';
      // A committee's list is the committee's even when a branch is named too.
      const committeeId = o.committeeId ?? '';
      this.setData({
        elderly: isElderlyMode(),
        committeeId,
        branchId: committeeId ? '' : (o.branchId ?? ''),
        filter,
        emptyText: EMPTY_TEXT[filter],
      });
      if (committeeId) {
        try {
          wx.setNavigationBarTitle({ title: '上报党委的求助' });
        } catch {
          // The title stays 求助列表.
        }
      }
      void this.loadFirst();
    },

    /** Back from handling a request: it may have left this tab. */
    onShow() {
      const s = st(this);
      if (s.shown && this.data.status === 'ready') void this.loadFirst(true);
      s.shown = true;
    },

    request(cursor?: string): ListRequestsRequest {
      const { branchId, committeeId, filter } = this.data;
      return {
        ...(committeeId ? { scope: 'committee', committeeId } : { scope: 'branch', branchId }),
        ...(filter ? { status: filter } : {}),
        ...(cursor === undefined ? {} : { cursor }),
      } as ListRequestsRequest;
    },

    async loadFirst(quiet = false) {
      if (!this.data.branchId && !this.data.committeeId) {
        this.setData({ status: 'error', errorMessage: '没有指定支部或党委，请从联户页进入' });
        return;
      }
      await st(this).list.first(
        this,
        (c) => call('liaison', 'listRequests', this.request(c)),
        toRow,
        undefined,
        { quiet },
      );
    },
    async loadMore() {
      await st(this).list.more(
        this,
        (c) => call('liaison', 'listRequests', this.request(c)),
        toRow,
      );
    },

    onFilter(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      const value = String(e.detail.value ?? '') as Filter;
      if (!FILTERS.includes(value) || value === this.data.filter) return;
      this.setData({ filter: value, emptyText: EMPTY_TEXT[value], items: [] });
      void this.loadFirst();
    },

    onOpen(e: WechatMiniprogram.BaseEvent) {
      const requestId = dataset(e, 'id');
      if (requestId) go(ROUTES.requestHandle, { requestId });
    },
  },
});
