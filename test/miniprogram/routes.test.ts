/**
 * The page map holds together: every route the code navigates to is registered in app.json,
 * every registered page has its four files, tab pages are the tab bar's, and a page that
 * enables pull-to-refresh handles it.
 */
import fs from 'fs';
import path from 'path';
import { ROUTES } from '../../miniprogram/utils/nav';
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

test('the tab bar is custom and lists the home and 我的 pages', () => {
  expect(app.tabBar.custom).toBe(true);
  expect(app.tabBar.list.map((t: { pagePath: string }) => `/${t.pagePath}`)).toEqual([
    ROUTES.home,
    ROUTES.mine,
  ]);
});

test.each(registered)('%s handles pull-to-refresh when it enables it', (page) => {
  const json = JSON.parse(fs.readFileSync(path.join(MP, `${page}.json`), 'utf8'));
  if (!json.enablePullDownRefresh) return;
  expect(fs.readFileSync(path.join(MP, `${page}.ts`), 'utf8')).toMatch(/onPullDownRefresh\(/);
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
});
