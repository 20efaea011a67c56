/**
 * 到社区报到 (双报到), opened from 我的. In-service members report to the community branch
 * where they live, take part in its activities and read its notices, without leaving their
 * own branch. One call on open (`branch.me`): my reports and their state (待确认 / 已报到 /
 * 未通过 with the reason / 已结束). 选择社区支部 loads the committee's branches
 * (`branch.tree`, on that tap only); choosing one and 报到 sends `reportToBranch`.
 * 用邀请码报到: the invitation code a community branch's secretary shares (it works for a
 * branch under another committee too) → `reportToBranch { code }`; an unknown, expired or
 * revoked code is said under the code field.
 * 结束报到 asks on the page first, then `endReport`.
 */
import type { BranchMeResponse, MyReport, ReportStatus } from '../../../typings/api';
import { call } from '../../services/call';
import { isElderlyMode } from '../../utils/elderly';
import { formatDate } from '../../utils/format';
import { Intents } from '../../utils/intents';
import { dataset } from '../../utils/nav';
import { branchesOf } from '../../utils/org';
import { fieldErrors, REPORT_STATUS_TEXT, stopPullDown, toast } from '../../utils/page';

type Status = 'loading' | 'error' | 'ready';

interface Row {
  reportId: string;
  branchId: string;
  branchName: string;
  statusText: string;
  theme: string;
  reason: string;
  dateText: string;
  canEnd: boolean;
  ending: boolean;
  busy: boolean;
  error: string;
}

const THEMES: Record<ReportStatus, string> = {
  pending: 'warning',
  active: 'success',
  rejected: 'danger',
  ended: 'default',
};

const toRow = (r: MyReport): Row => ({
  reportId: r.reportId,
  branchId: r.branchId,
  branchName: r.branchName,
  statusText: REPORT_STATUS_TEXT[r.status] ?? '',
  theme: THEMES[r.status] ?? 'default',
  reason: r.status === 'rejected' ? r.reason || '未说明原因' : '',
  dateText: `报到于 ${formatDate(r.reportedAt)}`,
  canEnd: r.status === 'pending' || r.status === 'active',
  ending: false,
  busy: false,
  error: '',
});

interface Option {
  value: string;
  label: string;
}

function toView(me: BranchMeResponse) {
  const active = me.memberships.filter((m) => m.status === 'active');
  return {
    myBranchIds: active.map((m) => m.branchId),
    committeeId: active[0]?.committeeId ?? '',
    isMember: active.some((m) => m.role !== 'activist'),
    reports: (me.reports ?? []).slice(0, 20).map(toRow),
  };
}

interface PageState {
  loading: boolean;
  intents: Intents;
}
const state = new WeakMap<object, PageState>();
function st(page: object): PageState {
  let s = state.get(page);
  if (!s) state.set(page, (s = { loading: false, intents: new Intents() }));
  return s;
}

Component({
  data: {
    status: 'loading' as Status,
    errorMessage: '',
    elderly: false,
    myBranchIds: [] as string[],
    committeeId: '',
    isMember: false,
    reports: [] as Row[],
    /** The branch chooser: '' closed, 'loading', 'error', 'ready'. */
    chooser: '' as '' | 'loading' | 'error' | 'ready',
    chooserError: '',
    options: [] as Option[],
    branchId: '',
    branchError: '',
    formError: '',
    submitting: false,
    /** 用邀请码报到 */
    code: '',
    codeError: '',
    codeSubmitting: false,
  },

  methods: {
    onLoad() {
      this.setData({ elderly: isElderlyMode() });
      void this.load();
    },

    async load() {
      const s = st(this);
      if (s.loading) return;
      s.loading = true;
      if (this.data.status !== 'ready') this.setData({ status: 'loading', errorMessage: '' });
      const res = await call('branch', 'me');
      s.loading = false;
      stopPullDown();
      if (!res.ok) {
        this.setData({ status: 'error', errorMessage: res.error.message });
        return;
      }
      this.setData({ status: 'ready', ...toView(res.data) });
    },

    onRetry() {
      void this.load();
    },
    onPullDownRefresh() {
      void this.load();
    },

    async onChoose() {
      if (this.data.chooser === 'loading') return;
      this.setData({ chooser: 'loading', chooserError: '' });
      const { committeeId } = this.data;
      const res = await call('branch', 'tree', committeeId ? { committeeId } : undefined);
      if (!res.ok) {
        this.setData({ chooser: 'error', chooserError: res.error.message });
        return;
      }
      const mine = new Set(this.data.myBranchIds);
      const options = branchesOf(res.data.root)
        .filter((b) => !mine.has(b.id))
        .map((b) => ({ value: b.id, label: b.gridArea ? `${b.name}（${b.gridArea}）` : b.name }));
      this.setData({ chooser: 'ready', options });
    },

    onBranch(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.setData({ branchId: String(e.detail.value ?? ''), branchError: '', formError: '' });
    },

    async onSubmit() {
      if (this.data.submitting) return;
      const branchId = this.data.branchId;
      if (!branchId) {
        this.setData({ branchError: '请选择要报到的社区支部' });
        return;
      }
      const key = `report:${branchId}`;
      this.setData({ submitting: true, branchError: '', formError: '' });
      const res = await call(
        'branch',
        'reportToBranch',
        { branchId },
        { requestId: st(this).intents.id(key) },
      );
      this.setData({ submitting: false });
      if (!res.ok) {
        const fe = fieldErrors(res.error, ['branchId']);
        if (fe.branchId) this.setData({ branchError: fe.branchId });
        else this.setData({ formError: res.error.message });
        return;
      }
      st(this).intents.done(key);
      this.added(res.data);
      this.setData({ chooser: '', branchId: '' });
    },

    onCode(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.setData({ code: String(e.detail.value ?? '').toUpperCase(), codeError: '' });
    },

    async onCodeSubmit() {
      if (this.data.codeSubmitting) return;
      const code = this.data.code.trim().toUpperCase();
      if (!code) {
        this.setData({ codeError: '请输入社区支部给你的邀请码' });
        return;
      }
      if (!/^[A-Z0-9]{4,16}$/.test(code)) {
        this.setData({ codeError: '邀请码应为 4–16 位字母或数字' });
        return;
      }
      // Another code is another intent; a retry of the same code reuses its requestId.
      const key = `code:${code}`;
      this.setData({ codeSubmitting: true, codeError: '' });
      const res = await call(
        'branch',
        'reportToBranch',
        { code },
        { requestId: st(this).intents.id(key) },
      );
      this.setData({ codeSubmitting: false });
      if (!res.ok) {
        // Unknown (NOT_FOUND), expired or revoked (CONFLICT) and malformed codes are all
        // about what was typed: say so under the field.
        this.setData({ codeError: res.error.message });
        return;
      }
      st(this).intents.done(key);
      this.added(res.data);
      this.setData({ code: '' });
    },

    added(data: { reportId: string; branchId: string; branchName: string }) {
      toast('已提交报到', 'success');
      const row = toRow({
        reportId: data.reportId,
        branchId: data.branchId,
        branchName: data.branchName,
        status: 'pending',
        reason: null,
        reportedAt: new Date().toISOString(),
      });
      this.setData({
        reports: [row, ...this.data.reports.filter((r) => r.reportId !== row.reportId)].slice(
          0,
          20,
        ),
      });
    },

    indexOf(id: string): number {
      return this.data.reports.findIndex((r) => r.reportId === id);
    },
    onEndStart(e: WechatMiniprogram.BaseEvent) {
      const i = this.indexOf(dataset(e, 'id'));
      if (i >= 0) this.setData({ [`reports[${i}].ending`]: true, [`reports[${i}].error`]: '' });
    },
    onEndCancel(e: WechatMiniprogram.BaseEvent) {
      const i = this.indexOf(dataset(e, 'id'));
      if (i >= 0) this.setData({ [`reports[${i}].ending`]: false, [`reports[${i}].error`]: '' });
    },
    async onEndConfirm(e: WechatMiniprogram.BaseEvent) {
      const id = dataset(e, 'id');
      const i = this.indexOf(id);
      if (i < 0 || this.data.reports[i].busy) return;
      const branchId = this.data.reports[i].branchId;
      const key = `end:${branchId}`;
      this.setData({ [`reports[${i}].busy`]: true, [`reports[${i}].error`]: '' });
      const res = await call(
        'branch',
        'endReport',
        { branchId },
        { requestId: st(this).intents.id(key) },
      );
      const j = this.indexOf(id);
      if (j < 0) return;
      if (!res.ok) {
        this.setData({ [`reports[${j}].busy`]: false, [`reports[${j}].error`]: res.error.message });
        return;
      }
      st(this).intents.done(key);
      toast('已结束报到', 'success');
      this.setData({
        [`reports[${j}].busy`]: false,
        [`reports[${j}].ending`]: false,
        [`reports[${j}].canEnd`]: false,
        [`reports[${j}].statusText`]: REPORT_STATUS_TEXT.ended,
        [`reports[${j}].theme`]: THEMES.ended,
      });
    },
  },
});
