/**
 * The page map holds together: every route the code navigates to is registered in app.json,
 * every registered page has its four files, tab pages are the tab bar's, and a page that
 * enables pull-to-refresh handles it.
 */
import fs from 'fs';
import path from 'path';
import { BRANCH_CONTEXT_KEY } from '../../miniprogram/utils/branch-context';
import { ROUTES, TABS } from '../../miniprogram/utils/nav';
import { loadPage, prepare, waitFor } from './helpers/load';
import { restoreWx, stubWx, useEnvVersion, useFontScale, useStorage } from './helpers/wx';

const MP = path.resolve(__dirname, '../../miniprogram');
const app = JSON.parse(fs.readFileSync(path.join(MP, 'app.json'), 'utf8'));
const registered: string[] = [
  ...app.pages,
  ...app.subPackages.flatMap((p: { root: string; pages: string[] }) =>
    p.pages.map((page) => `${p.root.replace(/\/$/, '')}/${page}`),
  ),
];

test('every route the pages navigate to is registered in app.json', () => {
  for (const route of Object.values(ROUTES)) expect(registered).toContain(route.slice(1));
});

test.each(registered)('%s has its .ts, .json, .wxml and .wxss', (page) => {
  for (const ext of ['ts', 'json', 'wxml', 'wxss'])
    expect(fs.existsSync(path.join(MP, `${page}.${ext}`))).toBe(true);
});

test('role tools live in the secretary subpackage, not the main package', () => {
  for (const r of [ROUTES.approvals, ROUTES.compose, ROUTES.invite, ROUTES.reads])
    expect(r.startsWith('/packages/secretary/')).toBe(true);
  expect(app.lazyCodeLoading).toBe('requiredComponents');
});

test('the tab bar is custom and lists 首页, 学习, 活动, 联户 and 我的 (UX.md), as the bar itself does', () => {
  expect(app.tabBar.custom).toBe(true);
  const list = app.tabBar.list.map((t: { pagePath: string }) => `/${t.pagePath}`);
  expect(list).toEqual([
    ROUTES.home,
    ROUTES.lessons,
    ROUTES.activities,
    ROUTES.liaison,
    ROUTES.mine,
  ]);
  // Every tab of the custom bar is a tabBar page (switchTab needs it), and the reverse.
  expect(TABS.map((t) => t.url)).toEqual(list);
});

test.each(registered)('%s handles pull-to-refresh when it enables it', (page) => {
  const json = JSON.parse(fs.readFileSync(path.join(MP, `${page}.json`), 'utf8'));
  if (!json.enablePullDownRefresh) return;
  const source = fs.readFileSync(path.join(MP, `${page}.ts`), 'utf8');
  // Its own handler, or the list-page behavior's (utils/list-page.ts).
  const handler = /behaviors: \[listPageBehavior\(/.test(source)
    ? fs.readFileSync(path.join(MP, 'utils/list-page.ts'), 'utf8')
    : source;
  expect(handler).toMatch(/onPullDownRefresh\(/);
});

describe('custom tab bar', () => {
  beforeAll(() => prepare('custom-tab-bar/index'), 60_000);
  beforeEach(() => {
    useEnvVersion('develop');
    useStorage();
    useFontScale(1);
  });
  afterEach(() => restoreWx());

  test('switching tab opens the tab page with switchTab', async () => {
    const switchTab = stubWx('switchTab', jest.fn());
    const bar = loadPage('custom-tab-bar/index');
    expect(bar.text()).toContain('首页');
    expect(bar.text()).toContain('我的');
    bar.instance.onChange({ detail: { value: 'mine' } });
    await waitFor(() => expect(switchTab).toHaveBeenCalledWith({ url: ROUTES.mine }));
    expect(bar.instance.data.value).toBe('mine');
    bar.detach();
  });

  test('学习 and 联户 are shown to members only (a branch remembered from branch.me)', async () => {
    const switchTab = stubWx('switchTab', jest.fn());
    const outsider = loadPage('custom-tab-bar/index');
    expect(outsider.text()).not.toContain('学习');
    // Residents reach their central household from home, not from the 联户 tab.
    expect(outsider.text()).not.toContain('联户');
    // 活动 is for everyone: residents sign up for open volunteer activities.
    expect(outsider.text()).toMatch(/^首页\s*活动\s*我的$/);
    outsider.detach();

    useStorage({
      [BRANCH_CONTEXT_KEY]: {
        branchId: 'b1',
        branchName: '第一党支部',
        committeeId: 'c1',
        role: 'member',
      },
    });
    const member = loadPage('custom-tab-bar/index');
    expect(member.text()).toMatch(/^首页\s*学习\s*活动\s*联户\s*我的$/);
    member.instance.onChange({ detail: { value: 'lessons' } });
    await waitFor(() => expect(switchTab).toHaveBeenCalledWith({ url: ROUTES.lessons }));
    member.instance.onChange({ detail: { value: 'liaison' } });
    await waitFor(() => expect(switchTab).toHaveBeenCalledWith({ url: ROUTES.liaison }));
    expect(member.instance.data.value).toBe('liaison');
    member.detach();
  });
});
