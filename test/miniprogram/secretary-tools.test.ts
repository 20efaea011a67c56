/** Secretary tools: incoming transfers, held notices, 双报到 reports, party groups, transfer out. */
import type { NoticeItem, ReportItem, TransferItem, TreeResponse } from '../../typings/api';
import { callsOf, emit, err, offline, ok, stubBackend } from './helpers/backend';
import { loadPage, prepare, tap, waitFor, type LoadedPage } from './helpers/load';
import { restoreWx, useEnvVersion, useFontScale, useStorage } from './helpers/wx';

const TRANSFERS = 'packages/secretary/transfers/index';
const HELD = 'packages/secretary/held/index';
const REPORTS = 'packages/secretary/reports/index';
const GROUPS = 'packages/secretary/groups/index';
const OUT = 'packages/secretary/transfer-out/index';

const transfer = (id: string, name: string): TransferItem => ({
  membershipId: id,
  openid: `o-${id}`,
  name,
  role: 'member',
  fromBranchId: 'b2',
  fromBranchName: '幸福社区第二党支部',
  requestedAt: '2025-01-01T00:00:00.000Z',
});
const held = (id: string, title: string): NoticeItem => ({
  noticeId: id,
  title,
  pinned: false,
  createdAt: '2025-01-01T00:00:00.000Z',
  read: false,
  authorName: '李明',
  excerpt: `${title}的正文`,
  status: 'held',
});
const report = (id: string, name: string): ReportItem => ({
  reportId: id,
  openid: `o-${id}`,
  name,
  phone: '138****0001',
  phoneMasked: true,
  fromBranchId: 'b9',
  fromBranchName: '区教育局机关党支部',
  status: 'pending',
  reportedAt: '2025-01-01T00:00:00.000Z',
  reviewedAt: null,
  reason: null,
});
const tree: TreeResponse = {
  root: {
    id: 'c1',
    name: '幸福社区党委',
    type: 'committee',
    gridArea: null,
    memberCount: null,
    children: [
      {
        id: 'b1',
        name: '第一党支部',
        type: 'branch',
        gridArea: '一网格',
        memberCount: 16,
        children: [
          {
            id: 'g1',
            name: '第一党小组',
            type: 'group',
            gridArea: null,
            memberCount: 8,
            children: [],
          },
        ],
      },
      {
        id: 'b2',
        name: '第二党支部',
        type: 'branch',
        gridArea: '二网格',
        memberCount: 14,
        children: [],
      },
    ],
  },
};

let opened: LoadedPage | null = null;
function open(route: string, query: Record<string, string> = { branchId: 'b1' }): LoadedPage {
  opened = loadPage(route, query);
  return opened;
}
const $ = (page: LoadedPage, sel: string) => page.page.querySelector(sel);
const stateOf = (page: LoadedPage) => $(page, '#state')!;

beforeAll(() => {
  for (const r of [TRANSFERS, HELD, REPORTS, GROUPS, OUT]) prepare(r);
}, 120_000);
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

describe('组织关系转入', () => {
  test('lists incoming transfers with one call; accepting removes the item', async () => {
    const calls = stubBackend({
      'branch.listTransfers': () => ok({ items: [transfer('t1', '孙强'), transfer('t2', '周梅')] }),
      'branch.acceptTransfer': (d) =>
        ok({ membershipId: d.membershipId, branchId: 'b1', status: 'active' }),
    });
    const page = open(TRANSFERS);
    await waitFor(() => expect($(page, '#transfer-t1')).toBeTruthy());
    expect(calls).toHaveLength(1);
    expect(calls[0].data).toEqual({ branchId: 'b1' });
    expect(page.text()).toContain('从 幸福社区第二党支部 转入');

    tap($(page, '#accept-t1'));
    await waitFor(() => expect($(page, '#transfer-t1')).toBeFalsy());
    expect($(page, '#transfer-t2')).toBeTruthy();
    const accepts = callsOf(calls, 'branch.acceptTransfer');
    expect(accepts).toHaveLength(1);
    expect(accepts[0].data).toEqual({ membershipId: 't1' });
    expect(accepts[0].requestId).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
  });

  test('a failed accept stays with its message and the retry reuses the requestId; the last leaves empty', async () => {
    const calls = stubBackend({
      'branch.listTransfers': () => ok({ items: [transfer('t1', '孙强')] }),
      'branch.acceptTransfer': (d, _c, nth) =>
        nth === 0
          ? offline
          : ok({ membershipId: d.membershipId, branchId: 'b1', status: 'active' }),
    });
    const page = open(TRANSFERS);
    await waitFor(() => expect($(page, '#accept-t1')).toBeTruthy());
    tap($(page, '#accept-t1'));
    await waitFor(() => expect(page.text()).toContain('网络不可用'));
    expect($(page, '#transfer-t1')).toBeTruthy();
    tap($(page, '#accept-t1'));
    await waitFor(() => expect(stateOf(page).querySelector('#state-empty')).toBeTruthy());
    expect(page.text()).toContain('没有待接收的组织关系转入');
    const accepts = callsOf(calls, 'branch.acceptTransfer');
    expect(accepts).toHaveLength(2);
    expect(accepts[1].requestId).toBe(accepts[0].requestId);
  });

  test('不接收 asks for a reason on the card; cancel sends nothing; confirm sends declineTransfer and the item leaves', async () => {
    const calls = stubBackend({
      'branch.listTransfers': () => ok({ items: [transfer('t1', '孙强'), transfer('t2', '周梅')] }),
      'branch.declineTransfer': (d, _c, nth) =>
        nth === 0 ? offline : ok({ membershipId: d.membershipId, status: 'declined' }),
    });
    const page = open(TRANSFERS);
    await waitFor(() => expect($(page, '#decline-t1')).toBeTruthy());
    tap($(page, '#decline-t1'));
    await waitFor(() => expect($(page, '#decline-box-t1')).toBeTruthy());
    tap($(page, '#decline-cancel-t1'));
    await waitFor(() => expect($(page, '#decline-box-t1')).toBeFalsy());
    expect(callsOf(calls, 'branch.declineTransfer')).toHaveLength(0);

    tap($(page, '#decline-t1'));
    await waitFor(() => expect($(page, '#decline-confirm-t1')).toBeTruthy());
    // The reason is required and checked before any call.
    tap($(page, '#decline-confirm-t1'));
    await waitFor(() => expect($(page, '#reason-error-t1')).toBeTruthy());
    expect(callsOf(calls, 'branch.declineTransfer')).toHaveLength(0);

    emit($(page, '#reason-t1'), 'change', { value: ' 不在本社区居住 ' });
    tap($(page, '#decline-confirm-t1'));
    await waitFor(() => expect($(page, '#transfer-t1')!.dom!.textContent).toContain('网络不可用'));
    tap($(page, '#decline-confirm-t1'));
    await waitFor(() => expect($(page, '#transfer-t1')).toBeFalsy());
    expect($(page, '#transfer-t2')).toBeTruthy();
    const declines = callsOf(calls, 'branch.declineTransfer');
    expect(declines).toHaveLength(2);
    expect(declines[0].data).toEqual({ membershipId: 't1', reason: '不在本社区居住' });
    expect(declines[1].requestId).toBe(declines[0].requestId);
    expect(callsOf(calls, 'branch.acceptTransfer')).toHaveLength(0);
  });

  test('a server INVALID_ARGUMENT on the reason lands under the reason', async () => {
    stubBackend({
      'branch.listTransfers': () => ok({ items: [transfer('t1', '孙强')] }),
      'branch.declineTransfer': () =>
        err('INVALID_ARGUMENT', '参数「reason」有误：原因最多 200 字', { fields: ['reason'] }),
    });
    const page = open(TRANSFERS);
    await waitFor(() => expect($(page, '#decline-t1')).toBeTruthy());
    tap($(page, '#decline-t1'));
    await waitFor(() => expect($(page, '#reason-t1')).toBeTruthy());
    emit($(page, '#reason-t1'), 'change', { value: '原因' });
    tap($(page, '#decline-confirm-t1'));
    await waitFor(() =>
      expect($(page, '#reason-error-t1')!.dom!.textContent).toContain('原因最多 200 字'),
    );
    expect($(page, '#transfer-t1')).toBeTruthy();
  });

  test('a load error shows retry', async () => {
    const calls = stubBackend({
      'branch.listTransfers': (_d, _c, nth) =>
        nth === 0 ? err('FORBIDDEN', '只有书记可以接收转接') : ok({ items: [] }),
    });
    const page = open(TRANSFERS);
    await waitFor(() => expect(page.text()).toContain('只有书记可以接收转接'));
    tap(stateOf(page).querySelector('#retry'));
    await waitFor(() => expect(stateOf(page).querySelector('#state-empty')).toBeTruthy());
    expect(callsOf(calls, 'branch.listTransfers')).toHaveLength(2);
  });
});

describe('待审核通知', () => {
  test('lists held notices; 发布 sends moderateNotice approve and the notice leaves', async () => {
    const calls = stubBackend({
      'branch.listNotices': () =>
        ok({ items: [held('n1', '七月主题党日'), held('n2', '缴纳党费')], nextCursor: null }),
      'branch.moderateNotice': (d) =>
        ok({ noticeId: d.noticeId, status: d.approve ? 'published' : 'removed' }),
    });
    const page = open(HELD);
    await waitFor(() => expect($(page, '#notice-n1')).toBeTruthy());
    expect(calls[0].data).toEqual({ branchId: 'b1', status: 'held' });
    tap($(page, '#release-n1'));
    await waitFor(() => expect($(page, '#notice-n1')).toBeFalsy());
    const mods = callsOf(calls, 'branch.moderateNotice');
    expect(mods).toHaveLength(1);
    expect(mods[0].data).toEqual({ noticeId: 'n1', approve: true });
    expect(mods[0].requestId).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
    expect($(page, '#notice-n2')).toBeTruthy();
  });

  test('删除 asks on the card before sending approve:false', async () => {
    const calls = stubBackend({
      'branch.listNotices': () => ok({ items: [held('n1', '七月主题党日')], nextCursor: null }),
      'branch.moderateNotice': (d) => ok({ noticeId: d.noticeId, status: 'removed' }),
    });
    const page = open(HELD);
    await waitFor(() => expect($(page, '#remove-n1')).toBeTruthy());
    tap($(page, '#remove-n1'));
    await waitFor(() => expect($(page, '#remove-confirm-n1')).toBeTruthy());
    expect(callsOf(calls, 'branch.moderateNotice')).toHaveLength(0);
    tap($(page, '#remove-confirm-n1'));
    await waitFor(() => expect(stateOf(page).querySelector('#state-empty')).toBeTruthy());
    expect(callsOf(calls, 'branch.moderateNotice')[0].data).toEqual({
      noticeId: 'n1',
      approve: false,
    });
  });

  test('loads the next page with nextCursor', async () => {
    const first = Array.from({ length: 20 }, (_, i) => held(`n${i}`, `通知${i}`));
    const calls = stubBackend({
      'branch.listNotices': (_d, _c, nth) =>
        nth === 0
          ? ok({ items: first, nextCursor: 'cur1' })
          : ok({ items: [held('n20', '通知20')], nextCursor: null }),
    });
    const page = open(HELD);
    await waitFor(() => expect($(page, '#notice-n19')).toBeTruthy());
    page.instance.onReachBottom();
    await waitFor(() => expect($(page, '#notice-n20')).toBeTruthy());
    expect(callsOf(calls, 'branch.listNotices')[1].data).toEqual({
      branchId: 'b1',
      status: 'held',
      cursor: 'cur1',
    });
  });
});

describe('双报到审核', () => {
  test('确认 sends reviewReport approve and the report leaves', async () => {
    const calls = stubBackend({
      'branch.listReports': () =>
        ok({ items: [report('r1', '吴刚'), report('r2', '郑丽')], nextCursor: null }),
      'branch.reviewReport': (d) =>
        ok({ reportId: d.reportId, status: d.approve ? 'active' : 'rejected' }),
    });
    const page = open(REPORTS);
    await waitFor(() => expect($(page, '#report-r1')).toBeTruthy());
    expect(calls[0].data).toEqual({ branchId: 'b1', status: 'pending' });
    expect(page.text()).toContain('区教育局机关党支部');
    tap($(page, '#approve-r1'));
    await waitFor(() => expect($(page, '#report-r1')).toBeFalsy());
    const reviews = callsOf(calls, 'branch.reviewReport');
    expect(reviews).toHaveLength(1);
    expect(reviews[0].data).toEqual({ reportId: 'r1', approve: true });
    expect($(page, '#report-r2')).toBeTruthy();
  });

  test('退回 needs a reason, which is sent', async () => {
    const calls = stubBackend({
      'branch.listReports': () => ok({ items: [report('r1', '吴刚')], nextCursor: null }),
      'branch.reviewReport': (d) => ok({ reportId: d.reportId, status: 'rejected' }),
    });
    const page = open(REPORTS);
    await waitFor(() => expect($(page, '#reject-r1')).toBeTruthy());
    tap($(page, '#reject-r1'));
    await waitFor(() => expect($(page, '#reject-confirm-r1')).toBeTruthy());
    tap($(page, '#reject-confirm-r1'));
    await waitFor(() => expect($(page, '#reason-error-r1')).toBeTruthy());
    expect(callsOf(calls, 'branch.reviewReport')).toHaveLength(0);
    emit($(page, '#reason-r1'), 'change', { value: ' 不住在本社区 ' });
    tap($(page, '#reject-confirm-r1'));
    await waitFor(() => expect(stateOf(page).querySelector('#state-empty')).toBeTruthy());
    expect(callsOf(calls, 'branch.reviewReport')[0].data).toEqual({
      reportId: 'r1',
      approve: false,
      reason: '不住在本社区',
    });
  });
});

describe('党小组', () => {
  test('shows the branch groups from the tree; creating and renaming send the right calls', async () => {
    const calls = stubBackend({
      'branch.tree': () => ok(tree),
      'branch.createGroup': (d) => ok({ groupId: 'g2', name: d.name }),
      'branch.renameGroup': (d) =>
        d.name === '重复'
          ? err('CONFLICT', '本支部已有同名党小组')
          : ok({ groupId: d.groupId, name: d.name }),
    });
    const page = open(GROUPS, { branchId: 'b1', committeeId: 'c1' });
    await waitFor(() => expect($(page, '#group-g1')).toBeTruthy());
    expect(calls[0].data).toEqual({ committeeId: 'c1' });
    expect(page.text()).toContain('8 人');

    emit($(page, '#new-name'), 'change', { value: '第二党小组' });
    tap($(page, '#create-submit'));
    await waitFor(() => expect($(page, '#group-g2')).toBeTruthy());
    expect(callsOf(calls, 'branch.createGroup')[0].data).toEqual({
      branchId: 'b1',
      name: '第二党小组',
    });

    tap($(page, '#rename-g1'));
    await waitFor(() => expect($(page, '#draft-g1')).toBeTruthy());
    emit($(page, '#draft-g1'), 'change', { value: '重复' });
    tap($(page, '#rename-save-g1'));
    await waitFor(() => expect(page.text()).toContain('本支部已有同名党小组'));
    emit($(page, '#draft-g1'), 'change', { value: '老党员小组' });
    tap($(page, '#rename-save-g1'));
    await waitFor(() => expect(page.text()).toContain('老党员小组'));
    const renames = callsOf(calls, 'branch.renameGroup');
    expect(renames.map((r) => r.data)).toEqual([
      { groupId: 'g1', name: '重复' },
      { groupId: 'g1', name: '老党员小组' },
    ]);
    expect(renames[1].requestId).not.toBe(renames[0].requestId);
  });
});

describe('转接组织关系 (out)', () => {
  test('lists the other branches; sends transferMember only after the confirm step', async () => {
    const calls = stubBackend({
      'branch.tree': () => ok(tree),
      'branch.transferMember': (d) =>
        ok({ membershipId: 'm1', toBranchId: d.toBranchId, status: 'transferring' }),
    });
    const page = open(OUT, { branchId: 'b1', committeeId: 'c1', openid: 'o1', name: '李明' });
    await waitFor(() => expect($(page, '#branch-group')).toBeTruthy());
    expect(page.text()).toContain('第二党支部');
    expect(page.text()).not.toContain('第一党支部');
    tap($(page, '#next'));
    await waitFor(() => expect($(page, '#choice-error')).toBeTruthy());
    emit($(page, '#branch-group'), 'change', { value: 'b2' });
    tap($(page, '#next'));
    await waitFor(() => expect($(page, '#confirm')).toBeTruthy());
    expect(callsOf(calls, 'branch.transferMember')).toHaveLength(0);
    tap($(page, '#confirm-send'));
    await waitFor(() => expect($(page, '#done')).toBeTruthy());
    expect(callsOf(calls, 'branch.transferMember')[0].data).toEqual({
      branchId: 'b1',
      openid: 'o1',
      toBranchId: 'b2',
    });
  });
});
