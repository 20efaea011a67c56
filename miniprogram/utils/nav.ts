/** Navigation helpers shared by pages. */
import { currentBranch } from './branch-context';

/** Routes, so a moved page is one edit. Subpackage routes are under packages/. */
export const ROUTES = {
  home: '/pages/index/index',
  join: '/pages/join/index',
  notices: '/pages/notices/index',
  noticeDetail: '/pages/notices/detail',
  memberCard: '/pages/member-card/index',
  mine: '/pages/mine/index',
  directory: '/pages/directory/index',
  approvals: '/packages/secretary/approvals/index',
  compose: '/packages/secretary/compose/index',
  invite: '/packages/secretary/invite/index',
  reads: '/packages/secretary/reads/index',
  roles: '/packages/secretary/roles/index',
  groups: '/packages/secretary/groups/index',
  groupMembers: '/packages/secretary/group-members/index',
  transfers: '/packages/secretary/transfers/index',
  transferOut: '/packages/secretary/transfer-out/index',
  held: '/packages/secretary/held/index',
  reports: '/packages/secretary/reports/index',
  createBranch: '/packages/committee/create-branch/index',
  appointSecretary: '/packages/committee/appoint-secretary/index',
  editBranch: '/packages/committee/edit-branch/index',
  leave: '/pages/leave/index',
  report: '/pages/report/index',
  profileEdit: '/pages/profile-edit/index',
  tree: '/pages/tree/index',
  lessons: '/pages/lessons/index',
  lessonDetail: '/pages/lessons/detail',
  lessonQuiz: '/pages/lessons/quiz',
  reflections: '/pages/lessons/reflections',
  topics: '/pages/lessons/topics',
  points: '/pages/points/index',
  lessonCompose: '/packages/lesson-admin/compose/index',
  lessonStats: '/packages/lesson-admin/stats/index',
  lessonOverview: '/packages/lesson-admin/overview/index',
  topicAdopt: '/packages/lesson-admin/adopt/index',
  activities: '/pages/activities/index',
  activityDetail: '/pages/activities/detail',
  myActivities: '/pages/activities/mine',
  activityScan: '/pages/activities/scan',
  volunteerRecord: '/pages/activities/record',
  certificate: '/pages/activities/certificate',
  teams: '/pages/activities/teams',
  activityEdit: '/packages/activity-admin/edit/index',
  activitySignups: '/packages/activity-admin/signups/index',
  activityQr: '/packages/activity-admin/qr/index',
  activityAttendance: '/packages/activity-admin/attendance/index',
  activityHours: '/packages/activity-admin/hours/index',
  activityMinutes: '/packages/activity-admin/minutes/index',
  activityExport: '/packages/activity-admin/export/index',
  attendanceStats: '/packages/activity-admin/stats/index',
  goodDeeds: '/packages/activity-admin/deeds/index',
  liaison: '/pages/liaison/index',
  residentBind: '/packages/resident/bind/index',
  residentRequest: '/packages/resident/request/index',
  residentRequests: '/packages/resident/requests/index',
  residentRequestDetail: '/packages/resident/request-detail/index',
  residentMyData: '/packages/resident/my-data/index',
  household: '/packages/liaison/household/index',
  residentEdit: '/packages/liaison/resident-edit/index',
  requestHandle: '/packages/liaison/request/index',
  serviceLog: '/packages/liaison/visit/index',
  serviceRecords: '/packages/liaison/records/index',
  liaisonHouseholds: '/packages/liaison-admin/households/index',
  designate: '/packages/liaison-admin/designate/index',
  residentsImport: '/packages/liaison-admin/import/index',
  residentsExport: '/packages/liaison-admin/export/index',
  cardSheet: '/packages/liaison-admin/cards/index',
  liaisonDashboard: '/packages/liaison-admin/dashboard/index',
  liaisonRequests: '/packages/liaison-admin/requests/index',
  stepDown: '/packages/liaison-admin/step-down/index',
} as const;

/** Tab pages (app.json tabBar) must be opened with switchTab. */
const TAB_ROUTES = new Set<string>([
  ROUTES.home,
  ROUTES.lessons,
  ROUTES.activities,
  ROUTES.liaison,
  ROUTES.mine,
]);

export interface TabItem {
  value: string;
  label: string;
  icon: string;
  url: string;
  /** Shown only to members of a branch (UX.md: residents and newcomers have no 学习). */
  membersOnly?: boolean;
}

/** Every tab, in order (UX.md, Navigation). */
export const TABS: readonly TabItem[] = [
  { value: 'home', label: '首页', icon: 'home', url: ROUTES.home },
  { value: 'lessons', label: '学习', icon: 'book-open', url: ROUTES.lessons, membersOnly: true },
  { value: 'activities', label: '活动', icon: 'calendar', url: ROUTES.activities },
  { value: 'liaison', label: '联户', icon: 'usergroup', url: ROUTES.liaison, membersOnly: true },
  { value: 'mine', label: '我的', icon: 'user', url: ROUTES.mine },
];

/** The tabs the caller sees: members (a branch remembered from branch.me) get 学习. */
export function visibleTabs(isMember: boolean = currentBranch() !== null): TabItem[] {
  return TABS.filter((t) => isMember || !t.membersOnly);
}

export function go(route: string, query: Record<string, string> = {}): void {
  const qs = Object.entries(query)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
  if (TAB_ROUTES.has(route)) {
    wx.switchTab({ url: route });
    return;
  }
  wx.navigateTo({ url: qs ? `${route}?${qs}` : route });
}

/** Replace the current page (a finished form → its result page); never a tab page. */
export function replace(route: string, query: Record<string, string> = {}): void {
  const qs = Object.entries(query)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
  wx.redirectTo({ url: qs ? `${route}?${qs}` : route });
}

/**
 * Mark the current tab in the custom tab bar, and show the tabs the caller may see now (a
 * member's 学习 appears once home has learnt the branch); a no-op where there is no bar
 * (tests, old hosts).
 */
export function syncTabBar(page: unknown, value: string): void {
  const p = page as { getTabBar?: () => { setData(d: Record<string, unknown>): void } | null };
  try {
    p.getTabBar?.()?.setData({ value, tabs: visibleTabs() });
  } catch {
    // No custom tab bar on this host.
  }
}

/** The value of a tap's `data-*` attribute, as a string. */
export function dataset(
  e: { currentTarget?: { dataset?: Record<string, unknown> } },
  key: string,
): string {
  const v = e.currentTarget?.dataset?.[key];
  return v === undefined || v === null ? '' : String(v);
}

/**
 * A page's query as `go()` meant it. `go()` encodes values (a branch name may hold `&` or
 * `=`), and WeChat hands onLoad the values as they stood in the url, so every page reads
 * its query through here. A value that is not valid percent-encoding is kept as it came.
 */
export function decodeQuery(
  query: Record<string, string | undefined> | undefined,
): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v === undefined) continue;
    try {
      out[k] = decodeURIComponent(v);
    } catch {
      out[k] = v;
    }
  }
  return out;
}
