/**
 * The resident home (issue #7): `branch.me` carries the liaison card for callers without a
 * branch, so home shows 我的中心户 with 打电话 / 请求帮助 / 我的求助 after one call; a newcomer
 * is offered 加入支部 and 绑定连心卡; a member's home does not change. 我的 offers
 * 我的联户信息 to bound residents only.
 */
import fs from 'fs';
import path from 'path';
import type { BranchMeResponse, MyMembership } from '../../typings/api';
import { callsOf, ok, stubBackend } from './helpers/backend';
import { loadPage, prepare, tap, waitFor, type LoadedPage } from './helpers/load';
import { card, member, meWith, requestItem } from './helpers/resident';
import { restoreWx, stubWx, useEnvVersion, useFontScale, useStorage } from './helpers/wx';

const HOME = 'pages/index/index';
const LIAISON_KEY = 'context.liaison';
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

  test('the newest requests show under the card in plain words; a tap opens one; still one call', async () => {
    // 30 minutes before serverTime: the same relative time in every time zone.
    const at = '2025-01-01T07:30:00.000Z';
    const calls = stubBackend({
      'branch.me': () =>
        ok(
          meWith(
            card({
              openRequests: 2,
              recentRequests: [
                requestItem({ requestId: 'r1', category: 'repair', createdAt: at }),
                requestItem({
                  requestId: 'r2',
                  category: 'elderly',
                  status: 'accepted',
                  level: 1,
                  createdAt: at,
                }),
                requestItem({
                  requestId: 'r3',
                  category: 'policy',
                  status: 'closed',
                  rating: 'satisfied',
                  createdAt: at,
                }),
              ],
            }),
          ),
        ),
    });
    const navigateTo = stubWx('navigateTo', jest.fn());
    const page = open();
    await waitFor(() => expect($(page, '#recent-requests')).toBeTruthy());
    expect(calls.map((c) => `${c.fn}.${c.action}`)).toEqual(['branch.me']);
    // A t-cell shows its title, note and description.
    const row = (id: string) => {
      const d = $(page, `#recent-${id}`)!.instance.data;
      return `${d.title} ${d.note} ${d.description}`;
    };
    expect(row('r1')).toContain('维修');
    expect(row('r1')).toContain('已发送');
    expect(row('r1')).toContain('30 分钟前');
    expect(row('r2')).toContain('助老');
    // Passed on to the secretary: said instead of 已受理.
    expect(row('r2')).toContain('已转支部书记');
    expect(row('r3')).toContain('政策咨询');
    expect(row('r3')).toContain('已评价');
    // Words for residents, not the members' 待受理 / 处理中.
    expect(['r1', 'r2', 'r3'].map(row).join()).not.toMatch(/待受理|处理中/);
    // 我的求助 still opens all of them.
    expect($(page, '#go-my-requests')).toBeTruthy();
    expect(page.text()).toContain('2 件正在办');

    tap($(page, '#recent-r2'));
    await waitFor(() =>
      expect(navigateTo).toHaveBeenCalledWith({
        url: '/packages/resident/request-detail/index?id=r2',
      }),
    );
    tap($(page, '#go-my-requests'));
    await waitFor(() =>
      expect(navigateTo).toHaveBeenCalledWith({ url: '/packages/resident/requests/index' }),
    );
  });

  test('no requests yet, or more than three sent: no empty group, at most three rows', async () => {
    stubBackend({ 'branch.me': () => ok(meWith(card({ openRequests: 0 }))) });
    const page = open();
    await waitFor(() => expect($(page, '#liaison-card')).toBeTruthy());
    expect($(page, '#recent-requests')).toBeFalsy();
    opened?.detach();

    const four = [1, 2, 3, 4].map((n) => requestItem({ requestId: `r${n}` }));
    stubBackend({ 'branch.me': () => ok(meWith(card({ recentRequests: four }))) });
    const other = open();
    await waitFor(() => expect($(other, '#recent-requests')).toBeTruthy());
    expect(['r1', 'r2', 'r3', 'r4'].filter((id) => $(other, `#recent-${id}`))).toEqual([
      'r1',
      'r2',
      'r3',
    ]);
  });

  test('the member’s name and phone are remembered for the request pages, and forgotten', async () => {
    const storage = useStorage();
    stubBackend({ 'branch.me': () => ok(meWith(card({ householdId: 'hh1' }))) });
    const page = open();
    await waitFor(() => expect($(page, '#liaison-card')).toBeTruthy());
    expect(storage.get(LIAISON_KEY)).toEqual({
      householdId: 'hh1',
      memberName: '李秀英',
      phone: '13800001111',
    });
    // Only what the call bar needs: not the resident's own name or requests.
    expect(JSON.stringify(storage.get(LIAISON_KEY))).not.toContain('陈桂兰');
    opened?.detach();

    stubBackend({ 'branch.me': () => ok(meWith(card({ member: member({ phone: null }) }))) });
    const noPhone = open();
    await waitFor(() => expect($(noPhone, '#liaison-card')).toBeTruthy());
    expect(storage.get(LIAISON_KEY)).toMatchObject({ phone: null });
    opened?.detach();

    // Unbound (erased, or unbound from another phone): forgotten.
    stubBackend({ 'branch.me': () => ok(meWith(null)) });
    const unbound = open();
    await waitFor(() => expect($(unbound, '#no-branch')).toBeTruthy());
    expect(storage.has(LIAISON_KEY)).toBe(false);
  });

  test('长辈模式 applies to the resident home', async () => {
    useFontScale(1.3);
    stubBackend({ 'branch.me': () => ok(meWith(card())) });
    const page = open();
    await waitFor(() => expect($(page, '#liaison-card')).toBeTruthy());
    expect(page.page.instance.data.elderly).toBe(true);
    expect(page.page.dom!.firstElementChild!.className).toMatch(/\belderly\b/);
    // The resident scale too: its elderly sizes are the larger ones (see 'resident type scale').
    expect(page.page.dom!.firstElementChild!.className).toMatch(/\bresident\b/);
  });

  test('the resident home uses the resident type scale outside 长辈模式', async () => {
    stubBackend({ 'branch.me': () => ok(meWith(card())) });
    const page = open();
    await waitFor(() => expect($(page, '#liaison-card')).toBeTruthy());
    const cls = page.page.dom!.firstElementChild!.className;
    expect(cls).toMatch(/\bresident\b/);
    expect(cls).not.toMatch(/\belderly\b/);
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
    // Members keep the app's own scale.
    expect(page.page.dom!.firstElementChild!.className).not.toMatch(/\bresident\b/);
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

describe('resident type scale', () => {
  const MP = path.resolve(__dirname, '../../miniprogram');
  const read = (rel: string) => fs.readFileSync(path.join(MP, rel), 'utf8');

  /** The custom properties a rule sets, values in rpx (font shorthands: their size). */
  function rule(css: string, selector: string): Record<string, number> {
    const esc = selector.replace(/\./g, '\\.');
    const m = new RegExp(`(^|\\n)${esc}\\s*\\{([^}]*)\\}`).exec(css);
    if (!m) throw new Error(`no rule ${selector}`);
    const out: Record<string, number> = {};
    for (const d of m[2].matchAll(/(--[\w-]+):\s*([^;]+);/g)) {
      const size = /(\d+)rpx/.exec(d[2]);
      if (size) out[d[1]] = Number(size[1]);
    }
    return out;
  }

  const css = read('styles/resident.wxss');
  const tokens = read('styles/tokens.wxss');
  const plain = rule(css, '.resident');
  const elderly = rule(css, '.resident.elderly');
  const appElderly = rule(tokens, '.elderly');
  const FONTS = [
    '--td-font-body-large',
    '--td-font-body-medium',
    '--td-font-size-m',
    '--td-font-size-base',
    '--td-button-small-font',
    '--td-button-medium-font',
    '--td-cell-title-font',
    '--td-cell-note-font-size',
    '--td-cell-description-font',
    '--td-tag-large-font',
  ];
  const BUTTONS = [
    '--td-button-small-height',
    '--td-button-medium-height',
    '--td-button-large-height',
    '--zb-tap',
  ];

  test('outside 长辈模式: body text ≥ 36 rpx, titles larger, buttons ≥ 96 rpx', () => {
    expect(plain['--zb-font-body']).toBeGreaterThanOrEqual(36);
    expect(plain['--zb-font-small']).toBeGreaterThanOrEqual(36);
    expect(plain['--zb-font-title']).toBeGreaterThan(plain['--zb-font-body']);
    for (const v of FONTS) expect([v, plain[v]]).toEqual([v, expect.any(Number)]);
    for (const v of FONTS) expect(plain[v]).toBeGreaterThanOrEqual(36);
    for (const v of BUTTONS) expect(plain[v]).toBeGreaterThanOrEqual(96);
  });

  test('in 长辈模式: buttons ≥ 120 rpx and no size below the app’s own elderly sizes', () => {
    for (const v of BUTTONS) expect(elderly[v]).toBeGreaterThanOrEqual(120);
    for (const v of ['--zb-font-body', '--zb-font-small', '--zb-font-title'])
      expect(elderly[v]).toBeGreaterThanOrEqual(appElderly[v]);
    for (const v of [...FONTS, '--zb-font-body', '--zb-font-title'])
      expect(elderly[v]).toBeGreaterThanOrEqual(plain[v]);
    expect(elderly['--zb-font-title']).toBeGreaterThan(elderly['--zb-font-body']);
  });

  test('every resident page and home use it', () => {
    const shared = read('packages/resident/shared.wxss');
    expect(shared).toMatch(/@import '..\/..\/styles\/resident.wxss';/);
    expect(read('pages/index/index.wxss')).toMatch(/@import '..\/..\/styles\/resident.wxss';/);
    const pages = fs
      .readdirSync(path.join(MP, 'packages/resident'), { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => `packages/resident/${e.name}/index`);
    expect(pages.length).toBeGreaterThanOrEqual(5);
    for (const p of pages) {
      expect([p, read(`${p}.wxss`).includes("@import '../shared.wxss';")]).toEqual([p, true]);
      const root = /<view class="([^"]*)"/.exec(read(`${p}.wxml`))?.[1] ?? '';
      expect([p, /\bresident\b/.test(root)]).toEqual([p, true]);
    }
  });
});
