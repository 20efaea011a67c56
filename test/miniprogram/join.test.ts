import type { ApplicationView, MyApplicationsResponse } from '../../typings/api';
import { aMoment, callsOf, emit, err, offline, ok, stubBackend } from './helpers/backend';
import { loadPage, prepare, tap, waitFor, type LoadedPage } from './helpers/load';
import { restoreWx, useEnvVersion, useFontScale, useStorage } from './helpers/wx';

const ROUTE = 'pages/join/index';
const none: MyApplicationsResponse = { items: [] };
const rejected: ApplicationView = {
  applicationId: 'a0',
  branchId: 'b1',
  branchName: '幸福社区第一党支部',
  status: 'rejected',
  realName: '赵新',
  partyStatus: 'full',
  joinedPartyAt: '2001-07-01',
  appliedAt: '2025-01-01T00:00:00.000Z',
  reviewedAt: '2025-01-02T00:00:00.000Z',
  reason: '请填写档案中的姓名',
};

let opened: LoadedPage | null = null;
function open(query: Record<string, string> = {}): LoadedPage {
  opened = loadPage(ROUTE, query);
  return opened;
}

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

/** Fill the form the way a user does: through the TDesign controls' own events. */
function fill(
  page: LoadedPage,
  f: { code?: string; name?: string; status?: string; date?: string },
) {
  if (f.code !== undefined) emit(page.page.querySelector('#code'), 'change', { value: f.code });
  if (f.name !== undefined) emit(page.page.querySelector('#realName'), 'change', { value: f.name });
  if (f.status !== undefined)
    emit(page.page.querySelector('#partyStatus-group'), 'change', { value: f.status });
  if (f.date !== undefined)
    page.page.querySelector('#joinedPartyAt-picker')!.dispatchEvent('change', {
      detail: { value: f.date },
    });
}

test('typed code → apply → pending state, one call on open and one apply', async () => {
  const calls = stubBackend({
    'branch.myApplications': () => ok(none),
    'branch.applyToJoin': () =>
      ok({
        applicationId: 'a1',
        branchId: 'b1',
        branchName: '幸福社区第一党支部',
        status: 'pending',
      }),
  });
  const page = open();
  expect(page.page.querySelector('#state')!.querySelector('#state-loading')).toBeTruthy();
  await waitFor(() => expect(page.page.querySelector('#form')).toBeTruthy());
  expect(calls.map((c) => c.action)).toEqual(['myApplications']);

  fill(page, { code: 'ab12cd34', name: ' 赵新 ', status: 'full', date: '2001-07-01' });
  tap(page.page.querySelector('#submit'));
  await waitFor(() => expect(page.page.querySelector('#pending')).toBeTruthy());

  expect(page.text()).toContain('等待审核');
  expect(page.text()).toContain('幸福社区第一党支部');
  expect(page.page.querySelector('#form')).toBeFalsy();
  const applies = callsOf(calls, 'branch.applyToJoin');
  expect(applies).toHaveLength(1);
  expect(applies[0].data).toEqual({
    code: 'AB12CD34',
    realName: '赵新',
    partyStatus: 'full',
    joinedPartyAt: '2001-07-01',
  });
  expect(applies[0].requestId).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
});

test('the invitation scene fills the code; an activist gives no joining date', async () => {
  const calls = stubBackend({
    'branch.myApplications': () => ok(none),
    'branch.applyToJoin': () =>
      ok({ applicationId: 'a1', branchId: 'b1', branchName: '第一支部', status: 'pending' }),
  });
  const page = open({ scene: encodeURIComponent('c=QW34ER56') });
  await waitFor(() => expect(page.page.querySelector('#form')).toBeTruthy());
  expect(page.page.querySelector('#code')!.instance.data.value).toBe('QW34ER56');

  fill(page, { name: '钱进', status: 'activist' });
  await waitFor(() => expect(page.page.querySelector('#joinedPartyAt')).toBeFalsy());
  tap(page.page.querySelector('#submit'));
  await waitFor(() => expect(page.page.querySelector('#pending')).toBeTruthy());
  expect(callsOf(calls, 'branch.applyToJoin')[0].data).toEqual({
    code: 'QW34ER56',
    realName: '钱进',
    partyStatus: 'activist',
  });
});

test("the server's INVALID_ARGUMENT is shown under the field it names", async () => {
  stubBackend({
    'branch.myApplications': () => ok(none),
    'branch.applyToJoin': () =>
      err('INVALID_ARGUMENT', '参数「realName」有误：姓名只能包含汉字', { fields: ['realName'] }),
  });
  const page = open({ code: 'AB12CD34' });
  await waitFor(() => expect(page.page.querySelector('#form')).toBeTruthy());
  fill(page, { name: 'Zhao1', status: 'full', date: '2001-07-01' });
  tap(page.page.querySelector('#submit'));

  await waitFor(() =>
    expect(page.page.querySelector('#realName')!.instance.data.tips).toContain('姓名只能包含汉字'),
  );
  expect(page.page.querySelector('#realName')!.instance.data.status).toBe('error');
  expect(page.page.querySelector('#code')!.instance.data.status).not.toBe('error');
  expect(page.page.querySelector('#pending')).toBeFalsy();
  // The code field stays as typed; the user can fix the name and send again.
  expect(page.page.querySelector('#code')!.instance.data.value).toBe('AB12CD34');
});

test('a wrong invitation code (NOT_FOUND) is shown above the button; the form stays', async () => {
  stubBackend({
    'branch.myApplications': () => ok(none),
    'branch.applyToJoin': () => err('NOT_FOUND', '邀请码无效或已过期，请向支部书记索取新的邀请码'),
  });
  const page = open({ code: 'ZZZZZZZZ' });
  await waitFor(() => expect(page.page.querySelector('#form')).toBeTruthy());
  fill(page, { name: '赵新', status: 'probationary', date: '2024-07-01' });
  tap(page.page.querySelector('#submit'));
  await waitFor(() => expect(page.page.querySelector('#form-error')).toBeTruthy());
  expect(page.text()).toContain('邀请码无效或已过期');
});

test('missing fields are caught before any call', async () => {
  const calls = stubBackend({ 'branch.myApplications': () => ok(none) });
  const page = open();
  await waitFor(() => expect(page.page.querySelector('#form')).toBeTruthy());
  tap(page.page.querySelector('#submit'));
  await waitFor(() =>
    expect(page.page.querySelector('#code')!.instance.data.tips).toBe('请输入邀请码'),
  );
  expect(page.page.querySelector('#partyStatus-error')).toBeTruthy();
  expect(callsOf(calls, 'branch.applyToJoin')).toHaveLength(0);
});

test('a retry after a network failure reuses the same requestId', async () => {
  const calls = stubBackend({
    'branch.myApplications': () => ok(none),
    'branch.applyToJoin': (_d, _c, nth) =>
      nth === 0
        ? offline
        : ok({ applicationId: 'a1', branchId: 'b1', branchName: '第一支部', status: 'pending' }),
  });
  const page = open({ code: 'AB12CD34' });
  await waitFor(() => expect(page.page.querySelector('#form')).toBeTruthy());
  fill(page, { name: '赵新', status: 'full', date: '2001-07-01' });
  tap(page.page.querySelector('#submit'));
  await waitFor(() => expect(page.text()).toContain('网络不可用'));
  await aMoment();
  tap(page.page.querySelector('#submit'));
  await waitFor(() => expect(page.page.querySelector('#pending')).toBeTruthy());
  const applies = callsOf(calls, 'branch.applyToJoin');
  expect(applies).toHaveLength(2);
  expect(applies[1].requestId).toBe(applies[0].requestId);
});

test('a pending application shows its state instead of the form', async () => {
  stubBackend({
    'branch.myApplications': () =>
      ok({ items: [{ ...rejected, applicationId: 'a2', status: 'pending', reason: null }] }),
  });
  const page = open();
  await waitFor(() => expect(page.page.querySelector('#pending')).toBeTruthy());
  expect(page.page.querySelector('#form')).toBeFalsy();
  expect(page.text()).toContain('幸福社区第一党支部');
});

test('a rejected applicant reads the reason and can apply again with what they gave', async () => {
  stubBackend({ 'branch.myApplications': () => ok({ items: [rejected] }) });
  const page = open();
  await waitFor(() => expect(page.page.querySelector('#rejected')).toBeTruthy());
  expect(page.text()).toContain('原因：请填写档案中的姓名');
  expect(page.page.querySelector('#form')).toBeTruthy();
  expect(page.page.querySelector('#realName')!.instance.data.value).toBe('赵新');
});

test('a failed load shows the error and retries', async () => {
  const calls = stubBackend({
    'branch.myApplications': (_d, _c, nth) => (nth === 0 ? offline : ok(none)),
  });
  const page = open();
  const state = () => page.page.querySelector('#state')!;
  await waitFor(() => expect(state().querySelector('#state-error')).toBeTruthy());
  expect(page.text()).toContain('网络不可用');
  tap(state().querySelector('#retry'));
  await waitFor(() => expect(page.page.querySelector('#form')).toBeTruthy());
  expect(callsOf(calls, 'branch.myApplications')).toHaveLength(2);
});

test('CONFLICT memberElsewhere explains the transfer instead of a bare error', async () => {
  stubBackend({
    'branch.myApplications': () => ok(none),
    'branch.applyToJoin': () =>
      err('CONFLICT', '该同志已在其他支部有组织关系，请通过组织关系转接办理', {
        reason: 'memberElsewhere',
      }),
  });
  const page = open({ code: 'AB12CD34' });
  await waitFor(() => expect(page.page.querySelector('#form')).toBeTruthy());
  fill(page, { name: '赵新', status: 'full', date: '2001-07-01' });
  tap(page.page.querySelector('#submit'));
  await waitFor(() => expect(page.page.querySelector('#member-elsewhere')).toBeTruthy());
  expect(page.text()).toContain('你已在其他支部有组织关系');
  expect(page.text()).toContain('组织关系转接');
  expect(page.page.querySelector('#form-error')).toBeFalsy();
  expect(page.page.querySelector('#pending')).toBeFalsy();
});

test('the code follows the server rule (4–16 letters or digits) and 入党日期 is required for a full member', async () => {
  const calls = stubBackend({ 'branch.myApplications': () => ok(none) });
  const page = open();
  await waitFor(() => expect(page.page.querySelector('#form')).toBeTruthy());
  expect(page.page.querySelector('#code')!.instance.data.maxlength).toBe(16);
  fill(page, { code: 'AB1', name: '赵新', status: 'full' });
  tap(page.page.querySelector('#submit'));
  await waitFor(() =>
    expect(page.page.querySelector('#code')!.instance.data.tips).toContain('4–16'),
  );
  expect(page.page.querySelector('#joinedPartyAt-error')).toBeTruthy();
  expect(callsOf(calls, 'branch.applyToJoin')).toHaveLength(0);
});
