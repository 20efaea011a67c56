/**
 * 首页. One call on open (`branch.me`): my branch card (branch, role, party group, 党龄),
 * the 政治生日 greeting on the day, pinned notices, up to 3 newest unread notices
 * (`unreadNoticeItems`, those not already shown as pinned) and the unread count, and for committee
 * members the 工作台 (approvals with their pending badge, post a notice, invite; for the
 * secretary also roles, party groups, incoming transfers with their badge, held notices,
 * 双报到 reports; for the secretary, deputy and propaganda committee 发布微党课 and 微党课管理).
 * Members reach 微党课 (the 学习 tab) from a 学习 group and activities (the 活动 tab, 我的活动)
 * from an 活动 group; committee members get 发布活动 in the 工作台. `branch.me` carries no
 * activities, so the home stays one call and does not list upcoming ones. A newcomer
 * is told how to join; an applicant sees the application is being reviewed; a rejected
 * applicant (`me.rejectedApplications`) reads the reason with 重新申请 (→ join page); anyone
 * without a branch (residents too) gets 志愿活动 (the open activities on the 活动 tab).
 * 待我处理 (what needs me now): a member who is a party member central household
 * (`me.liaisonRequests`, read by `me` without another request) gets 「联户求助 N 条待处理」
 * while N > 0, which opens the 联户 tab (their households' open requests). The 工作台 of a
 * branch's secretary, deputy and mass-work committee member has 联户看板 (the branch's
 * central households dashboard, packages/liaison-admin/dashboard).
 * Coming back to the tab reloads (unread counts change as notices are read). The answer's
 * branch is remembered (utils/branch-context.ts) for the tab bar's 学习 and the 学习 tab.
 *
 * Residents (issue #7): for a caller without a branch `branch.me` also carries `liaison`, the
 * card of the household their WeChat is bound to, so the resident home costs no second call.
 * It shows 我的中心户 (photo, name, role, branch, service promise) with a big 打电话
 * (`wx.makePhoneCall`, only when the member agreed to show their phone; otherwise 请求帮助 is
 * the main action), 请求帮助, the household's newest requests (≤ 3, `recentRequests`: category,
 * state in plain words, when; a tap opens the request) and 我的求助 with the open count for all
 * of them. The card's member and phone are remembered (utils/liaison-context.ts) for the
 * 「打电话给中心户」 bar of the resident's request pages. A newcomer (no branch, not bound) is
 * offered both 加入支部 and 绑定连心卡. Everything shown to callers without a branch uses the
 * resident type scale (styles/resident.wxss: big text and buttons even outside 长辈模式).
 */
import type {
  BranchMeResponse,
  LiaisonCard,
  MyMembership,
  RequestItem,
} from '../../../typings/api';
import { call } from '../../services/call';
import { isElderlyMode } from '../../utils/elderly';
import { relativeTime } from '../../utils/format';
import { liaisonOf, rememberLiaison } from '../../utils/liaison-context';
import { CATEGORY_LABELS, STATUS_TEXT, escalationText } from '../../utils/liaison-words';
import { dataset, go, ROUTES, syncTabBar } from '../../utils/nav';
import { branchOf, rememberBranch } from '../../utils/branch-context';
import {
  dial,
  isCommittee,
  isLessonComposer,
  isLiaisonManager,
  isReviewer,
  stopPullDown,
} from '../../utils/page';
import { roleLabel } from '../../utils/roles';

type Status = 'loading' | 'error' | 'ready';

interface NoticeRow {
  noticeId: string;
  title: string;
  read: boolean;
  meta: string;
}

/** One of the household's newest requests under the card. */
interface RecentRow {
  requestId: string;
  categoryLabel: string;
  /** The state in plain words; who has it now once it passed a deadline. */
  statusText: string;
  time: string;
  /** For the screen reader: which request it is. */
  text: string;
}

function recentRow(r: RequestItem, now: Date): RecentRow {
  return {
    requestId: r.requestId,
    categoryLabel: CATEGORY_LABELS[r.category] ?? '其他',
    statusText: escalationText(r) || STATUS_TEXT[r.status] || '',
    time: relativeTime(r.createdAt, now),
    text: r.text,
  };
}

/** The resident home card: what the template shows of `branch.me`'s `liaison`. */
interface LiaisonView {
  name: string;
  /** The first character, shown in place of a missing photo. */
  initial: string;
  photo: string;
  roleLabel: string;
  branchName: string;
  promise: string;
  address: string;
  /** '' when the member did not agree to show it. */
  phone: string;
  openRequests: number;
  recent: RecentRow[];
}

function liaisonView(card: LiaisonCard | null | undefined, now: Date): LiaisonView | null {
  if (!card) return null;
  const m = card.member;
  return {
    name: m.name,
    initial: m.name.slice(0, 1),
    photo: m.photo ?? '',
    roleLabel: m.roleLabel,
    branchName: m.branchName,
    promise: m.promise,
    address: m.address,
    phone: m.phone ?? '',
    openRequests: card.openRequests,
    // ≤ 3 by contract; an older server sends none.
    recent: (card.recentRequests ?? []).slice(0, 3).map((r) => recentRow(r, now)),
  };
}

/** Only what the template shows goes into setData (first setData budget, §6). */
function toView(me: BranchMeResponse) {
  const now = new Date(me.serverTime);
  const active = me.memberships.filter((m) => m.status === 'active');
  const m: MyMembership | undefined = active[0];
  const pending = me.memberships.find((x) => x.status === 'pending');
  const rejected = me.rejectedApplications?.[0];
  const base = {
    hasBranch: !!m,
    rejectedBranch: !m && !pending && rejected ? rejected.branchName : '',
    rejectedReason: !m && !pending && rejected ? rejected.reason || '未说明原因' : '',
    pendingBranch: !m && pending ? pending.branchName : '',
    otherBranches: active
      .slice(1)
      .map((x) => x.branchName)
      .join('、'),
  };
  // 党委管理员: secretary or deputy of the committee organisation itself.
  const admin = active.find(
    (x) => x.branchId === x.committeeId && (x.role === 'secretary' || x.role === 'deputySecretary'),
  );
  if (!m)
    return { ...base, greeting: '你好，欢迎使用网上支部', liaison: liaisonView(me.liaison, now) };
  const pinned: NoticeRow[] = m.pinnedNotices.map((n) => ({
    noticeId: n.noticeId,
    title: n.title,
    read: n.read,
    meta: relativeTime(n.createdAt, now),
  }));
  const pinnedIds = new Set(pinned.map((n) => n.noticeId));
  const unreadItems: NoticeRow[] = (m.unreadNoticeItems ?? [])
    .filter((n) => !pinnedIds.has(n.noticeId))
    .slice(0, 3)
    .map((n) => ({
      noticeId: n.noticeId,
      title: n.title,
      read: false,
      meta: relativeTime(n.createdAt, now),
    }));
  return {
    ...base,
    liaison: null,
    greeting: `你好，${m.realName}`,
    branchId: m.branchId,
    branchName: m.branchName,
    roleText: roleLabel(m.role),
    groupText: m.partyGroupName ?? '',
    yearsText: m.partyYears === null ? '' : `党龄 ${m.partyYears} 年`,
    birthday: m.politicalBirthday
      ? `今天是你的政治生日${m.partyYears ? `，入党 ${m.partyYears} 周年` : ''}。不忘初心，牢记使命！`
      : '',
    unread: m.unreadNotices,
    pinned,
    unreadItems,
    liaisonOpen: me.liaisonRequests?.openRequests ?? 0,
    // A branch's dashboard: not for a role held in the committee organisation itself.
    canLiaisonDashboard: isLiaisonManager(m.role) && m.branchId !== m.committeeId,
    canReview: m.pendingApprovals !== null || isReviewer(m.role),
    pendingApprovals: m.pendingApprovals ?? 0,
    canPost: isCommittee(m.role),
    canLesson: isLessonComposer(m.role),
    committeeId: m.committeeId,
    isSecretary: m.role === 'secretary',
    canModerate: m.role === 'secretary' || m.role === 'deputySecretary',
    canTransfers: m.pendingTransfers !== null || m.role === 'secretary',
    pendingTransfers: m.pendingTransfers ?? 0,
    adminCommitteeId: admin ? admin.committeeId : '',
  };
}

interface PageState {
  busy: boolean;
  shown: boolean;
}
const state = new WeakMap<object, PageState>();
function st(page: object): PageState {
  let s = state.get(page);
  if (!s) state.set(page, (s = { busy: false, shown: false }));
  return s;
}

Component({
  data: {
    status: 'loading' as Status,
    errorMessage: '',
    elderly: false,
    greeting: '',
    hasBranch: false,
    pendingBranch: '',
    rejectedBranch: '',
    rejectedReason: '',
    otherBranches: '',
    branchId: '',
    branchName: '',
    roleText: '',
    groupText: '',
    yearsText: '',
    birthday: '',
    unread: 0,
    pinned: [] as NoticeRow[],
    unreadItems: [] as NoticeRow[],
    liaisonOpen: 0,
    canLiaisonDashboard: false,
    canReview: false,
    pendingApprovals: 0,
    canPost: false,
    canLesson: false,
    committeeId: '',
    isSecretary: false,
    canModerate: false,
    canTransfers: false,
    pendingTransfers: 0,
    adminCommitteeId: '',
    liaison: null as LiaisonView | null,
  },

  methods: {
    onLoad() {
      this.setData({ elderly: isElderlyMode() });
      void this.load();
    },

    onShow() {
      syncTabBar(this, 'home');
      const s = st(this);
      // The first show follows onLoad, which is already loading.
      if (s.shown && this.data.status !== 'loading') void this.load(true);
      s.shown = true;
    },

    /** `quiet`: refresh what is on screen without the loading state. */
    async load(quiet = false) {
      const s = st(this);
      // A second tap while a request is in flight must not start another call.
      if (s.busy) return;
      s.busy = true;
      if (!quiet || this.data.status !== 'ready')
        this.setData({ status: 'loading', errorMessage: '' });
      const res = await call('branch', 'me');
      s.busy = false;
      stopPullDown();
      if (res.ok) {
        this.setData({ status: 'ready', ...toView(res.data) });
        // The tab bar and the 学习 tab read the branch from here (utils/branch-context.ts).
        rememberBranch(branchOf(res.data));
        // The resident's request pages read the member's phone from here.
        rememberLiaison(liaisonOf(res.data.liaison));
        syncTabBar(this, 'home');
      } else if (!quiet || this.data.status !== 'ready') {
        this.setData({ status: 'error', errorMessage: res.error.message });
      }
    },

    onRetry() {
      void this.load();
    },
    onPullDownRefresh() {
      void this.load(true);
    },

    onJoin() {
      go(ROUTES.join);
    },
    onBind() {
      go(ROUTES.residentBind);
    },
    /** 打电话: the member's own phone, shown because they agreed (`showPhone`). */
    onCallLiaison() {
      const phone = this.data.liaison?.phone;
      if (!phone) return;
      dial(phone);
    },
    onRequestHelp() {
      go(ROUTES.residentRequest);
    },
    onRecentRequest(e: WechatMiniprogram.BaseEvent) {
      const id = dataset(e, 'id');
      if (id) go(ROUTES.residentRequestDetail, { id });
    },
    onMyRequests() {
      go(ROUTES.residentRequests);
    },
    onMyData() {
      go(ROUTES.residentMyData);
    },
    onCard() {
      go(ROUTES.memberCard, { branchId: this.data.branchId });
    },
    onNotices() {
      go(ROUTES.notices, { branchId: this.data.branchId, canPost: this.data.canPost ? '1' : '' });
    },
    onNotice(e: WechatMiniprogram.CustomEvent<{ noticeId: string }>) {
      go(ROUTES.noticeDetail, { id: e.detail.noticeId });
    },
    onDirectory() {
      go(ROUTES.directory, { branchId: this.data.branchId });
    },
    onApprovals() {
      go(ROUTES.approvals, { branchId: this.data.branchId });
    },
    onCompose() {
      go(ROUTES.compose, { branchId: this.data.branchId });
    },
    onRoles() {
      go(ROUTES.roles, { branchId: this.data.branchId, committeeId: this.data.committeeId });
    },
    onGroups() {
      go(ROUTES.groups, { branchId: this.data.branchId, committeeId: this.data.committeeId });
    },
    onTransfers() {
      go(ROUTES.transfers, { branchId: this.data.branchId });
    },
    onHeld() {
      go(ROUTES.held, { branchId: this.data.branchId });
    },
    onReports() {
      go(ROUTES.reports, { branchId: this.data.branchId });
    },
    /** The 联户 tab lists the open requests of the caller's households. */
    onLiaisonRequests() {
      go(ROUTES.liaison);
    },
    onLiaisonDashboard() {
      go(ROUTES.liaisonDashboard, { branchId: this.data.branchId });
    },
    onTree() {
      go(ROUTES.tree, { committeeId: this.data.committeeId });
    },
    onCreateBranch() {
      go(ROUTES.createBranch, { committeeId: this.data.adminCommitteeId });
    },
    onLessons() {
      go(ROUTES.lessons);
    },
    onComposeLesson() {
      go(ROUTES.lessonCompose, { branchId: this.data.branchId });
    },
    onLessonOverview() {
      go(ROUTES.lessonOverview, {
        branchId: this.data.branchId,
        canModerate: this.data.canModerate ? '1' : '',
      });
    },
    onActivities() {
      go(ROUTES.activities);
    },
    onMyActivities() {
      go(ROUTES.myActivities);
    },
    onCreateActivity() {
      go(ROUTES.activityEdit, { branchId: this.data.branchId });
    },
    onInvite() {
      go(ROUTES.invite, { branchId: this.data.branchId, branchName: this.data.branchName });
    },
  },
});
