/**
 * 双报到审核 (community branch reviewers, `?branchId=`). In-service members of other branches
 * report (报到) here to take part in this branch's activities without becoming its members.
 * One call on open (`branch.listReports`, pending, oldest first; 20 a page, more at the
 * bottom, pull to refresh). 确认 is one tap; 退回 asks for the reason inline (the reporter
 * reads it). A reviewed report leaves the list; a failure stays with the server's words.
 */
import type { ReportItem } from '../../../../typings/api';
import { call } from '../../../services/call';
import { isElderlyMode } from '../../../utils/elderly';
import { relativeTime } from '../../../utils/format';
import { Intents } from '../../../utils/intents';
import { listPageBehavior } from '../../../utils/list-page';
import { dataset, decodeQuery } from '../../../utils/nav';
import { toast } from '../../../utils/page';
import { PagedList } from '../../../utils/paged-list';

type Status = 'loading' | 'error' | 'empty' | 'ready';

interface Row {
  reportId: string;
  name: string;
  fromText: string;
  phone: string;
  timeText: string;
  rejecting: boolean;
  reason: string;
  reasonError: string;
  error: string;
  busy: boolean;
}

const toRow = (r: ReportItem, now: Date): Row => ({
  reportId: r.reportId,
  name: r.name,
  fromText: `组织关系在 ${r.fromBranchName}`,
  phone: r.phone ?? '',
  timeText: `报到于 ${relativeTime(r.reportedAt, now)}`,
  rejecting: false,
  reason: '',
  reasonError: '',
  error: '',
  busy: false,
});

/** One page of the list; the first when `cursor` is undefined. */
const listPage = (branchId: string, cursor?: string) =>
  call('branch', 'listReports', {
    branchId,
    status: 'pending',
    ...(cursor === undefined ? {} : { cursor }),
  });

interface PageState {
  list: PagedList;
  intents: Intents;
}
const state = new WeakMap<object, PageState>();
function st(page: object): PageState {
  let s = state.get(page);
  if (!s) state.set(page, (s = { list: new PagedList(), intents: new Intents() }));
  return s;
}

Component({
  behaviors: [listPageBehavior()],

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
      void this.loadFirst();
    },

    async loadFirst() {
      await st(this).list.first(this, (c) => listPage(this.data.branchId, c), toRow);
    },

    async loadMore() {
      await st(this).list.more(this, (c) => listPage(this.data.branchId, c), toRow);
    },

    indexOf(id: string): number {
      return this.data.items.findIndex((r) => r.reportId === id);
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
      st(this).intents.done(`${this.data.items[i].reportId}:reject`);
      this.setData({
        [`items[${i}].reason`]: String(e.detail.value ?? ''),
        [`items[${i}].reasonError`]: '',
      });
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
        this.setData({ [`items[${i}].reasonError`]: '请填写退回原因，报到的党员会看到' });
        return;
      }
      const key = `${id}:${approve ? 'approve' : 'reject'}`;
      this.setData({ [`items[${i}].busy`]: true, [`items[${i}].error`]: '' });
      const res = await call(
        'branch',
        'reviewReport',
        approve ? { reportId: id, approve } : { reportId: id, approve, reason },
        { requestId: st(this).intents.id(key) },
      );
      const j = this.indexOf(id);
      if (res.ok) {
        st(this).intents.done(key);
        toast(approve ? `已确认 ${row.name} 报到` : `已退回 ${row.name}`, 'success');
        const items = this.data.items.filter((r) => r.reportId !== id);
        this.setData({ items, status: items.length || this.data.hasMore ? 'ready' : 'empty' });
        return;
      }
      if (j < 0) return;
      const field = res.error.code === 'INVALID_ARGUMENT' && !approve ? 'reasonError' : 'error';
      this.setData({ [`items[${j}].busy`]: false, [`items[${j}].${field}`]: res.error.message });
    },
  },
});
