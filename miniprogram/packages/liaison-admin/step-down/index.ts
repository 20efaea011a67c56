/**
 * 卸任中心户 (`?householdId=&branchId=`): managers from 中心户管理's 「卸任/转交」 or a
 * household's page, and the member themselves from their household's page (`&from=member`)
 * while residents are linked. The central household steps down and hands its linked resident
 * households (and their open requests) to another central household of the branch.
 *
 * For the member (`from=member`) the page speaks to them (「您联系的 n 户」), an empty branch
 * says to ask the secretary (only managers may designate, so no 设立中心户), and when done
 * 返回联户 opens the 联户 tab (closing the pages above it: their household page would show a
 * household no longer theirs) — never the managers' 中心户管理, which would refuse them.
 *
 * One call on open: `liaison.listHouseholds` (20 a page, more at the bottom). The household
 * stepping down is found in it (its member, how many residents it links) and left out of the
 * choices; each other household says how many more it can link under the committee's maximum
 * (`maxResidents - residentCount`), and one without room for all of them cannot be chosen.
 * `&memberName=&residentCount=` (sent by 中心户管理) stand in while the household is not on the
 * pages loaded yet; the list's own figures win.
 *
 * 下一步 → a confirm step on the page (no pop-up) saying what happens → 确认 sends
 * `stepDown { householdId, toHouseholdId }`, or `{ householdId }` when it links nobody (then
 * there is nothing to choose: the page opens on the confirm step). The result stays on the
 * page; for managers 返回 goes back to the page they came from (中心户管理 refreshes itself
 * when shown again), or opens 中心户管理 when there is none.
 * `FULL` (the target filled up meanwhile) or a refused target go back to the choice, with the
 * reason under it and the counts loaded afresh; other errors stay on the confirm step.
 */
import type { HouseholdItem, ListHouseholdsResponse, Result } from '../../../../typings/api';
import { call } from '../../../services/call';
import { isElderlyMode } from '../../../utils/elderly';
import { listPageBehavior } from '../../../utils/list-page';
import { ROUTES, dataset, decodeQuery, go, replace } from '../../../utils/nav';
import { fieldErrors, pageState, toast } from '../../../utils/page';
import { PagedList } from '../../../utils/paged-list';

type Status = 'loading' | 'error' | 'empty' | 'ready';
type View = 'choose' | 'confirm' | 'done';

interface Target {
  householdId: string;
  memberName: string;
  grid: string;
  residentCount: number;
  countText: string;
  /** How many more resident households it may link; never below 0. */
  room: number;
  roomText: string;
  /** No room for all the residents moving. */
  disabled: boolean;
  label: string;
}

interface Source {
  memberName: string;
  grid: string;
  /** null: not known yet (not on the pages loaded, and not in the query). */
  residentCount: number | null;
  openRequests: number;
}

/** A choice, given how many residents move (`need`, null when unknown) and the maximum. */
function toTarget(
  h: Pick<HouseholdItem, 'householdId' | 'memberName' | 'grid' | 'residentCount'>,
  need: number | null,
  max: number,
): Target {
  const room = Math.max(0, max - h.residentCount);
  const disabled = need !== null && room < need;
  const countText = `联系户 ${h.residentCount}/${max}`;
  const roomText = room > 0 ? `还能联系 ${room} 户` : '已满';
  return {
    householdId: h.householdId,
    memberName: h.memberName,
    grid: h.grid,
    residentCount: h.residentCount,
    countText,
    room,
    roomText,
    disabled,
    label: [h.memberName, h.grid, countText, roomText, disabled ? '容纳不下，不能选' : '']
      .filter(Boolean)
      .join('，'),
  };
}

interface PageState {
  list: PagedList;
  max: number;
  /** The source was seen in a listHouseholds answer (its figures are current). */
  found: boolean;
}
const st = pageState<PageState>(() => ({ list: new PagedList(), max: 10, found: false }));

function toCount(v: string | undefined): number | null {
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : null;
}

Component({
  behaviors: [listPageBehavior()],

  data: {
    status: 'loading' as Status,
    errorMessage: '',
    elderly: false,
    branchId: '',
    householdId: '',
    /** Opened by the household's own member (`from=member`), not by a manager. */
    member: false,
    source: { memberName: '', grid: '', residentCount: null, openRequests: 0 } as Source,
    view: 'choose' as View,
    items: [] as Target[],
    hasMore: false,
    loadingMore: false,
    moreError: '',
    picked: null as Target | null,
    choiceError: '',
    actionError: '',
    sending: false,
    confirmText: '',
    doneText: '',
  },

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const o = decodeQuery(query);
      this.setData({
        elderly: isElderlyMode(),
        branchId: o.branchId ?? '',
        householdId: o.householdId ?? '',
        member: o.from === 'member',
        source: {
          memberName: o.memberName ?? '',
          grid: '',
          residentCount: toCount(o.residentCount),
          openRequests: 0,
        },
      });
      void this.loadFirst();
    },

    /** How many residents move: null while unknown. */
    need(): number | null {
      return this.data.source.residentCount;
    },

    /**
     * One page of households: the source is taken out (and remembered), the others are the
     * choices.
     */
    async fetch(cursor?: string): Promise<Result<ListHouseholdsResponse>> {
      const res = await call('liaison', 'listHouseholds', {
        branchId: this.data.branchId,
        ...(cursor === undefined ? {} : { cursor }),
      });
      if (!res.ok) return res;
      const s = st(this);
      s.max = res.data.settings.maxResidents;
      const self = res.data.items.find((h) => h.householdId === this.data.householdId);
      if (self) {
        s.found = true;
        this.setData({
          source: {
            memberName: self.memberName,
            grid: self.grid,
            residentCount: self.residentCount,
            openRequests: self.openRequests,
          },
        });
      }
      return {
        ok: true,
        data: {
          ...res.data,
          items: res.data.items.filter((h) => h.householdId !== this.data.householdId),
        },
      };
    },

    row(h: HouseholdItem): Target {
      return toTarget(h, this.need(), st(this).max);
    },

    async loadFirst(quiet = false) {
      const { branchId, householdId } = this.data;
      if (!branchId || !householdId) {
        this.setData({
          status: 'error',
          errorMessage: this.data.member
            ? '没有指定中心户，请从我的联系户进入'
            : '没有指定中心户，请从中心户管理进入',
        });
        return;
      }
      st(this).found = false;
      const rows = await st(this).list.first(
        this,
        (c) => this.fetch(c),
        (h: HouseholdItem) => this.row(h),
        undefined,
        { quiet },
      );
      if (rows === null) return;
      this.afterPage();
    },

    async loadMore() {
      const before = this.need();
      await st(this).list.more(
        this,
        (c) => this.fetch(c),
        (h: HouseholdItem) => this.row(h),
      );
      // The source turned up on this page: the earlier choices are judged again.
      if (this.need() !== before) this.rejudge();
      this.afterPage();
    },

    /** Every choice's room against what is known now. */
    rejudge() {
      const need = this.need();
      const max = st(this).max;
      const items = this.data.items.map((t: Target) => toTarget(t, need, max));
      const picked = this.data.picked
        ? (items.find((t: Target) => t.householdId === this.data.picked?.householdId) ?? null)
        : null;
      this.setData({ items, picked: picked && !picked.disabled ? picked : null });
    },

    /** What the answers so far say about the source and the way on. */
    afterPage() {
      const s = st(this);
      const need = this.need();
      if (!s.found && !this.data.hasMore && this.data.status !== 'error') {
        // The whole branch is listed and the household is not among its active ones.
        this.setData({
          status: 'error',
          errorMessage: '没有找到这一户中心户，可能已经卸任了',
        });
        return;
      }
      if (need === 0 && this.data.view !== 'done') {
        // Nobody to hand over: nothing to choose.
        this.setData({ status: 'ready', view: 'confirm', confirmText: this.confirmText() });
      }
    },

    /** What 确认 will do, in words. */
    confirmText(): string {
      const need = this.need();
      const { source, picked } = this.data;
      const who = this.data.member ? '您' : source.memberName || '这一户中心户';
      if (need === 0)
        return `${who}没有联系户。卸任后，这一户不再是党员中心户，不再出现在中心户管理和联户看板里。`;
      if (!picked) return '';
      const to = `${picked.memberName}（${picked.grid}）`;
      const what =
        need === null
          ? '联系的群众和未办结的求助'
          : `联系的 ${need} 户群众${source.openRequests ? `和 ${source.openRequests} 件未办结的求助` : ''}`;
      const after =
        need === null
          ? ''
          : `转交后，${picked.memberName}联系 ${picked.residentCount + need}/${st(this).max} 户。`;
      return `${who}卸任党员中心户，${what}转交给${to}。${after}已绑定连心卡的居民以后联系${picked.memberName}；连心卡上印的是原中心户的信息，请重新打印。`;
    },

    onPick(e: WechatMiniprogram.BaseEvent) {
      const id = dataset(e, 'id');
      const t = this.data.items.find((x: Target) => x.householdId === id);
      if (!t) return;
      if (t.disabled) {
        this.setData({
          choiceError: `${t.memberName}${t.room ? `只能再联系 ${t.room} 户` : '已经联系满了'}，容纳不下这 ${this.need()} 户，请选另一户`,
        });
        return;
      }
      this.setData({ picked: t, choiceError: '', actionError: '' });
    },

    onNext() {
      if (!this.data.picked) {
        this.setData({ choiceError: '请选择接收联系户的中心户' });
        return;
      }
      this.setData({ view: 'confirm', actionError: '', confirmText: this.confirmText() });
    },

    onBack() {
      if (this.data.sending) return;
      this.setData({ view: 'choose', actionError: '' });
    },

    async onConfirm() {
      if (this.data.sending || this.data.view !== 'confirm') return;
      const need = this.need();
      const { householdId, picked } = this.data;
      if (need !== 0 && !picked) {
        this.setData({ view: 'choose', choiceError: '请选择接收联系户的中心户' });
        return;
      }
      this.setData({ sending: true, actionError: '' });
      const res = await call(
        'liaison',
        'stepDown',
        need === 0 || !picked
          ? { householdId }
          : { householdId, toHouseholdId: picked.householdId },
      );
      this.setData({ sending: false });
      if (res.ok) {
        toast('已卸任', 'success');
        const moved = res.data.movedResidents;
        this.setData({
          view: 'done',
          doneText:
            moved > 0
              ? `${moved} 户联系户${picked ? `已转交给${picked.memberName}` : '已转交'}。`
              : '这一户已不再是党员中心户。',
        });
        return;
      }
      const fe = fieldErrors(res.error, ['toHouseholdId']);
      if (res.error.code === 'FULL' || fe.toHouseholdId) {
        // The choice no longer works: back to it, with the counts as they are now.
        this.setData({
          view: 'choose',
          picked: null,
          choiceError: fe.toHouseholdId || res.error.message,
        });
        void this.loadFirst(true);
        return;
      }
      this.setData({ actionError: res.error.message });
    },

    onDesignate() {
      go(ROUTES.designate, { branchId: this.data.branchId });
    },

    /**
     * The member: the 联户 tab (a tab switch closes the pages above it, their household's
     * page among them). Managers: back where they came from; with nothing behind, 中心户管理.
     */
    onDone() {
      if (this.data.member) {
        go(ROUTES.liaison);
        return;
      }
      const branchId = this.data.branchId;
      wx.navigateBack({ fail: () => replace(ROUTES.liaisonHouseholds, { branchId }) });
    },
  },
});
