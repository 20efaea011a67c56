/**
 * 组织关系转入 (secretary of the receiving branch, `?branchId=`). One call on open
 * (`branch.listTransfers`: at most 20, oldest first, so no paging); pull to refresh.
 * 接收 is one tap (`acceptTransfer`, requestId kept for retries of that member); an accepted
 * member leaves the list and joins the branch; a CONFLICT stays with the server's words.
 * 不接收 opens a reason box on the card (required, kept for the sending branch) with
 * 确认不接收 / 取消; only the confirm sends `declineTransfer { membershipId, reason }` (its
 * requestId kept across retries of the same reason); the declined member stays in the
 * sending branch and leaves this list.
 *
 * Outgoing transfers are not listed here: the contract has no list of a branch's pending
 * outgoing transfers (`listTransfers` is by receiving branch), so `cancelTransfer` can only be
 * offered where its `membershipId` is known (the `transferMember` answer on transfer-out).
 */
import type { TransferItem } from '../../../../typings/api';
import { call } from '../../../services/call';
import { isElderlyMode } from '../../../utils/elderly';
import { relativeTime } from '../../../utils/format';
import { Intents } from '../../../utils/intents';
import { dataset, decodeQuery } from '../../../utils/nav';
import { stopPullDown, toast } from '../../../utils/page';
import { roleLabel } from '../../../utils/roles';

type Status = 'loading' | 'error' | 'empty' | 'ready';

interface Row {
  membershipId: string;
  name: string;
  roleText: string;
  fromText: string;
  fromBranchName: string;
  timeText: string;
  busy: boolean;
  error: string;
  declining: boolean;
  reason: string;
  reasonError: string;
}

const toRow = (t: TransferItem, now: Date): Row => ({
  membershipId: t.membershipId,
  name: t.name,
  roleText: roleLabel(t.role),
  fromText: `从 ${t.fromBranchName} 转入`,
  fromBranchName: t.fromBranchName,
  timeText: `发起于 ${relativeTime(t.requestedAt, now)}`,
  busy: false,
  error: '',
  declining: false,
  reason: '',
  reasonError: '',
});

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
    branchId: '',
    items: [] as Row[],
  },

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const options = decodeQuery(query);
      this.setData({ elderly: isElderlyMode(), branchId: options.branchId ?? '' });
      void this.load();
    },

    async load() {
      const s = st(this);
      if (s.loading) return;
      s.loading = true;
      this.setData({ status: 'loading', errorMessage: '' });
      const res = await call('branch', 'listTransfers', { branchId: this.data.branchId });
      s.loading = false;
      stopPullDown();
      if (!res.ok) {
        this.setData({ status: 'error', errorMessage: res.error.message });
        return;
      }
      const now = new Date();
      const items = res.data.items.slice(0, 20).map((t) => toRow(t, now));
      this.setData({ status: items.length ? 'ready' : 'empty', items });
    },

    onRetry() {
      void this.load();
    },
    onPullDownRefresh() {
      void this.load();
    },

    indexOf(id: string): number {
      return this.data.items.findIndex((r) => r.membershipId === id);
    },

    onDeclineStart(e: WechatMiniprogram.BaseEvent) {
      const i = this.indexOf(dataset(e, 'id'));
      if (i >= 0) this.setData({ [`items[${i}].declining`]: true, [`items[${i}].error`]: '' });
    },

    onDeclineCancel(e: WechatMiniprogram.BaseEvent) {
      const i = this.indexOf(dataset(e, 'id'));
      if (i >= 0)
        this.setData({
          [`items[${i}].declining`]: false,
          [`items[${i}].reasonError`]: '',
          [`items[${i}].error`]: '',
        });
    },

    onReason(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      const i = this.indexOf(dataset(e, 'id'));
      if (i < 0) return;
      this.setData({
        [`items[${i}].reason`]: String(e.detail.value ?? ''),
        [`items[${i}].reasonError`]: '',
      });
    },

    async onDeclineConfirm(e: WechatMiniprogram.BaseEvent) {
      const id = dataset(e, 'id');
      const i = this.indexOf(id);
      if (i < 0 || this.data.items[i].busy) return;
      const row = this.data.items[i];
      const reason = row.reason.trim();
      if (!reason) {
        this.setData({ [`items[${i}].reasonError`]: '请填写不接收的原因，转出支部会看到' });
        return;
      }
      // Another reason is another intent; a retry of the same one reuses its requestId.
      const key = `decline:${id}:${reason}`;
      this.setData({ [`items[${i}].busy`]: true, [`items[${i}].error`]: '' });
      const res = await call(
        'branch',
        'declineTransfer',
        { membershipId: id, reason },
        { requestId: st(this).intents.id(key) },
      );
      const j = this.indexOf(id);
      if (res.ok) {
        st(this).intents.doneAll(`decline:${id}:`);
        toast(`已退回 ${row.name}`, 'success');
        const items = this.data.items.filter((r) => r.membershipId !== id);
        this.setData({ items, status: items.length ? 'ready' : 'empty' });
        return;
      }
      if (j < 0) return;
      const onReason = res.error.code === 'INVALID_ARGUMENT';
      this.setData({
        [`items[${j}].busy`]: false,
        [`items[${j}].${onReason ? 'reasonError' : 'error'}`]: res.error.message,
      });
    },

    async onAccept(e: WechatMiniprogram.BaseEvent) {
      const id = dataset(e, 'id');
      const i = this.data.items.findIndex((r) => r.membershipId === id);
      if (i < 0 || this.data.items[i].busy) return;
      const row = this.data.items[i];
      const key = `accept:${id}`;
      this.setData({ [`items[${i}].busy`]: true, [`items[${i}].error`]: '' });
      const res = await call(
        'branch',
        'acceptTransfer',
        { membershipId: id },
        { requestId: st(this).intents.id(key) },
      );
      const j = this.data.items.findIndex((r) => r.membershipId === id);
      if (res.ok) {
        st(this).intents.done(key);
        toast(`已接收 ${row.name}`, 'success');
        const items = this.data.items.filter((r) => r.membershipId !== id);
        this.setData({ items, status: items.length ? 'ready' : 'empty' });
        return;
      }
      if (j >= 0)
        this.setData({ [`items[${j}].busy`]: false, [`items[${j}].error`]: res.error.message });
    },
  },
});
