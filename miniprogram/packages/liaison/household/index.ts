/**
 * 我的联系户 (`?householdId=`): a central household's linked resident households. One call on
 * open, `liaison.listResidents` (20 a page, more at the bottom, pull to refresh); its first
 * page carries the household (member, address, 联系户 n / max, 服务承诺), what the caller may
 * do (`can`) and the committee's settings. A quiet refresh when shown again (a resident was
 * just added or edited).
 *
 * Rows: head of household, address, the masked phone, people, care tags (only when the
 * response has them: the linked member and the secretaries), bound WeChat users, open
 * requests. Row actions, as `can` allows (adding, editing and the card: `manage` or `reveal`,
 * i.e. the managers and the linked member, as the contract's addResident / updateResident /
 * cardImage allow): 查看号码 — a deliberate tap confirmed in a dialog
 * that says the reveal is recorded, then `revealPhone` and 拨打 (`wx.makePhoneCall`); 连心卡
 * (`cardImage`: the QR and the card code in a popup to show the resident); 编辑. Main actions:
 * 添加联系户 (off at the maximum, with the reason), 记录走访, 走访记录.
 *
 * 中心户设置 (the household's own settings, for its member and the managers; `updateHousehold`
 * with only the field changed, the answer's household replacing the header):
 * - 「向联系户公开我的手机号」: a switch only the member themselves may turn (`can.logService`
 *   is theirs alone); managers see the state, the switch off, and whose decision it is. The
 *   server refuses anyone else too.
 * - 服务承诺 (≤ 200 characters): the member and the managers.
 * - 地址 and 网格: the managers (`can.manage`).
 * - 卸任中心户: managers, and the member themselves while residents are linked, open the
 *   step-down page to choose who takes the residents (`from=member` for the member: it then
 *   returns to the 联户 tab, not to the managers' list); the member with no residents linked
 *   steps down here after a confirm step on the page.
 *
 * A caller the server refuses the list (FORBIDDEN: the mass-work member, who manages central
 * households but never sees residents) reads the server's reason with 返回, and no 重新加载:
 * asking again would be refused again.
 */
import type {
  CareTag,
  HouseholdItem,
  ListResidentsResponse,
  ResidentItem,
  UpdateHouseholdRequest,
} from '../../../../typings/api';
import { call } from '../../../services/call';
import { isElderlyMode } from '../../../utils/elderly';
import { Intents } from '../../../utils/intents';
import { listPageBehavior } from '../../../utils/list-page';
import { ROUTES, dataset, decodeQuery, go } from '../../../utils/nav';
import { pageState, stopPullDown, toast } from '../../../utils/page';
import { PagedList } from '../../../utils/paged-list';
import { CARE_TAG_LABELS, confirmModal, dialable } from '../shared';

/** `forbidden`: the server refuses this caller the list; no retry (it would be refused again). */
type Status = 'loading' | 'error' | 'forbidden' | 'empty' | 'ready';
/** Which setting is open for editing. */
type Editing = '' | 'promise' | 'place';
/** Which setting is being saved. */
type Saving = '' | 'showPhone' | 'promise' | 'place';

const PROMISE_MAX = 200;

interface Row {
  residentId: string;
  headName: string;
  address: string;
  phone: string;
  revealed: boolean;
  revealing: boolean;
  revealError: string;
  people: number;
  careTags: string[];
  boundCount: number;
  openRequests: number;
}

const toRow = (r: ResidentItem): Row => ({
  residentId: r.residentId,
  headName: r.headName,
  address: r.address,
  phone: r.phone,
  revealed: false,
  revealing: false,
  revealError: '',
  people: r.people,
  careTags: (r.careTags ?? []).map((t: CareTag) => CARE_TAG_LABELS[t] ?? t),
  boundCount: r.boundCount,
  openRequests: r.openRequests,
});

interface Header {
  memberName: string;
  address: string;
  grid: string;
  promise: string;
  countText: string;
  branchId: string;
  showPhone: boolean;
  residentCount: number;
}

interface PageState {
  list: PagedList;
  shown: boolean;
  first: ListResidentsResponse | null;
  /** Error code of the last first-page load ('' when it answered). */
  firstError: string;
  intents: Intents;
}
const st = pageState<PageState>(() => ({
  list: new PagedList(),
  shown: false,
  first: null,
  firstError: '',
  intents: new Intents(),
}));

const NO_CAN = { reveal: false, manage: false, seeCare: false, logService: false };

Component({
  behaviors: [listPageBehavior({ quietRefresh: true })],

  data: {
    status: 'loading' as Status,
    errorMessage: '',
    elderly: false,
    householdId: '',
    header: null as Header | null,
    can: NO_CAN,
    canEdit: false,
    full: false,
    fullText: '',
    items: [] as Row[],
    hasMore: false,
    loadingMore: false,
    moreError: '',
    card: null as null | { headName: string; cardCode: string; image: string },
    cardVisible: false,
    cardLoading: '',
    cardError: '',
    /** The caller is the household's own member (only they may log service). */
    owner: false,
    /** The caller may change the household's settings: its member or a manager. */
    canSettings: false,
    editing: '' as Editing,
    saving: '' as Saving,
    promiseInput: '',
    promiseMax: PROMISE_MAX,
    addressInput: '',
    gridInput: '',
    settingsError: '',
    stepConfirm: false,
    steppingDown: false,
    stepError: '',
  },

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const o = decodeQuery(query);
      this.setData({ elderly: isElderlyMode(), householdId: o.householdId ?? '' });
      void this.loadFirst();
    },

    onShow() {
      const s = st(this);
      const { status } = this.data;
      if (s.shown && status !== 'loading' && status !== 'forbidden') void this.loadFirst(true);
      s.shown = true;
    },

    onPullDownRefresh() {
      if (this.data.status === 'forbidden') {
        stopPullDown();
        return;
      }
      void this.loadFirst(this.data.status === 'ready');
    },

    fetch(cursor?: string) {
      return call('liaison', 'listResidents', {
        householdId: this.data.householdId,
        ...(cursor === undefined ? {} : { cursor }),
      }).then((res) => {
        if (cursor === undefined) {
          if (res.ok) st(this).first = res.data;
          st(this).firstError = res.ok ? '' : res.error.code;
        }
        return res;
      });
    },

    headerPatch(): Record<string, unknown> {
      const d = st(this).first;
      const h: HouseholdItem | undefined = d?.household;
      const can = d?.can ?? NO_CAN;
      const max = d?.settings?.maxResidents ?? 0;
      const count = h?.residentCount ?? 0;
      const full = !!max && count >= max;
      return {
        can,
        canEdit: can.manage || can.reveal,
        owner: can.logService,
        canSettings: can.manage || can.logService,
        full,
        fullText: full ? `已联系 ${count} 户，达到每户最多 ${max} 户的上限，不能再添加` : '',
        header: h
          ? {
              memberName: h.memberName,
              address: h.address,
              grid: h.grid,
              promise: h.promise,
              countText: max ? `联系户 ${count} / ${max}` : `联系户 ${count} 户`,
              branchId: h.branchId,
              showPhone: h.showPhone,
              residentCount: count,
            }
          : this.data.header,
      };
    },

    async loadFirst(quiet = false) {
      const s = st(this);
      const rows = await s.list.first(
        this,
        (c) => this.fetch(c),
        toRow,
        () => this.headerPatch(),
        { quiet },
      );
      if (!rows && s.firstError === 'FORBIDDEN' && this.data.status === 'error')
        this.setData({ status: 'forbidden' });
    },

    onBack() {
      wx.navigateBack({ fail: () => go(ROUTES.liaison) });
    },
    async loadMore() {
      await st(this).list.more(this, (c) => this.fetch(c), toRow);
    },

    rowIndex(e: WechatMiniprogram.BaseEvent): number {
      const id = dataset(e, 'id');
      return this.data.items.findIndex((r: Row) => r.residentId === id);
    },

    /** 查看号码: said to be recorded before anything is asked of the server. */
    async onReveal(e: WechatMiniprogram.BaseEvent) {
      const i = this.rowIndex(e);
      if (i < 0 || this.data.items[i].revealing) return;
      const sure = await confirmModal(
        '查看完整号码',
        '查看完整号码会被记录（谁、何时查看），确定查看吗？',
        '查看',
      );
      if (!sure) return;
      const row = this.data.items[i];
      this.setData({ [`items[${i}].revealing`]: true, [`items[${i}].revealError`]: '' });
      const res = await call('liaison', 'revealPhone', { residentId: row.residentId });
      if (!res.ok) {
        this.setData({
          [`items[${i}].revealing`]: false,
          [`items[${i}].revealError`]: res.error.message,
        });
        return;
      }
      this.setData({
        [`items[${i}].phone`]: res.data.phone,
        [`items[${i}].revealed`]: true,
        [`items[${i}].revealing`]: false,
      });
    },

    onCall(e: WechatMiniprogram.BaseEvent) {
      const i = this.rowIndex(e);
      const row = this.data.items[i];
      if (!row?.revealed || !dialable(row.phone)) return;
      wx.makePhoneCall({ phoneNumber: row.phone, fail: () => undefined });
    },

    async onCard(e: WechatMiniprogram.BaseEvent) {
      const i = this.rowIndex(e);
      if (i < 0 || this.data.cardLoading) return;
      const row = this.data.items[i];
      this.setData({ cardLoading: row.residentId, cardError: '' });
      const res = await call('liaison', 'cardImage', { residentId: row.residentId });
      this.setData({ cardLoading: '' });
      if (!res.ok) {
        this.setData({ cardError: `${row.headName}：${res.error.message}` });
        return;
      }
      this.setData({
        card: { headName: row.headName, cardCode: res.data.cardCode, image: res.data.image },
        cardVisible: true,
      });
    },
    onCardClose() {
      this.setData({ cardVisible: false });
    },
    onCardVisible(e: WechatMiniprogram.CustomEvent<{ visible: boolean }>) {
      if (!e.detail.visible) this.setData({ cardVisible: false });
    },

    onEdit(e: WechatMiniprogram.BaseEvent) {
      go(ROUTES.residentEdit, {
        householdId: this.data.householdId,
        residentId: dataset(e, 'id'),
      });
    },
    onAdd() {
      if (this.data.full) return;
      go(ROUTES.residentEdit, {
        householdId: this.data.householdId,
        care: this.data.can.seeCare ? '1' : '0',
      });
    },
    // ------------------------------------------------------------ 中心户设置

    /** Saves one setting; the answer's household replaces the header. */
    async saveHousehold(
      what: Exclude<Saving, ''>,
      patch: Omit<UpdateHouseholdRequest, 'householdId'>,
    ) {
      if (this.data.saving) return false;
      const s = st(this);
      const data = { householdId: this.data.householdId, ...patch };
      const key = JSON.stringify(data);
      this.setData({ saving: what, settingsError: '' });
      const res = await call('liaison', 'updateHousehold', data, { requestId: s.intents.id(key) });
      if (!res.ok) {
        this.setData({ saving: '', settingsError: res.error.message });
        return false;
      }
      s.intents.done(key);
      if (s.first) s.first = { ...s.first, household: res.data.household };
      this.setData({ saving: '', ...this.headerPatch() });
      return true;
    },

    /** Only the member decides whether residents see their phone. */
    async onShowPhone(e: WechatMiniprogram.CustomEvent<{ value: boolean }>) {
      const header = this.data.header;
      if (!this.data.owner || !header || this.data.saving) return;
      const showPhone = !!e.detail.value;
      // The switch shows the new state at once; a refusal puts it back.
      this.setData({ 'header.showPhone': showPhone });
      const saved = await this.saveHousehold('showPhone', { showPhone });
      if (saved) toast(showPhone ? '联系户能看到您的手机号了' : '已不向联系户公开手机号', 'none');
      else this.setData({ 'header.showPhone': !showPhone });
    },

    onEditPromise() {
      this.setData({
        editing: 'promise',
        promiseInput: this.data.header?.promise ?? '',
        settingsError: '',
      });
    },
    onEditPlace() {
      this.setData({
        editing: 'place',
        addressInput: this.data.header?.address ?? '',
        gridInput: this.data.header?.grid ?? '',
        settingsError: '',
      });
    },
    onCancelEdit() {
      if (this.data.saving) return;
      this.setData({ editing: '', settingsError: '' });
    },
    onSettingInput(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      const field = dataset(e, 'field');
      if (!['promiseInput', 'addressInput', 'gridInput'].includes(field)) return;
      this.setData({ [field]: String(e.detail.value ?? ''), settingsError: '' });
    },

    async onSavePromise() {
      const promise = this.data.promiseInput.trim();
      if (promise.length > PROMISE_MAX) {
        this.setData({ settingsError: `服务承诺最多 ${PROMISE_MAX} 个字` });
        return;
      }
      if (promise === (this.data.header?.promise ?? '')) {
        this.setData({ editing: '' });
        return;
      }
      if (await this.saveHousehold('promise', { promise })) {
        this.setData({ editing: '' });
        toast('已保存', 'success');
      }
    },

    async onSavePlace() {
      if (!this.data.can.manage) return;
      const address = this.data.addressInput.trim();
      const grid = this.data.gridInput.trim();
      let error = '';
      if (address.length < 2) error = '请填写地址（至少 2 个字）';
      else if (address.length > 60) error = '地址最多 60 个字';
      else if (!grid) error = '请填写网格';
      else if (grid.length > 30) error = '网格最多 30 个字';
      if (error) {
        this.setData({ settingsError: error });
        return;
      }
      const h = this.data.header;
      const patch = {
        ...(address !== h?.address ? { address } : {}),
        ...(grid !== h?.grid ? { grid } : {}),
      };
      if (!Object.keys(patch).length) {
        this.setData({ editing: '' });
        return;
      }
      if (await this.saveHousehold('place', patch)) {
        this.setData({ editing: '' });
        toast('已保存', 'success');
      }
    },

    // ------------------------------------------------------------ 卸任中心户

    /**
     * Managers, and the member while residents are linked: the step-down page, where they
     * choose who takes the residents. The name and count stand in there until the household
     * turns up in the branch's list.
     */
    onStepDownHandOver() {
      const h = this.data.header;
      go(ROUTES.stepDown, {
        householdId: this.data.householdId,
        branchId: h?.branchId ?? '',
        ...(h ? { memberName: h.memberName, residentCount: String(h.residentCount) } : {}),
        ...(this.data.can.manage ? {} : { from: 'member' }),
      });
    },
    /** The member, with no residents linked: a confirm step on the page first. */
    onAskStepDown() {
      this.setData({ stepConfirm: true, stepError: '' });
    },
    onCancelStepDown() {
      if (this.data.steppingDown) return;
      this.setData({ stepConfirm: false, stepError: '' });
    },
    async onConfirmStepDown() {
      if (this.data.steppingDown) return;
      this.setData({ steppingDown: true, stepError: '' });
      // Idempotent by itself: a stepped-down household answers the same again.
      const res = await call('liaison', 'stepDown', { householdId: this.data.householdId });
      if (!res.ok) {
        this.setData({ steppingDown: false, stepError: res.error.message });
        return;
      }
      this.setData({ steppingDown: false, stepConfirm: false });
      toast('已卸任中心户', 'success');
      this.onBack();
    },

    onVisit() {
      go(ROUTES.serviceLog, { householdId: this.data.householdId });
    },
    onRecords() {
      go(ROUTES.serviceRecords, {
        householdId: this.data.householdId,
        log: this.data.can.logService ? '1' : '0',
      });
    },
  },
});
