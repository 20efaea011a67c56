/**
 * 联户 tab (UX.md): for a party member central household (党员中心户), my household card(s) —
 * address, grid, 联系户 n / max (「还需联系 x 户」 below the norm), how many are bound — and
 * the open requests of my households, oldest first (紧急 / 超时 / 已上报 tags; a tap opens the
 * request to handle it); 我的联系户 and 记录走访 per household. For secretaries, deputies and
 * mass-work members (`manages`), a 管理 group per branch: 中心户管理, 联户看板, and for those who
 * may see residents (`canSeeResidents`: secretaries, deputies; the branch's requests name the
 * resident households) 求助列表. For committee secretaries (`committees`), a 社区党委 group:
 * 上报党委的求助. Members who are none of these read whom to ask.
 *
 * A tab page has no query; one call on open (`liaison.myHouseholds`), pull to refresh, a
 * quiet refresh when shown again (a request may have been handled meanwhile). Kept small: it
 * lives in the main package; the tools are in `packages/liaison/` and `packages/liaison-admin/`.
 */
import type { HouseholdItem, MyHouseholdsResponse, RequestItem } from '../../../typings/api';
import { call } from '../../services/call';
import { currentBranch, rememberBranch } from '../../utils/branch-context';
import { isElderlyMode } from '../../utils/elderly';
import { relativeTime } from '../../utils/format';
import { ROUTES, dataset, go, syncTabBar } from '../../utils/nav';
import { CATEGORY_LABELS } from '../../utils/liaison-words';
import { pageState, stopPullDown } from '../../utils/page';

type Status = 'loading' | 'error' | 'empty' | 'ready';

interface HouseholdRow {
  householdId: string;
  address: string;
  grid: string;
  countText: string;
  needText: string;
  boundText: string;
}

interface RequestRow {
  requestId: string;
  category: string;
  text: string;
  who: string;
  when: string;
  urgent: boolean;
  overdue: boolean;
  accepted: boolean;
  levelText: string;
}

function householdRow(h: HouseholdItem, s: MyHouseholdsResponse['settings']): HouseholdRow {
  const need = s ? Math.max(0, s.minResidents - h.residentCount) : 0;
  return {
    householdId: h.householdId,
    address: h.address,
    grid: h.grid,
    countText: s ? `联系户 ${h.residentCount} / ${s.maxResidents}` : `联系户 ${h.residentCount} 户`,
    needText: !h.needsMore ? '' : need > 0 ? `还需联系 ${need} 户` : '还需联系更多住户',
    boundText: `已绑定微信 ${h.boundCount} 户`,
  };
}

function requestRow(r: RequestItem, now: Date): RequestRow {
  return {
    requestId: r.requestId,
    category: CATEGORY_LABELS[r.category] ?? '其他',
    text: r.text,
    who: r.resident?.headName ?? '',
    when: relativeTime(r.createdAt, now),
    urgent: r.urgent,
    overdue: r.overdue,
    accepted: r.status === 'accepted',
    levelText: r.level === 2 ? '已上报社区党委' : r.level === 1 ? '已上报支部书记' : '',
  };
}

const st = pageState(() => ({ shown: false, generation: 0 }));

Component({
  data: {
    status: 'loading' as Status,
    errorMessage: '',
    elderly: false,
    households: [] as HouseholdRow[],
    requests: [] as RequestRow[],
    manages: [] as MyHouseholdsResponse['manages'],
    committees: [] as MyHouseholdsResponse['committees'],
  },

  methods: {
    onLoad() {
      this.setData({ elderly: isElderlyMode() });
      void this.load();
    },

    onShow() {
      syncTabBar(this, 'liaison');
      const s = st(this);
      if (s.shown && this.data.status === 'ready') void this.load(true);
      s.shown = true;
    },

    onPullDownRefresh() {
      void this.load(this.data.status === 'ready');
    },

    onRetry() {
      void this.load();
    },

    /** `quiet`: keep what is on screen while refreshing, and when the refresh fails. */
    async load(quiet = false) {
      const s = st(this);
      const gen = ++s.generation;
      if (!quiet) this.setData({ status: 'loading', errorMessage: '' });
      const res = await call('liaison', 'myHouseholds', {});
      if (gen !== s.generation) return;
      stopPullDown();
      if (!res.ok) {
        if (!quiet) this.setData({ status: 'error', errorMessage: res.error.message });
        return;
      }
      const d = res.data;
      // Opened first (a shared link, a notification) the app has no branch remembered yet: keep
      // the tab bar's member tabs in step with what the server says.
      if (d.branch && !currentBranch()) {
        rememberBranch({ ...d.branch });
        syncTabBar(this, 'liaison');
      }
      const now = new Date();
      const households = d.households.map((h) => householdRow(h, d.settings));
      const manages = d.manages.map((m) => ({ ...m, canSeeResidents: m.canSeeResidents === true }));
      const committees = d.committees ?? [];
      this.setData({
        status: households.length || manages.length || committees.length ? 'ready' : 'empty',
        households,
        requests: d.requests.map((r) => requestRow(r, now)),
        manages,
        committees,
      });
    },

    onRequest(e: WechatMiniprogram.BaseEvent) {
      go(ROUTES.requestHandle, { requestId: dataset(e, 'id') });
    },
    onHousehold(e: WechatMiniprogram.BaseEvent) {
      go(ROUTES.household, { householdId: dataset(e, 'id') });
    },
    onVisit(e: WechatMiniprogram.BaseEvent) {
      go(ROUTES.serviceLog, { householdId: dataset(e, 'id') });
    },
    onManage(e: WechatMiniprogram.BaseEvent) {
      go(ROUTES.liaisonHouseholds, { branchId: dataset(e, 'id') });
    },
    onDashboard(e: WechatMiniprogram.BaseEvent) {
      go(ROUTES.liaisonDashboard, { branchId: dataset(e, 'id') });
    },
    onBranchRequests(e: WechatMiniprogram.BaseEvent) {
      go(ROUTES.liaisonRequests, { branchId: dataset(e, 'id') });
    },
    onCommitteeRequests(e: WechatMiniprogram.BaseEvent) {
      go(ROUTES.liaisonRequests, { committeeId: dataset(e, 'id') });
    },
  },
});
