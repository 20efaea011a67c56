/** Activities for members (issue #6): the 活动 tab and the detail page in each of its states. */
import path from 'path';
import { BRANCH_CONTEXT_KEY } from '../../miniprogram/utils/branch-context';
import { activityRange, activityTime, placesText } from '../../miniprogram/utils/activity';
import { callsOf, emit, err, offline, ok, stubBackend, aMoment } from './helpers/backend';
import {
  MEMBER_BRANCH,
  abilities,
  activityDetail,
  activityItem,
  at,
  meetingDetail,
  noPart,
} from './helpers/activity-member';
import {
  loadPage,
  prepare,
  tap,
  waitFor,
  type LoadedPage,
  type SimComponent,
} from './helpers/load';
import { restoreWx, stubWx, useEnvVersion, useFontScale, useStorage } from './helpers/wx';

const LIST = 'pages/activities/index';
const DETAIL = 'pages/activities/detail';
const CONFIG = path.resolve(__dirname, '../../miniprogram/config');

let opened: LoadedPage | null = null;
function open(route: string, query: Record<string, string> = {}): LoadedPage {
  opened = loadPage(route, query);
  return opened;
}
const $ = (page: LoadedPage, sel: string) => page.page.querySelector(sel);
const rows = (page: LoadedPage) => page.page.querySelectorAll('.activity-cell');
const state = (page: LoadedPage) => $(page, '#state')!;
/** What an element shows, TDesign hosts included (they render no DOM of their own). */
function textOf(el: SimComponent | undefined): string {
  if (!el) throw new Error('textOf: element not found');
  if (el.dom) return el.dom.textContent ?? '';
  const queue = [(el as any)._exparserNode];
  while (queue.length) {
    const n = queue.shift();
    if (n.$$) return (n.$$ as HTMLElement).textContent ?? '';
    queue.push(...(n.shadowRoot ? n.shadowRoot.childNodes : (n.childNodes ?? [])));
  }
  return '';
}
const TOKEN = 'ck1.a1.1900000000.c2lnbmF0dXJl';

/** wx.scanCode answering with `result` (or failing with `fail`), asynchronously. */
function stubScan(answer: { result: string } | { fail: string }): jest.Mock {
  return stubWx(
    'scanCode',
    jest.fn((opts: WechatMiniprogram.ScanCodeOption) => {
      setTimeout(() => {
        if ('result' in answer)
          opts.success?.({
            result: answer.result,
            scanType: 'QR_CODE',
            charSet: 'utf-8',
            path: '',
            rawData: '',
            errMsg: 'scanCode:ok',
          });
        else opts.fail?.({ errMsg: answer.fail });
      }, 1);
    }),
  );
}

beforeAll(() => {
  prepare(LIST);
  prepare(DETAIL);
}, 90_000);
beforeEach(() => {
  useEnvVersion('develop');
  useFontScale(1);
});
afterEach(() => {
  opened?.detach();
  opened = null;
  restoreWx();
  jest.dontMock(CONFIG);
});

describe('times and places as members read them', () => {
  const now = new Date(2025, 2, 4, 9, 0); // Tue 4 March 2025, 09:00 local
  test('「明天 14:00」, a weekday further off, a range on one day and across midnight', () => {
    expect(activityTime(new Date(2025, 2, 5, 14, 0).toISOString(), now)).toBe('明天 14:00');
    expect(activityTime(new Date(2025, 2, 4, 19, 30).toISOString(), now)).toBe('今天 19:30');
    expect(activityTime(new Date(2025, 2, 12, 9, 0).toISOString(), now)).toBe('3月12日 周三 09:00');
    expect(activityTime(new Date(2024, 11, 1, 9, 0).toISOString(), now)).toBe(
      '2024年12月1日 周日 09:00',
    );
    expect(
      activityRange(
        new Date(2025, 2, 5, 14, 0).toISOString(),
        new Date(2025, 2, 5, 16, 30).toISOString(),
        now,
      ),
    ).toBe('明天 14:00–16:30');
    expect(
      activityRange(
        new Date(2025, 2, 5, 22, 0).toISOString(),
        new Date(2025, 2, 6, 2, 0).toISOString(),
        now,
      ),
    ).toBe('明天 22:00 至 后天 02:00');
  });
  test('places left, the waitlist, no limit; nothing for meetings', () => {
    const v = { kind: 'volunteer' as const, capacity: 5, waitlistCount: 0 };
    expect(placesText({ ...v, confirmedCount: 4 })).toBe('剩 1 个名额');
    expect(placesText({ ...v, confirmedCount: 5, waitlistCount: 3 })).toBe('已满，候补 3 人');
    expect(placesText({ ...v, confirmedCount: 5 })).toBe('名额已满');
    expect(placesText({ ...v, capacity: null, confirmedCount: 7 })).toBe('不限名额，已报 7 人');
    expect(placesText({ ...v, kind: 'meeting', confirmedCount: 0 })).toBe('');
  });
});

describe('活动 tab', () => {
  test('one call for the remembered branch; each row says kind, time, place, places left and my state', async () => {
    useStorage(MEMBER_BRANCH);
    const calls = stubBackend({
      'activity.list': () =>
        ok({
          items: [
            activityItem('a1', { my: noPart({ signup: 'confirmed' }) }),
            activityItem('a2', {
              title: '楼道清洁',
              confirmedCount: 5,
              waitlistCount: 3,
              my: noPart({ signup: 'waitlisted', position: 2 }),
            }),
            activityItem('a3', {
              kind: 'meeting',
              kindLabel: '支部党员大会',
              title: '三月党员大会',
              capacity: null,
              confirmedCount: 0,
              my: noPart({ expected: true }),
            }),
            activityItem('a4', {
              kind: 'themeDay',
              kindLabel: '主题党日',
              title: '重温入党誓词',
              my: noPart({
                expected: true,
                reply: 'leave',
                leave: { reason: '出差', status: 'approved', decidedAt: null, note: null },
              }),
            }),
          ],
          nextCursor: null,
          canCreate: false,
        }),
    });
    const page = open(LIST);
    await waitFor(() => expect(rows(page)).toHaveLength(4));
    expect(calls.map((c) => `${c.fn}.${c.action}`)).toEqual(['activity.list']);
    expect(calls[0].data).toEqual({ branchId: 'b1', when: 'upcoming' });
    const [a1, a2, a3, a4] = rows(page).map((r) => r.dom!.textContent!.replace(/\s+/g, ' '));
    expect(a1).toContain('志愿服务');
    expect(a1).toContain('志愿活动a1');
    expect(a1).toContain('明天 14:00');
    expect(a1).toContain('幸福里社区广场');
    expect(a1).toContain('剩 1 个名额');
    expect(a1).toContain('已报名');
    expect(a2).toContain('已满，候补 3 人');
    expect(a2).toContain('候补第 2 位');
    expect(a3).toContain('待回复');
    expect(a3).not.toContain('名额');
    expect(a4).toContain('已请假');
    expect($(page, '#create')).toBeFalsy();
    expect(page.text()).toContain('已显示全部活动');
  });

  test('kind filter and 即将开始 / 往期 each load the first page again with what was chosen', async () => {
    useStorage(MEMBER_BRANCH);
    const calls = stubBackend({
      'activity.list': (data) =>
        ok({
          items: [activityItem(`${data.kind ?? 'all'}-${data.when}`)],
          nextCursor: null,
          canCreate: false,
        }),
    });
    const page = open(LIST);
    await waitFor(() => expect(rows(page)).toHaveLength(1));
    emit($(page, '#kinds'), 'change', { value: 'volunteer', label: '志愿服务' });
    await waitFor(() => expect(callsOf(calls, 'activity.list')).toHaveLength(2));
    tap($(page, '#when-past'));
    await waitFor(() => expect(callsOf(calls, 'activity.list')).toHaveLength(3));
    emit($(page, '#kinds'), 'change', { value: '', label: '全部' });
    await waitFor(() => expect(callsOf(calls, 'activity.list')).toHaveLength(4));
    expect(callsOf(calls, 'activity.list').map((c) => c.data)).toEqual([
      { branchId: 'b1', when: 'upcoming' },
      { branchId: 'b1', kind: 'volunteer', when: 'upcoming' },
      { branchId: 'b1', kind: 'volunteer', when: 'past' },
      { branchId: 'b1', when: 'past' },
    ]);
    await waitFor(() => expect($(page, '#activity-all-past')).toBeTruthy());
  });

  test('pages of 20: the bottom loads the next page with the cursor once, until the end', async () => {
    useStorage(MEMBER_BRANCH);
    const calls = stubBackend({
      'activity.list': (data) =>
        data.cursor === 'c1'
          ? ok({ items: [activityItem('z1')], nextCursor: null, canCreate: false })
          : ok({
              items: Array.from({ length: 20 }, (_, i) => activityItem(`a${i}`)),
              nextCursor: 'c1',
              canCreate: false,
            }),
    });
    const page = open(LIST);
    await waitFor(() => expect(rows(page)).toHaveLength(20));
    expect(page.text()).not.toContain('已显示全部活动');
    page.instance.onReachBottom();
    page.instance.onReachBottom();
    await waitFor(() => expect(rows(page)).toHaveLength(21));
    expect(callsOf(calls, 'activity.list').map((c) => c.data)).toEqual([
      { branchId: 'b1', when: 'upcoming' },
      { branchId: 'b1', when: 'upcoming', cursor: 'c1' },
    ]);
    page.instance.onReachBottom();
    await aMoment(30);
    expect(callsOf(calls, 'activity.list')).toHaveLength(2);
    expect(page.text()).toContain('已显示全部活动');
  });

  test('without a remembered branch, 发布活动 goes to the branch the server listed, even with no rows', async () => {
    const navigateTo = stubWx('navigateTo', jest.fn());
    const calls = stubBackend({
      'activity.list': () => ok({ items: [], nextCursor: null, canCreate: true, branchId: 'b9' }),
    });
    const page = open(LIST);
    await waitFor(() => expect($(page, '#create')).toBeTruthy());
    expect(callsOf(calls, 'activity.list')[0].data).not.toHaveProperty('branchId');
    tap($(page, '#create'));
    await waitFor(() =>
      expect(navigateTo).toHaveBeenCalledWith({
        url: '/packages/activity-admin/edit/index?branchId=b9',
      }),
    );
  });

  test('organisers get 发布活动 with the branch; header actions open 我的活动 and the scanner; a row opens the detail', async () => {
    useStorage(MEMBER_BRANCH);
    const navigateTo = stubWx('navigateTo', jest.fn());
    stubBackend({
      'activity.list': () => ok({ items: [activityItem('a1')], nextCursor: null, canCreate: true }),
    });
    const page = open(LIST);
    await waitFor(() => expect(rows(page)).toHaveLength(1));
    tap($(page, '#create'));
    await waitFor(() =>
      expect(navigateTo).toHaveBeenCalledWith({
        url: '/packages/activity-admin/edit/index?branchId=b1',
      }),
    );
    tap($(page, '#go-mine'));
    tap($(page, '#go-scan'));
    tap($(page, '#activity-a1')!.querySelector('.activity'));
    await waitFor(() => expect(navigateTo).toHaveBeenCalledTimes(4));
    expect(navigateTo.mock.calls.slice(1).map((c) => c[0].url)).toEqual([
      '/pages/activities/mine',
      '/pages/activities/scan',
      '/pages/activities/detail?id=a1',
    ]);
  });

  test('a resident (no branch): one call without branchId, the open activities, no 发布活动', async () => {
    useStorage();
    const calls = stubBackend({
      'activity.list': () =>
        ok({ items: [activityItem('a1'), activityItem('a2')], nextCursor: null, canCreate: false }),
    });
    const page = open(LIST);
    await waitFor(() => expect(rows(page)).toHaveLength(2));
    expect(calls.map((c) => c.data)).toEqual([{ when: 'upcoming' }]);
    expect($(page, '#create')).toBeFalsy();
  });

  test('a remembered branch refused: once more without it, and the branch forgotten', async () => {
    const store = useStorage(MEMBER_BRANCH);
    const calls = stubBackend({
      'activity.list': (data) =>
        data.branchId
          ? err('FORBIDDEN', '您不是该支部的成员')
          : ok({ items: [activityItem('p1')], nextCursor: null, canCreate: false }),
    });
    const page = open(LIST);
    await waitFor(() => expect(rows(page)).toHaveLength(1));
    expect(calls.map((c) => c.data.branchId ?? '')).toEqual(['b1', '']);
    expect(store.get(BRANCH_CONTEXT_KEY)).toBeFalsy();
  });

  test('empty: says so and offers the past; an organiser is offered 发布活动', async () => {
    useStorage(MEMBER_BRANCH);
    const calls = stubBackend({
      'activity.list': (data) =>
        ok({ items: [], nextCursor: null, canCreate: data.when === 'upcoming' && false }),
    });
    const page = open(LIST);
    await waitFor(() => expect(state(page).querySelector('#state-empty')).toBeTruthy());
    expect(page.text()).toContain('近期没有活动');
    tap(state(page).querySelector('#empty-action'));
    await waitFor(() => expect(callsOf(calls, 'activity.list')).toHaveLength(2));
    expect(callsOf(calls, 'activity.list')[1].data.when).toBe('past');
    await waitFor(() => expect(page.text()).toContain('还没有往期活动'));
  });

  test('error → the server message and 重新加载; a failed next page retried under the list', async () => {
    useStorage(MEMBER_BRANCH);
    stubBackend({
      'activity.list': (data, _c, nth) => {
        if (nth === 0) return offline;
        if (data.cursor && nth === 2) return err('INTERNAL', '服务开小差了');
        return data.cursor
          ? ok({ items: [activityItem('z9')], nextCursor: null, canCreate: false })
          : ok({
              items: Array.from({ length: 20 }, (_, i) => activityItem(`a${i}`)),
              nextCursor: 'c1',
              canCreate: false,
            });
      },
    });
    const page = open(LIST);
    await waitFor(() => expect(state(page).querySelector('#state-error')).toBeTruthy());
    expect(page.text()).toContain('网络不可用');
    tap(state(page).querySelector('#retry'));
    await waitFor(() => expect(rows(page)).toHaveLength(20));
    page.instance.onReachBottom();
    await waitFor(() => expect($(page, '#more-retry')).toBeTruthy());
    expect(page.text()).toContain('服务开小差了');
    tap($(page, '#more-retry'));
    await waitFor(() => expect(rows(page)).toHaveLength(21));
  });

  test('pull to refresh loads the first page again', async () => {
    useStorage(MEMBER_BRANCH);
    const stop = stubWx('stopPullDownRefresh', jest.fn());
    const calls = stubBackend({
      'activity.list': (_d, _c, nth) =>
        ok({ items: [activityItem(`r${nth}`)], nextCursor: null, canCreate: false }),
    });
    const page = open(LIST);
    await waitFor(() => expect($(page, '#activity-r0')).toBeTruthy());
    page.instance.onPullDownRefresh();
    await waitFor(() => expect($(page, '#activity-r1')).toBeTruthy());
    expect(callsOf(calls, 'activity.list')).toHaveLength(2);
    expect(stop).toHaveBeenCalled();
  });
});

describe('activity detail: volunteer', () => {
  test('not signed up → 报名 → confirmed: the result is said and 取消报名 appears', async () => {
    useStorage(MEMBER_BRANCH);
    const showToast = stubWx('showToast', jest.fn());
    const calls = stubBackend({
      'activity.get': (_d, _c, nth) =>
        ok(
          nth === 0
            ? activityDetail()
            : activityDetail({
                confirmedCount: 5,
                my: noPart({ signup: 'confirmed' }),
                can: abilities({ cancel: true }),
              }),
        ),
      'activity.signUp': () => ok({ activityId: 'a1', status: 'confirmed', position: null }),
    });
    const page = open(DETAIL, { id: 'a1' });
    await waitFor(() => expect($(page, '#signup-btn')).toBeTruthy());
    expect(calls.map((c) => `${c.fn}.${c.action}`)).toEqual(['activity.get']);
    expect(calls[0].data).toEqual({ activityId: 'a1' });
    const text = page.text();
    expect(text).toContain('清理楼道小广告');
    expect(text).toContain('明天 14:00–16:00');
    expect(text).toContain('剩 1 个名额（共 5 个名额）');
    expect(text).toContain('带上手套和抹布');
    expect($(page, '#cancel-btn')).toBeFalsy();
    expect($(page, '#resident-form')).toBeFalsy();
    expect($(page, '#organiser')).toBeFalsy();

    tap($(page, '#signup-btn'));
    await waitFor(() => expect(callsOf(calls, 'activity.signUp')).toHaveLength(1));
    expect(callsOf(calls, 'activity.signUp')[0].data).toEqual({ activityId: 'a1' });
    await waitFor(() => expect($(page, '#action-result')).toBeTruthy());
    expect(page.text()).toContain('报名成功');
    expect(showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '报名成功' }));
    await waitFor(() => expect($(page, '#cancel-btn')).toBeTruthy());
    expect($(page, '#signup-btn')).toBeFalsy();
    expect(textOf($(page, '#my-state'))).toContain('您已报名');
    // The counts were refreshed quietly afterwards.
    await waitFor(() => expect(callsOf(calls, 'activity.get')).toHaveLength(2));
    await waitFor(() => expect(page.text()).toContain('名额已满'));
  });

  test('full → 报名候补 → waitlisted n-th', async () => {
    useStorage(MEMBER_BRANCH);
    stubBackend({
      'activity.get': (_d, _c, nth) =>
        ok(
          nth === 0
            ? activityDetail({ confirmedCount: 5, waitlistCount: 2 })
            : activityDetail({
                confirmedCount: 5,
                waitlistCount: 3,
                my: noPart({ signup: 'waitlisted', position: 3 }),
                can: abilities({ cancel: true }),
              }),
        ),
      'activity.signUp': () => ok({ activityId: 'a1', status: 'waitlisted', position: 3 }),
    });
    const page = open(DETAIL, { id: 'a1' });
    await waitFor(() => expect($(page, '#signup-btn')).toBeTruthy());
    expect(textOf($(page, '#signup-btn'))).toContain('报名候补');
    expect(page.text()).toContain('已满，候补 2 人');
    tap($(page, '#signup-btn'));
    await waitFor(() => expect(page.text()).toContain('您在候补第 3 位'));
    expect(textOf($(page, '#my-state'))).toContain('已在候补第 3 位');
    expect(textOf($(page, '#cancel-btn'))).toContain('取消候补');
  });

  test('waitlisted from the server: 已在候补第 n 位 and 取消候补', async () => {
    useStorage(MEMBER_BRANCH);
    stubBackend({
      'activity.get': () =>
        ok(
          activityDetail({
            confirmedCount: 5,
            waitlistCount: 4,
            my: noPart({ signup: 'waitlisted', position: 4 }),
            can: abilities({ cancel: true }),
          }),
        ),
    });
    const page = open(DETAIL, { id: 'a1' });
    await waitFor(() => expect($(page, '#my-state')).toBeTruthy());
    expect(textOf($(page, '#my-state'))).toContain('已在候补第 4 位');
    expect(textOf($(page, '#cancel-btn'))).toContain('取消候补');
    expect($(page, '#signup-btn')).toBeFalsy();
  });

  test('confirmed → 取消报名 asks on the card first; 不取消 sends nothing; 确认取消 sends one cancel', async () => {
    useStorage(MEMBER_BRANCH);
    const calls = stubBackend({
      'activity.get': (_d, _c, nth) =>
        ok(
          nth === 0
            ? activityDetail({
                my: noPart({ signup: 'confirmed' }),
                can: abilities({ cancel: true }),
              })
            : activityDetail({ confirmedCount: 3 }),
        ),
      'activity.cancel': () =>
        ok({ activityId: 'a1', status: 'cancelled', late: false, promoted: true }),
    });
    const page = open(DETAIL, { id: 'a1' });
    await waitFor(() => expect($(page, '#cancel-btn')).toBeTruthy());
    expect(textOf($(page, '#my-state'))).toContain('您已报名');
    tap($(page, '#cancel-btn'));
    await waitFor(() => expect($(page, '#cancel-confirm-card')).toBeTruthy());
    expect(page.text()).toContain('确定取消报名吗');
    expect(page.text()).not.toContain('组织者会在报名名单中看到这次取消');
    tap($(page, '#cancel-keep'));
    await waitFor(() => expect($(page, '#cancel-btn')).toBeTruthy());
    expect(callsOf(calls, 'activity.cancel')).toHaveLength(0);

    tap($(page, '#cancel-btn'));
    await waitFor(() => expect($(page, '#cancel-confirm')).toBeTruthy());
    tap($(page, '#cancel-confirm'));
    await waitFor(() => expect(page.text()).toContain('已取消报名'));
    const cancels = callsOf(calls, 'activity.cancel');
    expect(cancels).toHaveLength(1);
    expect(cancels[0].data).toEqual({ activityId: 'a1' });
    expect(cancels[0].requestId).toBeTruthy();
    await waitFor(() => expect($(page, '#signup-btn')).toBeTruthy());
    expect($(page, '#cancel-btn')).toBeFalsy();
  });

  test('after the deadline the confirm step says the organiser is told, and so does the result', async () => {
    useStorage(MEMBER_BRANCH);
    stubBackend({
      'activity.get': () =>
        ok(
          activityDetail({
            deadline: at(-1, 12),
            my: noPart({ signup: 'confirmed' }),
            can: abilities({ cancel: true }),
          }),
        ),
      'activity.cancel': () =>
        ok({ activityId: 'a1', status: 'cancelled', late: true, promoted: false }),
    });
    const page = open(DETAIL, { id: 'a1' });
    await waitFor(() => expect($(page, '#cancel-btn')).toBeTruthy());
    expect(page.text()).toContain('已截止');
    tap($(page, '#cancel-btn'));
    await waitFor(() => expect($(page, '#cancel-confirm-card')).toBeTruthy());
    expect(textOf($(page, '#cancel-confirm-card'))).toContain('组织者会在报名名单中看到这次取消');
    tap($(page, '#cancel-confirm'));
    await waitFor(() => expect($(page, '#action-result')).toBeTruthy());
    expect(textOf($(page, '#action-result'))).toContain('组织者会在报名名单中看到这次取消');
  });

  test('a refused sign-up shows the server message under the button, and the button stays', async () => {
    useStorage(MEMBER_BRANCH);
    stubBackend({
      'activity.get': () => ok(activityDetail()),
      'activity.signUp': () => err('CONFLICT', '报名已截止'),
    });
    const page = open(DETAIL, { id: 'a1' });
    await waitFor(() => expect($(page, '#signup-btn')).toBeTruthy());
    tap($(page, '#signup-btn'));
    await waitFor(() => expect($(page, '#action-error')).toBeTruthy());
    expect(textOf($(page, '#action-error'))).toBe('报名已截止');
    expect($(page, '#signup-btn')).toBeTruthy();
  });

  test('ongoing and confirmed → 扫码签到 scans, then checkIn with the scanned token; then 签退 with hours', async () => {
    useStorage(MEMBER_BRANCH);
    const scanCode = stubScan({ result: TOKEN });
    const ongoing = {
      status: 'ongoing' as const,
      startAt: at(0, 0, 1),
      endAt: at(1, 23),
      deadline: at(0, 0, 1),
    };
    const calls = stubBackend({
      'activity.get': (_d, _c, nth) =>
        ok(
          activityDetail({
            ...ongoing,
            my: noPart({
              signup: 'confirmed',
              checkedInAt: nth === 0 ? null : new Date().toISOString(),
            }),
            can: nth === 0 ? abilities({ checkIn: true }) : abilities({ checkOut: true }),
          }),
        ),
      'activity.checkIn': () =>
        ok({
          activityId: 'a1',
          title: '清理楼道小广告',
          checkedInAt: new Date(2025, 2, 5, 14, 2).toISOString(),
          already: false,
        }),
      'activity.checkOut': () =>
        ok({
          activityId: 'a1',
          title: '清理楼道小广告',
          checkedOutAt: new Date(2025, 2, 5, 16, 0).toISOString(),
          attendedMinutes: 118,
          computedHours: 2,
        }),
    });
    const page = open(DETAIL, { id: 'a1' });
    await waitFor(() => expect($(page, '#checkin-btn')).toBeTruthy());
    expect($(page, '#signup-btn')).toBeFalsy();
    expect($(page, '#checkout-btn')).toBeFalsy();
    tap($(page, '#checkin-btn'));
    await waitFor(() => expect(callsOf(calls, 'activity.checkIn')).toHaveLength(1));
    expect(scanCode).toHaveBeenCalledTimes(1);
    expect(scanCode.mock.calls[0][0].onlyFromCamera).toBe(true);
    expect(callsOf(calls, 'activity.checkIn')[0].data).toEqual({ token: TOKEN, activityId: 'a1' });
    await waitFor(() => expect(page.text()).toContain('签到成功，14:02'));
    await waitFor(() => expect($(page, '#checkout-btn')).toBeTruthy());
    expect($(page, '#checkin-btn')).toBeFalsy();
    expect(textOf($(page, '#my-record'))).toMatch(/已签到 \d{2}:\d{2}/);

    tap($(page, '#checkout-btn'));
    await waitFor(() => expect(callsOf(calls, 'activity.checkOut')).toHaveLength(1));
    expect(scanCode).toHaveBeenCalledTimes(2);
    expect(callsOf(calls, 'activity.checkOut')[0].data).toEqual({ token: TOKEN, activityId: 'a1' });
    await waitFor(() => expect(page.text()).toContain('本次计入 2 小时'));
  });

  test('a closed scanner sends nothing; an expired code shows the server message', async () => {
    useStorage(MEMBER_BRANCH);
    stubScan({ fail: 'scanCode:fail cancel' });
    const calls = stubBackend({
      'activity.get': () =>
        ok(
          activityDetail({
            status: 'ongoing',
            my: noPart({ signup: 'confirmed' }),
            can: abilities({ checkIn: true }),
          }),
        ),
      'activity.checkIn': () => err('CONFLICT', '签到码已过期，请扫描最新的二维码'),
    });
    const page = open(DETAIL, { id: 'a1' });
    await waitFor(() => expect($(page, '#checkin-btn')).toBeTruthy());
    tap($(page, '#checkin-btn'));
    await waitFor(() => expect(page.instance.data.acting).toBe(''));
    await aMoment(30);
    expect(callsOf(calls, 'activity.checkIn')).toHaveLength(0);
    expect($(page, '#action-error')).toBeFalsy();

    restoreWx();
    useStorage(MEMBER_BRANCH);
    useEnvVersion('develop');
    stubScan({ result: 'ck1.old' });
    stubBackend({
      'activity.checkIn': () => err('CONFLICT', '签到码已过期，请扫描最新的二维码'),
    });
    tap($(page, '#checkin-btn'));
    await waitFor(() => expect($(page, '#action-error')).toBeTruthy());
    expect(textOf($(page, '#action-error'))).toBe('签到码已过期，请扫描最新的二维码');
    expect($(page, '#checkin-btn')).toBeTruthy();
  });

  test('a cancelled activity says so with the reason and offers no sign-up or cancel', async () => {
    useStorage(MEMBER_BRANCH);
    stubBackend({
      'activity.get': () =>
        ok(
          activityDetail({
            status: 'cancelled',
            cancelReason: '暴雨预警，改期举行',
            my: noPart({ signup: 'confirmed' }),
            can: abilities(),
          }),
        ),
    });
    const page = open(DETAIL, { id: 'a1' });
    await waitFor(() => expect($(page, '#cancelled')).toBeTruthy());
    expect(textOf($(page, '#cancelled'))).toContain('活动已取消：暴雨预警，改期举行');
    expect(textOf($(page, '#status-tag'))).toContain('已取消');
    for (const id of ['#signup-btn', '#cancel-btn', '#checkin-btn', '#reply-attend'])
      expect($(page, id)).toBeFalsy();
  });

  test('place opens the map, the contact is dialled; a masked phone has no call button', async () => {
    useStorage(MEMBER_BRANCH);
    const openLocation = stubWx('openLocation', jest.fn());
    const makePhoneCall = stubWx('makePhoneCall', jest.fn());
    stubBackend({ 'activity.get': () => ok(activityDetail()) });
    const page = open(DETAIL, { id: 'a1' });
    await waitFor(() => expect($(page, '#place')).toBeTruthy());
    tap($(page, '#place'));
    await waitFor(() => expect(openLocation).toHaveBeenCalled());
    expect(openLocation.mock.calls[0][0]).toMatchObject({
      latitude: 31.23,
      longitude: 121.47,
      name: '幸福里社区广场',
    });
    tap($(page, '#call-btn'));
    await waitFor(() => expect(makePhoneCall).toHaveBeenCalledWith({ phoneNumber: '13800001234' }));

    opened?.detach();
    stubBackend({
      'activity.get': () =>
        ok(activityDetail({ contactPhone: '138****1234', place: { name: '社区活动室' } })),
    });
    const masked = open(DETAIL, { id: 'a1' });
    await waitFor(() => expect($(masked, '#contact')).toBeTruthy());
    expect(masked.text()).toContain('138****1234');
    expect($(masked, '#call-btn')).toBeFalsy();
    expect(textOf($(masked, '#place'))).not.toContain('地图');
  });

  test('the reminder subscription is asked for inside the 报名 tap, before the sign-up', async () => {
    jest.doMock(CONFIG, () => ({
      ...jest.requireActual(CONFIG),
      SUBSCRIBE_TEMPLATES: { noticeReminder: '', lessonReminder: '', activityReminder: 'tmpl-a' },
    }));
    useStorage(MEMBER_BRANCH);
    const order: string[] = [];
    stubWx('requestSubscribeMessage', (opts: WechatMiniprogram.RequestSubscribeMessageOption) => {
      order.push(/onSignUp/.test(new Error().stack ?? '') ? 'subscribe-in-tap' : 'subscribe-late');
      setTimeout(
        () => opts.success?.({ errMsg: 'requestSubscribeMessage:ok', 'tmpl-a': 'accept' }),
        1,
      );
    });
    stubBackend({
      'activity.get': () => ok(activityDetail()),
      'activity.signUp': () => {
        order.push('signUp');
        return ok({ activityId: 'a1', status: 'confirmed', position: null });
      },
    });
    const page = open(DETAIL, { id: 'a1' });
    await waitFor(() => expect($(page, '#signup-btn')).toBeTruthy());
    tap($(page, '#signup-btn'));
    await waitFor(() => expect($(page, '#subscribe-result')).toBeTruthy());
    expect(order).toEqual(['subscribe-in-tap', 'signUp']);
    expect(page.text()).toContain('活动开始前会通过微信服务通知提醒您');
  });
});

describe('activity detail: residents sign up with name and phone', () => {
  test('a member opening the page without a remembered branch gets no form (the server says)', async () => {
    useStorage();
    stubBackend({ 'activity.get': () => ok(activityDetail({ needsContact: false })) });
    const page = open(DETAIL, { id: 'a1' });
    await waitFor(() => expect($(page, '#signup-btn')).toBeTruthy());
    expect($(page, '#resident-form')).toBeFalsy();
  });

  test('the form is checked here first; only a valid one is sent, with the name and phone', async () => {
    useStorage();
    const calls = stubBackend({
      'activity.get': () => ok(activityDetail({ needsContact: true })),
      'activity.signUp': () => ok({ activityId: 'a1', status: 'confirmed', position: null }),
    });
    const page = open(DETAIL, { id: 'a1' });
    await waitFor(() => expect($(page, '#resident-form')).toBeTruthy());
    tap($(page, '#signup-btn'));
    await waitFor(() => expect(page.instance.data.errors.realName).toBeTruthy());
    expect(page.text()).toContain('请填写姓名');
    expect(page.text()).toContain('请填写手机号');
    emit($(page, '#realName'), 'change', { value: '张' });
    emit($(page, '#phone'), 'change', { value: '1380000' });
    tap($(page, '#signup-btn'));
    await waitFor(() => expect(page.text()).toContain('姓名请填写 2–20 个字'));
    expect(page.text()).toContain('请填写 11 位手机号');
    await aMoment(30);
    expect(callsOf(calls, 'activity.signUp')).toHaveLength(0);

    emit($(page, '#realName'), 'change', { value: ' 张秀兰 ' });
    emit($(page, '#phone'), 'change', { value: '13912345678' });
    tap($(page, '#signup-btn'));
    await waitFor(() => expect(callsOf(calls, 'activity.signUp')).toHaveLength(1));
    expect(callsOf(calls, 'activity.signUp')[0].data).toEqual({
      activityId: 'a1',
      realName: '张秀兰',
      phone: '13912345678',
    });
    await waitFor(() => expect(page.text()).toContain('报名成功'));
  });

  test('a field the server refuses is shown under that field', async () => {
    useStorage();
    stubBackend({
      'activity.get': () => ok(activityDetail({ needsContact: true })),
      'activity.signUp': () =>
        err('INVALID_ARGUMENT', '参数「phone」有误：请填写正确的手机号', { fields: ['phone'] }),
    });
    const page = open(DETAIL, { id: 'a1' });
    await waitFor(() => expect($(page, '#resident-form')).toBeTruthy());
    emit($(page, '#realName'), 'change', { value: '张秀兰' });
    emit($(page, '#phone'), 'change', { value: '12345678901' });
    tap($(page, '#signup-btn'));
    await waitFor(() => expect(page.instance.data.errors.phone).toBeTruthy());
    expect(page.instance.data.errors.phone).toContain('请填写正确的手机号');
    expect(page.instance.data.errors.realName).toBeFalsy();
  });
});

describe('activity detail: meetings and theme days', () => {
  test('expected → 参加 sends reply attend and says so', async () => {
    useStorage(MEMBER_BRANCH);
    const calls = stubBackend({
      'activity.get': (_d, _c, nth) =>
        ok(
          nth === 0
            ? meetingDetail()
            : meetingDetail({ my: noPart({ expected: true, reply: 'attend' }) }),
        ),
      'activity.reply': () => ok({ activityId: 'a1', reply: 'attend', leave: null }),
    });
    const page = open(DETAIL, { id: 'a1' });
    await waitFor(() => expect($(page, '#reply-attend')).toBeTruthy());
    expect(page.text()).toContain('请回复是否参加');
    expect($(page, '#reply-leave')).toBeTruthy();
    expect($(page, '#signup-btn')).toBeFalsy();
    expect(page.text()).not.toContain('名额');
    tap($(page, '#reply-attend'));
    await waitFor(() => expect(callsOf(calls, 'activity.reply')).toHaveLength(1));
    expect(callsOf(calls, 'activity.reply')[0].data).toEqual({
      activityId: 'a1',
      answer: 'attend',
    });
    await waitFor(() => expect(textOf($(page, '#my-state'))).toContain('已回复参加'));
    expect($(page, '#reply-attend')).toBeFalsy();
    expect($(page, '#reply-leave')).toBeTruthy();
  });

  test('请假 needs a reason (checked here), then sends it; the pending leave is shown', async () => {
    useStorage(MEMBER_BRANCH);
    const leave = { reason: '在外地出差', status: 'pending' as const, decidedAt: null, note: null };
    const calls = stubBackend({
      'activity.get': (_d, _c, nth) =>
        ok(
          nth === 0
            ? meetingDetail()
            : meetingDetail({ my: noPart({ expected: true, reply: 'leave', leave }) }),
        ),
      'activity.reply': () => ok({ activityId: 'a1', reply: 'leave', leave }),
    });
    const page = open(DETAIL, { id: 'a1' });
    await waitFor(() => expect($(page, '#reply-leave')).toBeTruthy());
    tap($(page, '#reply-leave'));
    await waitFor(() => expect($(page, '#leave-form')).toBeTruthy());
    tap($(page, '#leave-submit'));
    await waitFor(() => expect($(page, '#leave-error')).toBeTruthy());
    expect(textOf($(page, '#leave-error'))).toBe('请写明请假理由');
    emit($(page, '#leave-reason'), 'change', { value: '差' });
    tap($(page, '#leave-submit'));
    await waitFor(() => expect(textOf($(page, '#leave-error'))).toBe('请假理由请写 2–100 个字'));
    expect(callsOf(calls, 'activity.reply')).toHaveLength(0);

    emit($(page, '#leave-reason'), 'change', { value: '在外地出差' });
    tap($(page, '#leave-submit'));
    await waitFor(() => expect(callsOf(calls, 'activity.reply')).toHaveLength(1));
    expect(callsOf(calls, 'activity.reply')[0].data).toEqual({
      activityId: 'a1',
      answer: 'leave',
      reason: '在外地出差',
    });
    await waitFor(() => expect($(page, '#leave-state')).toBeTruthy());
    expect(textOf($(page, '#leave-state'))).toContain('请假待批准');
    expect(textOf($(page, '#leave-state'))).toContain('在外地出差');
    expect($(page, '#leave-form')).toBeFalsy();
  });

  test('a pending leave from the server: its status and reason, 改为参加, no second 请假', async () => {
    useStorage(MEMBER_BRANCH);
    stubBackend({
      'activity.get': () =>
        ok(
          meetingDetail({
            my: noPart({
              expected: true,
              reply: 'leave',
              leave: { reason: '陪护住院的母亲', status: 'pending', decidedAt: null, note: null },
            }),
          }),
        ),
    });
    const page = open(DETAIL, { id: 'a1' });
    await waitFor(() => expect($(page, '#leave-state')).toBeTruthy());
    expect(page.text()).toContain('请假待批准');
    expect(page.text()).toContain('请假理由：陪护住院的母亲');
    expect(textOf($(page, '#reply-attend'))).toContain('改为参加');
    expect($(page, '#reply-leave')).toBeFalsy();
  });

  test('a refused leave shows the secretary note; a rejected reason from the server stays under the box', async () => {
    useStorage(MEMBER_BRANCH);
    stubBackend({
      'activity.get': () =>
        ok(
          meetingDetail({
            my: noPart({
              expected: true,
              reply: 'leave',
              leave: {
                reason: '有事',
                status: 'rejected',
                decidedAt: at(0, 9),
                note: '请说明具体原因',
              },
            }),
          }),
        ),
      'activity.reply': () => err('CONTENT_RISKY', '内容可能不合适，请修改后再提交'),
    });
    const page = open(DETAIL, { id: 'a1' });
    await waitFor(() => expect($(page, '#leave-state')).toBeTruthy());
    expect(page.text()).toContain('请假未批准');
    expect(page.text()).toContain('书记批注：请说明具体原因');
    tap($(page, '#reply-leave'));
    await waitFor(() => expect($(page, '#leave-form')).toBeTruthy());
    emit($(page, '#leave-reason'), 'change', { value: '家中有急事需要处理' });
    tap($(page, '#leave-submit'));
    await waitFor(() =>
      expect(textOf($(page, '#leave-error'))).toBe('内容可能不合适，请修改后再提交'),
    );
    expect($(page, '#leave-form')).toBeTruthy();
  });

  test('after the meeting: attendance summary with the rate, my attendance, and the minutes', async () => {
    useStorage(MEMBER_BRANCH);
    stubBackend({
      'activity.get': () =>
        ok(
          meetingDetail({
            status: 'ended',
            startAt: at(-3, 14),
            endAt: at(-3, 16),
            my: noPart({ expected: true, reply: 'attend', attendance: 'present' }),
            can: abilities(),
            attendance: { expected: 20, present: 17, leave: 2, absent: 1, unanswered: 0, rate: 85 },
            minutes: {
              text: '会议学习了党章第二章，讨论了社区志愿服务安排。',
              postedAt: at(-2, 10),
              authorName: '王书记',
              held: false,
            },
          }),
        ),
    });
    const page = open(DETAIL, { id: 'a1' });
    await waitFor(() => expect($(page, '#attendance')).toBeTruthy());
    const text = page.text();
    expect(text).toContain('应到 20');
    expect(text).toContain('实到 17');
    expect(text).toContain('出席率 85%');
    expect(textOf($(page, '#my-record'))).toContain('已出席');
    expect(textOf($(page, '#minutes'))).toContain('会议学习了党章第二章');
    expect($(page, '#reply-attend')).toBeFalsy();
  });

  test('not in the audience: says so, no reply buttons', async () => {
    useStorage(MEMBER_BRANCH);
    stubBackend({
      'activity.get': () =>
        ok(
          meetingDetail({
            meetingType: 'committeeMeeting',
            kindLabel: '支委会',
            my: noPart(),
            can: abilities(),
          }),
        ),
    });
    const page = open(DETAIL, { id: 'a1' });
    await waitFor(() => expect($(page, '#not-expected')).toBeTruthy());
    expect(page.text()).toContain('这次活动的参加人员不包括您');
    expect($(page, '#reply-attend')).toBeFalsy();
  });
});

describe('activity detail: organisers and errors', () => {
  test('a held activity: the secretary releases it in one tap; an organiser only sees it is held', async () => {
    useStorage(MEMBER_BRANCH);
    stubBackend({
      'activity.get': () =>
        ok(activityDetail({ held: true, can: abilities({ manage: true, moderate: false }) })),
    });
    const organiser = open(DETAIL, { id: 'a1' });
    await waitFor(() => expect(organiser.text()).toContain('待审核，仅组织者可见'));
    expect($(organiser, '#release-btn')).toBeFalsy();
    organiser.detach();

    const calls = stubBackend({
      'activity.get': (_d, _c, nth) =>
        ok(
          activityDetail({
            held: nth === 0,
            can: abilities({ manage: true, moderate: true }),
          }),
        ),
      'activity.moderate': () => ok({ activityId: 'a1', visibility: 'visible' }),
    });
    const page = open(DETAIL, { id: 'a1' });
    await waitFor(() => expect($(page, '#release-btn')).toBeTruthy());
    expect($(page, '#release-minutes-btn')).toBeFalsy();
    tap($(page, '#release-btn'));
    await waitFor(() => expect(callsOf(calls, 'activity.moderate')).toHaveLength(1));
    expect(callsOf(calls, 'activity.moderate')[0].data).toEqual({
      activityId: 'a1',
      what: 'activity',
    });
    await waitFor(() => expect(page.text()).toContain('已通过审核'));
    await waitFor(() => expect($(page, '#review-card')).toBeFalsy());
  });

  test('the organiser section appears only with can.manage, and its links carry the activity', async () => {
    useStorage(MEMBER_BRANCH);
    const navigateTo = stubWx('navigateTo', jest.fn());
    stubBackend({ 'activity.get': () => ok(activityDetail()) });
    const member = open(DETAIL, { id: 'a1' });
    await waitFor(() => expect($(member, '#signup-btn')).toBeTruthy());
    expect($(member, '#organiser')).toBeFalsy();
    member.detach();

    stubBackend({
      'activity.get': () =>
        ok(
          activityDetail({
            confirmedCount: 5,
            waitlistCount: 2,
            lateCancellations: 1,
            can: abilities({ signUp: true, manage: true }),
          }),
        ),
    });
    const page = open(DETAIL, { id: 'a1' });
    await waitFor(() => expect($(page, '#organiser')).toBeTruthy());
    expect(textOf($(page, '#go-signups'))).toContain('5 人已报名，候补 2');
    expect(page.text()).toContain('1 人在截止后取消');
    expect($(page, '#go-qr')).toBeTruthy();
    expect($(page, '#go-edit')).toBeTruthy();
    expect($(page, '#go-attendance')).toBeFalsy(); // volunteer: sign-ups instead
    expect($(page, '#go-minutes')).toBeFalsy();
    expect($(page, '#go-hours')).toBeFalsy(); // not ended yet
    tap($(page, '#go-signups'));
    tap($(page, '#go-qr'));
    tap($(page, '#go-edit'));
    await waitFor(() => expect(navigateTo).toHaveBeenCalledTimes(3));
    expect(navigateTo.mock.calls.map((c) => c[0].url)).toEqual([
      '/packages/activity-admin/signups/index?activityId=a1',
      `/packages/activity-admin/qr/index?activityId=a1&title=${encodeURIComponent('清理楼道小广告')}`,
      '/packages/activity-admin/edit/index?activityId=a1',
    ]);
  });

  test('an ended meeting for a secretary: attendance and minutes; an ended volunteer activity: hours', async () => {
    useStorage(MEMBER_BRANCH);
    const navigateTo = stubWx('navigateTo', jest.fn());
    stubBackend({
      'activity.get': () =>
        ok(
          meetingDetail({
            status: 'ended',
            can: abilities({ manage: true, moderate: true }),
          }),
        ),
    });
    const meeting = open(DETAIL, { id: 'a1' });
    await waitFor(() => expect($(meeting, '#organiser')).toBeTruthy());
    expect($(meeting, '#go-attendance')).toBeTruthy();
    expect($(meeting, '#go-minutes')).toBeTruthy();
    expect($(meeting, '#go-signups')).toBeFalsy();
    expect($(meeting, '#go-qr')).toBeFalsy();
    expect($(meeting, '#go-export')).toBeFalsy();
    tap($(meeting, '#go-attendance'));
    tap($(meeting, '#go-stats'));
    await waitFor(() => expect(navigateTo).toHaveBeenCalledTimes(2));
    expect(navigateTo.mock.calls.map((c) => c[0].url)).toEqual([
      '/packages/activity-admin/attendance/index?activityId=a1',
      '/packages/activity-admin/stats/index?branchId=b1',
    ]);
    meeting.detach();

    stubBackend({
      'activity.get': () =>
        ok(activityDetail({ status: 'ended', can: abilities({ manage: true }) })),
    });
    const volunteer = open(DETAIL, { id: 'a1' });
    await waitFor(() => expect($(volunteer, '#go-hours')).toBeTruthy());
    expect(textOf($(volunteer, '#go-hours'))).toContain('待确认');
    expect($(volunteer, '#go-minutes')).toBeFalsy();
    expect($(volunteer, '#go-edit')).toBeFalsy(); // an ended activity is not edited
    tap($(volunteer, '#go-hours'));
    tap($(volunteer, '#go-export'));
    await waitFor(() => expect(navigateTo).toHaveBeenCalledTimes(4));
    expect(navigateTo.mock.calls.slice(2).map((c) => c[0].url)).toEqual([
      '/packages/activity-admin/hours/index?activityId=a1',
      '/packages/activity-admin/export/index?branchId=b1',
    ]);
  });

  test('error → the server message and 重新加载, which loads it', async () => {
    useStorage(MEMBER_BRANCH);
    stubBackend({
      'activity.get': (_d, _c, nth) =>
        nth === 0 ? err('NOT_FOUND', '活动不存在或已删除') : ok(activityDetail()),
    });
    const page = open(DETAIL, { id: 'a1' });
    await waitFor(() => expect(state(page).querySelector('#state-error')).toBeTruthy());
    expect(page.text()).toContain('活动不存在或已删除');
    tap(state(page).querySelector('#retry'));
    await waitFor(() => expect($(page, '#signup-btn')).toBeTruthy());
  });

  test('长辈模式 puts the elderly class on the page', async () => {
    useStorage(MEMBER_BRANCH);
    useFontScale(1.3);
    stubBackend({ 'activity.get': () => ok(activityDetail()) });
    const page = open(DETAIL, { id: 'a1' });
    await waitFor(() => expect($(page, '#signup-btn')).toBeTruthy());
    expect(page.page.dom!.firstElementChild!.className).toMatch(/\belderly\b/);
  });
});
