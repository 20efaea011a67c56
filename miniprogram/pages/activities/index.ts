/**
 * 活动 tab: the branch's activities (`activity.list`) by kind — 全部 / 主题党日 / 三会一课 /
 * 志愿服务 — and 即将开始 (soonest first) or 往期 (newest first). Each row is an
 * activity-cell: kind, title, 「明天 14:00」, place, places left or the waitlist, my state.
 * Above the list: 我的活动 and 扫码签到, and for organisers (`canCreate`) 发布活动.
 *
 * A tab page has no query; opening makes one call: for the branch remembered in
 * utils/branch-context.ts, else without `branchId` (a resident or newcomer then gets the open
 * `public` activities of every branch). A remembered branch refused (the member left or
 * moved) is asked once more without it. Pages of 20, more on reaching the bottom, pull to
 * refresh, a quiet refresh when shown again (a sign-up may have just changed).
 */
import type {
  ActivityItem,
  ActivityKind,
  ListActivitiesResponse,
  Result,
} from '../../../typings/api';
import { call } from '../../services/call';
import { currentBranch, rememberBranch } from '../../utils/branch-context';
import { KIND_TABS, activityRow } from '../../utils/activity';
import { isElderlyMode } from '../../utils/elderly';
import { listPageBehavior } from '../../utils/list-page';
import { ROUTES, go, syncTabBar } from '../../utils/nav';
import { PagedList } from '../../utils/paged-list';
import { pageState } from '../../utils/page';

type Status = 'loading' | 'error' | 'empty' | 'ready';
type When = 'upcoming' | 'past';

interface PageState {
  list: PagedList;
  shown: boolean;
  canCreate: boolean;
  lastError: string;
  /** The branch listed: the remembered one, or '' (the server's choice: public / own). */
  branchId: string;
}
const st = pageState<PageState>(() => ({
  list: new PagedList(),
  shown: false,
  canCreate: false,
  lastError: '',
  branchId: '',
}));

const toRow = (a: ActivityItem, now: Date) => activityRow(a, now);

Component({
  behaviors: [listPageBehavior({ quietRefresh: true })],

  data: {
    status: 'loading' as Status,
    errorMessage: '',
    elderly: false,
    kinds: KIND_TABS,
    kind: '' as '' | ActivityKind,
    when: 'upcoming' as When,
    branchId: '',
    canCreate: false,
    items: [] as ReturnType<typeof activityRow>[],
    hasMore: false,
    loadingMore: false,
    moreError: '',
  },

  methods: {
    onLoad() {
      this.setData({ elderly: isElderlyMode() });
      void this.loadFirst();
    },

    onShow() {
      syncTabBar(this, 'activities');
      const s = st(this);
      if (s.shown && this.data.status === 'ready') void this.loadFirst(true);
      s.shown = true;
    },

    fetchPage(branchId: string, cursor?: string): Promise<Result<ListActivitiesResponse>> {
      const s = st(this);
      const { kind, when } = this.data;
      return call('activity', 'list', {
        ...(branchId ? { branchId } : {}),
        ...(kind ? { kind } : {}),
        when,
        ...(cursor ? { cursor } : {}),
      }).then((res) => {
        if (res.ok) {
          s.canCreate = res.data.canCreate;
          // Listed without a remembered branch: the server names the one it chose.
          if (res.data.branchId) s.branchId = res.data.branchId;
        }
        s.lastError = res.ok ? '' : res.error.code;
        return res;
      });
    },

    /** `retried`: the remembered branch was refused once already (never a third ask). */
    async loadFirst(quiet = false, retried = false) {
      const s = st(this);
      const branchId = retried ? '' : (currentBranch()?.branchId ?? '');
      s.branchId = branchId;
      const rows = await s.list.first(
        this,
        (c) => this.fetchPage(branchId, c),
        toRow,
        () => ({ canCreate: s.canCreate, branchId: s.branchId }),
        { quiet },
      );
      if (rows) return;
      if (branchId && !retried && (s.lastError === 'FORBIDDEN' || s.lastError === 'NOT_FOUND')) {
        // Left or moved: forget the branch (the tab bar drops 学习) and list what is open.
        rememberBranch(null);
        syncTabBar(this, 'activities');
        await this.loadFirst(false, true);
      }
    },

    async loadMore() {
      const s = st(this);
      await s.list.more(this, (c) => this.fetchPage(s.branchId, c), toRow);
    },

    onKind(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      const v = String(e.detail.value ?? '');
      const kind = (KIND_TABS.some((k) => k.value === v) ? v : '') as '' | ActivityKind;
      if (kind === this.data.kind) return;
      this.setData({ kind });
      void this.loadFirst();
    },
    onUpcoming() {
      this.setWhen('upcoming');
    },
    onPast() {
      this.setWhen('past');
    },
    setWhen(when: When) {
      if (when === this.data.when) return;
      this.setData({ when });
      void this.loadFirst();
    },

    onOpen(e: WechatMiniprogram.CustomEvent<{ activityId: string }>) {
      go(ROUTES.activityDetail, { id: e.detail.activityId });
    },
    onMine() {
      go(ROUTES.myActivities);
    },
    onScan() {
      go(ROUTES.activityScan);
    },
    onCreate() {
      const branchId = this.data.branchId;
      go(ROUTES.activityEdit, branchId ? { branchId } : {});
    },
    onEmptyAction() {
      if (this.data.canCreate) this.onCreate();
      else if (this.data.when === 'upcoming') this.onPast();
    },
  },
});
