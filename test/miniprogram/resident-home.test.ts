/**
 * The resident home (issue #7): `branch.me` carries the liaison card for callers without a
 * branch, so home shows 我的中心户 with 打电话 / 请求帮助 / 我的求助 after one call; a newcomer
 * is offered 加入支部 and 绑定连心卡; a member's home does not change. 我的 offers
 * 我的联户信息 to bound residents only.
 */
import type { BranchMeResponse, MyMembership } from '../../typings/api';
import { callsOf, ok, stubBackend } from './helpers/backend';
import { loadPage, prepare, tap, waitFor, type LoadedPage } from './helpers/load';
import { card, member, meWith } from './helpers/resident';
import { restoreWx, stubWx, useEnvVersion, useFontScale, useStorage } from './helpers/wx';

const HOME = 'pages/index/index';
const MINE = 'pages/mine/index';

let opened: LoadedPage | null = null;
function open(route = HOME): LoadedPage {
  opened = loadPage(route);
  return opened;
}
const $ = (page: LoadedPage, sel: string) => page.page.querySelector(sel);

beforeAll(() => prepare(HOME), 60_000);
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

describe('bound resident', () => {
  test('one call; the card shows the member, and 打电话 calls the member’s phone', async () => {
    const calls = stubBackend({ 'branch.me': () => ok(meWith(card())) });
    const makePhoneCall = stubWx('makePhoneCall', jest.fn());
    const page = open();
    await waitFor(() => expect($(page, '#liaison-card')).toBeTruthy());
    expect(calls.map((c) => `${c.fn}.${c.action}`)).toEqual(['branch.me']);
    const text = $(page, '#liaison-card')!.dom!.textContent!;
    expect(text).toContain('我的中心户');
    expect(text).toContain('李秀英');
    expect(text).toContain('党员');
    expect(text).toContain('幸福社区第一党支部');
    expect(text).toContain('服务承诺：有事您说话，随叫随到');
    expect($(page, '#liaison-photo')).toBeTruthy();
    // A resident is not told to join a branch.
    expect($(page, '#no-branch')).toBeFalsy();
    expect($(page, '#branch-card')).toBeFalsy();
    // The page carries the privacy panel: makePhoneCall is a privacy API.
    expect($(page, '#privacy')).toBeTruthy();

    tap($(page, '#call-liaison'));
    await waitFor(() => expect(makePhoneCall).toHaveBeenCalledTimes(1));
    expect(makePhoneCall.mock.calls[0][0]).toMatchObject({ phoneNumber: '13800001111' });
  });

  test('without a shown phone there is no call button and 请求帮助 is the main action', async () => {
    stubBackend({
      'branch.me': () => ok(meWith(card({ member: member({ phone: null, photo: null }) }))),
    });
    const makePhoneCall = stubWx('makePhoneCall', jest.fn());
    const navigateTo = stubWx('navigateTo', jest.fn());
    const page = open();
    await waitFor(() => expect($(page, '#liaison-card')).toBeTruthy());
    expect($(page, '#call-liaison')).toBeFalsy();
    expect(page.text()).not.toContain('打电话');
    expect($(page, '#no-phone')!.dom!.textContent).toContain('请求帮助');
    expect($(page, '#request-help')!.instance.data.variant).toBe('base');
    // No photo: the first character stands in.
    expect($(page, '#liaison-photo')).toBeFalsy();
    expect($(page, '#liaison-card')!.dom!.textContent).toContain('李');

    tap($(page, '#request-help'));
    await waitFor(() =>
      expect(navigateTo).toHaveBeenCalledWith({ url: '/packages/resident/request/index' }),
    );
    expect(makePhoneCall).not.toHaveBeenCalled();
  });

  test('我的求助 shows the open count and opens the list; 我的联户信息 opens my data', async () => {
    stubBackend({ 'branch.me': () => ok(meWith(card({ openRequests: 2 }))) });
    const navigateTo = stubWx('navigateTo', jest.fn());
    const page = open();
    await waitFor(() => expect($(page, '#go-my-requests')).toBeTruthy());
    expect(page.text()).toContain('2 件正在办');
    tap($(page, '#go-my-requests'));
    await waitFor(() =>
      expect(navigateTo).toHaveBeenCalledWith({ url: '/packages/resident/requests/index' }),
    );
    tap($(page, '#go-my-data'));
    await waitFor(() =>
      expect(navigateTo).toHaveBeenCalledWith({ url: '/packages/resident/my-data/index' }),
    );
  });

  test('no open request: no count', async () => {
    stubBackend({ 'branch.me': () => ok(meWith(card({ openRequests: 0 }))) });
    const page = open();
    await waitFor(() => expect($(page, '#go-my-requests')).toBeTruthy());
    expect(page.text()).not.toContain('件正在办');
  });

  test('长辈模式 applies to the resident home', async () => {
    useFontScale(1.3);
    stubBackend({ 'branch.me': () => ok(meWith(card())) });
    const page = open();
    await waitFor(() => expect($(page, '#liaison-card')).toBeTruthy());
    expect(page.page.instance.data.elderly).toBe(true);
    expect(page.page.dom!.firstElementChild!.className).toMatch(/\belderly\b/);
  });
});

describe('newcomer', () => {
  test('no branch and no card: both 加入支部 and 绑定连心卡', async () => {
    const calls = stubBackend({ 'branch.me': () => ok(meWith(null)) });
    const navigateTo = stubWx('navigateTo', jest.fn());
    const page = open();
    await waitFor(() => expect($(page, '#no-branch')).toBeTruthy());
    expect(callsOf(calls, 'branch.me')).toHaveLength(1);
    expect(calls).toHaveLength(1);
    expect($(page, '#liaison-card')).toBeFalsy();
    const text = $(page, '#no-branch')!.dom!.textContent!;
    expect(text).toContain('加入支部');
    expect(text).toContain('绑定连心卡');
    expect(text).toContain('连心卡');
    tap($(page, '#bind'));
    await waitFor(() =>
      expect(navigateTo).toHaveBeenCalledWith({ url: '/packages/resident/bind/index' }),
    );
    tap($(page, '#join'));
    await waitFor(() => expect(navigateTo).toHaveBeenCalledWith({ url: '/pages/join/index' }));
  });

  test('an older server without `liaison` reads as not bound', async () => {
    const { liaison: _dropped, ...older } = meWith(null);
    stubBackend({ 'branch.me': () => ok(older) });
    const page = open();
    await waitFor(() => expect($(page, '#bind')).toBeTruthy());
  });
});

describe('member', () => {
  const membership: MyMembership = {
    membershipId: 'm1',
    branchId: 'b1',
    branchName: '幸福社区第一党支部',
    committeeId: 'c1',
    role: 'member',
    status: 'active',
    realName: '李秀英',
    partyGroupId: null,
    partyGroupName: null,
    joinedPartyAt: null,
    politicalBirthday: false,
    partyYears: null,
    unreadNotices: 0,
    pinnedNotices: [],
    pendingApprovals: null,
    pendingTransfers: null,
  };

  test('a member’s home is unchanged: branch card, no resident card, no bind entry', async () => {
    const me: BranchMeResponse = { memberships: [membership], serverTime: '2025-01-01T08:00:00Z' };
    const calls = stubBackend({ 'branch.me': () => ok(me) });
    const page = open();
    await waitFor(() => expect($(page, '#branch-card')).toBeTruthy());
    expect(calls).toHaveLength(1);
    expect($(page, '#liaison-card')).toBeFalsy();
    expect($(page, '#bind')).toBeFalsy();
    expect($(page, '#go-my-requests')).toBeFalsy();
    expect($(page, '#go-notices')).toBeTruthy();
    expect(page.text()).toContain('你好，李秀英');
  });
});

describe('我的', () => {
  test('a bound resident gets 我的联户信息; a newcomer does not', async () => {
    stubBackend({ 'branch.me': () => ok(meWith(card())) });
    const navigateTo = stubWx('navigateTo', jest.fn());
    const page = open(MINE);
    await waitFor(() => expect($(page, '#my-liaison-data')).toBeTruthy());
    tap($(page, '#my-liaison-data'));
    await waitFor(() =>
      expect(navigateTo).toHaveBeenCalledWith({ url: '/packages/resident/my-data/index' }),
    );
    opened?.detach();

    stubBackend({ 'branch.me': () => ok(meWith(null)) });
    const other = open(MINE);
    await waitFor(() => expect(other.page.instance.data.status).toBe('ready'));
    expect($(other, '#my-liaison-data')).toBeFalsy();
  });
});
