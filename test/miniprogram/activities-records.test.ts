/**
 * Activities for members beyond the tab and the detail (issue #6): the scanner, 我的活动,
 * 志愿记录, 服务证明, 志愿服务队, and the ways in from 首页, 我的 and 我的积分.
 */
import type { BranchMeResponse, MyMembership } from '../../typings/api';
import { callsOf, err, offline, ok, stubBackend, aMoment } from './helpers/backend';
import { MEMBER_BRANCH, activityItem, noPart } from './helpers/activity-member';
import { loadPage, prepare, tap, waitFor, type LoadedPage } from './helpers/load';
import { restoreWx, stubWx, useEnvVersion, useFontScale, useStorage } from './helpers/wx';

const SCAN = 'pages/activities/scan';
const MINE = 'pages/activities/mine';
const RECORD = 'pages/activities/record';
const CERT = 'pages/activities/certificate';
const TEAMS = 'pages/activities/teams';
const HOME = 'pages/index/index';
const ME = 'pages/mine/index';
const POINTS = 'pages/points/index';

let opened: LoadedPage | null = null;
function open(route: string, query: Record<string, string> = {}): LoadedPage {
  opened = loadPage(route, query);
  return opened;
}
const $ = (page: LoadedPage, sel: string) => page.page.querySelector(sel);
const state = (page: LoadedPage) => $(page, '#state')!;

/** wx.scanCode answering each scan with the next of `results` (null = closed). */
function stubScans(results: (string | null)[]): jest.Mock {
  let i = 0;
  return stubWx(
    'scanCode',
    jest.fn((opts: WechatMiniprogram.ScanCodeOption) => {
      const r = results[Math.min(i++, results.length - 1)];
      setTimeout(() => {
        if (r === null) opts.fail?.({ errMsg: 'scanCode:fail cancel' });
        else
          opts.success?.({
            result: r,
            scanType: 'QR_CODE',
            charSet: 'utf-8',
            path: '',
            rawData: '',
            errMsg: 'scanCode:ok',
          });
      }, 1);
    }),
  );
}

const hmOf = (d: Date) =>
  `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;

beforeAll(() => {
  for (const r of [SCAN, MINE, RECORD, CERT, TEAMS, HOME, ME, POINTS]) prepare(r);
}, 120_000);
beforeEach(() => {
  useEnvVersion('develop');
  useFontScale(1);
});
afterEach(() => {
  opened?.detach();
  opened = null;
  restoreWx();
});

describe('扫码签到', () => {
  test('scan → checkIn with the token alone; the activity and the time are said', async () => {
    useStorage(MEMBER_BRANCH);
    const scan = stubScans(['ck1.a1.1900000000.sig']);
    const inAt = new Date(2025, 2, 5, 9, 3);
    const calls = stubBackend({
      'activity.checkIn': () =>
        ok({
          activityId: 'a1',
          title: '敬老院义务理发',
          checkedInAt: inAt.toISOString(),
          already: false,
        }),
    });
    const page = open(SCAN);
    expect(calls).toHaveLength(0); // nothing on open
    tap($(page, '#scan-btn'));
    await waitFor(() => expect($(page, '#scan-result')).toBeTruthy());
    expect(scan).toHaveBeenCalledTimes(1);
    expect(callsOf(calls, 'activity.checkIn').map((c) => c.data)).toEqual([
      { token: 'ck1.a1.1900000000.sig' },
    ]);
    const text = page.text();
    expect(text).toContain('签到成功');
    expect(text).toContain('敬老院义务理发');
    expect(text).toContain(`签到时间 ${hmOf(inAt)}`);
    expect($(page, '#checkout-btn')).toBeTruthy();
  });

  test('already checked in → 签退 scans again (never the check-in code); minutes and hours said', async () => {
    useStorage(MEMBER_BRANCH);
    const scan = stubScans(['ck1.a1.1900000000.sig', 'ck1.a1.1900000030.sig']);
    const calls = stubBackend({
      'activity.checkIn': () =>
        ok({
          activityId: 'a1',
          title: '敬老院义务理发',
          checkedInAt: new Date(2025, 2, 5, 9, 0).toISOString(),
          already: true,
        }),
      'activity.checkOut': () =>
        ok({
          activityId: 'a1',
          title: '敬老院义务理发',
          checkedOutAt: new Date(2025, 2, 5, 11, 0).toISOString(),
          attendedMinutes: 120,
          computedHours: 1.5,
        }),
    });
    const page = open(SCAN);
    tap($(page, '#scan-btn'));
    await waitFor(() => expect($(page, '#checkout-btn')).toBeTruthy());
    expect(page.text()).toContain('您已在 09:00 签到过');
    tap($(page, '#checkout-btn'));
    await waitFor(() => expect($(page, '#result-hours')).toBeTruthy());
    expect(scan).toHaveBeenCalledTimes(2);
    expect(callsOf(calls, 'activity.checkOut').map((c) => c.data)).toEqual([
      { token: 'ck1.a1.1900000030.sig', activityId: 'a1' },
    ]);
    const text = page.text();
    expect(text).toContain('签退成功');
    expect(text).toContain('参加 120 分钟');
    expect(text).toContain('计入时长 1.5 小时');
    expect($(page, '#checkout-btn')).toBeFalsy();
  });

  test('too little time attended: no hours, said plainly', async () => {
    useStorage(MEMBER_BRANCH);
    stubScans(['t1']);
    stubBackend({
      'activity.checkIn': () =>
        ok({
          activityId: 'a1',
          title: '义诊',
          checkedInAt: new Date().toISOString(),
          already: true,
        }),
      'activity.checkOut': () =>
        ok({
          activityId: 'a1',
          title: '义诊',
          checkedOutAt: new Date().toISOString(),
          attendedMinutes: 20,
          computedHours: 0,
        }),
    });
    const page = open(SCAN);
    tap($(page, '#scan-btn'));
    await waitFor(() => expect($(page, '#checkout-btn')).toBeTruthy());
    tap($(page, '#checkout-btn'));
    await waitFor(() => expect(page.text()).toContain('本次不计服务时长'));
  });

  test('a refused code shows the server message; a closed scanner sends nothing', async () => {
    useStorage(MEMBER_BRANCH);
    stubScans([null, 'ck1.other']);
    const calls = stubBackend({
      'activity.checkIn': () => err('INVALID_ARGUMENT', '签到码无效'),
    });
    const page = open(SCAN);
    tap($(page, '#scan-btn'));
    await waitFor(() => expect(page.instance.data.acting).toBe(''));
    await aMoment(30);
    expect(calls).toHaveLength(0);
    expect($(page, '#scan-error')).toBeFalsy();
    tap($(page, '#scan-btn'));
    await waitFor(() => expect($(page, '#scan-error')).toBeTruthy());
    expect(page.text()).toContain('签到码无效');
    expect($(page, '#scan-result')).toBeFalsy();
  });
});

test('扫码 refused by the privacy guide or the camera permission: said under the button, nothing sent', async () => {
  useStorage(MEMBER_BRANCH);
  const calls = stubBackend({});
  const fails = [
    { errMsg: 'scanCode:fail privacy permission is not authorized', errno: 104 },
    { errMsg: 'scanCode:fail auth deny', errno: 103 },
  ];
  let i = 0;
  stubWx('scanCode', (opts: WechatMiniprogram.ScanCodeOption) => {
    const f = fails[i++];
    setTimeout(() => opts.fail?.(f), 1);
  });
  const page = open(SCAN);
  expect($(page, '#privacy')).toBeTruthy();
  tap($(page, '#scan-btn'));
  await waitFor(() => expect(page.text()).toContain('隐私保护指引'));
  tap($(page, '#scan-btn'));
  await waitFor(() => expect(page.text()).toContain('允许使用摄像头'));
  expect(calls).toHaveLength(0);
});

describe('我的活动', () => {
  test('my activities with my state; tapping one opens it; load more with the cursor', async () => {
    useStorage(MEMBER_BRANCH);
    const navigateTo = stubWx('navigateTo', jest.fn());
    const calls = stubBackend({
      'activity.mine': (data) =>
        data?.cursor
          ? ok({ items: [activityItem('old')], nextCursor: null })
          : ok({
              items: [
                activityItem('m1', { my: noPart({ signup: 'waitlisted', position: 1 }) }),
                ...Array.from({ length: 19 }, (_, i) =>
                  activityItem(`x${i}`, { my: noPart({ signup: 'confirmed' }) }),
                ),
              ],
              nextCursor: 'c2',
            }),
    });
    const page = open(MINE);
    await waitFor(() => expect(page.page.querySelectorAll('.activity-cell')).toHaveLength(20));
    expect(page.text()).toContain('候补第 1 位');
    page.instance.onReachBottom();
    await waitFor(() => expect(page.page.querySelectorAll('.activity-cell')).toHaveLength(21));
    expect(callsOf(calls, 'activity.mine').map((c) => c.data)).toEqual([{}, { cursor: 'c2' }]);
    tap($(page, '#activity-m1')!.querySelector('.activity'));
    await waitFor(() =>
      expect(navigateTo).toHaveBeenCalledWith({ url: '/pages/activities/detail?id=m1' }),
    );
  });

  test('none yet → says so and leads to the 活动 tab; error → retry', async () => {
    useStorage(MEMBER_BRANCH);
    const switchTab = stubWx('switchTab', jest.fn());
    stubBackend({
      'activity.mine': (_d, _c, nth) => (nth === 0 ? offline : ok({ items: [], nextCursor: null })),
    });
    const page = open(MINE);
    await waitFor(() => expect(state(page).querySelector('#state-error')).toBeTruthy());
    tap(state(page).querySelector('#retry'));
    await waitFor(() => expect(state(page).querySelector('#state-empty')).toBeTruthy());
    expect(page.text()).toContain('您还没有报名或参加过活动');
    tap(state(page).querySelector('#empty-action'));
    await waitFor(() => expect(switchTab).toHaveBeenCalledWith({ url: '/pages/activities/index' }));
  });
});

describe('志愿记录 and 服务证明', () => {
  test('total hours in big figures, the count, and each activity with its hours or 待确认', async () => {
    useStorage(MEMBER_BRANCH);
    const navigateTo = stubWx('navigateTo', jest.fn());
    const calls = stubBackend({
      'activity.myRecord': () =>
        ok({
          name: '李秀英',
          totalHours: 12.5,
          count: 6,
          items: [
            {
              activityId: 'v1',
              title: '敬老院义务理发',
              branchName: '第一党支部',
              startAt: '2025-03-01T01:00:00.000Z',
              hours: null,
            },
            {
              activityId: 'v0',
              title: '河道清洁',
              branchName: '第一党支部',
              startAt: '2025-02-01T01:00:00.000Z',
              hours: 2,
            },
          ],
          nextCursor: null,
        }),
    });
    const page = open(RECORD);
    await waitFor(() => expect(page.page.querySelectorAll('.record-row')).toHaveLength(2));
    expect(calls.map((c) => `${c.fn}.${c.action}`)).toEqual(['activity.myRecord']);
    expect($(page, '#total-hours')!.dom!.textContent).toContain('12.5');
    expect(page.text()).toContain('参加志愿服务 6 次');
    expect(page.instance.data.items.map((r: { hours: string }) => r.hours)).toEqual([
      '待确认',
      '2 小时',
    ]);
    tap($(page, '#go-certificate'));
    await waitFor(() =>
      expect(navigateTo).toHaveBeenCalledWith({ url: '/pages/activities/certificate' }),
    );
  });

  test('no record yet: 0 hours and an empty state leading to activities; error → retry', async () => {
    useStorage(MEMBER_BRANCH);
    stubBackend({
      'activity.myRecord': (_d, _c, nth) =>
        nth === 0
          ? err('INTERNAL', '服务开小差了，请稍后重试')
          : ok({ name: '李秀英', totalHours: 0, count: 0, items: [], nextCursor: null }),
    });
    const page = open(RECORD);
    await waitFor(() => expect(state(page).querySelector('#state-error')).toBeTruthy());
    expect(page.text()).toContain('服务开小差了');
    tap(state(page).querySelector('#retry'));
    await waitFor(() => expect(state(page).querySelector('#state-empty')).toBeTruthy());
    expect($(page, '#total-hours')!.dom!.textContent).toContain('0');
    expect(page.text()).toContain('还没有志愿服务记录');
  });

  test('the certificate: name, branch, hours, times, period, serial and issue date', async () => {
    useStorage(MEMBER_BRANCH);
    const calls = stubBackend({
      'activity.certificate': () =>
        ok({
          name: '李秀英',
          branchName: '幸福里社区第一党支部',
          totalHours: 12.5,
          count: 6,
          since: '2024-05-01',
          until: '2025-03-01',
          serial: 'ZY-7F3A9C',
          issuedAt: '2025-03-05T02:00:00.000Z',
        }),
    });
    const page = open(CERT);
    await waitFor(() => expect($(page, '#certificate')).toBeTruthy());
    expect(calls.map((c) => `${c.fn}.${c.action}`)).toEqual(['activity.certificate']);
    const text = page.text();
    expect(text).toContain('志愿服务证明');
    expect(text).toContain('李秀英');
    expect(text).toContain('幸福里社区第一党支部');
    expect(text).toContain('2024年5月1日 至 2025年3月1日');
    expect($(page, '#cert-count')!.dom!.textContent).toContain('6 次');
    expect($(page, '#cert-hours')!.dom!.textContent).toContain('12.5 小时');
    expect($(page, '#cert-serial')!.dom!.textContent).toContain('ZY-7F3A9C');
    expect($(page, '#cert-issued')!.dom!.textContent).toContain('2025年3月5日');
    expect($(page, '#go-activities')).toBeFalsy();
  });

  test('a certificate without service says so; error → retry', async () => {
    useStorage();
    stubBackend({
      'activity.certificate': (_d, _c, nth) =>
        nth === 0
          ? offline
          : ok({
              name: '张秀兰',
              branchName: null,
              totalHours: 0,
              count: 0,
              since: null,
              until: null,
              serial: 'ZY-000000',
              issuedAt: '2025-03-05T02:00:00.000Z',
            }),
    });
    const page = open(CERT);
    await waitFor(() => expect(state(page).querySelector('#state-error')).toBeTruthy());
    tap(state(page).querySelector('#retry'));
    await waitFor(() => expect($(page, '#certificate')).toBeTruthy());
    expect(page.text()).toContain('暂无已确认的志愿服务记录');
    expect($(page, '#go-activities')).toBeTruthy();
  });
});

describe('志愿服务队', () => {
  const teams = () =>
    ok({
      items: [
        {
          teamId: 't1',
          name: '助老服务队',
          description: '陪伴独居老人',
          memberCount: 8,
          joined: false,
        },
        { teamId: 't2', name: '环境卫生队', description: '', memberCount: 5, joined: true },
      ],
      canManage: false,
    });

  test('join one, leave another: one call each, the count and button change', async () => {
    useStorage(MEMBER_BRANCH);
    const calls = stubBackend({
      'activity.listTeams': teams,
      'activity.joinTeam': (d) => ok({ teamId: d.teamId, memberCount: 9, joined: true }),
      'activity.leaveTeam': (d) => ok({ teamId: d.teamId, memberCount: 4, joined: false }),
    });
    const page = open(TEAMS);
    await waitFor(() => expect($(page, '#team-t1')).toBeTruthy());
    expect(callsOf(calls, 'activity.listTeams')[0].data).toEqual({ branchId: 'b1' });
    expect($(page, '#team-t1')!.dom!.textContent).toContain('8 名队员');
    tap($(page, '#team-join-t1'));
    await waitFor(() => expect($(page, '#team-leave-t1')).toBeTruthy());
    expect($(page, '#team-t1')!.dom!.textContent).toContain('9 名队员');
    expect($(page, '#team-t1')!.dom!.textContent).toContain('已加入');
    tap($(page, '#team-leave-t2'));
    await waitFor(() => expect($(page, '#team-join-t2')).toBeTruthy());
    expect($(page, '#team-t2')!.dom!.textContent).toContain('4 名队员');
    expect(callsOf(calls, 'activity.joinTeam').map((c) => c.data)).toEqual([{ teamId: 't1' }]);
    expect(callsOf(calls, 'activity.leaveTeam').map((c) => c.data)).toEqual([{ teamId: 't2' }]);
  });

  test('a refused join stays a join with the server message; the retry keeps its requestId', async () => {
    useStorage(MEMBER_BRANCH);
    const calls = stubBackend({
      'activity.listTeams': teams,
      'activity.joinTeam': (d, _c, nth) =>
        nth === 0 ? offline : ok({ teamId: d.teamId, memberCount: 9, joined: true }),
    });
    const page = open(TEAMS);
    await waitFor(() => expect($(page, '#team-join-t1')).toBeTruthy());
    tap($(page, '#team-join-t1'));
    await waitFor(() => expect($(page, '#team-t1')!.dom!.textContent).toContain('网络不可用'));
    expect($(page, '#team-join-t1')).toBeTruthy();
    tap($(page, '#team-join-t1'));
    await waitFor(() => expect($(page, '#team-leave-t1')).toBeTruthy());
    const joins = callsOf(calls, 'activity.joinTeam');
    expect(joins).toHaveLength(2);
    expect(joins[1].requestId).toBe(joins[0].requestId);
  });

  test('no branch: no call, an empty state leading to joining one', async () => {
    useStorage();
    const calls = stubBackend({});
    const page = open(TEAMS);
    await waitFor(() => expect(state(page).querySelector('#state-empty')).toBeTruthy());
    expect(page.text()).toContain('加入党支部后，可以加入支部的志愿服务队');
    expect(calls).toHaveLength(0);
  });
});

describe('ways in: 首页, 我的, 我的积分', () => {
  const membership = (extra: Partial<MyMembership> = {}): MyMembership => ({
    membershipId: 'm1',
    branchId: 'b1',
    branchName: '幸福社区第一党支部',
    committeeId: 'c1',
    role: 'member',
    status: 'active',
    realName: '李秀英',
    partyGroupId: null,
    partyGroupName: null,
    joinedPartyAt: '2001-07-01',
    politicalBirthday: false,
    partyYears: 20,
    unreadNotices: 0,
    pinnedNotices: [],
    pendingApprovals: null,
    pendingTransfers: null,
    ...extra,
  });
  const me = (...memberships: MyMembership[]): BranchMeResponse => ({
    memberships,
    serverTime: '2025-03-05T02:00:00.000Z',
  });

  test('home, member: an 活动 group (still one call); committee: 发布活动 in the 工作台', async () => {
    useStorage();
    const navigateTo = stubWx('navigateTo', jest.fn());
    const switchTab = stubWx('switchTab', jest.fn());
    let calls = stubBackend({ 'branch.me': () => ok(me(membership())) });
    const member = open(HOME);
    await waitFor(() => expect($(member, '#go-activities')).toBeTruthy());
    expect(calls.map((c) => `${c.fn}.${c.action}`)).toEqual(['branch.me']);
    expect($(member, '#go-create-activity')).toBeFalsy();
    expect($(member, '#go-volunteer')).toBeFalsy();
    tap($(member, '#go-activities'));
    tap($(member, '#go-my-activities'));
    await waitFor(() => expect(switchTab).toHaveBeenCalledWith({ url: '/pages/activities/index' }));
    await waitFor(() => expect(navigateTo).toHaveBeenCalledWith({ url: '/pages/activities/mine' }));
    member.detach();

    calls = stubBackend({
      'branch.me': () => ok(me(membership({ role: 'organizationCommittee', pendingApprovals: 0 }))),
    });
    const committee = open(HOME);
    await waitFor(() => expect($(committee, '#go-create-activity')).toBeTruthy());
    tap($(committee, '#go-create-activity'));
    await waitFor(() =>
      expect(navigateTo).toHaveBeenCalledWith({
        url: '/packages/activity-admin/edit/index?branchId=b1',
      }),
    );
    expect(calls).toHaveLength(1);
  });

  test('home, resident without a branch: 志愿活动 opens the 活动 tab', async () => {
    useStorage();
    const switchTab = stubWx('switchTab', jest.fn());
    stubBackend({ 'branch.me': () => ok(me()) });
    const page = open(HOME);
    await waitFor(() => expect($(page, '#go-volunteer')).toBeTruthy());
    expect($(page, '#go-activities')).toBeFalsy();
    tap($(page, '#go-volunteer'));
    await waitFor(() => expect(switchTab).toHaveBeenCalledWith({ url: '/pages/activities/index' }));
  });

  test('我的: 我的活动, 志愿记录, 服务证明 for everyone; 志愿服务队 for members, with the branch', async () => {
    useStorage();
    const navigateTo = stubWx('navigateTo', jest.fn());
    stubBackend({ 'branch.me': () => ok(me(membership())) });
    const page = open(ME);
    await waitFor(() => expect($(page, '#teams')).toBeTruthy());
    for (const id of ['#my-activities', '#volunteer-record', '#certificate', '#teams'])
      tap($(page, id));
    await waitFor(() => expect(navigateTo).toHaveBeenCalledTimes(4));
    expect(navigateTo.mock.calls.map((c) => c[0].url)).toEqual([
      '/pages/activities/mine',
      '/pages/activities/record',
      '/pages/activities/certificate',
      '/pages/activities/teams?branchId=b1',
    ]);
    page.detach();

    stubBackend({ 'branch.me': () => ok(me()) });
    const resident = open(ME);
    await waitFor(() => expect($(resident, '#volunteer-record')).toBeTruthy());
    expect($(resident, '#certificate')).toBeTruthy();
    expect($(resident, '#teams')).toBeFalsy();
  });

  test('我的积分 names volunteer hours 志愿服务', async () => {
    useStorage(MEMBER_BRANCH);
    stubBackend({
      'lesson.myPoints': () =>
        ok({
          balance: 12,
          today: 2,
          dailyCap: 10,
          rules: { lessonStudied: 2, quizPassed: 3, passPercent: 60 },
          recent: [
            {
              entryId: 'p1',
              reason: 'volunteerHours',
              refId: 'v1',
              title: '敬老院义务理发',
              points: 2,
              nominal: 2,
              at: new Date().toISOString(),
              day: '2025-03-05',
            },
          ],
        }),
    });
    const page = open(POINTS);
    await waitFor(() => expect(page.text()).toContain('敬老院义务理发'));
    expect(page.text()).toContain('志愿服务');
    expect(page.instance.data.items[0].reason).toBe('志愿服务');
  });
});
