/**
 * 指定支部书记 (committee admins, `?committeeId=` and optionally `?branchId=`: from the tree,
 * or right after 新建支部). One call on open (`branch.tree`) for the committee's branches
 * without a secretary; the admin picks the branch, searches party members of the whole
 * committee by name (`searchCommitteeMembers`, 20 a page, 加载更多), taps one, then confirms
 * on the page what will happen — only 确认指定 sends `appointSecretary` (requestId kept while
 * the same branch and person are retried).
 */
import type { CommitteeMemberItem, TreeResponse } from '../../../../typings/api';
import { call } from '../../../services/call';
import { isElderlyMode } from '../../../utils/elderly';
import { Intents } from '../../../utils/intents';
import { ROUTES, decodeQuery, go } from '../../../utils/nav';
import { branchesOf, findNode } from '../../../utils/org';
import { fieldErrors, toast } from '../../../utils/page';
import { roleLabel } from '../../../utils/roles';

type Status = 'loading' | 'error' | 'empty' | 'ready';
type View = 'choose' | 'confirm' | 'done';

interface Option {
  value: string;
  label: string;
}

interface Row {
  openid: string;
  name: string;
  branchId: string;
  branchName: string;
  roleText: string;
  phone: string;
  /** A secretary of another branch hands over first: shown, not choosable. */
  blocked: boolean;
}

interface PageState {
  loading: boolean;
  searching: boolean;
  intents: Intents;
  cursor: string | null;
}
const state = new WeakMap<object, PageState>();
function st(page: object): PageState {
  let s = state.get(page);
  if (!s) {
    state.set(
      page,
      (s = { loading: false, searching: false, intents: new Intents(), cursor: null }),
    );
  }
  return s;
}

function toRow(i: CommitteeMemberItem): Row {
  return {
    openid: i.openid,
    name: i.name,
    branchId: i.branchId,
    branchName: i.branchName,
    roleText: roleLabel(i.role),
    phone: i.phoneMasked ?? '',
    blocked: i.role === 'secretary',
  };
}

function label(b: { name: string; gridArea: string | null }): string {
  return b.gridArea ? `${b.name}（${b.gridArea}）` : b.name;
}

Component({
  data: {
    status: 'loading' as Status,
    errorMessage: '',
    emptyText: '本党委的支部都已有书记',
    elderly: false,
    committeeId: '',
    view: 'choose' as View,
    options: [] as Option[],
    branchId: '',
    branchName: '',
    choiceError: '',
    input: '',
    keyword: '',
    searchStatus: 'ready' as Status,
    searchError: '',
    results: [] as Row[],
    hasMore: false,
    loadingMore: false,
    moreError: '',
    picked: null as Row | null,
    pickError: '',
    actionError: '',
    sending: false,
  },

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const options = decodeQuery(query);
      this.setData({
        elderly: isElderlyMode(),
        committeeId: options.committeeId ?? '',
        branchId: options.branchId ?? '',
      });
      void this.load();
    },

    async load() {
      const s = st(this);
      if (s.loading) return;
      s.loading = true;
      this.setData({ status: 'loading', errorMessage: '' });
      const { committeeId } = this.data;
      const res = await call('branch', 'tree', committeeId ? { committeeId } : undefined);
      s.loading = false;
      if (!res.ok) {
        this.setData({ status: 'error', errorMessage: res.error.message });
        return;
      }
      this.show(res.data);
    },

    show(tree: TreeResponse) {
      const open = branchesOf(tree.root).filter((b) => b.hasSecretary === false);
      const options = open.map((b) => ({ value: b.id, label: label(b) }));
      const wanted = this.data.branchId;
      const chosen = open.find((b) => b.id === wanted);
      const patch: Record<string, unknown> = {
        committeeId: this.data.committeeId || tree.root.id,
        options,
        branchId: chosen ? chosen.id : '',
        branchName: chosen ? label(chosen) : '',
      };
      if (wanted && !chosen && findNode(tree.root, wanted)) {
        patch.status = 'empty';
        patch.emptyText = '该支部已有书记。如需更换，请由现任书记移交书记职务。';
      } else {
        patch.status = options.length ? 'ready' : 'empty';
      }
      this.setData(patch);
    },

    onRetry() {
      void this.load();
    },

    onChoose(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      const branchId = String(e.detail.value ?? '');
      const opt = this.data.options.find((o) => o.value === branchId);
      this.setData({ branchId, branchName: opt ? opt.label : '', choiceError: '' });
    },

    // ------------------------------------------------------------ search

    onSearchInput(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.setData({ input: String(e.detail.value ?? '') });
    },
    onSearchSubmit(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      const value =
        e.detail && typeof e.detail.value === 'string' ? e.detail.value : this.data.input;
      const keyword = value.trim().slice(0, 20);
      if (!keyword) {
        this.setData({ searchStatus: 'error', searchError: '请输入要查找的姓名' });
        return;
      }
      this.setData({ keyword, input: value });
      void this.searchFirst();
    },
    onSearchClear() {
      this.setData({ input: '', keyword: '', results: [], hasMore: false, searchStatus: 'ready' });
    },
    onSearchRetry() {
      if (this.data.keyword) void this.searchFirst();
    },

    async searchFirst() {
      const s = st(this);
      if (s.searching) return;
      s.searching = true;
      const { committeeId, keyword } = this.data;
      this.setData({ searchStatus: 'loading', searchError: '', moreError: '', pickError: '' });
      const res = await call('branch', 'searchCommitteeMembers', { committeeId, keyword });
      s.searching = false;
      if (keyword !== this.data.keyword) return; // a newer search was submitted
      if (!res.ok) {
        this.setData({ searchStatus: 'error', searchError: res.error.message });
        return;
      }
      s.cursor = res.data.nextCursor;
      this.setData({
        searchStatus: res.data.items.length ? 'ready' : 'empty',
        results: res.data.items.map(toRow),
        hasMore: res.data.nextCursor !== null,
      });
    },

    async onMore() {
      const s = st(this);
      if (s.searching || !s.cursor) return;
      s.searching = true;
      const { committeeId, keyword } = this.data;
      this.setData({ loadingMore: true, moreError: '' });
      const res = await call('branch', 'searchCommitteeMembers', {
        committeeId,
        keyword,
        cursor: s.cursor,
      });
      s.searching = false;
      this.setData({ loadingMore: false });
      if (keyword !== this.data.keyword) return;
      if (!res.ok) {
        this.setData({ moreError: res.error.message });
        return;
      }
      s.cursor = res.data.nextCursor;
      const start = this.data.results.length;
      const patch: Record<string, unknown> = { hasMore: res.data.nextCursor !== null };
      res.data.items.forEach((i, n) => (patch[`results[${start + n}]`] = toRow(i)));
      this.setData(patch);
    },

    onPick(e: { currentTarget?: { dataset?: Record<string, unknown> } }) {
      const openid = String(e.currentTarget?.dataset?.openid ?? '');
      const row = this.data.results.find((r) => r.openid === openid);
      if (!row) return;
      if (row.blocked) {
        this.setData({ pickError: `${row.name}是${row.branchName}的书记，需先移交书记职务` });
        return;
      }
      this.setData({ picked: row, pickError: '', actionError: '' });
    },

    // ------------------------------------------------------------ confirm

    onNext() {
      const errors: Record<string, string> = {};
      if (!this.data.branchId) errors.choiceError = '请选择要指定书记的支部';
      if (!this.data.picked) errors.pickError = '请查找并选择一位党员';
      if (Object.keys(errors).length) {
        this.setData(errors);
        return;
      }
      this.setData({ view: 'confirm', actionError: '' });
    },
    onCancel() {
      this.setData({ view: 'choose', actionError: '' });
    },

    async onConfirm() {
      const picked = this.data.picked;
      if (this.data.sending || this.data.view !== 'confirm' || !picked) return;
      const { branchId } = this.data;
      const key = `appoint:${branchId}:${picked.openid}`;
      this.setData({ sending: true, actionError: '' });
      const res = await call(
        'branch',
        'appointSecretary',
        { branchId, openid: picked.openid },
        { requestId: st(this).intents.id(key) },
      );
      this.setData({ sending: false });
      if (res.ok) {
        st(this).intents.done(key);
        toast('已指定书记', 'success');
        this.setData({ view: 'done' });
        return;
      }
      const fe = fieldErrors(res.error, ['branchId', 'openid']);
      if (fe.branchId) this.setData({ view: 'choose', choiceError: fe.branchId });
      else if (fe.openid) this.setData({ view: 'choose', pickError: fe.openid });
      else this.setData({ actionError: res.error.message });
    },

    onTree() {
      go(ROUTES.tree, { committeeId: this.data.committeeId });
    },
  },
});
