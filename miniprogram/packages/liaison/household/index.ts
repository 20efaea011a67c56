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
 */
import type {
  CareTag,
  HouseholdItem,
  ListResidentsResponse,
  ResidentItem,
} from '../../../../typings/api';
import { call } from '../../../services/call';
import { isElderlyMode } from '../../../utils/elderly';
import { listPageBehavior } from '../../../utils/list-page';
import { ROUTES, dataset, decodeQuery, go } from '../../../utils/nav';
import { pageState } from '../../../utils/page';
import { PagedList } from '../../../utils/paged-list';
import { CARE_TAG_LABELS, confirmModal, dialable } from '../shared';

type Status = 'loading' | 'error' | 'empty' | 'ready';

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
}

interface PageState {
  list: PagedList;
  shown: boolean;
  first: ListResidentsResponse | null;
}
const st = pageState<PageState>(() => ({ list: new PagedList(), shown: false, first: null }));

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
  },

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const o = decodeQuery(query);
      this.setData({ elderly: isElderlyMode(), householdId: o.householdId ?? '' });
      void this.loadFirst();
    },

    onShow() {
      const s = st(this);
      if (s.shown && this.data.status !== 'loading') void this.loadFirst(true);
      s.shown = true;
    },

    fetch(cursor?: string) {
      return call('liaison', 'listResidents', {
        householdId: this.data.householdId,
        ...(cursor === undefined ? {} : { cursor }),
      }).then((res) => {
        if (res.ok && cursor === undefined) st(this).first = res.data;
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
        full,
        fullText: full ? `已联系 ${count} 户，达到每户最多 ${max} 户的上限，不能再添加` : '',
        header: h
          ? {
              memberName: h.memberName,
              address: h.address,
              grid: h.grid,
              promise: h.promise,
              countText: max ? `联系户 ${count} / ${max}` : `联系户 ${count} 户`,
            }
          : this.data.header,
      };
    },

    async loadFirst(quiet = false) {
      await st(this).list.first(
        this,
        (c) => this.fetch(c),
        toRow,
        () => this.headerPatch(),
        { quiet },
      );
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
