/**
 * 退出支部 (`?branchId=`), opened from 我的. One call on open (`branch.me`) to show which
 * branch and whether leaving is possible (a secretary hands over first). 退出支部 shows a
 * confirm step on the page that says what leaving means; only 确认退出 sends `leaveBranch`.
 */
import type { MyMembership } from '../../../typings/api';
import { call } from '../../services/call';
import { isElderlyMode } from '../../utils/elderly';
import { Intents } from '../../utils/intents';
import { ROUTES, decodeQuery, go } from '../../utils/nav';
import { toast } from '../../utils/page';
import { roleLabel } from '../../utils/roles';

type Status = 'loading' | 'error' | 'empty' | 'ready';
/** intro: what and why; confirm: the confirm step; done: left. */
type View = 'intro' | 'confirm' | 'done';

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
    branchName: '',
    roleText: '',
    isSecretary: false,
    view: 'intro' as View,
    actionError: '',
    leaving: false,
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
      const res = await call('branch', 'me');
      s.loading = false;
      if (!res.ok) {
        this.setData({ status: 'error', errorMessage: res.error.message });
        return;
      }
      const want = this.data.branchId;
      const m: MyMembership | undefined = res.data.memberships.find(
        (x) => x.status === 'active' && (!want || x.branchId === want),
      );
      if (!m) {
        this.setData({ status: 'empty' });
        return;
      }
      this.setData({
        status: 'ready',
        branchId: m.branchId,
        branchName: m.branchName,
        roleText: roleLabel(m.role),
        isSecretary: m.role === 'secretary',
      });
    },

    onRetry() {
      void this.load();
    },

    onStart() {
      this.setData({ view: 'confirm', actionError: '' });
    },
    onCancel() {
      this.setData({ view: 'intro', actionError: '' });
    },

    async onConfirm() {
      if (this.data.leaving || this.data.view !== 'confirm') return;
      const key = `leave:${this.data.branchId}`;
      this.setData({ leaving: true, actionError: '' });
      const res = await call(
        'branch',
        'leaveBranch',
        { branchId: this.data.branchId },
        { requestId: st(this).intents.id(key) },
      );
      this.setData({ leaving: false });
      if (!res.ok) {
        this.setData({ actionError: res.error.message });
        return;
      }
      st(this).intents.done(key);
      toast('已退出支部', 'success');
      this.setData({ view: 'done' });
    },

    onGoHome() {
      go(ROUTES.home);
    },
  },
});
