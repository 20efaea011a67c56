/**
 * Secretaries' 联户 pages (issue #7, packages/liaison-admin): 中心户管理, 设立中心户, 导入联系户,
 * 导出名单, 打印连心卡, 联户看板, 求助列表, 卸任中心户.
 */
import type {
  DashboardFigures,
  DashboardResponse,
  HouseholdItem,
  LiaisonSettings,
  MemberItem,
  RequestItem,
} from '../../typings/api';
import { callsOf, emit, err, ok, stubBackend } from './helpers/backend';
import { requestItem } from './helpers/liaison-member';
import { loadPage, prepare, tap, waitFor, type LoadedPage } from './helpers/load';
import { restoreWx, stubWx, useEnvVersion, useFontScale, useStorage } from './helpers/wx';

const HOUSEHOLDS = 'packages/liaison-admin/households/index';
const DESIGNATE = 'packages/liaison-admin/designate/index';
const IMPORT = 'packages/liaison-admin/import/index';
const EXPORT = 'packages/liaison-admin/export/index';
const CARDS = 'packages/liaison-admin/cards/index';
const DASHBOARD = 'packages/liaison-admin/dashboard/index';
const REQUESTS = 'packages/liaison-admin/requests/index';
const STEP_DOWN = 'packages/liaison-admin/step-down/index';

let opened: LoadedPage | null = null;
function open(route: string, query: Record<string, string> = {}): LoadedPage {
  opened = loadPage(route, query);
  return opened;
}
const $ = (page: LoadedPage, sel: string) => page.page.querySelector(sel);
const text = (page: LoadedPage, sel: string) =>
  ($(page, sel)?.dom?.textContent ?? '').replace(/\s+/g, ' ').trim();
const tips = (page: LoadedPage, sel: string) => $(page, sel)?.instance.data.tips as string;

const SETTINGS: LiaisonSettings = {
  maxResidents: 10,
  minResidents: 5,
  acceptHours: 24,
  resolveHours: 72,
};

function household(over: Partial<HouseholdItem> = {}): HouseholdItem {
  return {
    householdId: 'hh1',
    branchId: 'b1',
    memberOpenid: 'o-li',
    memberName: '李秀英',
    memberPhoto: null,
    address: '幸福里小区 3 号楼 2 单元 301',
    grid: '幸福里第一网格',
    promise: '有事您说话',
    showPhone: true,
    residentCount: 6,
    boundCount: 2,
    needsMore: false,
    openRequests: 1,
    ...over,
  };
}

function member(over: Partial<MemberItem> = {}): MemberItem {
  return {
    openid: 'o-li',
    membershipId: 'm1',
    name: '李秀英',
    role: 'member',
    partyGroupId: null,
    partyGroupName: null,
    phone: '138****1234',
    phoneMasked: true,
    ...over,
  };
}

/** A file answer of the liaison exports (typings/liaison.ts `LiaisonExportResponse`). */
const file = (fileName: string, rows: number, truncated?: boolean) =>
  ok({
    fileID: `cloud://env/exports/${fileName}`,
    url: `https://example.com/${encodeURIComponent(fileName)}`,
    fileName,
    rows,
    ...(truncated === undefined ? {} : { truncated }),
  });

/** wx.downloadFile + wx.openDocument that succeed; returns openDocument's mock. */
function useDocuments() {
  const download = stubWx(
    'downloadFile',
    jest.fn((o: any) => o.success({ statusCode: 200, tempFilePath: 'wxfile://tmp/f' })),
  );
  const openDocument = stubWx(
    'openDocument',
    jest.fn((o: any) => o.success({})),
  );
  return { download, openDocument };
}

/** The browser preview, where uploads work (utils/upload.ts); records the cloud paths. */
function usePreviewUploads(): string[] {
  stubWx('getAccountInfoSync', () => ({
    miniProgram: { appId: 'preview', envVersion: 'develop', version: '' },
  }));
  const uploads: string[] = [];
  const cloud: Record<string, unknown> = {
    init: jest.fn(),
    uploadFile: (o: any) => {
      uploads.push(o.cloudPath);
      setTimeout(() => o.success({ fileID: `cloud://env.b/${o.cloudPath}` }), 1);
    },
  };
  stubWx('cloud', cloud as unknown as () => void);
  return uploads;
}

beforeAll(() => {
  for (const r of [HOUSEHOLDS, DESIGNATE, IMPORT, EXPORT, CARDS, DASHBOARD, REQUESTS, STEP_DOWN])
    prepare(r);
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

// ---------------------------------------------------------------- 中心户管理

describe('central households of a branch', () => {
  const PAGE = {
    items: [
      household(),
      household({
        householdId: 'hh2',
        memberName: '王建国',
        grid: '幸福里第二网格',
        residentCount: 3,
        boundCount: 0,
        needsMore: true,
        openRequests: 0,
      }),
    ],
    nextCursor: null,
    grids: ['幸福里第一网格', '幸福里第二网格'],
    settings: SETTINGS,
    canSeeResidents: true,
  };

  test('one call on open; each row says the facts; 还需联系 only below the norm; tap opens the household', async () => {
    const navigate = stubWx('navigateTo', jest.fn());
    const calls = stubBackend({ 'liaison.listHouseholds': () => ok(PAGE) });
    const page = open(HOUSEHOLDS, { branchId: 'b1' });
    await waitFor(() => expect($(page, '#household-hh1')).toBeTruthy());
    expect(calls).toHaveLength(1);
    expect(callsOf(calls, 'liaison.listHouseholds')[0].data).toEqual({ branchId: 'b1' });

    const first = text(page, '#household-hh1');
    expect(first).toContain('李秀英');
    expect(first).toContain('幸福里第一网格');
    expect(first).toContain('幸福里小区 3 号楼 2 单元 301');
    expect(first).toContain('联系户 6/10');
    expect(first).toContain('已绑定 2 户');
    expect(first).toContain('未办结 1');
    expect(first).not.toContain('还需联系');
    expect($(page, '#needs-more-hh1')).toBeFalsy();
    expect($(page, '#needs-more-hh2')).toBeTruthy();
    expect(text(page, '#household-hh2')).toContain('还需联系');
    expect(text(page, '#count-hh2')).toBe('联系户 3/10');
    expect($(page, '#open-hh2')).toBeFalsy();
    expect(text(page, '#norm')).toContain('5–10 户');

    tap($(page, '#open-household-hh2'));
    await waitFor(() => expect(navigate).toHaveBeenCalled());
    expect(navigate.mock.calls[0][0].url).toBe('/packages/liaison/household/index?householdId=hh2');
  });

  test('the grid filter lists the grids of the answer and loads that grid; export and cards take it', async () => {
    const navigate = stubWx('navigateTo', jest.fn());
    const calls = stubBackend({
      'liaison.listHouseholds': (d) =>
        ok(d.grid ? { ...PAGE, items: PAGE.items.filter((h) => h.grid === d.grid) } : PAGE),
    });
    const page = open(HOUSEHOLDS, { branchId: 'b1' });
    await waitFor(() => expect($(page, '#household-hh2')).toBeTruthy());
    expect(page.instance.data.grids).toEqual(PAGE.grids);
    expect($(page, '#grids')).toBeTruthy();
    expect(page.text()).toContain('幸福里第二网格');

    emit($(page, '#grids'), 'change', { value: '幸福里第二网格' });
    await waitFor(() => expect(callsOf(calls, 'liaison.listHouseholds')).toHaveLength(2));
    expect(callsOf(calls, 'liaison.listHouseholds')[1].data).toEqual({
      branchId: 'b1',
      grid: '幸福里第二网格',
    });
    await waitFor(() => expect($(page, '#household-hh2')).toBeTruthy());
    expect($(page, '#household-hh1')).toBeFalsy();

    tap($(page, '#go-export'));
    tap($(page, '#go-cards'));
    await waitFor(() => expect(navigate).toHaveBeenCalledTimes(2));
    const grid = encodeURIComponent('幸福里第二网格');
    expect(navigate.mock.calls.map((c) => c[0].url)).toEqual([
      `/packages/liaison-admin/export/index?branchId=b1&grid=${grid}`,
      `/packages/liaison-admin/cards/index?branchId=b1&grid=${grid}`,
    ]);

    // Back to 全部.
    emit($(page, '#grids'), 'change', { value: '' });
    await waitFor(() => expect(callsOf(calls, 'liaison.listHouseholds')).toHaveLength(3));
    expect(callsOf(calls, 'liaison.listHouseholds')[2].data).toEqual({ branchId: 'b1' });
  });

  test('the tools open their pages for the branch', async () => {
    const navigate = stubWx('navigateTo', jest.fn());
    stubBackend({ 'liaison.listHouseholds': () => ok(PAGE) });
    const page = open(HOUSEHOLDS, { branchId: 'b1' });
    await waitFor(() => expect($(page, '#household-hh1')).toBeTruthy());
    const tools = [
      '#designate',
      '#go-import',
      '#go-export',
      '#go-cards',
      '#go-requests',
      '#go-dashboard',
    ];
    for (const id of tools) tap($(page, id));
    await waitFor(() => expect(navigate).toHaveBeenCalledTimes(6));
    expect(navigate.mock.calls.map((c) => c[0].url)).toEqual([
      '/packages/liaison-admin/designate/index?branchId=b1',
      '/packages/liaison-admin/import/index?branchId=b1',
      '/packages/liaison-admin/export/index?branchId=b1',
      '/packages/liaison-admin/cards/index?branchId=b1',
      '/packages/liaison-admin/requests/index?branchId=b1',
      '/packages/liaison-admin/dashboard/index?branchId=b1',
    ]);
  });

  test('the mass-work member (canSeeResidents false): rows do not open residents; no resident tools; 设立中心户 and 联户看板 stay', async () => {
    const navigate = stubWx('navigateTo', jest.fn());
    stubBackend({ 'liaison.listHouseholds': () => ok({ ...PAGE, canSeeResidents: false }) });
    const page = open(HOUSEHOLDS, { branchId: 'b1' });
    await waitFor(() => expect($(page, '#household-hh1')).toBeTruthy());
    // The facts of the row are still there: managing is counting, not reading residents.
    expect(text(page, '#household-hh1')).toContain('联系户 6/10');
    for (const id of ['#go-import', '#go-export', '#go-cards', '#go-requests'])
      expect($(page, id)).toBeFalsy();
    expect(page.text()).not.toContain('导入联系户');
    expect(page.text()).not.toContain('打印连心卡');
    expect($(page, '#step-down-hh1')).toBeTruthy();

    tap($(page, '#open-household-hh1'));
    tap($(page, '#designate'));
    tap($(page, '#go-dashboard'));
    await waitFor(() => expect(navigate).toHaveBeenCalledTimes(2));
    // A moment for a stray row tap to arrive, had it been wired.
    await new Promise((r) => setTimeout(r, 50));
    expect(navigate.mock.calls.map((c) => c[0].url)).toEqual([
      '/packages/liaison-admin/designate/index?branchId=b1',
      '/packages/liaison-admin/dashboard/index?branchId=b1',
    ]);
  });

  test('before the answer says so, the resident tools are not shown', async () => {
    stubBackend({ 'liaison.listHouseholds': () => ({ never: true }) });
    const page = open(HOUSEHOLDS, { branchId: 'b1' });
    await waitFor(() => expect($(page, '#designate')).toBeTruthy());
    expect($(page, '#go-import')).toBeFalsy();
    expect($(page, '#go-dashboard')).toBeTruthy();
  });

  test('卸任/转交 on a row opens the step-down page for that household, not its residents', async () => {
    const navigate = stubWx('navigateTo', jest.fn());
    stubBackend({ 'liaison.listHouseholds': () => ok(PAGE) });
    const page = open(HOUSEHOLDS, { branchId: 'b1' });
    await waitFor(() => expect($(page, '#step-down-hh1')).toBeTruthy());
    expect(page.text()).toContain('卸任/转交');
    tap($(page, '#step-down-hh1'));
    await waitFor(() => expect(navigate).toHaveBeenCalled());
    await new Promise((r) => setTimeout(r, 50));
    expect(navigate).toHaveBeenCalledTimes(1);
    expect(navigate.mock.calls[0][0].url).toBe(
      `/packages/liaison-admin/step-down/index?householdId=hh1&branchId=b1&memberName=${encodeURIComponent('李秀英')}&residentCount=6`,
    );
  });

  test('empty: says so and offers 设立中心户; an error offers 重试; pages and refreshes load again', async () => {
    const navigate = stubWx('navigateTo', jest.fn());
    stubWx('stopPullDownRefresh', jest.fn());
    const calls = stubBackend({
      'liaison.listHouseholds': (_d, _c, nth) =>
        nth === 0
          ? ok({ items: [], nextCursor: null, grids: [], settings: SETTINGS })
          : nth === 1
            ? err('FORBIDDEN', '只有支部书记、副书记和群众工作委员可以管理中心户')
            : ok({ ...PAGE, nextCursor: 'c2' }),
    });
    const page = open(HOUSEHOLDS, { branchId: 'b1' });
    await waitFor(() => expect(text(page, '#state')).toContain('还没有中心户'));
    tap($(page, '#state')!.querySelector('#empty-action'));
    await waitFor(() => expect(navigate).toHaveBeenCalled());
    expect(navigate.mock.calls[0][0].url).toContain('/packages/liaison-admin/designate/index');

    page.instance.onPullDownRefresh();
    await waitFor(() => expect(text(page, '#state')).toContain('只有支部书记'));
    tap($(page, '#state')!.querySelector('#retry'));
    await waitFor(() => expect($(page, '#household-hh1')).toBeTruthy());
    // Back from another page: a quiet refresh (the first onShow is the opening itself).
    expect(callsOf(calls, 'liaison.listHouseholds')).toHaveLength(3);
    page.instance.onShow();
    await waitFor(() => expect(callsOf(calls, 'liaison.listHouseholds')).toHaveLength(4));
    // The next page asks with the cursor.
    page.instance.onReachBottom();
    await waitFor(() => expect(callsOf(calls, 'liaison.listHouseholds')).toHaveLength(5));
    expect(callsOf(calls, 'liaison.listHouseholds')[4].data).toEqual({
      branchId: 'b1',
      cursor: 'c2',
    });
  });
});

// ---------------------------------------------------------------- 设立中心户

describe('designating a central household', () => {
  const MEMBERS = {
    items: [
      member(),
      member({ openid: 'o-zhao', name: '赵丽', role: 'activist' }),
      member({ openid: 'o-wang', name: '王建国', role: 'probationary' }),
    ],
    nextCursor: null,
  };

  async function openForm(handlers: Parameters<typeof stubBackend>[0] = {}) {
    const calls = stubBackend({ 'branch.listMembers': () => ok(MEMBERS), ...handlers });
    const page = open(DESIGNATE, { branchId: 'b1' });
    await waitFor(() => expect($(page, '#member-o-li')).toBeTruthy());
    return { calls, page };
  }

  test('one call on open: the branch’s members without activists; searching asks by name', async () => {
    const { calls, page } = await openForm();
    expect(calls).toHaveLength(1);
    expect(callsOf(calls, 'branch.listMembers')[0].data).toEqual({ branchId: 'b1' });
    expect($(page, '#member-o-wang')).toBeTruthy();
    expect($(page, '#member-o-zhao')).toBeFalsy();

    emit($(page, '#search'), 'submit', { value: ' 王 ' });
    await waitFor(() => expect(callsOf(calls, 'branch.listMembers')).toHaveLength(2));
    expect(callsOf(calls, 'branch.listMembers')[1].data).toEqual({ branchId: 'b1', keyword: '王' });
    emit($(page, '#search'), 'clear', {});
    await waitFor(() => expect(callsOf(calls, 'branch.listMembers')).toHaveLength(3));
    expect(callsOf(calls, 'branch.listMembers')[2].data).toEqual({ branchId: 'b1' });
  });

  test('nothing is sent without a member and an address; each is said where it belongs', async () => {
    const { calls, page } = await openForm();
    tap($(page, '#submit'));
    await waitFor(() => expect(text(page, '#member-error')).toContain('请先在上面选择一位党员'));
    expect(tips(page, '#addressText')).toContain('请填写地址');
    expect(text(page, '#form-error')).toContain('请按提示修改');

    // Town parts: the room is missing.
    emit($(page, '#address-mode'), 'change', { value: 'town' });
    await waitFor(() => expect($(page, '#building')).toBeTruthy());
    emit($(page, '#building'), 'change', { value: '3 号楼' });
    tap($(page, '#member-o-li'));
    tap($(page, '#submit'));
    await waitFor(() => expect(tips(page, '#room')).toContain('请填写楼栋和房号'));
    expect($(page, '#member-error')).toBeFalsy();
    expect(callsOf(calls, 'liaison.designateHousehold')).toHaveLength(0);
  });

  test('sends the member, address parts, grid, promise and consent; an existing household is said as updated', async () => {
    const redirect = stubWx('redirectTo', jest.fn());
    const toast = stubWx('showToast', jest.fn());
    const { calls, page } = await openForm({
      'liaison.designateHousehold': () => ok({ householdId: 'hh1', created: false }),
    });
    tap($(page, '#member-o-li'));
    await waitFor(() => expect(page.instance.data.picked?.openid).toBe('o-li'));
    emit($(page, '#address-mode'), 'change', { value: 'town' });
    await waitFor(() => expect($(page, '#building')).toBeTruthy());
    emit($(page, '#building'), 'change', { value: '3 号楼' });
    emit($(page, '#unit'), 'change', { value: '2 单元' });
    emit($(page, '#room'), 'change', { value: '301' });
    emit($(page, '#grid'), 'change', { value: '幸福里第一网格' });
    emit($(page, '#promise'), 'change', { value: '有事您说话' });
    emit($(page, '#showPhone'), 'change', { value: true });
    // No upload in local mode: said instead of the button.
    expect($(page, '#photo-upload')).toBeFalsy();
    expect(text(page, '#photo-local')).toContain('本地调试模式不能上传照片');
    tap($(page, '#submit'));
    await waitFor(() => expect(redirect).toHaveBeenCalled());
    const sent = callsOf(calls, 'liaison.designateHousehold')[0];
    expect(sent.data).toEqual({
      branchId: 'b1',
      memberOpenid: 'o-li',
      address: { building: '3 号楼', unit: '2 单元', room: '301' },
      grid: '幸福里第一网格',
      promise: '有事您说话',
      showPhone: true,
    });
    expect(sent.requestId).toBeTruthy();
    expect(toast.mock.calls[0][0].title).toBe('已更新该中心户');
    expect(redirect.mock.calls[0][0].url).toBe('/packages/liaison/household/index?householdId=hh1');
  });

  test('a refusal naming the address goes under it; the retry keeps its requestId', async () => {
    const redirect = stubWx('redirectTo', jest.fn());
    const { calls, page } = await openForm({
      'liaison.designateHousehold': (_d, _c, nth) =>
        nth === 0
          ? err('INVALID_ARGUMENT', '地址不能含有特殊符号', { fields: ['address'] })
          : nth === 1
            ? err('UNAVAILABLE', '网络不可用，请检查网络后重试')
            : ok({ householdId: 'hh9', created: true }),
    });
    tap($(page, '#member-o-wang'));
    emit($(page, '#addressText'), 'change', { value: '幸福里 8 号' });
    tap($(page, '#submit'));
    await waitFor(() => expect(tips(page, '#addressText')).toBe('地址不能含有特殊符号'));
    tap($(page, '#submit'));
    await waitFor(() => expect(text(page, '#form-error')).toContain('网络不可用'));
    tap($(page, '#submit'));
    await waitFor(() => expect(redirect).toHaveBeenCalled());
    const sent = callsOf(calls, 'liaison.designateHousehold');
    expect(sent[0].data).toEqual({
      branchId: 'b1',
      memberOpenid: 'o-wang',
      address: '幸福里 8 号',
      showPhone: false,
    });
    expect(sent[1].requestId).toBe(sent[0].requestId);
    expect(sent[2].requestId).toBe(sent[0].requestId);
  });

  test('in the preview a photo is uploaded under liaison-households/ and sent', async () => {
    const uploads = usePreviewUploads();
    stubWx('chooseMedia', (o: any) =>
      o.success({ tempFiles: [{ tempFilePath: 'wxfile://tmp/door.jpg' }] }),
    );
    stubWx('redirectTo', jest.fn());
    const { calls, page } = await openForm({
      'liaison.designateHousehold': () => ok({ householdId: 'hh1', created: true }),
    });
    expect($(page, '#privacy')).toBeTruthy();
    tap($(page, '#photo-upload'));
    await waitFor(() => expect(page.instance.data.photo).toMatch(/^cloud:/));
    expect(uploads[0]).toMatch(/^liaison-households\/.+\.jpg$/);
    tap($(page, '#member-o-li'));
    emit($(page, '#addressText'), 'change', { value: '幸福里 8 号' });
    tap($(page, '#submit'));
    await waitFor(() => expect(callsOf(calls, 'liaison.designateHousehold')).toHaveLength(1));
    expect(callsOf(calls, 'liaison.designateHousehold')[0].data.photo).toBe(
      `cloud://env.b/${uploads[0]}`,
    );
  });
});

// ---------------------------------------------------------------- 导入联系户

describe('importing resident households', () => {
  const RESIDENTS = {
    items: [],
    nextCursor: null,
    household: household(),
    settings: SETTINGS,
  };

  function useChosenFile(name: string) {
    return stubWx(
      'chooseMessageFile',
      jest.fn((o: any) =>
        o.success({
          tempFiles: [{ path: `wxfile://tmp/${name}`, name, size: 9000, type: 'file' }],
        }),
      ),
    );
  }

  test('for one household: one call on open; 下载模板 opens the template of its branch', async () => {
    const { download, openDocument } = useDocuments();
    const calls = stubBackend({
      'liaison.listResidents': () => ok(RESIDENTS),
      'liaison.importTemplate': () => file('联系户导入模板.xlsx', 1),
    });
    const page = open(IMPORT, { householdId: 'hh1' });
    await waitFor(() => expect($(page, '#picked')).toBeTruthy());
    expect(calls).toHaveLength(1);
    expect(callsOf(calls, 'liaison.listResidents')[0].data).toEqual({ householdId: 'hh1' });
    expect(text(page, '#picked')).toContain('李秀英');
    expect(text(page, '#picked-count')).toBe('联系户 6/10');
    // Local mode: no upload.
    expect($(page, '#choose-file')).toBeFalsy();
    expect(text(page, '#upload-local')).toContain('本地调试模式不能上传文件');

    tap($(page, '#template-btn'));
    await waitFor(() => expect(openDocument).toHaveBeenCalled());
    expect(callsOf(calls, 'liaison.importTemplate')[0].data).toEqual({ branchId: 'b1' });
    expect(callsOf(calls, 'liaison.importTemplate')[0].requestId).toBeTruthy();
    expect(download.mock.calls[0][0].url).toContain('https://example.com/');
    expect(openDocument.mock.calls[0][0]).toMatchObject({ fileType: 'xlsx' });
    expect(text(page, '#template-result')).toContain('联系户导入模板.xlsx');
  });

  test('bad rows: nothing imported, each problem listed by row and column', async () => {
    const uploads = usePreviewUploads();
    const choose = useChosenFile('名单.xlsx');
    const calls = stubBackend({
      'liaison.listResidents': () => ok(RESIDENTS),
      'liaison.importResidents': () =>
        ok({
          imported: 0,
          errors: [
            { row: 3, column: '联系电话', message: '手机号格式不对' },
            { row: 5, message: '这一行是空的' },
          ],
          residentCount: 6,
          max: 10,
        }),
    });
    const page = open(IMPORT, { householdId: 'hh1', branchId: 'b1' });
    await waitFor(() => expect($(page, '#picked')).toBeTruthy());
    expect($(page, '#privacy')).toBeTruthy();
    tap($(page, '#choose-file'));
    await waitFor(() => expect($(page, '#import-report')).toBeTruthy());
    expect(choose.mock.calls[0][0]).toMatchObject({ count: 1, type: 'file', extension: ['xlsx'] });
    expect(uploads[0]).toMatch(/^liaison-imports\/.+\.xlsx$/);
    const sent = callsOf(calls, 'liaison.importResidents')[0];
    expect(sent.data).toEqual({ householdId: 'hh1', fileID: `cloud://env.b/${uploads[0]}` });
    expect(sent.requestId).toBeTruthy();
    expect(text(page, '#import-report')).toContain('没有导入任何一行，请改正后重新上传');
    expect(text(page, '#row-error-0')).toBe('第 3 行 · 联系电话 · 手机号格式不对');
    expect(text(page, '#row-error-1')).toBe('第 5 行 · 这一行是空的');
    expect($(page, '#import-result')).toBeFalsy();
  });

  test('good rows: the count imported and the household’s new total', async () => {
    usePreviewUploads();
    useChosenFile('名单.xlsx');
    const toast = stubWx('showToast', jest.fn());
    const navigate = stubWx('navigateTo', jest.fn());
    stubBackend({
      'liaison.listResidents': () => ok(RESIDENTS),
      'liaison.importResidents': () => ok({ imported: 3, errors: [], residentCount: 9, max: 10 }),
    });
    const page = open(IMPORT, { householdId: 'hh1' });
    await waitFor(() => expect($(page, '#picked')).toBeTruthy());
    tap($(page, '#choose-file'));
    await waitFor(() => expect(text(page, '#import-result')).toContain('已导入 3 户'));
    expect(text(page, '#import-count')).toContain('联系户 9/10');
    expect(text(page, '#picked-count')).toBe('联系户 9/10');
    expect(toast.mock.calls[0][0].title).toBe('已导入 3 户');
    expect($(page, '#import-report')).toBeFalsy();
    tap($(page, '#go-household'));
    await waitFor(() => expect(navigate).toHaveBeenCalled());
    expect(navigate.mock.calls[0][0].url).toBe('/packages/liaison/household/index?householdId=hh1');
  });

  test('FULL is said as the server words it; a file that is not .xlsx is never uploaded', async () => {
    const uploads = usePreviewUploads();
    const choose = useChosenFile('名单.xls');
    const calls = stubBackend({
      'liaison.listResidents': () => ok(RESIDENTS),
      'liaison.importResidents': () =>
        err('FULL', '这一户最多联系 10 户，已有 6 户，表格里有 5 户，超出 1 户'),
    });
    const page = open(IMPORT, { householdId: 'hh1' });
    await waitFor(() => expect($(page, '#picked')).toBeTruthy());
    tap($(page, '#choose-file'));
    await waitFor(() => expect(text(page, '#import-error')).toContain('.xlsx'));
    expect(uploads).toHaveLength(0);
    expect(callsOf(calls, 'liaison.importResidents')).toHaveLength(0);

    choose.mockImplementation((o: any) =>
      o.success({ tempFiles: [{ path: 'wxfile://tmp/b.xlsx', name: '名单.xlsx' }] }),
    );
    tap($(page, '#choose-file'));
    await waitFor(() => expect(text(page, '#import-error')).toContain('超出 1 户'));
    expect(text(page, '#import-error')).toContain(
      '这一户最多联系 10 户，已有 6 户，表格里有 5 户，超出 1 户',
    );
    expect($(page, '#full-hint')).toBeTruthy();
    expect(callsOf(calls, 'liaison.importResidents')).toHaveLength(1);
  });

  test('for a branch: the household is chosen from listHouseholds first', async () => {
    usePreviewUploads();
    useChosenFile('名单.xlsx');
    const calls = stubBackend({
      'liaison.listHouseholds': () =>
        ok({
          items: [
            household(),
            household({ householdId: 'hh2', memberName: '王建国', residentCount: 10 }),
          ],
          nextCursor: null,
          grids: ['幸福里第一网格'],
          settings: SETTINGS,
        }),
      'liaison.importResidents': () => ok({ imported: 1, errors: [], residentCount: 7, max: 10 }),
    });
    const page = open(IMPORT, { branchId: 'b1' });
    await waitFor(() => expect($(page, '#choice-hh2')).toBeTruthy());
    expect(calls).toHaveLength(1);
    expect(callsOf(calls, 'liaison.listHouseholds')[0].data).toEqual({ branchId: 'b1' });
    expect(text(page, '#choice-hh2')).toContain('已满');

    tap($(page, '#choose-file'));
    await waitFor(() => expect(text(page, '#import-error')).toContain('请先选择'));
    tap($(page, '#choice-hh1'));
    await waitFor(() => expect(page.instance.data.picked?.householdId).toBe('hh1'));
    tap($(page, '#choose-file'));
    await waitFor(() => expect(callsOf(calls, 'liaison.importResidents')).toHaveLength(1));
    expect(callsOf(calls, 'liaison.importResidents')[0].data.householdId).toBe('hh1');
  });
});

// ---------------------------------------------------------------- 导出名单 / 打印连心卡

describe('export of the lists', () => {
  test('no call on open; the scope is the household, the grid or the branch; the file opens; phones are said masked', async () => {
    const { openDocument } = useDocuments();
    const calls = stubBackend({
      'liaison.exportResidents': (d) =>
        d.householdId
          ? file('李秀英-联系户.xlsx', 6)
          : file('幸福里第一网格-联系户.xlsx', 5000, true),
    });
    const page = open(EXPORT, {
      householdId: 'hh1',
      branchId: 'b1',
      grid: '幸福里第一网格',
      memberName: '李秀英',
    });
    await waitFor(() => expect($(page, '#export-btn')).toBeTruthy());
    expect(calls).toHaveLength(0);
    expect(text(page, '#masked-note')).toContain('138****1234');
    expect(page.instance.data.options.map((o: { value: string }) => o.value)).toEqual([
      'household',
      'grid',
      'branch',
    ]);
    expect(text(page, '#scope-card')).toContain('李秀英这一户中心户');

    tap($(page, '#export-btn'));
    await waitFor(() => expect(openDocument).toHaveBeenCalled());
    expect(callsOf(calls, 'liaison.exportResidents')[0].data).toEqual({ householdId: 'hh1' });
    expect(callsOf(calls, 'liaison.exportResidents')[0].requestId).toBeTruthy();
    expect(openDocument.mock.calls[0][0]).toMatchObject({ fileType: 'xlsx' });
    expect(text(page, '#export-result')).toContain('已导出 6 户');
    expect(text(page, '#export-result')).toContain('手机号已隐去中间四位');
    expect($(page, '#truncated')).toBeFalsy();

    emit($(page, '#scope'), 'change', { value: 'grid' });
    await waitFor(() => expect(page.instance.data.scope).toBe('grid'));
    expect($(page, '#export-result')).toBeFalsy();
    tap($(page, '#export-btn'));
    await waitFor(() => expect($(page, '#truncated')).toBeTruthy());
    expect(callsOf(calls, 'liaison.exportResidents')[1].data).toEqual({
      branchId: 'b1',
      grid: '幸福里第一网格',
    });
    expect(text(page, '#truncated')).toContain('只导出了前 5000 户');
  });

  test('a refusal is said; without a scope the page says where to come from', async () => {
    stubBackend({ 'liaison.exportResidents': () => err('FORBIDDEN', '只有支部书记可以导出名单') });
    const page = open(EXPORT, { branchId: 'b1' });
    await waitFor(() => expect($(page, '#export-btn')).toBeTruthy());
    expect(page.instance.data.scope).toBe('branch');
    tap($(page, '#export-btn'));
    await waitFor(() => expect(text(page, '#export-error')).toBe('只有支部书记可以导出名单'));
    expect($(page, '#export-result')).toBeFalsy();
    opened?.detach();

    const none = open(EXPORT, {});
    await waitFor(() => expect(text(none, '#export-error')).toContain('请从中心户管理进入'));
    expect($(none, '#export-btn')).toBeFalsy();
  });
});

describe('card sheet', () => {
  test('exportCards for the branch opens a PDF; the count and a truncated sheet are said', async () => {
    const { openDocument } = useDocuments();
    const calls = stubBackend({
      'liaison.exportCards': (_d, _c, nth) =>
        nth === 0 ? file('连心卡.pdf', 12) : file('连心卡.pdf', 400, true),
    });
    const page = open(CARDS, { branchId: 'b1' });
    await waitFor(() => expect($(page, '#export-btn')).toBeTruthy());
    expect(calls).toHaveLength(0);
    tap($(page, '#export-btn'));
    await waitFor(() => expect(openDocument).toHaveBeenCalled());
    expect(callsOf(calls, 'liaison.exportCards')[0].data).toEqual({ branchId: 'b1' });
    expect(openDocument.mock.calls[0][0]).toMatchObject({
      filePath: 'wxfile://tmp/f',
      fileType: 'pdf',
    });
    expect(text(page, '#export-result')).toContain('已生成 12 张连心卡');
    expect($(page, '#truncated')).toBeFalsy();

    tap($(page, '#export-btn'));
    await waitFor(() => expect($(page, '#truncated')).toBeTruthy());
    expect(text(page, '#truncated')).toContain('只生成了前 400 张');
    // Opening fails: the link is the way.
    openDocument.mockImplementation((o: any) => o.fail({ errMsg: 'openDocument:fail' }));
    tap($(page, '#open-file'));
    await waitFor(() => expect(text(page, '#file-message')).toContain('没能打开文件'));
  });

  test('for one household: { householdId }', async () => {
    useDocuments();
    const calls = stubBackend({ 'liaison.exportCards': () => file('连心卡.pdf', 6) });
    const page = open(CARDS, { householdId: 'hh1' });
    await waitFor(() => expect($(page, '#export-btn')).toBeTruthy());
    tap($(page, '#export-btn'));
    await waitFor(() => expect(callsOf(calls, 'liaison.exportCards')).toHaveLength(1));
    expect(callsOf(calls, 'liaison.exportCards')[0].data).toEqual({ householdId: 'hh1' });
  });
});

// ---------------------------------------------------------------- 联户看板

describe('dashboard', () => {
  function figures(over: Partial<DashboardFigures> = {}): DashboardFigures {
    return {
      households: 2,
      residents: 9,
      boundResidents: 3,
      coverage: 1 / 3,
      needsMore: 1,
      openRequests: 2,
      overdueRequests: 1,
      avgAcceptHours: 5.5,
      avgResolveHours: null,
      ratings: { satisfied: 2, basically: 1, unsatisfied: 1 },
      satisfaction: 0.75,
      serviceRecords: 4,
      ...over,
    };
  }
  function dashboard(over: Partial<DashboardResponse> = {}): DashboardResponse {
    return {
      branchName: '幸福里社区第一党支部',
      totals: figures(),
      byGrid: [
        { ...figures({ households: 1, residents: 6, coverage: 0.5 }), grid: '幸福里第一网格' },
        {
          ...figures({ households: 1, residents: 3, coverage: 0, overdueRequests: 0 }),
          grid: '幸福里第二网格',
        },
      ],
      needsMore: [
        { householdId: 'hh2', memberName: '王建国', grid: '幸福里第二网格', residentCount: 3 },
      ],
      settings: SETTINGS,
      canEditSettings: false,
      canSeeResidents: true,
      committeeId: 'org-committee',
      ...over,
    };
  }

  test('one call on open: totals, by grid, households below the norm (tap → household); no settings form', async () => {
    const navigate = stubWx('navigateTo', jest.fn());
    const calls = stubBackend({ 'liaison.dashboard': () => ok(dashboard()) });
    const page = open(DASHBOARD, { branchId: 'b1' });
    await waitFor(() => expect($(page, '#totals')).toBeTruthy());
    expect(calls).toHaveLength(1);
    expect(callsOf(calls, 'liaison.dashboard')[0].data).toEqual({ branchId: 'b1' });
    expect(text(page, '#figure-households')).toBe('2中心户');
    expect(text(page, '#figure-residents')).toBe('9联系户');
    expect(text(page, '#figure-coverage')).toBe('33%连心卡绑定率');
    expect(text(page, '#figure-needsMore')).toBe('1待补充中心户');
    expect(text(page, '#figure-open')).toBe('2未办结');
    expect(text(page, '#figure-overdue')).toBe('1已超时');
    expect(text(page, '#figure-accept')).toBe('5.5 小时平均受理用时');
    expect(text(page, '#figure-resolve')).toBe('暂无平均办结用时');
    expect(text(page, '#figure-satisfaction')).toBe('75%满意率');
    expect(text(page, '#figure-records')).toBe('4走访记录');
    // Cells: grid, households, residents, coverage, open, overdue.
    expect(text(page, '#grid-0')).toBe('幸福里第一网格1650%21');
    expect(text(page, '#grid-1')).toBe('幸福里第二网格130%20');
    expect(text(page, '#settings-text')).toContain('5–10 户');
    expect(text(page, '#settings-text')).toContain('24 小时内受理');
    expect($(page, '#settings-form')).toBeFalsy();

    tap($(page, '#needs-hh2'));
    await waitFor(() => expect(navigate).toHaveBeenCalled());
    expect(navigate.mock.calls[0][0].url).toBe('/packages/liaison/household/index?householdId=hh2');
  });

  test('the mass-work member sees figures only: no request list, no way into residents', async () => {
    const navigate = stubWx('navigateTo', jest.fn());
    stubBackend({ 'liaison.dashboard': () => ok(dashboard({ canSeeResidents: false })) });
    const page = open(DASHBOARD, { branchId: 'b1' });
    await waitFor(() => expect($(page, '#totals')).toBeTruthy());
    expect($(page, '#go-requests')).toBeFalsy();
    tap($(page, '#figure-open'));
    tap($(page, '#needs-hh2'));
    await new Promise((r) => setTimeout(r, 50));
    expect(navigate).not.toHaveBeenCalled();
  });

  test('committee secretaries change the settings: checked here, then sent with the committee', async () => {
    const toast = stubWx('showToast', jest.fn());
    // The backend as the server behaves: once saved, the dashboard answers the new settings
    // (the page refreshes the figures after saving).
    let settings = SETTINGS;
    const saved = { maxResidents: 12, minResidents: 6, acceptHours: 12, resolveHours: 48 };
    const calls = stubBackend({
      'liaison.dashboard': () => ok(dashboard({ canEditSettings: true, settings })),
      'liaison.updateSettings': (_d, _c, nth) => {
        if (nth === 0)
          return err('INVALID_ARGUMENT', '受理时限不能长于办结时限', { fields: ['acceptHours'] });
        settings = saved;
        return ok({ settings: saved });
      },
    });
    const page = open(DASHBOARD, { branchId: 'b1' });
    await waitFor(() => expect($(page, '#settings-form')).toBeTruthy());
    expect($(page, '#maxResidents')!.instance.data.value).toBe('10');

    emit($(page, '#minResidents'), 'change', { value: '11' });
    emit($(page, '#acceptHours'), 'change', { value: '0' });
    emit($(page, '#resolveHours'), 'change', { value: '1.5' });
    tap($(page, '#save-settings'));
    await waitFor(() => expect(tips(page, '#minResidents')).toContain('不能多于'));
    expect(tips(page, '#acceptHours')).toContain('1–168');
    expect(tips(page, '#resolveHours')).toContain('1–720');
    expect(tips(page, '#maxResidents')).toBeFalsy();
    expect(callsOf(calls, 'liaison.updateSettings')).toHaveLength(0);

    emit($(page, '#maxResidents'), 'change', { value: '12' });
    emit($(page, '#minResidents'), 'change', { value: '6' });
    emit($(page, '#acceptHours'), 'change', { value: '100' });
    emit($(page, '#resolveHours'), 'change', { value: '48' });
    tap($(page, '#save-settings'));
    await waitFor(() => expect(tips(page, '#acceptHours')).toBe('受理时限不能长于办结时限'));
    emit($(page, '#acceptHours'), 'change', { value: '12' });
    tap($(page, '#save-settings'));
    await waitFor(() => expect(callsOf(calls, 'liaison.updateSettings')).toHaveLength(2));
    expect(callsOf(calls, 'liaison.updateSettings')[1].data).toEqual({
      committeeId: 'org-committee',
      maxResidents: 12,
      minResidents: 6,
      acceptHours: 12,
      resolveHours: 48,
    });
    await waitFor(() => expect(text(page, '#settings-text')).toContain('6–12 户'));
    expect(toast.mock.calls.some((c) => c[0].title === '已保存')).toBe(true);
  });

  test('每户最多联系 is 1–20 (the server’s limit): 21 is refused here, 20 is sent', async () => {
    const calls = stubBackend({
      'liaison.dashboard': () => ok(dashboard({ canEditSettings: true })),
      'liaison.updateSettings': (d) => ok({ settings: { ...SETTINGS, ...d } }),
    });
    const page = open(DASHBOARD, { branchId: 'b1' });
    await waitFor(() => expect($(page, '#settings-form')).toBeTruthy());
    expect($(page, '#maxResidents')!.instance.data.ariaLabel).toContain('1 到 20');
    emit($(page, '#maxResidents'), 'change', { value: '21' });
    emit($(page, '#minResidents'), 'change', { value: '21' });
    tap($(page, '#save-settings'));
    await waitFor(() => expect(tips(page, '#maxResidents')).toBe('每户最多联系请填 1–20 的整数'));
    expect(tips(page, '#minResidents')).toBe('最少联系请填 1–20 的整数');
    expect(callsOf(calls, 'liaison.updateSettings')).toHaveLength(0);

    emit($(page, '#maxResidents'), 'change', { value: '20' });
    emit($(page, '#minResidents'), 'change', { value: '5' });
    tap($(page, '#save-settings'));
    await waitFor(() => expect(callsOf(calls, 'liaison.updateSettings')).toHaveLength(1));
    expect(callsOf(calls, 'liaison.updateSettings')[0].data).toMatchObject({
      maxResidents: 20,
      minResidents: 5,
    });
  });

  test('查看求助 opens the branch’s open requests; 已超时 and 未办结 open their tab; other figures do not', async () => {
    const navigate = stubWx('navigateTo', jest.fn());
    stubBackend({ 'liaison.dashboard': () => ok(dashboard()) });
    const page = open(DASHBOARD, { branchId: 'b1' });
    await waitFor(() => expect($(page, '#totals')).toBeTruthy());
    expect(page.text()).toContain('查看求助');
    tap($(page, '#go-requests'));
    await waitFor(() => expect(navigate).toHaveBeenCalledTimes(1));
    tap($(page, '#figure-households'));
    tap($(page, '#figure-overdue'));
    await waitFor(() => expect(navigate).toHaveBeenCalledTimes(2));
    tap($(page, '#figure-open'));
    await waitFor(() => expect(navigate).toHaveBeenCalledTimes(3));
    expect(navigate.mock.calls.map((c) => c[0].url)).toEqual([
      '/packages/liaison-admin/requests/index?branchId=b1&status=open',
      '/packages/liaison-admin/requests/index?branchId=b1&status=overdue',
      '/packages/liaison-admin/requests/index?branchId=b1&status=open',
    ]);
  });

  test('an error says why and offers 重试; pull to refresh loads again', async () => {
    stubWx('stopPullDownRefresh', jest.fn());
    const calls = stubBackend({
      'liaison.dashboard': (_d, _c, nth) =>
        nth === 0 ? err('FORBIDDEN', '只有支部委员可以查看联户看板') : ok(dashboard()),
    });
    const page = open(DASHBOARD, { branchId: 'b1' });
    await waitFor(() => expect(text(page, '#state')).toContain('只有支部委员可以查看联户看板'));
    tap($(page, '#state')!.querySelector('#retry'));
    await waitFor(() => expect($(page, '#totals')).toBeTruthy());
    page.instance.onPullDownRefresh();
    await waitFor(() => expect(callsOf(calls, 'liaison.dashboard')).toHaveLength(3));
  });
});

// ---------------------------------------------------------------- 求助列表

describe('requests of a branch or escalated to the committee', () => {
  const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
  const A = requestItem({
    requestId: 'rq-a',
    urgent: true,
    overdue: true,
    level: 1,
    createdAt: minutesAgo(5),
  });
  const B = requestItem({
    requestId: 'rq-b',
    category: 'policy',
    text: '想咨询医保报销',
    status: 'accepted',
    level: 2,
    memberName: '王建国',
    grid: '幸福里第二网格',
    createdAt: minutesAgo(30),
  });
  const C = requestItem({ requestId: 'rq-c', status: 'closed', createdAt: minutesAgo(40) });
  const page1 = (items: RequestItem[], nextCursor: string | null = null) =>
    ok({ items, nextCursor });

  test('a branch: one call on open for its open requests; rows say what, where, who, how far; tap → 处理求助', async () => {
    const navigate = stubWx('navigateTo', jest.fn());
    const calls = stubBackend({ 'liaison.listRequests': () => page1([A, B]) });
    const page = open(REQUESTS, { branchId: 'b1' });
    await waitFor(() => expect($(page, '#request-rq-a')).toBeTruthy());
    expect(calls).toHaveLength(1);
    expect(calls[0].data).toEqual({ scope: 'branch', branchId: 'b1', status: 'open' });

    const a = text(page, '#request-rq-a');
    expect(a).toContain('维修');
    expect(a).toContain('厨房水管漏水，麻烦帮忙看看');
    expect(a).toContain('幸福里第一网格');
    expect(a).toContain('中心户 李明');
    expect(a).toContain('已转支部书记');
    expect(a).toContain('紧急');
    expect(a).toContain('已超时');
    expect(a).toContain('待受理');
    expect(a).toContain('5 分钟前');
    const b = text(page, '#request-rq-b');
    expect(b).toContain('政策咨询');
    expect(b).toContain('中心户 王建国');
    expect(b).toContain('已转社区党委');
    expect(b).toContain('处理中');
    expect(b).toContain('30 分钟前');
    expect(b).not.toContain('紧急');
    expect(b).not.toContain('已超时');

    tap($(page, '#request-rq-b'));
    await waitFor(() => expect(navigate).toHaveBeenCalled());
    expect(navigate.mock.calls[0][0].url).toBe('/packages/liaison/request/index?requestId=rq-b');
  });

  test('the tabs: 已超时 asks for overdue, 全部 for no status; each empty tab says so', async () => {
    const calls = stubBackend({
      'liaison.listRequests': (d) =>
        d.status === 'overdue' ? page1([]) : d.status ? page1([A]) : page1([A, B, C]),
    });
    const page = open(REQUESTS, { branchId: 'b1' });
    await waitFor(() => expect($(page, '#request-rq-a')).toBeTruthy());
    emit($(page, '#filters'), 'change', { value: 'overdue' });
    await waitFor(() => expect(text(page, '#state')).toContain('没有超时的求助'));
    expect(calls[1].data).toEqual({ scope: 'branch', branchId: 'b1', status: 'overdue' });
    expect($(page, '#request-rq-a')).toBeFalsy();

    emit($(page, '#filters'), 'change', { value: '' });
    await waitFor(() => expect($(page, '#request-rq-c')).toBeTruthy());
    expect(calls[2].data).toEqual({ scope: 'branch', branchId: 'b1' });
    expect(text(page, '#request-rq-c')).toContain('已评价');
    expect(page.page.querySelectorAll('.request')).toHaveLength(3);
    // The same tab again asks nothing.
    emit($(page, '#filters'), 'change', { value: '' });
    await new Promise((r) => setTimeout(r, 30));
    expect(calls).toHaveLength(3);
  });

  test('20 a page: the bottom asks with the cursor and appends; pull to refresh and coming back ask afresh', async () => {
    stubWx('stopPullDownRefresh', jest.fn());
    const many = Array.from({ length: 20 }, (_, i) =>
      requestItem({ requestId: `rq-${i}`, createdAt: minutesAgo(i + 1) }),
    );
    const calls = stubBackend({
      'liaison.listRequests': (d) => (d.cursor ? page1([C]) : page1(many, 'c2')),
    });
    const page = open(REQUESTS, { branchId: 'b1' });
    await waitFor(() => expect($(page, '#request-rq-19')).toBeTruthy());
    expect($(page, '#more')).toBeTruthy();
    page.instance.onReachBottom();
    await waitFor(() => expect($(page, '#request-rq-c')).toBeTruthy());
    expect(calls[1].data).toEqual({
      scope: 'branch',
      branchId: 'b1',
      status: 'open',
      cursor: 'c2',
    });
    expect(page.page.querySelectorAll('.request')).toHaveLength(21);
    expect(text(page, '#no-more')).toBe('已显示全部');

    page.instance.onPullDownRefresh();
    await waitFor(() => expect(calls).toHaveLength(3));
    expect(calls[2].data).toEqual({ scope: 'branch', branchId: 'b1', status: 'open' });
    await waitFor(() => expect(page.page.querySelectorAll('.request')).toHaveLength(20));
    // Back from handling one (the first onShow was the opening itself).
    page.instance.onShow();
    await waitFor(() => expect(calls).toHaveLength(4));
  });

  test('the committee: ?committeeId= asks for the committee’s, titled so; ?status=overdue opens that tab', async () => {
    const title = stubWx('setNavigationBarTitle', jest.fn());
    const calls = stubBackend({ 'liaison.listRequests': () => page1([B]) });
    const page = open(REQUESTS, { committeeId: 'org-committee', status: 'overdue' });
    await waitFor(() => expect($(page, '#request-rq-b')).toBeTruthy());
    expect(calls).toHaveLength(1);
    expect(calls[0].data).toEqual({
      scope: 'committee',
      committeeId: 'org-committee',
      status: 'overdue',
    });
    expect(page.instance.data.filter).toBe('overdue');
    expect(title.mock.calls[0][0].title).toBe('上报党委的求助');
  });

  test('an error offers 重试; empty says so; without a branch or committee nothing is asked', async () => {
    const calls = stubBackend({
      'liaison.listRequests': (_d, _c, nth) =>
        nth === 0 ? err('FORBIDDEN', '只有支部书记和副书记可以查看本支部的求助') : page1([]),
    });
    const page = open(REQUESTS, { branchId: 'b1' });
    await waitFor(() => expect(text(page, '#state')).toContain('只有支部书记和副书记'));
    tap($(page, '#state')!.querySelector('#retry'));
    await waitFor(() => expect(text(page, '#state')).toContain('没有未办结的求助'));
    expect(calls).toHaveLength(2);
    opened?.detach();

    const none = open(REQUESTS, {});
    await waitFor(() => expect(text(none, '#state')).toContain('请从联户页进入'));
    expect(calls).toHaveLength(2);
  });
});

// ---------------------------------------------------------------- 卸任中心户

describe('stepping down', () => {
  /** hh1 (6 residents) steps down; hh2 has room for 7, hh3 for 5, hh4 none. */
  const LIST = {
    items: [
      household(),
      household({ householdId: 'hh2', memberName: '王建国', residentCount: 3 }),
      household({
        householdId: 'hh3',
        memberName: '赵丽',
        grid: '幸福里第二网格',
        residentCount: 5,
      }),
      household({ householdId: 'hh4', memberName: '孙强', residentCount: 10 }),
    ],
    nextCursor: null,
    grids: ['幸福里第一网格', '幸福里第二网格'],
    settings: SETTINGS,
    canSeeResidents: true,
  };

  test('one call on open; the household itself is not offered; room under the maximum; no room, no choice', async () => {
    const calls = stubBackend({ 'liaison.listHouseholds': () => ok(LIST) });
    const page = open(STEP_DOWN, { householdId: 'hh1', branchId: 'b1' });
    await waitFor(() => expect($(page, '#target-hh2')).toBeTruthy());
    expect(calls).toHaveLength(1);
    expect(calls[0].data).toEqual({ branchId: 'b1' });
    expect($(page, '#target-hh1')).toBeFalsy();
    expect(text(page, '#source')).toContain('李秀英卸任');
    expect(text(page, '#source')).toContain('6 户群众');

    expect(text(page, '#room-hh2')).toBe('还能联系 7 户');
    expect(text(page, '#room-hh3')).toBe('还能联系 5 户，容纳不下');
    expect(text(page, '#room-hh4')).toBe('已满，容纳不下');
    expect(page.instance.data.items.map((t: any) => [t.householdId, t.disabled])).toEqual([
      ['hh2', false],
      ['hh3', true],
      ['hh4', true],
    ]);

    // A household without room cannot be chosen, and says why.
    tap($(page, '#target-hh3'));
    await waitFor(() => expect(text(page, '#choice-error')).toContain('赵丽只能再联系 5 户'));
    expect(page.instance.data.picked).toBeNull();
    tap($(page, '#next'));
    await waitFor(() => expect(text(page, '#choice-error')).toBe('请选择接收联系户的中心户'));
    expect($(page, '#confirm')).toBeFalsy();
    expect(callsOf(calls, 'liaison.stepDown')).toHaveLength(0);
  });

  test('choose → a confirm step says what happens → stepDown { householdId, toHouseholdId }; the result, then back to the list', async () => {
    const back = stubWx('navigateBack', jest.fn());
    const calls = stubBackend({
      'liaison.listHouseholds': () => ok(LIST),
      'liaison.stepDown': () => ok({ householdId: 'hh1', movedResidents: 6 }),
    });
    const page = open(STEP_DOWN, { householdId: 'hh1', branchId: 'b1' });
    await waitFor(() => expect($(page, '#target-hh2')).toBeTruthy());
    tap($(page, '#target-hh2'));
    await waitFor(() => expect(page.instance.data.picked?.householdId).toBe('hh2'));
    tap($(page, '#next'));
    await waitFor(() => expect($(page, '#confirm')).toBeTruthy());
    const said = text(page, '#confirm-text');
    expect(said).toContain('李秀英卸任党员中心户');
    expect(said).toContain('6 户群众和 1 件未办结的求助转交给王建国（幸福里第一网格）');
    expect(said).toContain('王建国联系 9/10 户');
    expect(said).toContain('请重新打印');
    expect(callsOf(calls, 'liaison.stepDown')).toHaveLength(0);

    // 返回重新选择 sends nothing and keeps the choice.
    tap($(page, '#back-to-choice'));
    await waitFor(() => expect($(page, '#target-hh2')).toBeTruthy());
    expect(callsOf(calls, 'liaison.stepDown')).toHaveLength(0);
    tap($(page, '#next'));
    await waitFor(() => expect($(page, '#confirm')).toBeTruthy());
    tap($(page, '#confirm-send'));
    await waitFor(() => expect($(page, '#done')).toBeTruthy());
    expect(callsOf(calls, 'liaison.stepDown').map((c) => c.data)).toEqual([
      { householdId: 'hh1', toHouseholdId: 'hh2' },
    ]);
    expect(text(page, '#done-text')).toBe('6 户联系户已转交给王建国。');
    tap($(page, '#back-to-list'));
    await waitFor(() => expect(back).toHaveBeenCalled());
  });

  test('a household linking nobody: straight to the confirm step; stepDown without a target', async () => {
    const back = stubWx(
      'navigateBack',
      jest.fn((o: any) => o.fail({ errMsg: 'navigateBack:fail' })),
    );
    const redirect = stubWx('redirectTo', jest.fn());
    const calls = stubBackend({
      'liaison.listHouseholds': () =>
        ok({ ...LIST, items: [household({ residentCount: 0, openRequests: 0 })] }),
      'liaison.stepDown': () => ok({ householdId: 'hh1', movedResidents: 0 }),
    });
    const page = open(STEP_DOWN, { householdId: 'hh1', branchId: 'b1' });
    await waitFor(() => expect($(page, '#confirm')).toBeTruthy());
    expect(text(page, '#confirm-text')).toContain('李秀英没有联系户');
    expect($(page, '#back-to-choice')).toBeFalsy();
    expect(page.text()).toContain('确认卸任');
    expect(page.text()).not.toContain('转交');
    expect(callsOf(calls, 'liaison.stepDown')).toHaveLength(0);
    tap($(page, '#confirm-send'));
    await waitFor(() => expect($(page, '#done')).toBeTruthy());
    expect(callsOf(calls, 'liaison.stepDown').map((c) => c.data)).toEqual([{ householdId: 'hh1' }]);
    expect(text(page, '#done-text')).toBe('这一户已不再是党员中心户。');
    // Opened without the list behind it: the list is opened instead.
    tap($(page, '#back-to-list'));
    await waitFor(() => expect(redirect).toHaveBeenCalled());
    expect(back).toHaveBeenCalled();
    expect(redirect.mock.calls[0][0].url).toBe(
      '/packages/liaison-admin/households/index?branchId=b1',
    );
  });

  test('FULL meanwhile: back to the choice with the reason and the counts afresh; other errors stay on the step', async () => {
    let full = false;
    const calls = stubBackend({
      'liaison.listHouseholds': () =>
        ok(
          full
            ? {
                ...LIST,
                items: LIST.items.map((h) =>
                  h.householdId === 'hh2' ? { ...h, residentCount: 8 } : h,
                ),
              }
            : LIST,
        ),
      'liaison.stepDown': (_d, _c, nth) => {
        if (nth === 0) return err('UNAVAILABLE', '网络不可用，请检查网络后重试');
        full = true;
        return err('FULL', '王建国这一户最多联系 10 户，只能再接收 2 户');
      },
    });
    const page = open(STEP_DOWN, { householdId: 'hh1', branchId: 'b1' });
    await waitFor(() => expect($(page, '#target-hh2')).toBeTruthy());
    tap($(page, '#target-hh2'));
    tap($(page, '#next'));
    await waitFor(() => expect($(page, '#confirm')).toBeTruthy());
    tap($(page, '#confirm-send'));
    await waitFor(() => expect(text(page, '#action-error')).toContain('网络不可用'));
    expect($(page, '#confirm')).toBeTruthy();
    tap($(page, '#confirm-send'));
    await waitFor(() => expect(text(page, '#choice-error')).toContain('只能再接收 2 户'));
    await waitFor(() => expect(callsOf(calls, 'liaison.listHouseholds')).toHaveLength(2));
    await waitFor(() => expect(text(page, '#room-hh2')).toBe('还能联系 2 户，容纳不下'));
    expect(page.instance.data.picked).toBeNull();
    expect($(page, '#done')).toBeFalsy();
  });

  test('not on the first page: the query’s count judges the choices; found later, the list’s count wins', async () => {
    const calls = stubBackend({
      'liaison.listHouseholds': (d) =>
        d.cursor
          ? ok({ ...LIST, items: [household({ residentCount: 8 })], nextCursor: null })
          : ok({ ...LIST, items: LIST.items.slice(1), nextCursor: 'c2' }),
    });
    const page = open(STEP_DOWN, {
      householdId: 'hh1',
      branchId: 'b1',
      memberName: '李秀英',
      residentCount: '6',
    });
    await waitFor(() => expect($(page, '#target-hh2')).toBeTruthy());
    expect(text(page, '#source')).toContain('6 户群众');
    expect(page.instance.data.items.map((t: any) => t.disabled)).toEqual([false, true, true]);
    page.instance.onReachBottom();
    await waitFor(() => expect(callsOf(calls, 'liaison.listHouseholds')).toHaveLength(2));
    expect(calls[1].data).toEqual({ branchId: 'b1', cursor: 'c2' });
    await waitFor(() => expect(text(page, '#source')).toContain('8 户群众'));
    // 8 to move: hh2 (room 7) no longer fits.
    expect(page.instance.data.items.map((t: any) => t.disabled)).toEqual([true, true, true]);
  });

  test('the member themselves (from=member): spoken to as 您, same stepDown, then 返回联户 opens the 联户 tab', async () => {
    const back = stubWx('navigateBack', jest.fn());
    const redirect = stubWx('redirectTo', jest.fn());
    const switchTab = stubWx('switchTab', jest.fn());
    const calls = stubBackend({
      'liaison.listHouseholds': () => ok(LIST),
      'liaison.stepDown': () => ok({ householdId: 'hh1', movedResidents: 6 }),
    });
    const page = open(STEP_DOWN, {
      householdId: 'hh1',
      branchId: 'b1',
      memberName: '李秀英',
      residentCount: '6',
      from: 'member',
    });
    await waitFor(() => expect($(page, '#target-hh2')).toBeTruthy());
    expect(calls[0].data).toEqual({ branchId: 'b1' });
    expect(text(page, '#source')).toContain('卸任党员中心户');
    expect(text(page, '#source')).toContain('您联系的 6 户群众');
    expect(text(page, '#source')).not.toContain('李秀英卸任');
    tap($(page, '#target-hh2'));
    await waitFor(() => expect(page.instance.data.picked?.householdId).toBe('hh2'));
    tap($(page, '#next'));
    await waitFor(() => expect($(page, '#confirm')).toBeTruthy());
    expect(text(page, '#confirm-text')).toContain('您卸任党员中心户');
    expect(text(page, '#confirm-text')).toContain('转交给王建国（幸福里第一网格）');
    tap($(page, '#confirm-send'));
    await waitFor(() => expect($(page, '#done')).toBeTruthy());
    expect(callsOf(calls, 'liaison.stepDown').map((c) => c.data)).toEqual([
      { householdId: 'hh1', toHouseholdId: 'hh2' },
    ]);
    expect($(page, '#back-to-list')!.instance.data.ariaLabel).toBe('返回联户');
    expect(page.text()).toContain('返回联户');
    tap($(page, '#back-to-list'));
    await waitFor(() => expect(switchTab).toHaveBeenCalledWith({ url: '/pages/liaison/index' }));
    // Never the managers' 中心户管理, and not back to their household page (no longer theirs).
    expect(redirect).not.toHaveBeenCalled();
    expect(back).not.toHaveBeenCalled();
  });

  test('the member with no other household in the branch: asks the secretary, no 设立中心户', async () => {
    stubBackend({ 'liaison.listHouseholds': () => ok({ ...LIST, items: [household()] }) });
    const page = open(STEP_DOWN, { householdId: 'hh1', branchId: 'b1', from: 'member' });
    await waitFor(() => expect(text(page, '#state')).toContain('请联系支部书记'));
    expect(text(page, '#state')).toContain('没有其他中心户可以接收您的联系户');
    expect($(page, '#state')!.querySelector('#empty-action')).toBeFalsy();
  });

  test('no other household: says so and offers 设立中心户; a household not in the branch’s list says so', async () => {
    const navigate = stubWx('navigateTo', jest.fn());
    stubBackend({ 'liaison.listHouseholds': () => ok({ ...LIST, items: [household()] }) });
    const page = open(STEP_DOWN, { householdId: 'hh1', branchId: 'b1' });
    await waitFor(() => expect(text(page, '#state')).toContain('没有其他中心户可以接收'));
    tap($(page, '#state')!.querySelector('#empty-action'));
    await waitFor(() => expect(navigate).toHaveBeenCalled());
    expect(navigate.mock.calls[0][0].url).toBe(
      '/packages/liaison-admin/designate/index?branchId=b1',
    );
    opened?.detach();

    const gone = open(STEP_DOWN, { householdId: 'hh9', branchId: 'b1' });
    await waitFor(() => expect(text(gone, '#state')).toContain('可能已经卸任'));
    expect($(gone, '#target-hh1')).toBeFalsy();
  });
});
