import type { NoticeDetail, NoticeItem } from '../../typings/api';
import { callsOf, err, offline, ok, stubBackend } from './helpers/backend';
import { loadPage, prepare, tap, waitFor, type LoadedPage } from './helpers/load';
import { restoreWx, useEnvVersion, useFontScale, useStorage } from './helpers/wx';

const LIST = 'pages/notices/index';
const DETAIL = 'pages/notices/detail';

const notice = (id: string, extra: Partial<NoticeItem> = {}): NoticeItem => ({
  noticeId: id,
  title: `通知${id}`,
  pinned: false,
  createdAt: '2025-01-01T00:00:00.000Z',
  read: true,
  authorName: '王书记',
  excerpt: '请全体党员准时参加',
  status: 'published',
  ...extra,
});
const detail = (extra: Partial<NoticeDetail> = {}): NoticeDetail => ({
  ...notice('n1', { title: '七月主题党日安排', pinned: true }),
  branchId: 'b1',
  body: '时间：7月1日 9:00\n地点：社区党群服务中心',
  canManage: false,
  readCount: 12,
  audienceCount: 30,
  ...extra,
});

let opened: LoadedPage | null = null;
function open(route: string, query: Record<string, string>): LoadedPage {
  opened = loadPage(route, query);
  return opened;
}
const state = (page: LoadedPage) => page.page.querySelector('#state')!;
const rows = (page: LoadedPage) => page.page.querySelectorAll('.notice-row');

beforeAll(() => {
  prepare(LIST);
  prepare(DETAIL);
}, 60_000);
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

describe('notices list', () => {
  test('shows the server order (unread first) with 置顶 and 未读 marks, after one call', async () => {
    const calls = stubBackend({
      'branch.listNotices': () =>
        ok({
          items: [
            notice('n2', { read: false, title: '未读的通知' }),
            notice('n1', { pinned: true, title: '置顶的通知' }),
          ],
          nextCursor: null,
        }),
    });
    const page = open(LIST, { branchId: 'b1' });
    await waitFor(() => expect(rows(page)).toHaveLength(2));
    expect(calls.map((c) => c.data)).toEqual([{ branchId: 'b1' }]);
    const [first, second] = rows(page);
    expect(first.dom!.textContent).toContain('未读的通知');
    expect(first.dom!.textContent).toContain('未读');
    expect(first.dom!.textContent).not.toContain('置顶');
    expect(second.dom!.textContent).toContain('置顶');
    expect(page.page.querySelector('#compose')).toBeFalsy();
  });

  test('empty: a committee member is offered to post the first one', async () => {
    stubBackend({ 'branch.listNotices': () => ok({ items: [], nextCursor: null }) });
    const page = open(LIST, { branchId: 'b1', canPost: '1' });
    await waitFor(() => expect(state(page).querySelector('#state-empty')).toBeTruthy());
    expect(page.text()).toContain('还没有通知，发布第一条');
    expect(state(page).querySelector('#empty-action')).toBeTruthy();
  });

  test('loads more with nextCursor; an error offers retry', async () => {
    const calls = stubBackend({
      'branch.listNotices': (d, _c, nth) =>
        nth === 0
          ? offline
          : d.cursor
            ? ok({ items: [notice('n3')], nextCursor: null })
            : ok({ items: [notice('n1'), notice('n2')], nextCursor: 'c2' }),
    });
    const page = open(LIST, { branchId: 'b1' });
    await waitFor(() => expect(state(page).querySelector('#state-error')).toBeTruthy());
    tap(state(page).querySelector('#retry'));
    await waitFor(() => expect(rows(page)).toHaveLength(2));
    page.instance.onReachBottom();
    await waitFor(() => expect(rows(page)).toHaveLength(3));
    expect(callsOf(calls, 'branch.listNotices')[2].data).toEqual({ branchId: 'b1', cursor: 'c2' });
  });
});

describe('notice detail', () => {
  test('reads the notice (a write with a requestId) and shows its body', async () => {
    const calls = stubBackend({ 'branch.readNotice': () => ok(detail()) });
    const page = open(DETAIL, { id: 'n1' });
    await waitFor(() => expect(page.page.querySelector('#notice')).toBeTruthy());
    expect(page.text()).toContain('七月主题党日安排');
    expect(page.text()).toContain('社区党群服务中心');
    expect(page.text()).toContain('置顶');
    expect(page.page.querySelector('#manage')).toBeFalsy();
    expect(calls[0].data).toEqual({ noticeId: 'n1' });
    expect(calls[0].requestId).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
  });

  test('a retry after an error reuses the requestId', async () => {
    const calls = stubBackend({
      'branch.readNotice': (_d, _c, nth) => (nth === 0 ? offline : ok(detail())),
    });
    const page = open(DETAIL, { id: 'n1' });
    await waitFor(() => expect(state(page).querySelector('#state-error')).toBeTruthy());
    tap(state(page).querySelector('#retry'));
    await waitFor(() => expect(page.page.querySelector('#notice')).toBeTruthy());
    expect(calls[1].requestId).toBe(calls[0].requestId);
  });

  test('the poster sees the read count and the way to remind', async () => {
    stubBackend({ 'branch.readNotice': () => ok(detail({ canManage: true })) });
    const page = open(DETAIL, { id: 'n1' });
    await waitFor(() => expect(page.page.querySelector('#manage')).toBeTruthy());
    expect(page.text()).toContain('已读 12 / 30 人');
  });

  test('NOT_FOUND reads as an error', async () => {
    stubBackend({ 'branch.readNotice': () => err('NOT_FOUND', '该通知不存在或已删除') });
    const page = open(DETAIL, { id: 'nx' });
    await waitFor(() => expect(page.text()).toContain('该通知不存在或已删除'));
  });
});
