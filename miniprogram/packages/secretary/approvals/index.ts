/**
 * 审批 (secretary, deputy secretary, organisation committee). Opened with `?branchId=`.
 * One call on open (`branch.listApplications`, pending, oldest first). Approving is one tap
 * on 通过; rejecting asks for the reason inline (no pop-up) that the applicant will read.
 * A reviewed item leaves the list. CONFLICT carries `details.reason`: `alreadyReviewed`
 * (someone decided it first) also takes the item off the list with a toast;
 * `memberElsewhere` (a full member of another branch: transfer instead) stays with its message.
 */
import type { ListApplicationsResponse } from '../../../../typings/api';
import { call, newRequestId } from '../../../services/call';
import { isElderlyMode } from '../../../utils/elderly';
import { formatDate, relativeTime } from '../../../utils/format';
import { dataset, decodeQuery } from '../../../utils/nav';
import { PARTY_STATUS_LABELS, stopPullDown, toast } from '../../../utils/page';

type Status = 'loading' | 'error' | 'empty' | 'ready';

interface Row {
  applicationId: string;
  name: string;
  statusText: string;
  joinedText: string;
  phone: string;
  appliedText: string;
  rejecting: boolean;
  reason: string;
  reasonError: string;
  error: string;
  busy: boolean;
}

function toRow(a: ListApplicationsResponse['items'][number], now: Date): Row {
  return {
    applicationId: a.applicationId,
    name: a.realName,
    statusText: PARTY_STATUS_LABELS[a.partyStatus] ?? '',
    joinedText: a.joinedPartyAt ? `入党日期 ${formatDate(a.joinedPartyAt)}` : '',
    phone: a.phone ?? '',
    appliedText: `申请于 ${relativeTime(a.appliedAt, now)}`,
    rejecting: false,
    reason: '',
    reasonError: '',
    error: '',
    busy: false,
  };
}

interface PageState {
  loading: boolean;
  cursor: string | null;
  /** requestId per application and decision, kept across retries of that decision. */
  intents: Map<string, string>;
}
const state = new WeakMap<object, PageState>();
function st(page: object): PageState {
  let s = state.get(page);
  if (!s) state.set(page, (s = { loading: false, cursor: null, intents: new Map() }));
  return s;
}

Component({
  data: {
    status: 'loading' as Status,
    errorMessage: '',
    elderly: false,
    branchId: '',
    items: [] as Row[],
    hasMore: false,
    loadingMore: false,
    moreError: '',
  },

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const options = decodeQuery(query);
      this.setData({ elderly: isElderlyMode(), branchId: options.branchId ?? '' });
      void this.load(false);
    },

    async load(more: boolean) {
      const s = st(this);
      if (s.loading) return;
      s.loading = true;
      if (more) this.setData({ loadingMore: true, moreError: '' });
      else this.setData({ status: 'loading', errorMessage: '' });
      const res = await call('branch', 'listApplications', {
        branchId: this.data.branchId,
        status: 'pending',
        ...(more && s.cursor ? { cursor: s.cursor } : {}),
      });
      s.loading = false;
      stopPullDown();
      if (!res.ok) {
        if (more) this.setData({ loadingMore: false, moreError: res.error.message });
        else this.setData({ status: 'error', errorMessage: res.error.message });
        return;
      }
      s.cursor = res.data.nextCursor;
      const now = new Date();
      const rows = res.data.items.map((a) => toRow(a, now));
      if (more) {
        const start = this.data.items.length;
        const patch: Record<string, unknown> = { loadingMore: false, hasMore: !!s.cursor };
        rows.forEach((r, i) => (patch[`items[${start + i}]`] = r));
        this.setData(patch);
      } else {
        this.setData({
          status: rows.length ? 'ready' : 'empty',
          items: rows,
          hasMore: !!s.cursor,
        });
      }
    },

    onRetry() {
      void this.load(false);
    },
    onPullDownRefresh() {
      void this.load(false);
    },
    onReachBottom() {
      if (this.data.hasMore && !this.data.loadingMore) void this.load(true);
    },
    onLoadMore() {
      void this.load(true);
    },

    indexOf(id: string): number {
      return this.data.items.findIndex((r) => r.applicationId === id);
    },

    onApprove(e: WechatMiniprogram.BaseEvent) {
      void this.review(dataset(e, 'id'), true);
    },

    onRejectStart(e: WechatMiniprogram.BaseEvent) {
      const i = this.indexOf(dataset(e, 'id'));
      if (i >= 0) this.setData({ [`items[${i}].rejecting`]: true, [`items[${i}].error`]: '' });
    },

    onRejectCancel(e: WechatMiniprogram.BaseEvent) {
      const i = this.indexOf(dataset(e, 'id'));
      if (i >= 0)
        this.setData({ [`items[${i}].rejecting`]: false, [`items[${i}].reasonError`]: '' });
    },

    onReason(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      const i = this.indexOf(dataset(e, 'id'));
      if (i < 0) return;
      const reason = String(e.detail.value ?? '');
      // A different reason is a different decision: it gets its own requestId.
      st(this).intents.delete(`${this.data.items[i].applicationId}:reject`);
      this.setData({ [`items[${i}].reason`]: reason, [`items[${i}].reasonError`]: '' });
    },

    onRejectConfirm(e: WechatMiniprogram.BaseEvent) {
      void this.review(dataset(e, 'id'), false);
    },

    async review(id: string, approve: boolean) {
      const i = this.indexOf(id);
      if (i < 0) return;
      const row = this.data.items[i];
      if (row.busy) return;
      const reason = row.reason.trim();
      if (!approve && !reason) {
        this.setData({ [`items[${i}].reasonError`]: '请填写驳回原因，申请人会看到' });
        return;
      }
      const s = st(this);
      const key = `${id}:${approve ? 'approve' : 'reject'}`;
      let requestId = s.intents.get(key);
      if (!requestId) s.intents.set(key, (requestId = newRequestId()));
      this.setData({ [`items[${i}].busy`]: true, [`items[${i}].error`]: '' });
      const res = await call(
        'branch',
        'reviewApplication',
        approve ? { applicationId: id, approve } : { applicationId: id, approve, reason },
        { requestId },
      );
      const j = this.indexOf(id);
      if (res.ok) {
        s.intents.delete(key);
        toast(approve ? `已通过 ${row.name}` : `已驳回 ${row.name}`, 'success');
        const items = this.data.items.filter((r) => r.applicationId !== id);
        this.setData({
          items,
          status: items.length || this.data.hasMore ? 'ready' : 'empty',
        });
        return;
      }
      if (j < 0) return;
      const why = (res.error.details as { reason?: unknown } | undefined)?.reason;
      if (res.error.code === 'CONFLICT' && why === 'alreadyReviewed') {
        // Someone else decided it first: nothing is left to do here.
        s.intents.delete(key);
        toast(`${row.name}的申请已由他人处理`);
        const items = this.data.items.filter((r) => r.applicationId !== id);
        this.setData({ items, status: items.length || this.data.hasMore ? 'ready' : 'empty' });
        return;
      }
      // 'memberElsewhere' (and anything else) stays on the card with the server's words, which
      // say to transfer the member instead; the same tap can be retried later.
      const field = res.error.code === 'INVALID_ARGUMENT' && !approve ? 'reasonError' : 'error';
      this.setData({ [`items[${j}].busy`]: false, [`items[${j}].${field}`]: res.error.message });
    },
  },
});
