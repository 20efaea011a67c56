/**
 * 邀请党员加入 (secretary, deputy, organisation committee; `?branchId=&branchName=`).
 * One call on open (`branch.listInvites`): the branch's active invitations, each with its
 * expiry and 撤销 (a confirm step on the card, then `revokeInvite`); 20 at a time, 加载更多
 * passes `nextCursor`. 生成邀请码 (`createInvite` with the chosen `validDays`: 1 / 7 / 30
 * days) shows the short code, the 小程序码 when the server could make one, and the expiry,
 * and puts the new invitation at the top of the list. Every write keeps its requestId
 * across retries of the same intent.
 */
import type { CreateInviteResponse, InviteItem } from '../../../../typings/api';
import { call } from '../../../services/call';
import { isElderlyMode } from '../../../utils/elderly';
import { formatDate, relativeTime } from '../../../utils/format';
import { Intents } from '../../../utils/intents';
import { dataset, decodeQuery } from '../../../utils/nav';
import { stopPullDown, toast } from '../../../utils/page';
import { isPrivacyRefusal, isUserCancel } from '../../../utils/privacy';

type Status = 'loading' | 'error' | 'empty' | 'ready';

/** Validity choices offered when creating (the server accepts 1–30, default 7). */
export const VALID_DAYS = [1, 7, 30] as const;

interface Row {
  code: string;
  expiresText: string;
  byText: string;
  confirming: boolean;
  busy: boolean;
  error: string;
}

function expiresText(expiresAt: string): string {
  const d = new Date(expiresAt);
  if (Number.isNaN(d.getTime())) return '';
  const hm = `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
  return `${formatDate(expiresAt)} ${hm} 前有效`;
}

const toRow = (i: InviteItem, now: Date): Row => ({
  code: i.code,
  expiresText: expiresText(i.expiresAt),
  byText: `${i.createdByName ?? '支委'} ${relativeTime(i.createdAt, now)}生成`,
  confirming: false,
  busy: false,
  error: '',
});

interface PageState {
  loading: boolean;
  cursor: string | null;
  intents: Intents;
}
const state = new WeakMap<object, PageState>();
function st(page: object): PageState {
  let s = state.get(page);
  if (!s) state.set(page, (s = { loading: false, cursor: null, intents: new Intents() }));
  return s;
}

Component({
  data: {
    status: 'loading' as Status,
    errorMessage: '',
    elderly: false,
    branchId: '',
    branchName: '',
    items: [] as Row[],
    hasMore: false,
    loadingMore: false,
    moreError: '',
    daysOptions: VALID_DAYS.map((d) => ({ value: String(d), label: `${d} 天` })),
    validDays: '7',
    /** The invitation just created. */
    code: '',
    qrUrl: '',
    expiresText: '',
    revoked: false,
    /** Why 复制邀请码 did not copy (privacy refusal, anything else). */
    copyError: '',
    busy: false,
    error: '',
  },

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const options = decodeQuery(query);
      this.setData({
        elderly: isElderlyMode(),
        branchId: options.branchId ?? '',
        branchName: options.branchName ?? '',
      });
      void this.load(false);
    },

    async load(more: boolean) {
      const s = st(this);
      if (s.loading) return;
      s.loading = true;
      if (more) this.setData({ loadingMore: true, moreError: '' });
      else if (this.data.status !== 'ready') this.setData({ status: 'loading', errorMessage: '' });
      const res = await call('branch', 'listInvites', {
        branchId: this.data.branchId,
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
      const rows = res.data.items.slice(0, 20).map((i) => toRow(i, now));
      if (more) {
        const known = new Set(this.data.items.map((r) => r.code));
        const start = this.data.items.length;
        const patch: Record<string, unknown> = { loadingMore: false, hasMore: !!s.cursor };
        rows
          .filter((r) => !known.has(r.code))
          .forEach((r, i) => (patch[`items[${start + i}]`] = r));
        this.setData(patch);
      } else {
        this.setData({
          status: rows.length ? 'ready' : 'empty',
          items: rows,
          hasMore: !!s.cursor,
          moreError: '',
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
      if (this.data.hasMore && !this.data.loadingMore && !this.data.moreError) void this.load(true);
    },
    onLoadMore() {
      if (this.data.hasMore && !this.data.loadingMore) void this.load(true);
    },

    onDays(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.setData({ validDays: String(e.detail.value ?? '7'), error: '' });
    },

    show(inv: CreateInviteResponse) {
      const row = toRow(
        {
          code: inv.code,
          branchId: inv.branchId,
          expiresAt: inv.expiresAt,
          createdAt: new Date().toISOString(),
          createdBy: '',
          createdByName: '我',
          qrFileID: inv.qrFileID,
        },
        new Date(),
      );
      const items = [row, ...this.data.items.filter((r) => r.code !== inv.code)];
      this.setData({
        code: inv.code,
        qrUrl: inv.qrUrl ?? '',
        branchName: inv.branchName,
        expiresText: row.expiresText,
        revoked: false,
        copyError: '',
        items,
        // A list that failed to load keeps its error and retry.
        status: this.data.status === 'empty' ? 'ready' : this.data.status,
      });
    },

    async onCreate() {
      if (this.data.busy) return;
      const validDays = Number(this.data.validDays) || 7;
      // Another validity is another intent; a retry of the same one reuses the id.
      const key = `create:${validDays}`;
      this.setData({ busy: true, error: '' });
      const res = await call(
        'branch',
        'createInvite',
        { branchId: this.data.branchId, validDays },
        { requestId: st(this).intents.id(key) },
      );
      this.setData({ busy: false });
      if (!res.ok) {
        this.setData({ error: res.error.message });
        return;
      }
      // The next tap asks for a new invitation.
      st(this).intents.done(key);
      this.show(res.data);
    },

    indexOf(code: string): number {
      return this.data.items.findIndex((r) => r.code === code);
    },
    onRevokeStart(e: WechatMiniprogram.BaseEvent) {
      const i = this.indexOf(dataset(e, 'code'));
      if (i >= 0) this.setData({ [`items[${i}].confirming`]: true, [`items[${i}].error`]: '' });
    },
    onRevokeCancel(e: WechatMiniprogram.BaseEvent) {
      const i = this.indexOf(dataset(e, 'code'));
      if (i >= 0) this.setData({ [`items[${i}].confirming`]: false, [`items[${i}].error`]: '' });
    },
    async onRevokeConfirm(e: WechatMiniprogram.BaseEvent) {
      const code = dataset(e, 'code');
      const i = this.indexOf(code);
      if (i < 0 || this.data.items[i].busy) return;
      const key = `revoke:${code}`;
      this.setData({ [`items[${i}].busy`]: true, [`items[${i}].error`]: '' });
      const res = await call(
        'branch',
        'revokeInvite',
        { code },
        { requestId: st(this).intents.id(key) },
      );
      const j = this.indexOf(code);
      if (!res.ok) {
        if (j >= 0)
          this.setData({ [`items[${j}].busy`]: false, [`items[${j}].error`]: res.error.message });
        return;
      }
      st(this).intents.done(key);
      toast('邀请码已撤销', 'success');
      const items = this.data.items.filter((r) => r.code !== code);
      this.setData({
        items,
        status: items.length || this.data.hasMore ? 'ready' : 'empty',
        ...(this.data.code === code ? { revoked: true } : {}),
      });
    },

    /** wx.setClipboardData is a privacy API: the page carries `<privacy-consent />`. */
    onCopy() {
      this.setData({ copyError: '' });
      wx.setClipboardData({
        data: this.data.code,
        fail: (err) => {
          if (isUserCancel(err)) return;
          this.setData({
            copyError: isPrivacyRefusal(err)
              ? '您没有同意隐私保护指引，没能复制。再点「复制邀请码」，在说明里点「同意并继续」即可。'
              : '没能复制，请把上面的邀请码告诉对方',
          });
        },
      });
    },
  },
});
