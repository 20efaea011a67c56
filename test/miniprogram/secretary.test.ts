/** Compose notice, invite and read receipts: the other secretary pages of the subpackage. */
import type { InviteItem } from '../../typings/api';
import { aMoment, callsOf, emit, err, offline, ok, stubBackend } from './helpers/backend';
import { loadPage, prepare, tap, waitFor, type LoadedPage } from './helpers/load';
import { restoreWx, stubWx, useEnvVersion, useFontScale, useStorage } from './helpers/wx';

const COMPOSE = 'packages/secretary/compose/index';
const INVITE = 'packages/secretary/invite/index';
const READS = 'packages/secretary/reads/index';

let opened: LoadedPage | null = null;
function open(route: string, query: Record<string, string>): LoadedPage {
  opened = loadPage(route, query);
  return opened;
}
const $ = (page: LoadedPage, sel: string) => page.page.querySelector(sel);

beforeAll(() => {
  prepare(COMPOSE);
  prepare(INVITE);
  prepare(READS);
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
  jest.useRealTimers();
});

describe('compose notice', () => {
  function write(page: LoadedPage, title: string, body: string, pinned = false) {
    emit($(page, '#title'), 'change', { value: title });
    emit($(page, '#body'), 'change', { value: body });
    if (pinned) emit($(page, '#pinned'), 'change', { value: true });
  }

  test('makes no call on open and checks empty fields itself', async () => {
    const calls = stubBackend({});
    const page = open(COMPOSE, { branchId: 'b1' });
    tap($(page, '#submit'));
    await waitFor(() => expect($(page, '#title')!.instance.data.tips).toBe('请填写标题'));
    expect(page.text()).toContain('请填写正文');
    expect(calls).toHaveLength(0);
  });

  test('posts title, body and pinned with a requestId; published goes back', async () => {
    const back = jest.fn();
    stubWx('navigateBack', back);
    const calls = stubBackend({
      'branch.postNotice': () => ok({ noticeId: 'n9', status: 'published' }),
    });
    const page = open(COMPOSE, { branchId: 'b1' });
    write(page, ' 七月主题党日 ', '7月1日 9:00 社区党群服务中心', true);
    tap($(page, '#submit'));
    await waitFor(() => expect(back).toHaveBeenCalled(), 3000);
    const posts = callsOf(calls, 'branch.postNotice');
    expect(posts).toHaveLength(1);
    expect(posts[0].data).toEqual({
      branchId: 'b1',
      title: '七月主题党日',
      body: '7月1日 9:00 社区党群服务中心',
      pinned: true,
    });
    expect(posts[0].requestId).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
  });

  test('held for review says so instead of pretending it is published', async () => {
    stubBackend({ 'branch.postNotice': () => ok({ noticeId: 'n9', status: 'held' }) });
    const page = open(COMPOSE, { branchId: 'b1' });
    write(page, '标题', '正文');
    tap($(page, '#submit'));
    await waitFor(() => expect($(page, '#held')).toBeTruthy());
    expect(page.text()).toContain('等待审核');
    expect($(page, '#submit')).toBeFalsy();
  });

  test('CONTENT_RISKY keeps the text and says what to do', async () => {
    stubBackend({ 'branch.postNotice': () => err('CONTENT_RISKY', '内容含有违规信息') });
    const page = open(COMPOSE, { branchId: 'b1' });
    write(page, '标题', '某些文字');
    tap($(page, '#submit'));
    await waitFor(() => expect($(page, '#form-error')).toBeTruthy());
    expect(page.text()).toContain('内容含有违规信息');
    expect(page.text()).toContain('请修改');
    expect($(page, '#body')!.instance.data.value).toBe('某些文字');
  });

  test('INVALID_ARGUMENT lands under the field; a retry after a network error reuses the id', async () => {
    const calls = stubBackend({
      'branch.postNotice': (_d, _c, nth) =>
        nth === 0
          ? offline
          : err('INVALID_ARGUMENT', '参数「title」有误：标题过长', { fields: ['title'] }),
    });
    const page = open(COMPOSE, { branchId: 'b1' });
    write(page, '标题', '正文');
    tap($(page, '#submit'));
    await waitFor(() => expect(page.text()).toContain('网络不可用'));
    tap($(page, '#submit'));
    await waitFor(() => expect($(page, '#title')!.instance.data.tips).toContain('标题过长'));
    const posts = callsOf(calls, 'branch.postNotice');
    expect(posts[1].requestId).toBe(posts[0].requestId);
  });
});

describe('invite', () => {
  const invite = {
    code: 'AB12CD34',
    scene: 'c=AB12CD34',
    qrFileID: null,
    qrUrl: 'https://example.invalid/qr.png',
    branchId: 'b1',
    branchName: '幸福社区第一党支部',
    expiresAt: '2025-01-08T00:00:00.000Z',
  };
  const active = (code: string): InviteItem => ({
    code,
    branchId: 'b1',
    expiresAt: '2025-01-05T12:00:00.000Z',
    createdAt: '2025-01-01T00:00:00.000Z',
    createdBy: 'o1',
    createdByName: '李明',
    qrFileID: null,
  });
  const none = () => ok({ items: [], nextCursor: null });

  test('lists active invitations with one call on open, each with its expiry', async () => {
    const calls = stubBackend({
      'branch.listInvites': () => ok({ items: [active('QQ22WW33')], nextCursor: null }),
    });
    const page = open(INVITE, { branchId: 'b1' });
    await waitFor(() => expect($(page, '#inv-QQ22WW33')).toBeTruthy());
    expect(calls).toHaveLength(1);
    expect(calls[0].action).toBe('listInvites');
    expect(calls[0].data).toEqual({ branchId: 'b1' });
    expect($(page, '#inv-QQ22WW33')!.dom!.textContent).toContain('2025年1月5日');
    expect($(page, '#inv-QQ22WW33')!.dom!.textContent).toContain('李明');
  });

  test('shows the branch name go() encoded into the url as the secretary wrote it', async () => {
    stubBackend({ 'branch.listInvites': () => none() });
    const name = '幸福里&第一=党支部';
    // What WeChat hands onLoad after go(): values exactly as they stood in the url.
    const page = open(INVITE, { branchId: 'b1', branchName: encodeURIComponent(name) });
    await waitFor(() => expect(page.text()).toContain(name));
    expect(page.text()).not.toContain('%E5');
  });

  test('creates with the chosen validity only on tap; the new code tops the list', async () => {
    const calls = stubBackend({
      'branch.listInvites': () => ok({ items: [active('QQ22WW33')], nextCursor: null }),
      'branch.createInvite': () => ok(invite),
    });
    const page = open(INVITE, { branchId: 'b1' });
    await waitFor(() => expect($(page, '#inv-QQ22WW33')).toBeTruthy());
    expect(callsOf(calls, 'branch.createInvite')).toHaveLength(0);
    emit($(page, '#days'), 'change', { value: '30' });
    tap($(page, '#create'));
    await waitFor(() => expect($(page, '#code')).toBeTruthy());
    expect(page.text()).toContain('AB12CD34');
    expect($(page, '#qr')).toBeTruthy();
    const creates = callsOf(calls, 'branch.createInvite');
    expect(creates[0].data).toEqual({ branchId: 'b1', validDays: 30 });
    expect(creates[0].requestId).toBeTruthy();
    expect($(page, '#inv-AB12CD34')).toBeTruthy();
    expect(page.page.instance.data.items.map((r: { code: string }) => r.code)).toEqual([
      'AB12CD34',
      'QQ22WW33',
    ]);
  });

  test('a failed create keeps its requestId on retry; another validity gets a new one', async () => {
    const calls = stubBackend({
      'branch.listInvites': none,
      'branch.createInvite': (_d, _c, nth) => (nth < 2 ? offline : ok(invite)),
    });
    const page = open(INVITE, { branchId: 'b1' });
    await waitFor(() => expect($(page, '#state')!.querySelector('#state-empty')).toBeTruthy());
    tap($(page, '#create'));
    await waitFor(() => expect($(page, '#error')).toBeTruthy());
    await aMoment();
    tap($(page, '#create'));
    await waitFor(() => expect(callsOf(calls, 'branch.createInvite')).toHaveLength(2));
    await waitFor(() => expect($(page, '#error')).toBeTruthy());
    emit($(page, '#days'), 'change', { value: '1' });
    tap($(page, '#create'));
    await waitFor(() => expect($(page, '#code')).toBeTruthy());
    const creates = callsOf(calls, 'branch.createInvite');
    expect(creates[0].data).toEqual({ branchId: 'b1', validDays: 7 });
    expect(creates[1].requestId).toBe(creates[0].requestId);
    expect(creates[2].data).toEqual({ branchId: 'b1', validDays: 1 });
    expect(creates[2].requestId).not.toBe(creates[0].requestId);
  });

  test('revoking asks on the card first; cancel sends nothing; confirm revokes and the row leaves', async () => {
    const calls = stubBackend({
      'branch.listInvites': () =>
        ok({ items: [active('QQ22WW33'), active('EE44RR55')], nextCursor: null }),
      'branch.revokeInvite': (d) => ok({ code: d.code, revoked: true }),
    });
    const page = open(INVITE, { branchId: 'b1' });
    await waitFor(() => expect($(page, '#revoke-QQ22WW33')).toBeTruthy());
    tap($(page, '#revoke-QQ22WW33'));
    await waitFor(() => expect($(page, '#revoke-box-QQ22WW33')).toBeTruthy());
    tap($(page, '#revoke-cancel-QQ22WW33'));
    await waitFor(() => expect($(page, '#revoke-box-QQ22WW33')).toBeFalsy());
    expect(callsOf(calls, 'branch.revokeInvite')).toHaveLength(0);

    tap($(page, '#revoke-QQ22WW33'));
    await waitFor(() => expect($(page, '#revoke-confirm-QQ22WW33')).toBeTruthy());
    tap($(page, '#revoke-confirm-QQ22WW33'));
    await waitFor(() => expect($(page, '#inv-QQ22WW33')).toBeFalsy());
    expect($(page, '#inv-EE44RR55')).toBeTruthy();
    const revokes = callsOf(calls, 'branch.revokeInvite');
    expect(revokes).toHaveLength(1);
    expect(revokes[0].data).toEqual({ code: 'QQ22WW33' });
    expect(revokes[0].requestId).toBeTruthy();
  });

  test('revoking the code just created marks it revoked and hides its QR', async () => {
    stubBackend({
      'branch.listInvites': none,
      'branch.createInvite': () => ok(invite),
      'branch.revokeInvite': (d) => ok({ code: d.code, revoked: true }),
    });
    const page = open(INVITE, { branchId: 'b1' });
    await waitFor(() => expect($(page, '#state')!.querySelector('#state-empty')).toBeTruthy());
    tap($(page, '#create'));
    await waitFor(() => expect($(page, '#revoke-AB12CD34')).toBeTruthy());
    tap($(page, '#revoke-AB12CD34'));
    await waitFor(() => expect($(page, '#revoke-confirm-AB12CD34')).toBeTruthy());
    tap($(page, '#revoke-confirm-AB12CD34'));
    await waitFor(() => expect(page.text()).toContain('已撤销'));
    expect($(page, '#qr')).toBeFalsy();
    expect($(page, '#state')!.querySelector('#state-empty')).toBeTruthy();
  });

  test('20 at a time: load more passes the cursor and appends', async () => {
    const first = Array.from({ length: 20 }, (_, i) =>
      active(`AA${String(i).padStart(2, '0')}BBCC`),
    );
    const calls = stubBackend({
      'branch.listInvites': (d) =>
        d.cursor === 'c2'
          ? ok({ items: [active('ZZ99YY88')], nextCursor: null })
          : ok({ items: first, nextCursor: 'c2' }),
    });
    const page = open(INVITE, { branchId: 'b1' });
    await waitFor(() => expect($(page, '#more')).toBeTruthy());
    expect(page.page.querySelectorAll('.row__code')).toHaveLength(20);
    tap($(page, '#more'));
    await waitFor(() => expect($(page, '#inv-ZZ99YY88')).toBeTruthy());
    expect(callsOf(calls, 'branch.listInvites')[1].data).toEqual({ branchId: 'b1', cursor: 'c2' });
    expect($(page, '#no-more')).toBeTruthy();
  });

  test('a failed list shows the error with retry; FORBIDDEN on create is shown', async () => {
    const calls = stubBackend({
      'branch.listInvites': (_d, _c, nth) => (nth === 0 ? offline : none()),
      'branch.createInvite': () => err('FORBIDDEN', '只有书记、副书记或组织委员可以邀请'),
    });
    const page = open(INVITE, { branchId: 'b1' });
    await waitFor(() => expect($(page, '#state')!.querySelector('#state-error')).toBeTruthy());
    tap($(page, '#state')!.querySelector('#retry'));
    await waitFor(() => expect($(page, '#state')!.querySelector('#state-empty')).toBeTruthy());
    expect(callsOf(calls, 'branch.listInvites')).toHaveLength(2);
    tap($(page, '#create'));
    await waitFor(() => expect($(page, '#error')).toBeTruthy());
    expect(page.text()).toContain('只有书记、副书记或组织委员可以邀请');
  });
});

describe('read receipts', () => {
  const person = (i: number, read: boolean) => ({
    openid: `${read ? 'r' : 'u'}${i}`,
    name: `${read ? '已读' : '未读'}党员${i}`,
    readAt: read ? '2025-01-01T00:00:00.000Z' : null,
  });
  const reads = {
    noticeId: 'n1',
    read: [{ openid: 'o1', name: '李明', readAt: '2025-01-01T00:00:00.000Z' }],
    unread: [
      { openid: 'o2', name: '张华', readAt: null },
      { openid: 'o3', name: '赵新', readAt: null },
    ],
    readNextCursor: null,
    unreadNextCursor: null,
    readCount: 1,
    audienceCount: 3,
    remindedOn: null,
  };
  const names = (page: LoadedPage) => page.page.querySelectorAll('.reader').length;

  test('shows 已读 n / m from the server; remind tells how many were reached', async () => {
    const calls = stubBackend({
      // n / m are the server's numbers, not the lengths of the first pages.
      'branch.noticeReads': () => ok({ ...reads, readCount: 31, audienceCount: 45 }),
      'branch.remindUnread': () => ok({ noticeId: 'n1', sent: 1, skipped: 1, remaining: 0 }),
    });
    const page = open(READS, { id: 'n1' });
    await waitFor(() => expect($(page, '#counts')).toBeTruthy());
    expect($(page, '#counts')!.dom!.textContent).toContain('已读 31 / 45');
    expect(calls).toHaveLength(1);
    expect(calls[0].data).toEqual({ noticeId: 'n1' });
    expect(page.text()).toContain('张华');
    tap($(page, '#remind'));
    await waitFor(() => expect($(page, '#remind-result')).toBeTruthy());
    expect(page.text()).toContain('已提醒 1 人，1 人未订阅消息');
    expect(callsOf(calls, 'branch.remindUnread')[0].requestId).toBeTruthy();
  });

  test('tabs switch between the unread and the read list', async () => {
    stubBackend({ 'branch.noticeReads': () => ok(reads) });
    const page = open(READS, { id: 'n1' });
    await waitFor(() => expect(page.text()).toContain('张华'));
    expect(page.text()).not.toContain('李明');
    emit($(page, '#tabs'), 'change', { value: 'read' });
    await waitFor(() => expect(page.text()).toContain('李明'));
    expect(page.text()).not.toContain('张华');
    emit($(page, '#tabs'), 'change', { value: 'unread' });
    await waitFor(() => expect(page.text()).toContain('张华'));
  });

  test('each list renders 20 and loads more with its own cursor, appending', async () => {
    const unread20 = Array.from({ length: 20 }, (_, i) => person(i, false));
    const read20 = Array.from({ length: 20 }, (_, i) => person(i, true));
    const calls = stubBackend({
      'branch.noticeReads': (d) => {
        if (d.list === 'unread')
          return ok({
            ...reads,
            read: [],
            unread: [],
            items: [person(20, false)],
            nextCursor: null,
          });
        if (d.list === 'read')
          return ok({
            ...reads,
            read: [],
            unread: [],
            items: [person(20, true)],
            nextCursor: null,
          });
        return ok({
          ...reads,
          read: read20,
          unread: unread20,
          readNextCursor: 'rc',
          unreadNextCursor: 'uc',
          readCount: 21,
          audienceCount: 42,
        });
      },
    });
    const page = open(READS, { id: 'n1' });
    await waitFor(() => expect($(page, '#more')).toBeTruthy());
    expect(names(page)).toBe(20);
    tap($(page, '#more'));
    await waitFor(() => expect(page.text()).toContain('未读党员20'));
    expect(names(page)).toBe(21);
    expect($(page, '#no-more')).toBeTruthy();
    expect(callsOf(calls, 'branch.noticeReads')[1].data).toEqual({
      noticeId: 'n1',
      list: 'unread',
      cursor: 'uc',
    });

    emit($(page, '#tabs'), 'change', { value: 'read' });
    await waitFor(() => expect($(page, '#more')).toBeTruthy());
    expect(names(page)).toBe(20);
    tap($(page, '#more'));
    await waitFor(() => expect(page.text()).toContain('已读党员20'));
    expect(callsOf(calls, 'branch.noticeReads')[2].data).toEqual({
      noticeId: 'n1',
      list: 'read',
      cursor: 'rc',
    });
    expect(callsOf(calls, 'branch.noticeReads')).toHaveLength(3);
  });

  test('a failed next page shows retry on that list and keeps what is shown', async () => {
    const unread20 = Array.from({ length: 20 }, (_, i) => person(i, false));
    stubBackend({
      'branch.noticeReads': (d, _c, nth) =>
        !d.list
          ? ok({ ...reads, unread: unread20, unreadNextCursor: 'uc' })
          : nth === 1
            ? offline
            : ok({ ...reads, read: [], unread: [], items: [person(20, false)], nextCursor: null }),
    });
    const page = open(READS, { id: 'n1' });
    await waitFor(() => expect($(page, '#more')).toBeTruthy());
    tap($(page, '#more'));
    await waitFor(() => expect($(page, '#more-retry')).toBeTruthy());
    expect(names(page)).toBe(20);
    tap($(page, '#more-retry'));
    await waitFor(() => expect(page.text()).toContain('未读党员20'));
  });

  test('a failed load shows the error with retry', async () => {
    stubBackend({
      'branch.noticeReads': (_d, _c, nth) => (nth === 0 ? offline : ok(reads)),
    });
    const page = open(READS, { id: 'n1' });
    await waitFor(() => expect($(page, '#state')!.querySelector('#state-error')).toBeTruthy());
    tap($(page, '#state')!.querySelector('#retry'));
    await waitFor(() => expect($(page, '#counts')).toBeTruthy());
  });

  test('the once-a-day limit is shown as the server words it', async () => {
    stubBackend({
      'branch.noticeReads': () => ok(reads),
      'branch.remindUnread': () => err('RATE_LIMITED', '今天已经提醒过了，明天再试'),
    });
    const page = open(READS, { id: 'n1' });
    await waitFor(() => expect($(page, '#remind')).toBeTruthy());
    tap($(page, '#remind'));
    await waitFor(() => expect(page.text()).toContain('今天已经提醒过了'));
  });
});
