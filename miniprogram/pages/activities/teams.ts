/**
 * 志愿服务队: the branch's volunteer teams (`activity.listTeams`, `?branchId=` or the branch
 * remembered from `branch.me`) with members count and 加入 / 退出 on each (`joinTeam` /
 * `leaveTeam`, one tap, the row's count and button change, a toast says it). A volunteer
 * activity may be for one team only, so joining is what opens those. No branch → an empty
 * state leading to joining one. Pull to refresh.
 */
import type { TeamItem } from '../../../typings/api';
import { call } from '../../services/call';
import { currentBranch } from '../../utils/branch-context';
import { isElderlyMode } from '../../utils/elderly';
import { Intents } from '../../utils/intents';
import { ROUTES, dataset, decodeQuery, go } from '../../utils/nav';
import { pageState, stopPullDown, toast } from '../../utils/page';

type Status = 'loading' | 'error' | 'empty' | 'ready';

interface PageState {
  busy: boolean;
  intents: Intents;
}
const st = pageState<PageState>(() => ({ busy: false, intents: new Intents() }));

Component({
  data: {
    status: 'loading' as Status,
    errorMessage: '',
    elderly: false,
    branchId: '',
    noBranch: false,
    items: [] as TeamItem[],
    /** teamId of the row whose join / leave is in flight. */
    acting: '',
    rowError: {} as Record<string, string>,
  },

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const options = decodeQuery(query);
      const branchId = options.branchId || currentBranch()?.branchId || '';
      this.setData({ elderly: isElderlyMode(), branchId, noBranch: !branchId });
      if (!branchId) this.setData({ status: 'empty' });
      else void this.load();
    },

    async load() {
      const s = st(this);
      if (s.busy || !this.data.branchId) {
        stopPullDown();
        return;
      }
      s.busy = true;
      if (this.data.status !== 'ready') this.setData({ status: 'loading', errorMessage: '' });
      const res = await call('activity', 'listTeams', { branchId: this.data.branchId });
      s.busy = false;
      stopPullDown();
      if (!res.ok) {
        this.setData({ status: 'error', errorMessage: res.error.message });
        return;
      }
      this.setData({
        status: res.data.items.length ? 'ready' : 'empty',
        items: res.data.items,
        rowError: {},
      });
    },
    onRetry() {
      void this.load();
    },
    onPullDownRefresh() {
      void this.load();
    },

    onJoin(e: WechatMiniprogram.BaseEvent) {
      void this.toggle(dataset(e, 'id'), 'joinTeam');
    },
    onLeave(e: WechatMiniprogram.BaseEvent) {
      void this.toggle(dataset(e, 'id'), 'leaveTeam');
    },
    async toggle(teamId: string, action: 'joinTeam' | 'leaveTeam') {
      if (!teamId || this.data.acting) return;
      const i = this.data.items.findIndex((t) => t.teamId === teamId);
      if (i < 0) return;
      const s = st(this);
      const key = `${action}:${teamId}`;
      this.setData({ acting: teamId, [`rowError.${teamId}`]: '' });
      const res = await call('activity', action, { teamId }, { requestId: s.intents.id(key) });
      if (!res.ok) {
        this.setData({ acting: '', [`rowError.${teamId}`]: res.error.message });
        toast(res.error.message);
        return;
      }
      s.intents.done(key);
      this.setData({
        acting: '',
        [`items[${i}].joined`]: res.data.joined,
        [`items[${i}].memberCount`]: res.data.memberCount,
      });
      toast(res.data.joined ? '已加入服务队' : '已退出服务队', 'success');
    },

    onEmptyAction() {
      if (this.data.noBranch) go(ROUTES.join);
      else go(ROUTES.activities);
    },
  },
});
