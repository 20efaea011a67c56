/** 亮身份 (member card) and 我的. */
import type { BranchMeResponse, MemberCardResponse } from '../../typings/api';
import { emit, err, ok, stubBackend } from './helpers/backend';
import { loadPage, prepare, waitFor, type LoadedPage } from './helpers/load';
import { restoreWx, useEnvVersion, useFontScale, useStorage } from './helpers/wx';

const CARD = 'pages/member-card/index';
const MINE = 'pages/mine/index';

const card: MemberCardResponse = {
  openid: 'o1',
  name: '李明',
  photo: null,
  branchId: 'b1',
  branchName: '幸福社区第一党支部',
  role: 'organizationCommittee',
  partyGroupName: '第一党小组',
  joinedPartyAt: '2001-07-01',
  partyYears: 23,
  politicalBirthday: '07-01',
  isPoliticalBirthdayToday: false,
  phone: '138****1234',
  phoneMasked: true,
};

let opened: LoadedPage | null = null;
function open(route: string, query: Record<string, string> = {}): LoadedPage {
  opened = loadPage(route, query);
  return opened;
}

beforeAll(() => {
  prepare(CARD);
  prepare(MINE);
}, 60_000);
beforeEach(() => {
  useEnvVersion('develop');
  useFontScale(1);
});
afterEach(() => {
  opened?.detach();
  opened = null;
  restoreWx();
});

describe('member card', () => {
  test('my own card asks without an openid and shows who I am', async () => {
    useStorage();
    const calls = stubBackend({ 'branch.memberCard': () => ok(card) });
    const page = open(CARD, { branchId: 'b1' });
    await waitFor(() => expect(page.page.querySelector('#card')).toBeTruthy());
    expect(calls[0].data).toEqual({ branchId: 'b1' });
    const text = page.text();
    for (const s of [
      '李明',
      '幸福社区第一党支部',
      '组织委员',
      '第一党小组',
      '23 年',
      '2001年7月1日',
      '每年7月1日',
    ])
      expect(text).toContain(s);
    expect(page.page.querySelector('#birthday')).toBeFalsy();
  });

  test("another member's card names them; the political birthday is greeted on the day", async () => {
    useStorage();
    const calls = stubBackend({
      'branch.memberCard': () => ok({ ...card, isPoliticalBirthdayToday: true }),
    });
    const page = open(CARD, { branchId: 'b1', openid: 'o1' });
    await waitFor(() => expect(page.page.querySelector('#birthday')).toBeTruthy());
    expect(calls[0].data).toEqual({ branchId: 'b1', openid: 'o1' });
    expect(page.text()).toContain('今天是李明的政治生日');
  });

  test('FORBIDDEN shows as an error with retry', async () => {
    useStorage();
    stubBackend({ 'branch.memberCard': () => err('FORBIDDEN', '只能查看本支部党员的身份卡') });
    const page = open(CARD, { branchId: 'b2', openid: 'ox' });
    await waitFor(() =>
      expect(page.page.querySelector('#state')!.querySelector('#retry')).toBeTruthy(),
    );
    expect(page.text()).toContain('只能查看本支部党员的身份卡');
  });
});

describe('我的', () => {
  const me: BranchMeResponse = {
    memberships: [
      {
        membershipId: 'm1',
        branchId: 'b1',
        branchName: '幸福社区第一党支部',
        committeeId: 'c1',
        role: 'member',
        status: 'active',
        realName: '李明',
        partyGroupId: null,
        partyGroupName: null,
        joinedPartyAt: null,
        politicalBirthday: false,
        partyYears: null,
        unreadNotices: 0,
        pinnedNotices: [],
        pendingApprovals: null,
        pendingTransfers: null,
      },
    ],
    serverTime: '2025-01-01T00:00:00.000Z',
  };

  test('shows my branch and role; the 长辈模式 switch is stored and applied', async () => {
    const storage = useStorage();
    stubBackend({ 'branch.me': () => ok(me) });
    const page = open(MINE);
    await waitFor(() => expect(page.page.querySelector('#profile')).toBeTruthy());
    expect(page.text()).toContain('李明');
    expect(page.text()).toContain('幸福社区第一党支部');
    expect(page.text()).toContain('正式党员');
    emit(page.page.querySelector('#elderly'), 'change', { value: true });
    await waitFor(() => expect(page.page.dom!.firstElementChild!.className).toMatch(/elderly/));
    expect(storage.get('settings.elderlyMode')).toBe('on');
  });

  test('a newcomer is offered to join', async () => {
    useStorage();
    stubBackend({ 'branch.me': () => ok({ ...me, memberships: [] }) });
    const page = open(MINE);
    await waitFor(() => expect(page.page.querySelector('#join')).toBeTruthy());
    expect(page.text()).toContain('未加入支部');
  });
});
