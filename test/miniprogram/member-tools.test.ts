/** Member pages: leave the branch, edit my profile, 双报到, the organisation tree, 我的 and home additions. */
import type {
  BranchMeResponse,
  MemberCardResponse,
  MyMembership,
  TreeResponse,
} from '../../typings/api';
import { callsOf, emit, err, ok, stubBackend } from './helpers/backend';
import { loadPage, prepare, tap, waitFor, type LoadedPage } from './helpers/load';
import { restoreWx, stubWx, useEnvVersion, useFontScale, useStorage } from './helpers/wx';

const LEAVE = 'pages/leave/index';
const PROFILE = 'pages/profile-edit/index';
const REPORT = 'pages/report/index';
const TREE = 'pages/tree/index';
const MINE = 'pages/mine/index';
const HOME = 'pages/index/index';
const CREATE = 'packages/committee/create-branch/index';

const membership = (extra: Partial<MyMembership> = {}): MyMembership => ({
  membershipId: 'm1',
  branchId: 'b1',
  branchName: '幸福社区第一党支部',
  committeeId: 'c1',
  role: 'member',
  status: 'active',
  realName: '李明',
  partyGroupId: null,
  partyGroupName: null,
  joinedPartyAt: '2001-07-01',
  politicalBirthday: false,
  partyYears: 23,
  unreadNotices: 0,
  pinnedNotices: [],
  pendingApprovals: null,
  pendingTransfers: null,
  ...extra,
});
const me = (
  m: Partial<MyMembership> = {},
  extra: Partial<BranchMeResponse> = {},
): BranchMeResponse => ({
  memberships: [membership(m)],
  reports: [],
  serverTime: '2025-03-01T02:00:00.000Z',
  ...extra,
});
const card: MemberCardResponse = {
  openid: 'o1',
  name: '李明',
  photo: null,
  branchId: 'b1',
  branchName: '幸福社区第一党支部',
  role: 'member',
  partyGroupName: null,
  joinedPartyAt: '2001-07-01',
  partyYears: 23,
  politicalBirthday: '07-01',
  isPoliticalBirthdayToday: false,
  phone: '13800001234',
  phoneMasked: false,
};
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
        name: '幸福社区第一党支部',
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
        name: '幸福社区第二党支部',
        type: 'branch',
        gridArea: '二网格',
        memberCount: 14,
        children: [],
      },
    ],
  },
};

let opened: LoadedPage | null = null;
function open(route: string, query: Record<string, string> = {}): LoadedPage {
  opened = loadPage(route, query);
  return opened;
}
const $ = (page: LoadedPage, sel: string) => page.page.querySelector(sel);

beforeAll(() => {
  for (const r of [LEAVE, PROFILE, REPORT, TREE, MINE, HOME, CREATE]) prepare(r);
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

describe('退出支部', () => {
  test('sends leaveBranch only after the confirm step', async () => {
    const calls = stubBackend({
      'branch.me': () => ok(me()),
      'branch.leaveBranch': (d) => ok({ branchId: d.branchId, status: 'left' }),
    });
    const page = open(LEAVE, { branchId: 'b1' });
    await waitFor(() => expect($(page, '#leave')).toBeTruthy());
    expect(calls).toHaveLength(1);
    tap($(page, '#leave'));
    await waitFor(() => expect($(page, '#confirm')).toBeTruthy());
    expect(callsOf(calls, 'branch.leaveBranch')).toHaveLength(0);
    tap($(page, '#leave-cancel'));
    await waitFor(() => expect($(page, '#intro')).toBeTruthy());
    expect(callsOf(calls, 'branch.leaveBranch')).toHaveLength(0);

    tap($(page, '#leave'));
    await waitFor(() => expect($(page, '#leave-confirm')).toBeTruthy());
    tap($(page, '#leave-confirm'));
    await waitFor(() => expect($(page, '#done')).toBeTruthy());
    const leaves = callsOf(calls, 'branch.leaveBranch');
    expect(leaves).toHaveLength(1);
    expect(leaves[0].data).toEqual({ branchId: 'b1' });
    expect(leaves[0].requestId).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
  });

  test('a secretary is told to hand over first and gets no leave button; CONFLICT is shown', async () => {
    stubBackend({ 'branch.me': () => ok(me({ role: 'secretary' })) });
    const page = open(LEAVE, { branchId: 'b1' });
    await waitFor(() => expect($(page, '#secretary-hint')).toBeTruthy());
    expect($(page, '#leave')).toBeFalsy();
    opened!.detach();

    stubBackend({
      'branch.me': () => ok(me()),
      'branch.leaveBranch': () => err('CONFLICT', '书记需先移交职务'),
    });
    const p2 = open(LEAVE, { branchId: 'b1' });
    await waitFor(() => expect($(p2, '#leave')).toBeTruthy());
    tap($(p2, '#leave'));
    await waitFor(() => expect($(p2, '#leave-confirm')).toBeTruthy());
    tap($(p2, '#leave-confirm'));
    await waitFor(() => expect($(p2, '#action-error')).toBeTruthy());
    expect(p2.text()).toContain('书记需先移交职务');
  });
});

describe('编辑个人信息', () => {
  test('loads my card; a server field error lands under that field', async () => {
    const calls = stubBackend({
      'branch.memberCard': () => ok(card),
      'branch.updateProfile': () =>
        err('INVALID_ARGUMENT', '手机号格式不正确', { fields: ['phone'] }),
    });
    const page = open(PROFILE, { branchId: 'b1' });
    await waitFor(() => expect($(page, '#save')).toBeTruthy());
    expect(calls[0].data).toEqual({ branchId: 'b1' });
    expect(page.instance.data.phone).toBe('13800001234');
    // Local mode has no cloud storage: the photo control is replaced by a line saying so.
    expect($(page, '#change-photo')).toBeFalsy();
    expect($(page, '#photo-local')).toBeTruthy();

    emit($(page, '#phone'), 'change', { value: '13900009999' });
    tap($(page, '#save'));
    await waitFor(() => expect(page.instance.data.errors.phone).toBe('手机号格式不正确'));
    expect($(page, '#phone')!.instance.data.tips).toBe('手机号格式不正确');
    expect($(page, '#phone')!.instance.data.status).toBe('error');
    expect($(page, '#form-error')).toBeFalsy();
    const updates = callsOf(calls, 'branch.updateProfile');
    expect(updates).toHaveLength(1);
    expect(updates[0].data).toEqual({ realName: '李明', phone: '13900009999' });
  });

  test('saves name and phone; a local check stops a too-short name', async () => {
    const calls = stubBackend({
      'branch.memberCard': () => ok(card),
      'branch.updateProfile': (d) =>
        ok({
          updatedMemberships: 1,
          realName: d.realName,
          phone: d.phone,
          photoFileID: null,
          photo: null,
        }),
    });
    const page = open(PROFILE, { branchId: 'b1' });
    await waitFor(() => expect($(page, '#save')).toBeTruthy());
    emit($(page, '#realName'), 'change', { value: '李' });
    tap($(page, '#save'));
    await waitFor(() => expect($(page, '#realName')!.instance.data.status).toBe('error'));
    expect(callsOf(calls, 'branch.updateProfile')).toHaveLength(0);
    emit($(page, '#realName'), 'change', { value: '李明明' });
    emit($(page, '#phone'), 'change', { value: '' });
    tap($(page, '#save'));
    await waitFor(() => expect(callsOf(calls, 'branch.updateProfile')).toHaveLength(1));
    expect(callsOf(calls, 'branch.updateProfile')[0].data).toEqual({
      realName: '李明明',
      phone: null,
    });
  });

  test('in cloud mode the photo goes chooseMedia → uploadFile under avatars/ → updateProfile', async () => {
    useStorage({ 'dev.mode': 'cloud' });
    const cloudCalls: any[] = [];
    const uploads: any[] = [];
    // wx.cloud is an object, not a function; stubWx replaces any member.
    const cloud: Record<string, unknown> = {
      init: jest.fn(),
      callFunction: (o: any) => {
        cloudCalls.push(o.data);
        const result =
          o.data.action === 'memberCard'
            ? { ok: true, data: card }
            : {
                ok: true,
                data: {
                  updatedMemberships: 1,
                  realName: '李明',
                  phone: null,
                  photoFileID: o.data.data.photoFileID,
                  photo: 'https://tmp/photo.jpg',
                },
              };
        setTimeout(() => o.success({ result }), 1);
      },
      uploadFile: (o: any) => {
        uploads.push(o);
        setTimeout(() => o.success({ fileID: `cloud://env/${o.cloudPath}` }), 1);
      },
    };
    stubWx('cloud', cloud as unknown as () => void);
    stubWx('chooseMedia', (o: any) =>
      o.success({ tempFiles: [{ tempFilePath: 'wxfile://tmp/a.png' }] }),
    );
    const page = open(PROFILE, { branchId: 'b1' });
    await waitFor(() => expect($(page, '#change-photo')).toBeTruthy());
    tap($(page, '#change-photo'));
    await waitFor(() => expect(page.instance.data.photo).toBe('https://tmp/photo.jpg'));
    expect(uploads).toHaveLength(1);
    expect(uploads[0].cloudPath).toMatch(/^avatars\/[\w-]+\.png$/);
    const update = cloudCalls.find((c) => c.action === 'updateProfile');
    expect(update.data).toEqual({ photoFileID: `cloud://env/${uploads[0].cloudPath}` });
    expect(update.requestId).toBeTruthy();
  });
});

describe('双报到 (member)', () => {
  test('shows my report states; choosing a community branch and 报到 sends reportToBranch', async () => {
    const calls = stubBackend({
      'branch.me': () =>
        ok(
          me(
            {},
            {
              reports: [
                {
                  reportId: 'r0',
                  branchId: 'b3',
                  branchName: '阳光社区党支部',
                  status: 'rejected',
                  reason: '不在本社区居住',
                  reportedAt: '2025-01-01T00:00:00.000Z',
                },
              ],
            },
          ),
        ),
      'branch.tree': () => ok(tree),
      'branch.reportToBranch': (d) =>
        ok({
          reportId: 'r1',
          branchId: d.branchId,
          branchName: '幸福社区第二党支部',
          status: 'pending',
        }),
    });
    const page = open(REPORT);
    await waitFor(() => expect($(page, '#report-r0')).toBeTruthy());
    expect(page.text()).toContain('未通过');
    expect(page.text()).toContain('不在本社区居住');
    expect(calls).toHaveLength(1);

    tap($(page, '#choose'));
    await waitFor(() => expect($(page, '#branch-group')).toBeTruthy());
    // My own branch is not offered.
    expect($(page, '#chooser')!.dom!.textContent).not.toContain('第一党支部');
    emit($(page, '#branch-group'), 'change', { value: 'b2' });
    tap($(page, '#submit'));
    await waitFor(() => expect($(page, '#report-r1')).toBeTruthy());
    expect(callsOf(calls, 'branch.reportToBranch')[0].data).toEqual({ branchId: 'b2' });
    expect($(page, '#report-r1')!.dom!.textContent).toContain('待确认');
  });
});

describe('双报到 by invitation code', () => {
  test('a community branch code (another committee) sends reportToBranch { code } and adds the report', async () => {
    const calls = stubBackend({
      'branch.me': () => ok(me()),
      'branch.reportToBranch': () =>
        ok({ reportId: 'r7', branchId: 'x9', branchName: '滨江社区党支部', status: 'pending' }),
    });
    const page = open(REPORT);
    await waitFor(() => expect($(page, '#report-code')).toBeTruthy());
    emit($(page, '#report-code'), 'change', { value: 'qq22ww33' });
    tap($(page, '#code-submit'));
    await waitFor(() => expect($(page, '#report-r7')).toBeTruthy());
    expect($(page, '#report-r7')!.dom!.textContent).toContain('滨江社区党支部');
    expect($(page, '#report-r7')!.dom!.textContent).toContain('待确认');
    const sent = callsOf(calls, 'branch.reportToBranch');
    expect(sent).toHaveLength(1);
    expect(sent[0].data).toEqual({ code: 'QQ22WW33' });
    expect(sent[0].requestId).toBeTruthy();
    // No tree was needed for a code.
    expect(callsOf(calls, 'branch.tree')).toHaveLength(0);
  });

  test('an unknown code is said under the field; an empty one is caught before calling; a retry keeps the requestId', async () => {
    const calls = stubBackend({
      'branch.me': () => ok(me()),
      'branch.reportToBranch': () => err('NOT_FOUND', '邀请码无效，请向社区支部书记确认'),
    });
    const page = open(REPORT);
    await waitFor(() => expect($(page, '#code-submit')).toBeTruthy());
    tap($(page, '#code-submit'));
    await waitFor(() => expect($(page, '#report-code')!.instance.data.tips).toContain('邀请码'));
    expect(callsOf(calls, 'branch.reportToBranch')).toHaveLength(0);

    emit($(page, '#report-code'), 'change', { value: 'ZZ99YY88' });
    tap($(page, '#code-submit'));
    await waitFor(() =>
      expect($(page, '#report-code')!.instance.data.tips).toBe('邀请码无效，请向社区支部书记确认'),
    );
    expect($(page, '#report-code')!.instance.data.status).toBe('error');
    tap($(page, '#code-submit'));
    await waitFor(() => expect(callsOf(calls, 'branch.reportToBranch')).toHaveLength(2));
    const sent = callsOf(calls, 'branch.reportToBranch');
    expect(sent[1].requestId).toBe(sent[0].requestId);
  });
});

describe('组织架构', () => {
  test('renders the committee, its branches with grid areas, and groups', async () => {
    const calls = stubBackend({ 'branch.tree': () => ok(tree) });
    const page = open(TREE, { committeeId: 'c1' });
    await waitFor(() => expect($(page, '#node-b1')).toBeTruthy());
    expect(calls[0].data).toEqual({ committeeId: 'c1' });
    expect($(page, '#node-c1')!.dom!.textContent).toContain('幸福社区党委');
    expect($(page, '#node-b1')!.dom!.textContent).toContain('一网格');
    expect($(page, '#node-b1')!.dom!.textContent).toContain('16 人');
    expect($(page, '#node-b2')!.dom!.textContent).toContain('幸福社区第二党支部');
    expect($(page, '#node-g1')!.dom!.textContent).toContain('党小组');
    expect($(page, '#node-g1')!.dom!.className).toContain('depth-2');
  });

  test('shows 20 rows, then the rest on 显示更多', async () => {
    const many: TreeResponse = {
      root: {
        ...tree.root,
        children: Array.from({ length: 25 }, (_, i) => ({
          id: `b${i}`,
          name: `第${i}支部`,
          type: 'branch' as const,
          gridArea: null,
          memberCount: 1,
          children: [],
        })),
      },
    };
    stubBackend({ 'branch.tree': () => ok(many) });
    const page = open(TREE);
    await waitFor(() => expect($(page, '#node-b18')).toBeTruthy());
    expect($(page, '#node-b19')).toBeFalsy();
    tap($(page, '#more'));
    await waitFor(() => expect($(page, '#node-b24')).toBeTruthy());
  });
});

describe('我的 and home additions', () => {
  test('我的 shows the report status and opens leave / report / profile', async () => {
    stubBackend({
      'branch.me': () =>
        ok(
          me(
            {},
            {
              reports: [
                {
                  reportId: 'r1',
                  branchId: 'b2',
                  branchName: '阳光社区党支部',
                  status: 'active',
                  reason: null,
                  reportedAt: '2025-01-01T00:00:00.000Z',
                },
              ],
            },
          ),
        ),
    });
    const navigate = stubWx('navigateTo', jest.fn());
    const page = open(MINE);
    await waitFor(() => expect(page.text()).toContain('阳光社区党支部'));
    expect(page.text()).toContain('已报到');
    tap($(page, '#leave'));
    await waitFor(() =>
      expect(navigate).toHaveBeenCalledWith({ url: '/pages/leave/index?branchId=b1' }),
    );
    tap($(page, '#edit-profile'));
    await waitFor(() =>
      expect(navigate).toHaveBeenCalledWith({ url: '/pages/profile-edit/index?branchId=b1' }),
    );
  });

  test('home shows pending transfers for a secretary and opens the transfers page', async () => {
    stubBackend({
      'branch.me': () => ok(me({ role: 'secretary', pendingApprovals: 0, pendingTransfers: 3 })),
    });
    const navigate = stubWx('navigateTo', jest.fn());
    const page = open(HOME);
    await waitFor(() => expect($(page, '#transfers-badge')).toBeTruthy());
    expect($(page, '#go-roles')).toBeTruthy();
    expect($(page, '#go-held')).toBeTruthy();
    tap($(page, '#go-transfers'));
    await waitFor(() =>
      expect(navigate).toHaveBeenCalledWith({
        url: '/packages/secretary/transfers/index?branchId=b1',
      }),
    );
  });

  test('home hides secretary tools from an ordinary member', async () => {
    stubBackend({ 'branch.me': () => ok(me()) });
    const page = open(HOME);
    await waitFor(() => expect($(page, '#go-tree')).toBeTruthy());
    expect($(page, '#go-transfers')).toBeFalsy();
    expect($(page, '#go-roles')).toBeFalsy();
  });
});

describe('新建支部 (committee admin)', () => {
  test('sends createBranch with the grid area; a CONFLICT lands under the name', async () => {
    const calls = stubBackend({
      'branch.tree': () => ok(tree),
      'branch.createBranch': (d, _c, nth) =>
        nth === 0
          ? err('CONFLICT', '本党委已有同名支部')
          : ok({
              branchId: 'b9',
              committeeId: d.committeeId,
              name: d.name,
              gridArea: d.gridArea,
              hasSecretary: false,
            }),
    });
    const page = open(CREATE, { committeeId: 'c1' });
    await waitFor(() => expect($(page, '#name')).toBeTruthy());
    expect(calls.map((c) => c.action)).toEqual(['tree']);
    // No 党总支 in this committee: nothing to choose a parent from.
    expect($(page, '#parent')).toBeFalsy();
    emit($(page, '#name'), 'change', { value: '幸福社区第一党支部' });
    emit($(page, '#gridArea'), 'change', { value: '第三网格' });
    tap($(page, '#submit'));
    await waitFor(() => expect($(page, '#name')!.instance.data.tips).toBe('本党委已有同名支部'));
    emit($(page, '#name'), 'change', { value: '幸福社区第三党支部' });
    tap($(page, '#submit'));
    await waitFor(() => expect($(page, '#done')).toBeTruthy());
    const creates = callsOf(calls, 'branch.createBranch');
    expect(creates[1].data).toEqual({
      committeeId: 'c1',
      name: '幸福社区第三党支部',
      gridArea: '第三网格',
      kind: 'branch',
    });
    expect(creates[1].requestId).not.toBe(creates[0].requestId);
  });

  test('home shows 新建支部 only to an admin of the committee', async () => {
    stubBackend({
      'branch.me': () =>
        ok({
          ...me(),
          memberships: [
            membership(),
            membership({
              membershipId: 'm2',
              branchId: 'c1',
              branchName: '幸福社区党委',
              role: 'deputySecretary',
            }),
          ],
        }),
    });
    const navigate = stubWx('navigateTo', jest.fn());
    const page = open(HOME);
    await waitFor(() => expect($(page, '#go-create-branch')).toBeTruthy());
    tap($(page, '#go-create-branch'));
    await waitFor(() =>
      expect(navigate).toHaveBeenCalledWith({
        url: '/packages/committee/create-branch/index?committeeId=c1',
      }),
    );
  });
});
