/**
 * The 联户 tab (issue #7): my central household, its open requests, managers' entries (求助列表
 * only for those who may see residents) and the committee's escalated requests.
 */
import { currentBranch } from '../../miniprogram/utils/branch-context';
import { callsOf, err, ok, stubBackend } from './helpers/backend';
import { HH, household, requestItem, settings } from './helpers/liaison-member';
import { loadPage, prepare, tap, waitFor, type LoadedPage } from './helpers/load';
import { restoreWx, stubWx, useEnvVersion, useFontScale, useStorage } from './helpers/wx';

const TAB = 'pages/liaison/index';

let opened: LoadedPage | null = null;
function open(): LoadedPage {
  opened = loadPage(TAB);
  return opened;
}
const $ = (page: LoadedPage, sel: string) => page.page.querySelector(sel);
const text = (page: LoadedPage, sel: string) =>
  ($(page, sel)?.dom?.textContent ?? '').replace(/\s+/g, ' ').trim();

beforeAll(() => prepare(TAB), 90_000);
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

describe('联户 tab', () => {
  test('opened first with nothing remembered, it keeps the branch for the tab bar', async () => {
    const branch = {
      branchId: 'b1',
      branchName: '幸福里社区第一党支部',
      committeeId: 'c1',
      role: 'member' as const,
    };
    stubBackend({
      'liaison.myHouseholds': () =>
        ok({
          households: [household()],
          requests: [],
          manages: [],
          committees: [],
          branch,
          settings,
        }),
    });
    expect(currentBranch()).toBeNull();
    const page = open();
    await waitFor(() => expect($(page, `#household-${HH}`)).toBeTruthy());
    expect(currentBranch()).toEqual(branch);
  });

  test('a central-household member: the household card, its open requests oldest first, one call', async () => {
    const navigate = stubWx('navigateTo', jest.fn());
    const calls = stubBackend({
      'liaison.myHouseholds': () =>
        ok({
          households: [household({ residentCount: 3, boundCount: 2, needsMore: true })],
          requests: [
            requestItem({ requestId: 'r-old', urgent: true, overdue: true, level: 1 }),
            requestItem({ requestId: 'r-new', status: 'accepted', text: '想咨询医保报销' }),
          ],
          manages: [],
          settings,
        }),
    });
    const page = open();
    await waitFor(() => expect($(page, `#household-${HH}`)).toBeTruthy());
    expect(calls.map((c) => `${c.fn}.${c.action}`)).toEqual(['liaison.myHouseholds']);

    const card = text(page, `#household-${HH}`);
    expect(card).toContain('幸福里 3栋2单元301室');
    expect(card).toContain('幸福里第一网格');
    expect(card).toContain('联系户 3 / 10');
    expect(card).toContain('还需联系 2 户');
    expect(card).toContain('已绑定微信 2 户');

    // Oldest first as the server sent them, with what makes them pressing.
    expect(page.page.querySelectorAll('.request')).toHaveLength(2);
    expect(page.text().indexOf('厨房水管漏水')).toBeLessThan(page.text().indexOf('想咨询医保报销'));
    const old = text(page, '#request-r-old');
    expect(old).toContain('紧急');
    expect(old).toContain('超时');
    expect(old).toContain('已上报支部书记');
    expect(old).toContain('陈桂兰');
    expect(text(page, '#request-r-new')).toContain('处理中');
    expect(text(page, '#request-r-new')).not.toContain('紧急');
    expect($(page, '#manage')).toBeFalsy();

    tap($(page, '#request-r-old'));
    await waitFor(() => expect(navigate).toHaveBeenCalledTimes(1));
    expect(navigate.mock.calls[0][0].url).toBe('/packages/liaison/request/index?requestId=r-old');
    tap($(page, `#go-household-${HH}`));
    await waitFor(() => expect(navigate).toHaveBeenCalledTimes(2));
    expect(navigate.mock.calls[1][0].url).toBe(
      `/packages/liaison/household/index?householdId=${HH}`,
    );
    tap($(page, `#go-visit-${HH}`));
    await waitFor(() => expect(navigate).toHaveBeenCalledTimes(3));
    expect(navigate.mock.calls[2][0].url).toBe(`/packages/liaison/visit/index?householdId=${HH}`);
  });

  test('at the norm no 还需联系; no open requests says so', async () => {
    stubBackend({
      'liaison.myHouseholds': () =>
        ok({ households: [household()], requests: [], manages: [], settings }),
    });
    const page = open();
    await waitFor(() => expect($(page, `#household-${HH}`)).toBeTruthy());
    expect(text(page, `#household-${HH}`)).toContain('联系户 6 / 10');
    expect(text(page, `#household-${HH}`)).not.toContain('还需联系');
    expect(text(page, '#no-requests')).toBe('没有待办的求助');
  });

  test('a secretary without a household of their own: 中心户管理, 求助列表 and 联户看板 per branch', async () => {
    const navigate = stubWx('navigateTo', jest.fn());
    stubBackend({
      'liaison.myHouseholds': () =>
        ok({
          households: [],
          requests: [],
          manages: [
            { branchId: 'org-branch-1', branchName: '幸福社区第一党支部', canSeeResidents: true },
          ],
          committees: [],
        }),
    });
    const page = open();
    await waitFor(() => expect($(page, '#manage')).toBeTruthy());
    expect(page.text()).toContain('幸福社区第一党支部');
    expect(page.text()).toContain('联系户导入导出');
    expect($(page, '#requests')).toBeFalsy();
    expect($(page, '#committees')).toBeFalsy();
    expect($(page, '#state')?.querySelector('#state-empty')).toBeFalsy();

    tap($(page, '#manage-org-branch-1'));
    await waitFor(() => expect(navigate).toHaveBeenCalledTimes(1));
    expect(navigate.mock.calls[0][0].url).toBe(
      '/packages/liaison-admin/households/index?branchId=org-branch-1',
    );
    tap($(page, '#dashboard-org-branch-1'));
    await waitFor(() => expect(navigate).toHaveBeenCalledTimes(2));
    expect(navigate.mock.calls[1][0].url).toBe(
      '/packages/liaison-admin/dashboard/index?branchId=org-branch-1',
    );
    tap($(page, '#requests-org-branch-1'));
    await waitFor(() => expect(navigate).toHaveBeenCalledTimes(3));
    expect(navigate.mock.calls[2][0].url).toBe(
      '/packages/liaison-admin/requests/index?branchId=org-branch-1',
    );
  });

  test('the mass-work member (canSeeResidents false): no 求助列表 and no resident tools promised', async () => {
    stubBackend({
      'liaison.myHouseholds': () =>
        ok({
          households: [],
          requests: [],
          manages: [
            { branchId: 'org-branch-1', branchName: '幸福社区第一党支部', canSeeResidents: false },
            { branchId: 'org-branch-2', branchName: '幸福社区第二党支部', canSeeResidents: true },
          ],
          committees: [],
        }),
    });
    const page = open();
    await waitFor(() => expect($(page, '#manage-org-branch-1')).toBeTruthy());
    expect($(page, '#dashboard-org-branch-1')).toBeTruthy();
    expect($(page, '#requests-org-branch-1')).toBeFalsy();
    expect($(page, '#requests-org-branch-2')).toBeTruthy();
    expect($(page, '#manage-org-branch-1')!.instance.data.description).not.toContain('导入');
    expect($(page, '#manage-org-branch-2')!.instance.data.description).toContain('导入');
  });

  test('a committee secretary: the 社区党委 group opens the requests escalated to the committee', async () => {
    const navigate = stubWx('navigateTo', jest.fn());
    stubBackend({
      'liaison.myHouseholds': () =>
        ok({
          households: [],
          requests: [],
          manages: [],
          committees: [{ committeeId: 'org-committee', name: '幸福社区党委' }],
        }),
    });
    const page = open();
    await waitFor(() => expect($(page, '#committees')).toBeTruthy());
    // Only a committee to look after is still something to show, not the empty state.
    expect($(page, '#state')?.querySelector('#state-empty')).toBeFalsy();
    expect($(page, '#manage')).toBeFalsy();
    expect(page.text()).toContain('社区党委');
    expect(page.text()).toContain('上报党委的求助');
    expect(page.text()).toContain('幸福社区党委');
    tap($(page, '#committee-requests-org-committee'));
    await waitFor(() => expect(navigate).toHaveBeenCalled());
    expect(navigate.mock.calls[0][0].url).toBe(
      '/packages/liaison-admin/requests/index?committeeId=org-committee',
    );
  });

  test('a plain member reads whom to ask', async () => {
    stubBackend({
      'liaison.myHouseholds': () =>
        ok({ households: [], requests: [], manages: [], committees: [] }),
    });
    const page = open();
    await waitFor(() => expect($(page, '#state')?.querySelector('#state-empty')).toBeTruthy());
    expect(page.text()).toContain('您还不是党员中心户。需要时请联系支部书记。');
    expect($(page, '#manage')).toBeFalsy();
  });

  test('an error says so; 重新加载 and pull-to-refresh ask again', async () => {
    const calls = stubBackend({
      'liaison.myHouseholds': (_d, _c, nth) =>
        nth === 0
          ? err('UNAVAILABLE', '网络不可用，请检查网络后重试')
          : ok({ households: [household()], requests: [requestItem()], manages: [], settings }),
    });
    const page = open();
    await waitFor(() => expect($(page, '#state')?.querySelector('#state-error')).toBeTruthy());
    expect(page.text()).toContain('网络不可用');
    tap($(page, '#state')!.querySelector('#retry'));
    await waitFor(() => expect($(page, `#household-${HH}`)).toBeTruthy());
    const stop = stubWx('stopPullDownRefresh', jest.fn());
    page.instance.onPullDownRefresh();
    await waitFor(() => expect(callsOf(calls, 'liaison.myHouseholds')).toHaveLength(3));
    await waitFor(() => expect(stop).toHaveBeenCalled());
    // A quiet refresh keeps the card on screen.
    expect($(page, `#household-${HH}`)).toBeTruthy();
  });
});
