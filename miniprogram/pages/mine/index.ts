/**
 * 我的. One call on open (`branch.me`): who I am in each branch (name, branch, role,
 * application state), my 双报到 reports and their state, my identity card, editing my
 * profile, my points (积分, from 微党课 and confirmed volunteer hours), reporting to a community
 * branch, leaving the branch, 我的活动 / 志愿记录 / 服务证明 (for everyone, residents included) and
 * 志愿服务队 (members), and the 长辈模式 setting, which is stored on the phone
 * (`settings.elderlyMode`) and needs no call.
 */
import type { BranchMeResponse, MembershipState } from '../../../typings/api';
import { call } from '../../services/call';
import { ELDERLY_STORAGE_KEY, isElderlyMode } from '../../utils/elderly';
import { go, ROUTES, syncTabBar, dataset } from '../../utils/nav';
import { branchOf, rememberBranch } from '../../utils/branch-context';
import { REPORT_STATUS_TEXT, stopPullDown, toast } from '../../utils/page';
import { roleLabel } from '../../utils/roles';

type Status = 'loading' | 'error' | 'ready';

const STATE_TEXT: Record<MembershipState, string> = {
  active: '',
  pending: '审核中',
  rejected: '未通过',
  left: '已离开',
};

interface Row {
  branchId: string;
  branchName: string;
  note: string;
  active: boolean;
}

interface ReportRow {
  reportId: string;
  branchName: string;
  note: string;
  reason: string;
}

function toView(me: BranchMeResponse) {
  const rows: Row[] = me.memberships.map((m) => ({
    branchId: m.branchId,
    branchName: m.branchName,
    note: m.status === 'active' ? roleLabel(m.role) : STATE_TEXT[m.status],
    active: m.status === 'active',
  }));
  const first = me.memberships.find((m) => m.status === 'active') ?? me.memberships[0];
  return {
    name: first ? first.realName : '',
    rows,
    hasActive: rows.some((r) => r.active),
    firstBranchId: rows.find((r) => r.active)?.branchId ?? '',
    /** Bound to a liaison card (issue #7): 我的联户信息. `branch.me` sends it to non-members. */
    bound: !!me.liaison,
    reports: (me.reports ?? []).slice(0, 20).map((r) => ({
      reportId: r.reportId,
      branchName: r.branchName,
      note: REPORT_STATUS_TEXT[r.status] ?? '',
      reason: r.status === 'rejected' ? r.reason || '未说明原因' : '',
    })),
  };
}

const busy = new WeakSet<object>();

Component({
  data: {
    status: 'loading' as Status,
    errorMessage: '',
    elderly: false,
    name: '',
    rows: [] as Row[],
    hasActive: false,
    firstBranchId: '',
    reports: [] as ReportRow[],
    bound: false,
  },

  methods: {
    onLoad() {
      this.setData({ elderly: isElderlyMode() });
      void this.load();
    },

    onShow() {
      syncTabBar(this, 'mine');
    },

    async load() {
      if (busy.has(this)) return;
      busy.add(this);
      if (this.data.status !== 'ready') this.setData({ status: 'loading', errorMessage: '' });
      const res = await call('branch', 'me');
      busy.delete(this);
      stopPullDown();
      if (res.ok) {
        this.setData({ status: 'ready', ...toView(res.data) });
        rememberBranch(branchOf(res.data));
        syncTabBar(this, 'mine');
      } else this.setData({ status: 'error', errorMessage: res.error.message });
    },

    onRetry() {
      void this.load();
    },
    onPullDownRefresh() {
      void this.load();
    },

    onBranch(e: WechatMiniprogram.BaseEvent) {
      const branchId = dataset(e, 'id');
      const row = this.data.rows.find((r) => r.branchId === branchId);
      if (row?.active) go(ROUTES.memberCard, { branchId });
      else go(ROUTES.join);
    },
    onCard() {
      go(ROUTES.memberCard, { branchId: this.data.firstBranchId });
    },
    onJoin() {
      go(ROUTES.join);
    },
    onEditProfile() {
      go(ROUTES.profileEdit, { branchId: this.data.firstBranchId });
    },
    onReport() {
      go(ROUTES.report);
    },
    onPoints() {
      go(ROUTES.points);
    },
    onMyActivities() {
      go(ROUTES.myActivities);
    },
    onVolunteerRecord() {
      go(ROUTES.volunteerRecord);
    },
    onCertificate() {
      go(ROUTES.certificate);
    },
    onTeams() {
      go(ROUTES.teams, { branchId: this.data.firstBranchId });
    },
    onMyLiaisonData() {
      go(ROUTES.residentMyData);
    },
    onLeave() {
      go(ROUTES.leave, { branchId: this.data.firstBranchId });
    },

    onElderly(e: WechatMiniprogram.CustomEvent<{ value: boolean }>) {
      const on = !!e.detail.value;
      try {
        wx.setStorageSync(ELDERLY_STORAGE_KEY, on ? 'on' : 'off');
      } catch {
        // Storage full: the switch still applies to this page.
      }
      this.setData({ elderly: on });
      toast(on ? '已开启长辈模式，其他页面重新打开后生效' : '已关闭长辈模式');
    },
  },
});
