import type { BranchMeResponse, MyMembership } from '../../typings/api';
import { callsOf, offline, ok, stubBackend, err, aMoment } from './helpers/backend';
import { loadPage, prepare, tap, waitFor, type LoadedPage } from './helpers/load';
import {
  restoreWx,
  stubRequest,
  stubWx,
  useEnvVersion,
  useFontScale,
  useStorage,
} from './helpers/wx';

const membership = (extra: Partial<MyMembership> = {}): MyMembership => ({
  membershipId: 'm1',
  branchId: 'b1',
  branchName: '幸福社区第一党支部',
  committeeId: 'c1',
  role: 'secretary',
  status: 'active',
  realName: '王书记',
  partyGroupId: 'g1',
  partyGroupName: '第一党小组',
  joinedPartyAt: '1995-07-01',
  politicalBirthday: false,
  partyYears: 30,
  unreadNotices: 2,
  pinnedNotices: [
    {
      noticeId: 'n1',
      title: '七月主题党日安排',
      pinned: true,
      createdAt: '2025-01-01T00:00:00.000Z',
      read: false,
    },
  ],
  pendingApprovals: 3,
  pendingTransfers: 0,
  ...extra,
});
const me = (...memberships: MyMembership[]): BranchMeResponse => ({
  memberships,
  serverTime: '2025-01-01T08:00:00.000Z',
});

let opened: LoadedPage | null = null;
function open(): LoadedPage {
  opened = loadPage('pages/index/index');
  return opened;
}
const state = (page: LoadedPage) => page.page.querySelector('#state')!;

beforeAll(() => prepare('pages/index/index'), 60_000);
beforeEach(() => {
  useEnvVersion('develop');
  useStorage();
  useFontScale(1);
});
afterEach(() => {
  opened?.detach();
  opened = null;
  restoreWx();
});

test('shows loading, then my branch card, notices and the workbench, after one call', async () => {
  let answer!: () => void;
  const answered = new Promise<void>((resolve) => (answer = resolve));
  const requests = stubRequest(() => ({
    until: answered,
    reply: { statusCode: 200, data: { ok: true, data: me(membership()) } },
  }));

  const page = open();
  expect(state(page).querySelector('#state-loading')).toBeTruthy();
  expect(page.text()).toContain('正在加载');
  await aMoment();
  expect(page.text()).not.toContain('王书记');
  answer();
  await waitFor(() => expect(page.text()).toContain('你好，王书记'));
  expect(state(page).querySelector('#state-loading')).toBeFalsy();
  const text = page.text();
  expect(text).toContain('幸福社区第一党支部');
  expect(text).toContain('书记');
  expect(text).toContain('党龄 30 年');
  expect(text).toContain('七月主题党日安排');
  expect(text).toContain('2 条未读');
  expect(page.page.querySelector('#workbench')).toBeTruthy();
  expect(page.page.querySelector('#pending-badge')!.instance.data.count).toBe(3);
  expect(page.page.querySelector('#birthday')).toBeFalsy();
  expect(requests).toHaveLength(1);
  expect(requests[0].url).toMatch(/\/functions\/branch$/);
  expect(requests[0].data).toEqual({ action: 'me' });
});

test('the workbench opens approvals of my branch in the secretary subpackage', async () => {
  const navigateTo = stubWx('navigateTo', jest.fn());
  stubBackend({ 'branch.me': () => ok(me(membership())) });
  const page = open();
  await waitFor(() => expect(page.page.querySelector('#go-approvals')).toBeTruthy());
  tap(page.page.querySelector('#go-approvals'));
  await waitFor(() =>
    expect(navigateTo).toHaveBeenCalledWith({
      url: '/packages/secretary/approvals/index?branchId=b1',
    }),
  );
});

test('a plain member sees no workbench', async () => {
  stubBackend({
    'branch.me': () => ok(me(membership({ role: 'member', pendingApprovals: null }))),
  });
  const page = open();
  await waitFor(() => expect(page.page.querySelector('#branch-card')).toBeTruthy());
  expect(page.page.querySelector('#workbench')).toBeFalsy();
});

test('the political birthday is greeted on the day', async () => {
  stubBackend({ 'branch.me': () => ok(me(membership({ politicalBirthday: true }))) });
  const page = open();
  await waitFor(() => expect(page.page.querySelector('#birthday')).toBeTruthy());
  expect(page.text()).toContain('今天是你的政治生日，入党 30 周年');
});

test('a newcomer without a branch is told how to join', async () => {
  stubBackend({ 'branch.me': () => ok(me()) });
  const page = open();
  await waitFor(() => expect(page.page.querySelector('#no-branch')).toBeTruthy());
  expect(page.text()).toContain('还没有加入党支部');
  expect(page.text()).toContain('邀请码');
  expect(page.page.querySelector('#join')).toBeTruthy();
  expect(page.page.querySelector('#branch-card')).toBeFalsy();
});

test('an applicant sees the application under review', async () => {
  stubBackend({
    'branch.me': () =>
      ok(me(membership({ status: 'pending', pinnedNotices: [], pendingApprovals: null }))),
  });
  const page = open();
  await waitFor(() => expect(page.page.querySelector('#pending')).toBeTruthy());
  expect(page.text()).toContain('入党申请审核中');
  expect(page.page.querySelector('#branch-card')).toBeFalsy();
});

test('a failed call shows the reason and a retry button that loads again', async () => {
  const calls = stubBackend({
    'branch.me': (_d, _c, nth) => (nth === 0 ? offline : ok(me(membership()))),
  });
  const page = open();
  await waitFor(() => expect(state(page).querySelector('#state-error')).toBeTruthy());
  expect(page.text()).toContain('网络不可用');
  const retry = state(page).querySelector('#retry')!;
  expect(retry.instance.data.ariaLabel).toBe('重新加载');
  tap(retry);
  await waitFor(() => expect(page.text()).toContain('你好，王书记'));
  expect(callsOf(calls, 'branch.me')).toHaveLength(2);
});

test("the server's own error message is what the user reads", async () => {
  stubBackend({ 'branch.me': () => err('INTERNAL', '系统繁忙，请稍后再试') });
  const page = open();
  await waitFor(() => expect(page.text()).toContain('系统繁忙，请稍后再试'));
});

test('tapping retry twice while loading starts only one call', async () => {
  const calls = stubBackend({
    'branch.me': (_d, _c, nth) => (nth === 0 ? offline : { never: true }),
  });
  const page = open();
  await waitFor(() => expect(state(page).querySelector('#retry')).toBeTruthy());
  tap(state(page).querySelector('#retry'));
  page.instance.onRetry();
  await waitFor(() => expect(state(page).querySelector('#state-loading')).toBeTruthy());
  expect(callsOf(calls, 'branch.me')).toHaveLength(2);
});

describe('长辈模式', () => {
  const rootClass = (page: LoadedPage) => page.page.dom!.firstElementChild!.className;
  beforeEach(() => void stubBackend({ 'branch.me': () => ok(me(membership())) }));

  test('follows an enlarged WeChat font size', () => {
    useFontScale(1.3);
    expect(rootClass(open())).toMatch(/\belderly\b/);
  });

  test('stays off at the standard font size', () => {
    expect(rootClass(open())).not.toMatch(/elderly/);
  });

  test('an explicit choice in settings wins over the font size', () => {
    useStorage({ 'settings.elderlyMode': 'on' });
    expect(rootClass(open())).toMatch(/elderly/);
  });
});

test('up to 3 unread notice titles show besides the pinned one; tapping opens the detail', async () => {
  const navigateTo = stubWx('navigateTo', jest.fn());
  const brief = (id: string, title: string) => ({
    noticeId: id,
    title,
    pinned: false,
    createdAt: '2025-01-01T00:00:00.000Z',
    read: false,
  });
  stubBackend({
    'branch.me': () =>
      ok(
        me(
          membership({
            unreadNotices: 5,
            unreadNoticeItems: [
              // The pinned one is already shown once.
              { ...brief('n1', '七月主题党日安排'), pinned: true },
              brief('n2', '缴纳党费的通知'),
              brief('n3', '学习新党章'),
              brief('n4', '社区义诊志愿者招募'),
            ],
          }),
        ),
      ),
  });
  const page = open();
  await waitFor(() => expect(page.page.querySelector('#unread-n2')).toBeTruthy());
  const text = page.text();
  expect(text).toContain('缴纳党费的通知');
  expect(text).toContain('学习新党章');
  expect(text).toContain('社区义诊志愿者招募');
  expect(text.split('七月主题党日安排')).toHaveLength(2);
  expect(page.page.querySelector('#unread-n1')).toBeFalsy();
  tap(page.page.querySelector('#unread-n3')!.querySelector('.notice'));
  await waitFor(() =>
    expect(navigateTo).toHaveBeenCalledWith({ url: '/pages/notices/detail?id=n3' }),
  );
});

test('a rejected applicant reads the reason and can apply again', async () => {
  const navigateTo = stubWx('navigateTo', jest.fn());
  stubBackend({
    'branch.me': () =>
      ok({
        ...me(),
        rejectedApplications: [
          {
            applicationId: 'a1',
            branchId: 'b1',
            branchName: '幸福社区第一党支部',
            reason: '请填写档案中的姓名',
            reviewedAt: '2025-01-01T00:00:00.000Z',
          },
        ],
      }),
  });
  const page = open();
  await waitFor(() => expect(page.page.querySelector('#rejected')).toBeTruthy());
  expect(page.text()).toContain('幸福社区第一党支部');
  expect(page.text()).toContain('原因：请填写档案中的姓名');
  expect(page.page.querySelector('#no-branch')).toBeFalsy();
  tap(page.page.querySelector('#apply-again'));
  await waitFor(() => expect(navigateTo).toHaveBeenCalledWith({ url: '/pages/join/index' }));
});

describe('联户 on the member home (issue #7)', () => {
  test('a central household with open requests reads 联户求助 N 条待处理 under 待我处理; a tap opens the 联户 tab', async () => {
    const switchTab = stubWx('switchTab', jest.fn());
    const navigateTo = stubWx('navigateTo', jest.fn());
    stubBackend({
      'branch.me': () =>
        ok({
          ...me(membership({ role: 'member', pendingApprovals: null, pendingTransfers: null })),
          liaisonRequests: { households: 1, openRequests: 2 },
        }),
    });
    const page = open();
    await waitFor(() => expect(page.page.querySelector('#needs-me')).toBeTruthy());
    const row = page.page.querySelector('#go-liaison-requests')!;
    expect(row.instance.data.title).toBe('联户求助');
    expect(row.instance.data.note).toBe('2 条待处理');
    tap(row);
    await waitFor(() => expect(switchTab).toHaveBeenCalledWith({ url: '/pages/liaison/index' }));
    expect(navigateTo).not.toHaveBeenCalled();
    // A plain member still has no workbench, so no 联户看板.
    expect(page.page.querySelector('#workbench')).toBeFalsy();
  });

  test('nothing open, or no central household: no 联户求助 row; coming back shows the count as it is now', async () => {
    const plain = membership({ role: 'member', pendingApprovals: null, pendingTransfers: null });
    let answer: BranchMeResponse = {
      ...me(plain),
      liaisonRequests: { households: 1, openRequests: 0 },
    };
    const calls = stubBackend({ 'branch.me': () => ok(answer) });
    const page = open();
    await waitFor(() => expect(page.page.querySelector('#branch-card')).toBeTruthy());
    expect(page.page.querySelector('#needs-me')).toBeFalsy();
    expect(page.text()).not.toContain('联户求助');

    answer = { ...me(plain), liaisonRequests: { households: 1, openRequests: 3 } };
    page.instance.onPullDownRefresh();
    await waitFor(() => expect(page.page.querySelector('#needs-me')).toBeTruthy());
    expect(page.text()).toContain('3 条待处理');

    // No longer a central household (stepped down): the row goes.
    answer = me(plain);
    page.instance.onPullDownRefresh();
    await waitFor(() => expect(page.page.querySelector('#needs-me')).toBeFalsy());
    expect(callsOf(calls, 'branch.me')).toHaveLength(3);
  });

  test.each([
    ['secretary', true],
    ['deputySecretary', true],
    ['massWorkCommittee', true],
    ['organizationCommittee', false],
    ['propagandaCommittee', false],
  ] as const)('工作台 of a %s: 联户看板 shown = %s', async (role, shown) => {
    const navigateTo = stubWx('navigateTo', jest.fn());
    stubBackend({ 'branch.me': () => ok(me(membership({ role }))) });
    const page = open();
    await waitFor(() => expect(page.page.querySelector('#workbench')).toBeTruthy());
    const entry = page.page.querySelector('#go-liaison-dashboard');
    expect(!!entry).toBe(shown);
    if (!entry) return;
    expect(entry.instance.data.title).toBe('联户看板');
    tap(entry);
    await waitFor(() =>
      expect(navigateTo).toHaveBeenCalledWith({
        url: '/packages/liaison-admin/dashboard/index?branchId=b1',
      }),
    );
  });

  test('a committee secretary whose membership is the committee itself gets no branch dashboard', async () => {
    stubBackend({
      'branch.me': () =>
        ok(me(membership({ role: 'secretary', branchId: 'c1', committeeId: 'c1' }))),
    });
    const page = open();
    await waitFor(() => expect(page.page.querySelector('#workbench')).toBeTruthy());
    expect(page.page.querySelector('#go-liaison-dashboard')).toBeFalsy();
  });
});
