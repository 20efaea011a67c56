/**
 * 党员通讯录 of one branch (`?branchId=`). One call on open (`branch.listMembers`), 20 per
 * page by name; more on reaching the bottom (`nextCursor`), pull to refresh, search by name
 * (a new first page). Phones are shown exactly as the server sends them: masked
 * (`138****1234`) unless the caller is a secretary. Tapping a member opens their card.
 */
import type { MemberItem } from '../../../typings/api';
import { call } from '../../services/call';
import { isElderlyMode } from '../../utils/elderly';
import { go, ROUTES } from '../../utils/nav';
import { stopPullDown } from '../../utils/page';
import { roleLabel } from '../../utils/roles';

type Status = 'loading' | 'error' | 'empty' | 'ready';

interface Row {
  openid: string;
  name: string;
  roleText: string;
  groupText: string;
  phone: string;
}

function toRow(m: MemberItem): Row {
  return {
    openid: m.openid,
    name: m.name,
    roleText: roleLabel(m.role),
    groupText: m.partyGroupName ?? '',
    phone: m.phone ?? '',
  };
}

interface PageState {
  /** Bumped by every new first-page load, so a stale answer is dropped. */
  generation: number;
  loadingMore: boolean;
  cursor: string | null;
}
const state = new WeakMap<object, PageState>();
function st(page: object): PageState {
  let s = state.get(page);
  if (!s) state.set(page, (s = { generation: 0, loadingMore: false, cursor: null }));
  return s;
}

Component({
  data: {
    status: 'loading' as Status,
    errorMessage: '',
    elderly: false,
    branchId: '',
    /** What the search box holds; `keyword` is what the list shows. */
    input: '',
    keyword: '',
    emptyText: '支部还没有成员',
    items: [] as Row[],
    hasMore: false,
    loadingMore: false,
    moreError: '',
  },

  methods: {
    onLoad(options: Record<string, string | undefined>) {
      this.setData({ elderly: isElderlyMode(), branchId: options.branchId ?? '' });
      void this.loadFirst();
    },

    /** First page for the current keyword; a newer search supersedes an older one. */
    async loadFirst() {
      const s = st(this);
      const gen = ++s.generation;
      s.loadingMore = false;
      const keyword = this.data.keyword;
      this.setData({ status: 'loading', errorMessage: '', moreError: '', loadingMore: false });
      const res = await call('branch', 'listMembers', {
        branchId: this.data.branchId,
        ...(keyword ? { keyword } : {}),
      });
      if (gen !== s.generation) return;
      stopPullDown();
      if (!res.ok) {
        this.setData({ status: 'error', errorMessage: res.error.message });
        return;
      }
      s.cursor = res.data.nextCursor;
      const items = res.data.items.map(toRow);
      this.setData({
        status: items.length ? 'ready' : 'empty',
        emptyText: keyword ? `没有找到姓名含「${keyword}」的党员` : '支部还没有成员',
        items,
        hasMore: !!s.cursor,
      });
    },

    async loadMore() {
      const s = st(this);
      if (s.loadingMore || !s.cursor || this.data.status !== 'ready') return;
      s.loadingMore = true;
      const gen = s.generation;
      const keyword = this.data.keyword;
      this.setData({ loadingMore: true, moreError: '' });
      const res = await call('branch', 'listMembers', {
        branchId: this.data.branchId,
        cursor: s.cursor,
        ...(keyword ? { keyword } : {}),
      });
      if (gen !== s.generation) return;
      s.loadingMore = false;
      if (!res.ok) {
        this.setData({ loadingMore: false, moreError: res.error.message });
        return;
      }
      s.cursor = res.data.nextCursor;
      // Append by path: only the new page (≤ 20 rows) crosses to the render layer.
      const start = this.data.items.length;
      const patch: Record<string, unknown> = { loadingMore: false, hasMore: !!s.cursor };
      res.data.items.forEach((m, i) => (patch[`items[${start + i}]`] = toRow(m)));
      this.setData(patch);
    },

    onRetry() {
      void this.loadFirst();
    },
    onPullDownRefresh() {
      void this.loadFirst();
    },
    onReachBottom() {
      void this.loadMore();
    },
    onMoreRetry() {
      void this.loadMore();
    },

    onSearchInput(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      const input = String(e.detail.value ?? '');
      this.setData({ input });
      // Clearing the box goes back to the whole list.
      if (!input.trim() && this.data.keyword) this.search('');
    },
    onSearchSubmit(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      const value =
        e.detail && typeof e.detail.value === 'string' ? e.detail.value : this.data.input;
      this.search(value.trim().slice(0, 20));
    },
    onSearchClear() {
      this.setData({ input: '' });
      if (this.data.keyword) this.search('');
    },
    search(keyword: string) {
      this.setData({ keyword });
      void this.loadFirst();
    },

    onOpen(e: WechatMiniprogram.CustomEvent<{ openid: string }>) {
      go(ROUTES.memberCard, { branchId: this.data.branchId, openid: e.detail.openid });
    },
  },
});
