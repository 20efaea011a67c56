import type { ListApplicationsResponse } from '../../typings/api';
import { callsOf, emit, err, offline, ok, stubBackend } from './helpers/backend';
import { loadPage, prepare, tap, waitFor, type LoadedPage } from './helpers/load';
import { restoreWx, useEnvVersion, useFontScale, useStorage } from './helpers/wx';

const ROUTE = 'packages/secretary/approvals/index';
type Item = ListApplicationsResponse['items'][number];

const app = (id: string, realName: string, extra: Partial<Item> = {}): Item => ({
  applicationId: id,
  branchId: 'b1',
  branchName: '幸福社区第一党支部',
  status: 'pending',
  realName,
  partyStatus: 'full',
  joinedPartyAt: '2001-07-01',
  appliedAt: '2025-01-01T00:00:00.000Z',
  reviewedAt: null,
  reason: null,
  openid: `o-${id}`,
  phone: '13800001234',
  ...extra,
});
const two: ListApplicationsResponse = {
  items: [app('a1', '赵新'), app('a2', '钱进', { partyStatus: 'activist', joinedPartyAt: null })],
  nextCursor: null,
};
const reviewed = (status: 'active' | 'rejected') => (d: any) =>
  ok({ applicationId: d.applicationId, status, role: status === 'active' ? 'member' : null });

let opened: LoadedPage | null = null;
function open(): LoadedPage {
  opened = loadPage(ROUTE, { branchId: 'b1' });
  return opened;
}
const card = (page: LoadedPage, id: string) => page.page.querySelector(`#app-${id}`);
const inCard = (page: LoadedPage, id: string, sel: string) =>
  page.page.querySelector(`#${sel.slice(1)}-${id}`);

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

test('lists pending applications with one call; approving one takes one tap and it leaves', async () => {
  const calls = stubBackend({
    'branch.listApplications': () => ok(two),
    'branch.reviewApplication': reviewed('active'),
  });
  const page = open();
  await waitFor(() => expect(card(page, 'a1')).toBeTruthy());
  expect(page.text()).toContain('赵新');
  expect(page.text()).toContain('正式党员');
  expect(page.text()).toContain('钱进');
  expect(page.text()).toContain('入党积极分子');
  expect(calls).toHaveLength(1);
  expect(calls[0].data).toEqual({ branchId: 'b1', status: 'pending' });

  tap(inCard(page, 'a1', '.approve'));
  await waitFor(() => expect(card(page, 'a1')).toBeFalsy());
  expect(card(page, 'a2')).toBeTruthy();
  const reviews = callsOf(calls, 'branch.reviewApplication');
  expect(reviews).toHaveLength(1);
  expect(reviews[0].data).toEqual({ applicationId: 'a1', approve: true });
  expect(reviews[0].requestId).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
});

test('rejecting requires a reason, which is sent and the item leaves', async () => {
  const calls = stubBackend({
    'branch.listApplications': () => ok(two),
    'branch.reviewApplication': reviewed('rejected'),
  });
  const page = open();
  await waitFor(() => expect(card(page, 'a2')).toBeTruthy());

  tap(inCard(page, 'a2', '.reject'));
  await waitFor(() => expect(inCard(page, 'a2', '.reject-confirm')).toBeTruthy());
  tap(inCard(page, 'a2', '.reject-confirm'));
  await waitFor(() => expect(inCard(page, 'a2', '.reason-error')).toBeTruthy());
  expect(page.text()).toContain('请填写驳回原因');
  expect(callsOf(calls, 'branch.reviewApplication')).toHaveLength(0);

  emit(inCard(page, 'a2', '.reason'), 'change', { value: '  请先参加积极分子培训  ' });
  tap(inCard(page, 'a2', '.reject-confirm'));
  await waitFor(() => expect(card(page, 'a2')).toBeFalsy());
  const reviews = callsOf(calls, 'branch.reviewApplication');
  expect(reviews).toHaveLength(1);
  expect(reviews[0].data).toEqual({
    applicationId: 'a2',
    approve: false,
    reason: '请先参加积极分子培训',
  });
  expect(card(page, 'a1')).toBeTruthy();
});

test('the last reviewed item leaves an empty state', async () => {
  stubBackend({
    'branch.listApplications': () => ok({ items: [app('a1', '赵新')], nextCursor: null }),
    'branch.reviewApplication': reviewed('active'),
  });
  const page = open();
  await waitFor(() => expect(card(page, 'a1')).toBeTruthy());
  tap(inCard(page, 'a1', '.approve'));
  await waitFor(() =>
    expect(page.page.querySelector('#state')!.querySelector('#state-empty')).toBeTruthy(),
  );
  expect(page.text()).toContain('没有待审批的入党申请');
});

test('a failed approval stays in the list with the reason; its retry reuses the requestId', async () => {
  const calls = stubBackend({
    'branch.listApplications': () => ok(two),
    'branch.reviewApplication': (d, _c, nth) => (nth === 0 ? offline : reviewed('active')(d)),
  });
  const page = open();
  await waitFor(() => expect(card(page, 'a1')).toBeTruthy());
  tap(inCard(page, 'a1', '.approve'));
  await waitFor(() => expect(page.text()).toContain('网络不可用'));
  expect(card(page, 'a1')).toBeTruthy();
  tap(inCard(page, 'a1', '.approve'));
  await waitFor(() => expect(card(page, 'a1')).toBeFalsy());
  const reviews = callsOf(calls, 'branch.reviewApplication');
  expect(reviews).toHaveLength(2);
  expect(reviews[1].requestId).toBe(reviews[0].requestId);
});

test('CONFLICT memberElsewhere stays on the card with the server message', async () => {
  stubBackend({
    'branch.listApplications': () => ok(two),
    'branch.reviewApplication': () =>
      err('CONFLICT', '该同志已在其他支部有组织关系，请通过组织关系转接办理', {
        reason: 'memberElsewhere',
      }),
  });
  const page = open();
  await waitFor(() => expect(card(page, 'a1')).toBeTruthy());
  tap(inCard(page, 'a1', '.approve'));
  await waitFor(() => expect(card(page, 'a1')!.dom!.textContent).toContain('组织关系转接'));
  expect(card(page, 'a2')).toBeTruthy();
});

test('CONFLICT alreadyReviewed takes the item off the list', async () => {
  stubBackend({
    'branch.listApplications': () => ok(two),
    'branch.reviewApplication': () =>
      err('CONFLICT', '该申请已处理过了', { reason: 'alreadyReviewed' }),
  });
  const page = open();
  await waitFor(() => expect(card(page, 'a1')).toBeTruthy());
  tap(inCard(page, 'a1', '.approve'));
  await waitFor(() => expect(card(page, 'a1')).toBeFalsy());
  expect(card(page, 'a2')).toBeTruthy();
});

test('a member without the right sees FORBIDDEN as an error state', async () => {
  stubBackend({
    'branch.listApplications': () => err('FORBIDDEN', '只有书记、副书记或组织委员可以审批'),
  });
  const page = open();
  await waitFor(() =>
    expect(page.page.querySelector('#state')!.querySelector('#state-error')).toBeTruthy(),
  );
  expect(page.text()).toContain('只有书记、副书记或组织委员可以审批');
});
