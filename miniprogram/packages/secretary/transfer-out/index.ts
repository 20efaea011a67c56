/**
 * 转接组织关系 (secretary of the source branch, `?branchId=&committeeId=&openid=&name=`).
 * One call on open (`branch.tree`) for the other branches of the committee; the secretary
 * picks one, then confirms on the page (no pop-up) what will happen, and only 确认转出 sends
 * `transferMember`. The receiving secretary then accepts it (组织关系转入).
 */
import type { TreeResponse } from '../../../../typings/api';
import { call } from '../../../services/call';
import { isElderlyMode } from '../../../utils/elderly';
import { Intents } from '../../../utils/intents';
import { ROUTES, decodeQuery, go } from '../../../utils/nav';
import { branchesOf } from '../../../utils/org';
import { fieldErrors, toast } from '../../../utils/page';

type Status = 'loading' | 'error' | 'empty' | 'ready';
type View = 'choose' | 'confirm' | 'done';

interface Option {
  value: string;
  label: string;
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

function toOptions(tree: TreeResponse, branchId: string): Option[] {
  return branchesOf(tree.root)
    .filter((b) => b.id !== branchId)
    .map((b) => ({ value: b.id, label: b.gridArea ? `${b.name}（${b.gridArea}）` : b.name }));
}

Component({
  data: {
    status: 'loading' as Status,
    errorMessage: '',
    elderly: false,
    branchId: '',
    committeeId: '',
    openid: '',
    name: '',
    view: 'choose' as View,
    options: [] as Option[],
    toBranchId: '',
    toBranchName: '',
    choiceError: '',
    actionError: '',
    sending: false,
  },

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const options = decodeQuery(query);
      this.setData({
        elderly: isElderlyMode(),
        branchId: options.branchId ?? '',
        committeeId: options.committeeId ?? '',
        openid: options.openid ?? '',
        name: options.name ?? '',
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
      const options = toOptions(res.data, this.data.branchId);
      this.setData({ status: options.length ? 'ready' : 'empty', options });
    },

    onRetry() {
      void this.load();
    },

    onChoose(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      const toBranchId = String(e.detail.value ?? '');
      const opt = this.data.options.find((o) => o.value === toBranchId);
      this.setData({
        toBranchId,
        toBranchName: opt ? opt.label : '',
        choiceError: '',
        actionError: '',
      });
    },

    onNext() {
      if (!this.data.toBranchId) {
        this.setData({ choiceError: '请选择转入的支部' });
        return;
      }
      this.setData({ view: 'confirm', actionError: '' });
    },
    onCancel() {
      this.setData({ view: 'choose', actionError: '' });
    },

    async onConfirm() {
      if (this.data.sending || this.data.view !== 'confirm') return;
      const { branchId, openid, toBranchId } = this.data;
      const key = `transfer:${openid}:${toBranchId}`;
      this.setData({ sending: true, actionError: '' });
      const res = await call(
        'branch',
        'transferMember',
        { branchId, openid, toBranchId },
        { requestId: st(this).intents.id(key) },
      );
      this.setData({ sending: false });
      if (res.ok) {
        st(this).intents.done(key);
        toast('已发起转接', 'success');
        this.setData({ view: 'done' });
        return;
      }
      const fe = fieldErrors(res.error, ['toBranchId']);
      if (fe.toBranchId) this.setData({ view: 'choose', choiceError: fe.toBranchId });
      else this.setData({ actionError: res.error.message });
    },

    onGoHome() {
      go(ROUTES.home);
    },
  },
});
