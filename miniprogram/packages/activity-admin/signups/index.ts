/**
 * 报名名单 of a volunteer activity (organisers; `?activityId=`). One call on open:
 * `activity.listSignups` — the counts (已确认 x / 名额 y, 候补 z) and the sign-ups in queue
 * order, 20 a page, more at the bottom, pull to refresh. Tabs 报名中 / 已取消 load their own
 * list (`status: 'cancelled'`, newest first); a cancellation after the deadline is flagged
 * 截止后取消. Rows: name, masked phone (secretaries reveal one on purpose — recorded — and may
 * call it),
 * who (党员 / 双报到 / 居民), status (已确认 / 候补第 n 位 / 已取消), check-in and check-out.
 *
 * Actions: 现场签到码 → the live QR; 导出名单 → `activity.exportSignups`, then the file is
 * downloaded and opened (wx.downloadFile + wx.openDocument), with 复制下载链接 as the way when
 * opening fails; 核定时长 → hours.
 */
import type { ListSignupsResponse, SignupItem } from '../../../../typings/api';
import { call } from '../../../services/call';
import { isElderlyMode } from '../../../utils/elderly';
import { Intents } from '../../../utils/intents';
import { listPageBehavior } from '../../../utils/list-page';
import { ROUTES, decodeQuery, go } from '../../../utils/nav';
import { pageState, toast } from '../../../utils/page';
import { PagedList } from '../../../utils/paged-list';
import { exportFileBehavior, openExportFile, showExportFile } from '../../../utils/export-file';
import { WHO_LABEL, clockText, whenText } from '../shared';

type Status = 'loading' | 'error' | 'empty' | 'ready';
type Tab = 'active' | 'cancelled';

interface Row {
  signupId: string;
  name: string;
  phone: string;
  /** The list's phones are masked; a full one is shown only after `revealPhone`. */
  revealed: boolean;
  revealError: string;
  who: string;
  status: SignupItem['status'];
  statusText: string;
  statusTheme: 'success' | 'warning' | 'default';
  late: boolean;
  meta: string;
  attendance: string;
}

function toRow(s: SignupItem, now: Date): Row {
  const statusText =
    s.status === 'confirmed'
      ? '已确认'
      : s.status === 'waitlisted'
        ? `候补第 ${s.position ?? '?'} 位`
        : '已取消';
  const checks = [
    s.checkedInAt ? `签到 ${clockText(s.checkedInAt)}` : '',
    s.checkedOutAt ? `签退 ${clockText(s.checkedOutAt)}` : '',
  ].filter(Boolean);
  return {
    signupId: s.signupId,
    name: s.name,
    phone: s.phone ?? '',
    revealed: false,
    revealError: '',
    who: WHO_LABEL[s.who] ?? '',
    status: s.status,
    statusText,
    statusTheme:
      s.status === 'confirmed' ? 'success' : s.status === 'waitlisted' ? 'warning' : 'default',
    late: s.status === 'cancelled' && s.lateCancel,
    meta:
      s.status === 'cancelled' && s.cancelledAt
        ? `${whenText(s.cancelledAt, now)} 取消`
        : `${whenText(s.signedUpAt, now)} 报名`,
    attendance: checks.join(' · '),
  };
}

interface PageState {
  list: PagedList;
  intents: Intents;
  counts: Pick<
    ListSignupsResponse,
    'capacity' | 'confirmedCount' | 'waitlistCount' | 'canRevealPhones'
  > | null;
}
const st = pageState<PageState>(() => ({
  list: new PagedList(),
  intents: new Intents(),
  counts: null,
}));

Component({
  behaviors: [listPageBehavior(), exportFileBehavior],

  data: {
    status: 'loading' as Status,
    errorMessage: '',
    elderly: false,
    activityId: '',
    tab: 'active' as Tab,
    canReveal: false,
    countsText: '',
    waitlistText: '',
    items: [] as Row[],
    hasMore: false,
    loadingMore: false,
    moreError: '',
    exporting: false,
    exportError: '',
    file: null as null | { fileName: string; rows: number; url: string },
    opening: false,
    fileMessage: '',
  },

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const o = decodeQuery(query);
      this.setData({ elderly: isElderlyMode(), activityId: o.activityId ?? '' });
      void this.loadFirst();
    },

    fetch(cursor?: string) {
      const s = st(this);
      const tab = this.data.tab;
      return call('activity', 'listSignups', {
        activityId: this.data.activityId,
        ...(tab === 'cancelled' ? { status: 'cancelled' as const } : {}),
        ...(cursor === undefined ? {} : { cursor }),
      }).then((res) => {
        // The counts come with every page; the header shows the latest.
        if (res.ok) s.counts = res.data;
        return res;
      });
    },

    countsPatch() {
      const c = st(this).counts;
      if (!c) return {};
      return {
        canReveal: c.canRevealPhones,
        countsText: `已确认 ${c.confirmedCount} / 名额 ${c.capacity === null ? '不限' : c.capacity}`,
        waitlistText: c.capacity === null ? '' : `候补 ${c.waitlistCount}`,
      };
    },

    async loadFirst() {
      await st(this).list.first(
        this,
        (c) => this.fetch(c),
        toRow,
        () => this.countsPatch(),
      );
    },
    async loadMore() {
      await st(this).list.more(this, (c) => this.fetch(c), toRow);
    },

    /**
     * 查看完整号码 (secretaries): a deliberate tap, said to be recorded; the server writes the
     * audit log before it answers. The full number then offers 拨打.
     */
    async onReveal(e: WechatMiniprogram.BaseEvent) {
      const id = String((e.currentTarget.dataset as { id?: string }).id ?? '');
      const i = this.data.items.findIndex((r: Row) => r.signupId === id);
      if (i < 0) return;
      const res = await call('activity', 'revealPhone', {
        activityId: this.data.activityId,
        signupId: id,
      });
      if (!res.ok) {
        this.setData({ [`items[${i}].revealError`]: res.error.message });
        return;
      }
      this.setData({
        [`items[${i}].phone`]: res.data.phone ?? '',
        [`items[${i}].revealed`]: true,
        [`items[${i}].revealError`]: '',
      });
    },
    onCall(e: WechatMiniprogram.BaseEvent) {
      const phone = String((e.currentTarget.dataset as { phone?: string }).phone ?? '');
      if (!/^1\d{10}$/.test(phone)) return;
      wx.makePhoneCall({ phoneNumber: phone, fail: () => undefined });
    },

    onTab(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      const tab: Tab = e.detail.value === 'cancelled' ? 'cancelled' : 'active';
      if (tab === this.data.tab) return;
      this.setData({ tab, items: [] });
      void this.loadFirst();
    },

    onQr() {
      go(ROUTES.activityQr, { activityId: this.data.activityId });
    },
    onHours() {
      go(ROUTES.activityHours, { activityId: this.data.activityId });
    },

    async onExport() {
      if (this.data.exporting) return;
      const s = st(this);
      this.setData({ exporting: true, exportError: '', file: null, fileMessage: '' });
      const res = await call(
        'activity',
        'exportSignups',
        { activityId: this.data.activityId },
        { requestId: s.intents.id('export') },
      );
      this.setData({ exporting: false });
      if (!res.ok) {
        this.setData({ exportError: res.error.message });
        return;
      }
      s.intents.done('export');
      showExportFile(this, res.data);
      toast('已导出', 'success');
      void openExportFile(this);
    },
  },
});
