/**
 * 中心户管理 of a branch (secretary, deputy, mass work; `?branchId=`). One call on open:
 * `liaison.listHouseholds` — the branch's central households by grid, 20 a page, more at the
 * bottom, pull to refresh; the grids it answers make the filter (全部 + each grid, which loads
 * its own list). A row: the member, grid, address, linked households n / max, 还需联系 when
 * below the norm, bound households and open requests; tap → the household page (its resident
 * list); 「卸任/转交」 → the step-down page (hands its residents to another household).
 *
 * Tools: 设立中心户, 导入联系户, 导出名单 and 打印连心卡 (for the grid shown, else the branch),
 * 联户看板, 求助列表. The mass-work member (`canSeeResidents: false`) manages households but
 * never sees residents: rows do not open the resident list and the resident tools (导入, 导出,
 * 连心卡) are not shown; until the answer says otherwise they stay hidden. Coming back from a
 * tool refreshes the list quietly.
 */
import type { HouseholdItem, LiaisonSettings } from '../../../../typings/api';
import { call } from '../../../services/call';
import { isElderlyMode } from '../../../utils/elderly';
import { listPageBehavior } from '../../../utils/list-page';
import { ROUTES, dataset, decodeQuery, go } from '../../../utils/nav';
import { pageState } from '../../../utils/page';
import { PagedList } from '../../../utils/paged-list';

type Status = 'loading' | 'error' | 'empty' | 'ready';

interface Row {
  householdId: string;
  memberName: string;
  grid: string;
  address: string;
  countText: string;
  needsMore: boolean;
  residentCount: number;
  boundText: string;
  openRequests: number;
  label: string;
}

function toRow(h: HouseholdItem, max: number): Row {
  const countText = `联系户 ${h.residentCount}/${max}`;
  const boundText = `已绑定 ${h.boundCount} 户`;
  return {
    householdId: h.householdId,
    memberName: h.memberName,
    grid: h.grid,
    address: h.address,
    countText,
    needsMore: h.needsMore,
    residentCount: h.residentCount,
    boundText,
    openRequests: h.openRequests,
    label: [
      h.memberName,
      h.grid,
      countText,
      h.needsMore ? '还需联系' : '',
      boundText,
      h.openRequests ? `未办结求助 ${h.openRequests} 件` : '',
    ]
      .filter(Boolean)
      .join('，'),
  };
}

interface PageState {
  list: PagedList;
  settings: LiaisonSettings | null;
  grids: string[];
  shown: boolean;
}
const st = pageState<PageState>(() => ({
  list: new PagedList(),
  settings: null,
  grids: [],
  shown: false,
}));

Component({
  behaviors: [listPageBehavior({ quietRefresh: true })],

  data: {
    status: 'loading' as Status,
    errorMessage: '',
    elderly: false,
    branchId: '',
    /** '' = every grid. */
    grid: '',
    grids: [] as string[],
    normText: '',
    /** Secretaries and deputies: resident lists and tools; the mass-work member: not. */
    canSeeResidents: false,
    items: [] as Row[],
    hasMore: false,
    loadingMore: false,
    moreError: '',
  },

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const o = decodeQuery(query);
      this.setData({ elderly: isElderlyMode(), branchId: o.branchId ?? '', grid: o.grid ?? '' });
      void this.loadFirst();
    },

    /** Back from designating, importing …: the counts may have changed. */
    onShow() {
      const s = st(this);
      if (!s.shown) {
        s.shown = true;
        return;
      }
      void this.loadFirst(true);
    },

    fetch(cursor?: string) {
      const s = st(this);
      const { branchId, grid } = this.data;
      return call('liaison', 'listHouseholds', {
        branchId,
        ...(grid ? { grid } : {}),
        ...(cursor === undefined ? {} : { cursor }),
      }).then((res) => {
        if (res.ok) {
          s.settings = res.data.settings;
          this.setData({ canSeeResidents: res.data.canSeeResidents === true });
          // The grids of the whole branch come with every page; keep the last known ones.
          if (res.data.grids.length || !s.grids.length) s.grids = res.data.grids;
        }
        return res;
      });
    },

    row(h: HouseholdItem): Row {
      return toRow(h, st(this).settings?.maxResidents ?? 10);
    },

    headerPatch() {
      const s = st(this);
      const grids = [...s.grids];
      // A grid asked for in the query stays choosable even before the answer names it.
      if (this.data.grid && !grids.includes(this.data.grid)) grids.push(this.data.grid);
      return {
        grids,
        normText: s.settings
          ? `每户中心户联系 ${s.settings.minResidents}–${s.settings.maxResidents} 户群众，少于 ${s.settings.minResidents} 户显示“还需联系”`
          : '',
      };
    },

    async loadFirst(quiet = false) {
      await st(this).list.first(
        this,
        (c) => this.fetch(c),
        (h: HouseholdItem) => this.row(h),
        () => this.headerPatch(),
        { quiet },
      );
      if (this.data.status === 'error' || this.data.status === 'empty') {
        this.setData(this.headerPatch());
      }
    },
    async loadMore() {
      await st(this).list.more(
        this,
        (c) => this.fetch(c),
        (h: HouseholdItem) => this.row(h),
      );
    },

    onGrid(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      const grid = String(e.detail.value ?? '');
      if (grid === this.data.grid) return;
      this.setData({ grid, items: [] });
      void this.loadFirst();
    },

    onOpen(e: WechatMiniprogram.BaseEvent) {
      // The household page is its resident list: not for the mass-work member.
      if (!this.data.canSeeResidents) return;
      const householdId = dataset(e, 'id');
      if (householdId) go(ROUTES.household, { householdId });
    },

    /** The member's name and count go along while the step-down page has not listed them. */
    onStepDown(e: WechatMiniprogram.BaseEvent) {
      const householdId = dataset(e, 'id');
      const h = this.data.items.find((r: Row) => r.householdId === householdId);
      if (!h) return;
      go(ROUTES.stepDown, {
        householdId,
        branchId: this.data.branchId,
        memberName: h.memberName,
        residentCount: String(h.residentCount),
      });
    },

    /** The branch, and the grid when one is chosen. */
    scope(): Record<string, string> {
      const { branchId, grid } = this.data;
      return grid ? { branchId, grid } : { branchId };
    },
    onDesignate() {
      go(ROUTES.designate, { branchId: this.data.branchId });
    },
    onImport() {
      go(ROUTES.residentsImport, { branchId: this.data.branchId });
    },
    onExport() {
      go(ROUTES.residentsExport, this.scope());
    },
    onCards() {
      go(ROUTES.cardSheet, this.scope());
    },
    onDashboard() {
      go(ROUTES.liaisonDashboard, { branchId: this.data.branchId });
    },
    onRequests() {
      go(ROUTES.liaisonRequests, { branchId: this.data.branchId });
    },
  },
});
