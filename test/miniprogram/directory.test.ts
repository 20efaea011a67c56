import type { MemberItem } from '../../typings/api';
import { aMoment, callsOf, emit, err, offline, ok, stubBackend } from './helpers/backend';
import { loadPage, prepare, tap, waitFor, type LoadedPage } from './helpers/load';
import { restoreWx, stubWx, useEnvVersion, useFontScale, useStorage } from './helpers/wx';

const ROUTE = 'pages/directory/index';

const member = (n: number, extra: Partial<MemberItem> = {}): MemberItem => ({
  openid: `o${n}`,
  membershipId: `m${n}`,
  name: `党员${n}`,
  role: 'member',
  partyGroupId: 'g1',
  partyGroupName: '第一党小组',
  phone: `138****${String(1000 + n)}`,
  phoneMasked: true,
  ...extra,
});
const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => member(from + i));

let opened: LoadedPage | null = null;
function open(): LoadedPage {
  opened = loadPage(ROUTE, { branchId: 'b1' });
  return opened;
}
const state = (page: LoadedPage) => page.page.querySelector('#state')!;
const rows = (page: LoadedPage) => page.page.querySelectorAll('.member-row');

beforeAll(() => prepare(ROUTE), 60_000);
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

test('first page: one call, names, roles, groups and phones as the server masked them', async () => {
  const calls = stubBackend({
    'branch.listMembers': () =>
      ok({
        items: [member(1, { name: '王书记', role: 'secretary' }), member(2, { name: '李明' })],
        nextCursor: null,
      }),
  });
  const page = open();
  expect(state(page).querySelector('#state-loading')).toBeTruthy();
  await waitFor(() => expect(rows(page)).toHaveLength(2));
  expect(calls).toHaveLength(1);
  expect(calls[0].data).toEqual({ branchId: 'b1' });
  const text = page.text();
  expect(text).toContain('王书记');
  expect(text).toContain('书记');
  expect(text).toContain('第一党小组');
  expect(text).toContain('138****1001');
  expect(text).not.toMatch(/138\d{8}/);
  expect(page.page.querySelector('#no-more')).toBeTruthy();
});

test('reaching the bottom loads the next page with nextCursor and appends it', async () => {
  const calls = stubBackend({
    'branch.listMembers': (d) =>
      d.cursor === 'c20'
        ? ok({ items: range(21, 25), nextCursor: null })
        : ok({ items: range(1, 20), nextCursor: 'c20' }),
  });
  const page = open();
  await waitFor(() => expect(rows(page)).toHaveLength(20));
  expect(page.page.querySelector('#no-more')).toBeFalsy();

  page.instance.onReachBottom();
  page.instance.onReachBottom(); // a second scroll event while loading starts nothing
  await waitFor(() => expect(rows(page)).toHaveLength(25));
  expect(page.text()).toContain('党员1 ');
  expect(page.text()).toContain('党员25');
  const list = callsOf(calls, 'branch.listMembers');
  expect(list).toHaveLength(2);
  expect(list[1].data).toEqual({ branchId: 'b1', cursor: 'c20' });
  expect(page.page.querySelector('#no-more')).toBeTruthy();

  page.instance.onReachBottom(); // the end: nothing more to ask for
  await aMoment();
  expect(callsOf(calls, 'branch.listMembers')).toHaveLength(2);
});

test('search by name asks for the keyword, shows its results; clearing brings all back', async () => {
  const calls = stubBackend({
    'branch.listMembers': (d) =>
      d.keyword === '李'
        ? ok({ items: [member(7, { name: '李明' })], nextCursor: null })
        : ok({ items: range(1, 3), nextCursor: null }),
  });
  const page = open();
  await waitFor(() => expect(rows(page)).toHaveLength(3));

  const search = page.page.querySelector('#search');
  emit(search, 'change', { value: '李' });
  emit(search, 'submit', { value: '李' });
  await waitFor(() => expect(rows(page)).toHaveLength(1));
  expect(page.text()).toContain('李明');
  expect(callsOf(calls, 'branch.listMembers')[1].data).toEqual({ branchId: 'b1', keyword: '李' });

  emit(search, 'clear', { value: '' });
  await waitFor(() => expect(rows(page)).toHaveLength(3));
  expect(callsOf(calls, 'branch.listMembers')[2].data).toEqual({ branchId: 'b1' });
});

test('a search without results shows an empty state naming the keyword', async () => {
  stubBackend({
    'branch.listMembers': (d) =>
      d.keyword
        ? ok({ items: [], nextCursor: null })
        : ok({ items: range(1, 2), nextCursor: null }),
  });
  const page = open();
  await waitFor(() => expect(rows(page)).toHaveLength(2));
  emit(page.page.querySelector('#search'), 'submit', { value: '欧阳' });
  await waitFor(() => expect(state(page).querySelector('#state-empty')).toBeTruthy());
  expect(page.text()).toContain('没有找到姓名含「欧阳」的党员');
  expect(rows(page)).toHaveLength(0);
});

test('an empty branch says so', async () => {
  stubBackend({ 'branch.listMembers': () => ok({ items: [], nextCursor: null }) });
  const page = open();
  await waitFor(() => expect(state(page).querySelector('#state-empty')).toBeTruthy());
  expect(page.text()).toContain('支部还没有成员');
});

test('an error shows the message and retry loads the first page again', async () => {
  const calls = stubBackend({
    'branch.listMembers': (_d, _c, nth) =>
      nth === 0
        ? err('FORBIDDEN', '只有本支部党员可以查看通讯录')
        : ok({ items: range(1, 2), nextCursor: null }),
  });
  const page = open();
  await waitFor(() => expect(state(page).querySelector('#state-error')).toBeTruthy());
  expect(page.text()).toContain('只有本支部党员可以查看通讯录');
  tap(state(page).querySelector('#retry'));
  await waitFor(() => expect(rows(page)).toHaveLength(2));
  expect(state(page).querySelector('#state-error')).toBeFalsy();
  expect(callsOf(calls, 'branch.listMembers')).toHaveLength(2);
});

test('a failed next page keeps the rows and offers a retry for that page', async () => {
  const calls = stubBackend({
    'branch.listMembers': (d, _c, nth) =>
      !d.cursor
        ? ok({ items: range(1, 20), nextCursor: 'c20' })
        : nth === 1
          ? offline
          : ok({ items: range(21, 22), nextCursor: null }),
  });
  const page = open();
  await waitFor(() => expect(rows(page)).toHaveLength(20));
  page.instance.onReachBottom();
  await waitFor(() => expect(page.page.querySelector('#more-retry')).toBeTruthy());
  expect(rows(page)).toHaveLength(20);
  tap(page.page.querySelector('#more-retry'));
  await waitFor(() => expect(rows(page)).toHaveLength(22));
  expect(callsOf(calls, 'branch.listMembers')[2].data).toEqual({ branchId: 'b1', cursor: 'c20' });
});

test('pull to refresh reloads the first page and stops the refresh indicator', async () => {
  const stop = jest.fn();
  stubWx('stopPullDownRefresh', stop);
  const calls = stubBackend({
    'branch.listMembers': (_d, _c, nth) =>
      ok({ items: nth === 0 ? range(1, 2) : range(1, 3), nextCursor: null }),
  });
  const page = open();
  await waitFor(() => expect(rows(page)).toHaveLength(2));
  page.instance.onPullDownRefresh();
  await waitFor(() => expect(rows(page)).toHaveLength(3));
  expect(callsOf(calls, 'branch.listMembers')[1].data).toEqual({ branchId: 'b1' });
  expect(stop).toHaveBeenCalled();
});

test('tapping a member opens their identity card', async () => {
  const navigateTo = stubWx('navigateTo', jest.fn());
  stubBackend({ 'branch.listMembers': () => ok({ items: range(1, 2), nextCursor: null }) });
  const page = open();
  await waitFor(() => expect(rows(page)).toHaveLength(2));
  // The row's own view takes the finger (the member-cell host is only its container).
  tap(page.page.querySelector('#member-o2')!.querySelector('.member'));
  await waitFor(() =>
    expect(navigateTo).toHaveBeenCalledWith({
      url: '/pages/member-card/index?branchId=b1&openid=o2',
    }),
  );
});
