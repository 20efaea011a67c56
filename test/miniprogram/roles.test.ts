/** 成员与角色 (secretary): set a member's role; hand the secretary role over after a confirm step. */
import type { ListMembersResponse, MemberItem } from '../../typings/api';
import { callsOf, emit, err, offline, ok, stubBackend } from './helpers/backend';
import { loadPage, prepare, tap, waitFor, type LoadedPage } from './helpers/load';
import { restoreWx, stubWx, useEnvVersion, useFontScale, useStorage } from './helpers/wx';

const ROUTE = 'packages/secretary/roles/index';

const member = (openid: string, name: string, extra: Partial<MemberItem> = {}): MemberItem => ({
  openid,
  membershipId: `m-${openid}`,
  name,
  role: 'member',
  partyGroupId: null,
  partyGroupName: null,
  phone: null,
  phoneMasked: false,
  ...extra,
});
const members: ListMembersResponse = {
  items: [
    member('o-sec', '王书记', { role: 'secretary' }),
    member('o1', '李明', { partyGroupName: '第一党小组' }),
    member('o2', '张华', { role: 'probationary' }),
  ],
  nextCursor: null,
};

let opened: LoadedPage | null = null;
function open(query: Record<string, string> = { branchId: 'b1', committeeId: 'c1' }): LoadedPage {
  opened = loadPage(ROUTE, query);
  return opened;
}
const $ = (page: LoadedPage, sel: string) => page.page.querySelector(sel);

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

test('one call on open; choosing a role and saving sends setRole and updates the row', async () => {
  const calls = stubBackend({
    'branch.listMembers': () => ok(members),
    'branch.setRole': (d) => ok({ openid: d.openid, role: d.role }),
  });
  const page = open();
  await waitFor(() => expect($(page, '#member-o1')).toBeTruthy());
  expect(calls).toHaveLength(1);
  expect(calls[0].data).toEqual({ branchId: 'b1' });
  expect(page.text()).toContain('预备党员');

  tap($(page, '#member-o1'));
  await waitFor(() => expect($(page, '#editor')).toBeTruthy());
  expect(page.text()).toContain('现在是：正式党员');
  emit($(page, '#role-group'), 'change', { value: 'organizationCommittee' });
  tap($(page, '#save-role'));
  await waitFor(() => expect($(page, '#list')).toBeTruthy());

  const sets = callsOf(calls, 'branch.setRole');
  expect(sets).toHaveLength(1);
  expect(sets[0].data).toEqual({ branchId: 'b1', openid: 'o1', role: 'organizationCommittee' });
  expect(sets[0].requestId).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
  expect(page.text()).toContain('组织委员');
  expect(callsOf(calls, 'branch.handOverSecretary')).toHaveLength(0);
});

test('a failed save keeps the editor with the message; the retry reuses its requestId', async () => {
  const calls = stubBackend({
    'branch.listMembers': () => ok(members),
    'branch.setRole': (d, _c, nth) =>
      nth === 0 ? offline : ok({ openid: d.openid, role: d.role }),
  });
  const page = open();
  await waitFor(() => expect($(page, '#member-o2')).toBeTruthy());
  tap($(page, '#member-o2'));
  await waitFor(() => expect($(page, '#role-group')).toBeTruthy());
  emit($(page, '#role-group'), 'change', { value: 'member' });
  tap($(page, '#save-role'));
  await waitFor(() => expect(page.text()).toContain('网络不可用'));
  expect($(page, '#editor')).toBeTruthy();
  tap($(page, '#save-role'));
  await waitFor(() => expect($(page, '#list')).toBeTruthy());
  const sets = callsOf(calls, 'branch.setRole');
  expect(sets).toHaveLength(2);
  expect(sets[1].requestId).toBe(sets[0].requestId);
});

test('INVALID_ARGUMENT on role is shown under the role choice', async () => {
  stubBackend({
    'branch.listMembers': () => ok(members),
    'branch.setRole': () => err('INVALID_ARGUMENT', 'role 不是可设置的角色', { fields: ['role'] }),
  });
  const page = open();
  await waitFor(() => expect($(page, '#member-o1')).toBeTruthy());
  tap($(page, '#member-o1'));
  await waitFor(() => expect($(page, '#role-group')).toBeTruthy());
  emit($(page, '#role-group'), 'change', { value: 'deputySecretary' });
  tap($(page, '#save-role'));
  await waitFor(() => expect($(page, '#role-error')).toBeTruthy());
  expect($(page, '#role-error')!.dom!.textContent).toContain('role 不是可设置的角色');
});

test('handing over needs the confirm step on the page, then sends handOverSecretary once', async () => {
  const calls = stubBackend({
    'branch.listMembers': () => ok(members),
    'branch.handOverSecretary': (d) => ok({ branchId: d.branchId, secretaryOpenid: d.toOpenid }),
  });
  const modal = stubWx('showModal', jest.fn());
  const page = open();
  await waitFor(() => expect($(page, '#member-o1')).toBeTruthy());
  tap($(page, '#member-o1'));
  await waitFor(() => expect($(page, '#handover')).toBeTruthy());

  tap($(page, '#handover'));
  await waitFor(() => expect($(page, '#confirm')).toBeTruthy());
  // The first tap only asks; nothing is sent, and no pop-up is used.
  expect(callsOf(calls, 'branch.handOverSecretary')).toHaveLength(0);
  expect(modal).not.toHaveBeenCalled();
  expect($(page, '#confirm-text')!.dom!.textContent).toContain('李明 成为本支部书记');

  // Cancel goes back without sending.
  tap($(page, '#handover-cancel'));
  await waitFor(() => expect($(page, '#editor')).toBeTruthy());
  expect(callsOf(calls, 'branch.handOverSecretary')).toHaveLength(0);

  tap($(page, '#handover'));
  await waitFor(() => expect($(page, '#handover-confirm')).toBeTruthy());
  tap($(page, '#handover-confirm'));
  await waitFor(() => expect($(page, '#done')).toBeTruthy());
  const hand = callsOf(calls, 'branch.handOverSecretary');
  expect(hand).toHaveLength(1);
  expect(hand[0].data).toEqual({ branchId: 'b1', toOpenid: 'o1' });
  expect(hand[0].requestId).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
  expect(callsOf(calls, 'branch.setRole')).toHaveLength(0);
});

test('a refused handover stays on the confirm step with the message', async () => {
  stubBackend({
    'branch.listMembers': () => ok(members),
    'branch.handOverSecretary': () => err('CONFLICT', '该党员已不在本支部'),
  });
  const page = open();
  await waitFor(() => expect($(page, '#member-o2')).toBeTruthy());
  tap($(page, '#member-o2'));
  await waitFor(() => expect($(page, '#handover')).toBeTruthy());
  tap($(page, '#handover'));
  await waitFor(() => expect($(page, '#handover-confirm')).toBeTruthy());
  tap($(page, '#handover-confirm'));
  await waitFor(() => expect($(page, '#action-error')).toBeTruthy());
  expect(page.text()).toContain('该党员已不在本支部');
  expect($(page, '#done')).toBeFalsy();
});

test('the secretary row offers no role change; FORBIDDEN on open is an error state with retry', async () => {
  stubBackend({ 'branch.listMembers': () => ok(members) });
  const page = open();
  await waitFor(() => expect($(page, '#member-o-sec')).toBeTruthy());
  tap($(page, '#member-o-sec'));
  await waitFor(() => expect($(page, '#editor')).toBeTruthy());
  expect($(page, '#save-role')).toBeFalsy();
  expect($(page, '#handover')).toBeFalsy();
  opened!.detach();

  const calls = stubBackend({
    'branch.listMembers': (_d, _c, nth) =>
      nth === 0 ? err('FORBIDDEN', '只有书记可以设置角色') : ok(members),
  });
  const p2 = open();
  await waitFor(() => expect(p2.text()).toContain('只有书记可以设置角色'));
  tap($(p2, '#state')!.querySelector('#retry'));
  await waitFor(() => expect($(p2, '#member-o1')).toBeTruthy());
  expect(callsOf(calls, 'branch.listMembers')).toHaveLength(2);
});
