/** Compose notice, invite and read receipts: the other secretary pages of the subpackage. */
import { callsOf, emit, err, offline, ok, stubBackend } from './helpers/backend';
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

  test('creates an invitation only on tap, shows the code and QR, and revokes it', async () => {
    const calls = stubBackend({
      'branch.createInvite': () => ok(invite),
      'branch.revokeInvite': (d) => ok({ code: d.code, revoked: true }),
    });
    const page = open(INVITE, { branchId: 'b1' });
    expect(calls).toHaveLength(0);
    tap($(page, '#create'));
    await waitFor(() => expect($(page, '#code')).toBeTruthy());
    expect(page.text()).toContain('AB12CD34');
    expect($(page, '#qr')).toBeTruthy();
    expect(calls[0].data).toEqual({ branchId: 'b1' });
    expect(calls[0].requestId).toBeTruthy();

    tap($(page, '#revoke'));
    await waitFor(() => expect(page.text()).toContain('已撤销'));
    expect(callsOf(calls, 'branch.revokeInvite')[0].data).toEqual({ code: 'AB12CD34' });
    expect($(page, '#qr')).toBeFalsy();
  });

  test('FORBIDDEN is shown', async () => {
    stubBackend({
      'branch.createInvite': () => err('FORBIDDEN', '只有书记、副书记或组织委员可以邀请'),
    });
    const page = open(INVITE, { branchId: 'b1' });
    tap($(page, '#create'));
    await waitFor(() => expect($(page, '#error')).toBeTruthy());
    expect(page.text()).toContain('只有书记、副书记或组织委员可以邀请');
  });
});

describe('read receipts', () => {
  const reads = {
    noticeId: 'n1',
    read: [{ openid: 'o1', name: '李明', readAt: '2025-01-01T00:00:00.000Z' }],
    unread: [
      { openid: 'o2', name: '张华', readAt: null },
      { openid: 'o3', name: '赵新', readAt: null },
    ],
    remindedOn: null,
  };

  test('lists who has and has not read; remind tells how many were reached', async () => {
    const calls = stubBackend({
      'branch.noticeReads': () => ok(reads),
      'branch.remindUnread': () => ok({ noticeId: 'n1', sent: 1, skipped: 1 }),
    });
    const page = open(READS, { id: 'n1' });
    await waitFor(() => expect(page.text()).toContain('已读 1 人，未读 2 人'));
    expect(page.text()).toContain('张华');
    tap($(page, '#remind'));
    await waitFor(() => expect($(page, '#remind-result')).toBeTruthy());
    expect(page.text()).toContain('已提醒 1 人，1 人未订阅消息');
    expect(callsOf(calls, 'branch.remindUnread')[0].requestId).toBeTruthy();
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
