/**
 * 组织架构 (members of the committee, `?committeeId=`). One call on open (`branch.tree`):
 * 党委 → 党总支 → 党支部 → 党小组 as indented rows with the grid area (网格) and member
 * counts. 20 rows at a time (显示更多 appends the next 20 by data path); pull to refresh.
 * A 党总支 shows how many branches it has, its branches nested under it. Committee admins
 * (`tree.canManage`) get 新建支部 / 党总支 (create-branch), 编辑 on each branch and general
 * branch (edit-branch), 新建支部 on a general branch (create-branch with it as the parent)
 * and 指定书记 on a branch without a secretary (appoint-secretary); coming back from those
 * reloads quietly.
 */
import { call } from '../../services/call';
import { isElderlyMode } from '../../utils/elderly';
import { ROUTES, dataset, decodeQuery, go } from '../../utils/nav';
import { flattenTree, type OrgRow } from '../../utils/org';
import { stopPullDown } from '../../utils/page';

type Status = 'loading' | 'error' | 'ready';

const PAGE = 20;

interface PageState {
  loading: boolean;
  rows: OrgRow[];
  /** Left for a page that may change the tree: reload when shown again. */
  stale: boolean;
}
const state = new WeakMap<object, PageState>();
function st(page: object): PageState {
  let s = state.get(page);
  if (!s) state.set(page, (s = { loading: false, rows: [], stale: false }));
  return s;
}

Component({
  data: {
    status: 'loading' as Status,
    errorMessage: '',
    elderly: false,
    committeeId: '',
    rows: [] as OrgRow[],
    total: 0,
    hasMore: false,
    canManage: false,
  },

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const options = decodeQuery(query);
      this.setData({ elderly: isElderlyMode(), committeeId: options.committeeId ?? '' });
      void this.load();
    },

    async load() {
      const s = st(this);
      if (s.loading) return;
      s.loading = true;
      if (this.data.status !== 'ready') this.setData({ status: 'loading', errorMessage: '' });
      const { committeeId } = this.data;
      const res = await call('branch', 'tree', committeeId ? { committeeId } : undefined);
      s.loading = false;
      stopPullDown();
      if (!res.ok) {
        this.setData({ status: 'error', errorMessage: res.error.message });
        return;
      }
      s.rows = flattenTree(res.data.root);
      this.setData({
        status: 'ready',
        committeeId: committeeId || res.data.root.id,
        canManage: res.data.canManage === true,
        rows: s.rows.slice(0, PAGE),
        total: s.rows.length,
        hasMore: s.rows.length > PAGE,
      });
    },

    onShow() {
      const s = st(this);
      if (!s.stale) return;
      s.stale = false;
      void this.load();
    },

    onRetry() {
      void this.load();
    },

    onEdit(e: { currentTarget?: { dataset?: Record<string, unknown> } }) {
      st(this).stale = true;
      go(ROUTES.editBranch, { branchId: dataset(e, 'id'), committeeId: this.data.committeeId });
    },
    onAppoint(e: { currentTarget?: { dataset?: Record<string, unknown> } }) {
      st(this).stale = true;
      go(ROUTES.appointSecretary, {
        branchId: dataset(e, 'id'),
        committeeId: this.data.committeeId,
      });
    },
    onCreate() {
      st(this).stale = true;
      go(ROUTES.createBranch, { committeeId: this.data.committeeId });
    },
    /** 新建支部 on a 党总支: the form opens with it as the parent. */
    onCreateUnder(e: { currentTarget?: { dataset?: Record<string, unknown> } }) {
      st(this).stale = true;
      go(ROUTES.createBranch, { committeeId: this.data.committeeId, parentId: dataset(e, 'id') });
    },
    onPullDownRefresh() {
      void this.load();
    },
    onReachBottom() {
      this.showMore();
    },
    onMore() {
      this.showMore();
    },

    showMore() {
      const s = st(this);
      const start = this.data.rows.length;
      if (start >= s.rows.length) return;
      const patch: Record<string, unknown> = {};
      s.rows.slice(start, start + PAGE).forEach((r, i) => (patch[`rows[${start + i}]`] = r));
      patch.hasMore = start + PAGE < s.rows.length;
      this.setData(patch);
    },
  },
});
