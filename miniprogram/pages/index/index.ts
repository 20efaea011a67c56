/**
 * 首页 (skeleton). One call on open (`user.me`), three states: loading, error with retry,
 * content. Built with Component() rather than Page(): WeChat supports it for pages and it
 * is what miniprogram-simulate can load, so every page is testable the same way.
 */
import type { MeResponse } from '../../../typings/api';
import { call } from '../../services/call';
import { isElderlyMode } from '../../utils/elderly';
import { roleLabel } from '../../utils/roles';

type Status = 'loading' | 'error' | 'ready';

interface BranchRow {
  id: string;
  name: string;
  roleText: string;
}

const KIND_TEXT: Record<MeResponse['kind'], string> = {
  member: '党员',
  resident: '群众',
  guest: '访客',
};

/** Only what the template shows goes into setData (first setData budget, §6). */
function toView(me: MeResponse) {
  const branches: BranchRow[] = me.branches.map((b) => ({
    id: b.id,
    name: b.name,
    roleText: roleLabel(b.role),
  }));
  return {
    greeting: me.nickname ? `你好，${me.nickname}` : '你好，欢迎使用网上支部',
    kindText: `身份：${KIND_TEXT[me.kind] ?? '访客'}`,
    branches,
    hasBranch: branches.length > 0,
  };
}

/** Instances with a `user.me` call in flight; a field on `this` would need every generic spelled out. */
const inFlight = new WeakSet<object>();

Component({
  data: {
    status: 'loading' as Status,
    errorMessage: '',
    elderly: false,
    greeting: '',
    kindText: '',
    branches: [] as BranchRow[],
    hasBranch: false,
  },

  methods: {
    onLoad() {
      this.setData({ elderly: isElderlyMode() });
      void this.load();
    },

    async load() {
      // A second tap while a request is in flight must not start another call.
      if (inFlight.has(this)) return;
      inFlight.add(this);
      this.setData({ status: 'loading', errorMessage: '' });
      const res = await call('user', 'me');
      inFlight.delete(this);
      if (res.ok) {
        this.setData({ status: 'ready', ...toView(res.data) });
      } else {
        this.setData({ status: 'error', errorMessage: res.error.message });
      }
    },

    onRetry() {
      void this.load();
    },
  },
});
