/**
 * The browser preview's shell and runtime (preview/): the phone frame, the navigation bar,
 * the custom tab bar, the page stack, queries, the `wx` shim's report of missing APIs,
 * rpx and TDesign's icons.
 */
import {
  allowMissingWx,
  expectTitle,
  findText,
  navTitle,
  openPreview,
  pageText,
  settle,
  tapText,
  typeInto,
  useE2E,
} from './helpers';
import type { Page } from 'playwright-core';

const e2e = useE2E();

const routes = (page: Page): Promise<string[]> =>
  page.evaluate(() => (window as any).__preview.routes());

test('the phone frame is 375×812 and the navigation bar shows the title of the page’s .json', async () => {
  const page = e2e.page;
  await openPreview(page, { openid: 'demo-member' });
  const box = await page.locator('#phone').boundingBox();
  expect(box).not.toBeNull();
  expect(Math.round(box!.width)).toBe(375);
  expect(Math.round(box!.height)).toBe(812);
  // pages/index/index.json
  expect(await navTitle(page)).toBe('网上支部');
  await openPreview(page, {
    openid: 'demo-member',
    route: 'pages/directory/index',
    query: { branchId: 'org-branch-1' },
  });
  // pages/directory/index.json
  expect(await navTitle(page)).toBe('党员通讯录');
  expect(await pageText(page)).toContain('王建国');
});

test('the tab bar switches between 首页 and 我的 (switchTab)', async () => {
  const page = e2e.page;
  await openPreview(page, { openid: 'demo-member' });
  const tab = (name: string) => page.locator('#tabbar').getByRole('tab', { name, exact: true });
  await expect(tab('首页').getAttribute('aria-selected')).resolves.toBe('true');
  await tab('我的').click();
  await expectTitle(page, '我的');
  expect(await pageText(page)).toContain('幸福里社区第一党支部');
  expect(await routes(page)).toEqual(['pages/mine/index']);
  await expect(tab('我的').getAttribute('aria-selected')).resolves.toBe('true');
  await tab('首页').click();
  await expectTitle(page, '网上支部');
  expect(await routes(page)).toEqual(['pages/index/index']);
  await expect(tab('首页').getAttribute('aria-selected')).resolves.toBe('true');
  // No back button on a tab page.
  await expect(page.getByRole('button', { name: '返回' }).isVisible()).resolves.toBe(false);
});

test('navigateTo opens a page above, the back button returns (navigateBack)', async () => {
  const page = e2e.page;
  await openPreview(page, { openid: 'demo-member' });
  const back = page.getByRole('button', { name: '返回' });
  await expect(back.isVisible()).resolves.toBe(false);
  await tapText(page, '党员通讯录');
  await expectTitle(page, '党员通讯录');
  expect(await routes(page)).toEqual(['pages/index/index', 'pages/directory/index']);
  await expect(back.isVisible()).resolves.toBe(true);
  await expect(page.getByRole('tab', { name: '首页' }).isVisible()).resolves.toBe(false);
  await back.click();
  await expectTitle(page, '网上支部');
  expect(await routes(page)).toEqual(['pages/index/index']);
  await expect(back.isVisible()).resolves.toBe(false);
  // The tab bar is back with the tab page.
  await expect(page.getByRole('tab', { name: '首页' }).isVisible()).resolves.toBe(true);
});

test('the query of the url reaches onLoad', async () => {
  const page = e2e.page;
  await openPreview(page, {
    openid: 'demo-member',
    route: 'pages/notices/detail',
    query: { id: 'n-b1-dues' },
  });
  // The page puts the notice's title in the navigation bar (wx.setNavigationBarTitle).
  await expectTitle(page, '关于按时交纳党费的通知');
  await findText(page, '关于按时交纳党费的通知');
  expect(await pageText(page)).toContain('请各位党员于本月 25 日前');
  // And another id, another notice.
  await openPreview(page, {
    openid: 'demo-member',
    route: 'pages/notices/detail',
    query: 'id=n-b1-lesson',
  });
  await findText(page, '微党课：学习身边的榜样');
});

test('a Chinese query value with & and = reaches the page as written (go() encodes it)', async () => {
  const page = e2e.page;
  const name = '幸福里&第一=党支部';
  await openPreview(page, {
    openid: 'demo-secretary',
    route: 'packages/secretary/invite/index',
    query: { branchId: 'branch-does-not-matter-here', branchName: name },
  });
  await findText(page, name);
  expect(await pageText(page)).not.toContain('%E5');
});

test('a wx API the shim lacks is reported by missingWx()', async () => {
  const page = e2e.page;
  await openPreview(page, { openid: 'demo-member' });
  expect(await page.evaluate(() => (window as any).__preview.missingWx())).toEqual([]);
  const value = await page.evaluate(() => typeof (window as any).wx.someMissingApi);
  expect(value).toBe('undefined');
  const missing: string[] = await page.evaluate(() => (window as any).__preview.missingWx());
  expect(missing.some((m) => m.replace(/^wx\./, '') === 'someMissingApi')).toBe(true);
  // Asked for on purpose: not a problem of the page.
  allowMissingWx(page, missing);
});

test('rpx: 750rpx is the 375px phone width (a large TDesign button is 96rpx → 48px)', async () => {
  const page = e2e.page;
  await openPreview(page, {
    openid: 'demo-secretary',
    route: 'packages/secretary/compose/index',
    query: { branchId: 'org-branch-1' },
  });
  const button = page.locator('#phone').getByRole('button', { name: '发布', exact: true });
  const box = await button.boundingBox();
  expect(box).not.toBeNull();
  // --td-button-large-height: 96rpx (miniprogram/styles/tokens.wxss)
  expect(Math.round(box!.height)).toBe(48);
  // `block`: the page's 32rpx side gaps → 375 - 2 × 16 (the card layout may add its own)
  expect(box!.width).toBeGreaterThan(300);
  expect(box!.width).toBeLessThanOrEqual(375 - 2 * 16 + 1);
});

test('TDesign icons render whole (the remote icon font is replaced by SVG)', async () => {
  const page = e2e.page;
  // Home: the tab bar's 首页 / 我的 and the cells' arrows; the directory: t-search's icon.
  const pages = [
    { route: undefined, query: undefined },
    { route: 'pages/directory/index', query: { branchId: 'org-branch-1' } },
  ];
  for (const { route, query } of pages) {
    await openPreview(page, { openid: 'demo-member', route, query });
    const icons = await page.evaluate(async () => {
      const out: { icon: string; width: number; height: number; drawn: string }[] = [];
      const els = Array.from(
        document.querySelectorAll<HTMLElement>('#phone [class*="t-icon-base"]'),
      ).filter((el) => el.getClientRects().length > 0);
      for (const el of els) {
        const r = el.getBoundingClientRect();
        const icon = /t-icon-([\w-]+)/.exec(el.className.replace(/t-icon-base/, ''))?.[1] ?? '?';
        const before = getComputedStyle(el, '::before');
        const mask = before.getPropertyValue('-webkit-mask-image') || before.maskImage;
        const url = /url\("?([^")]+)"?\)/.exec(mask ?? '')?.[1];
        let drawn = 'no mask image';
        if (url) {
          // The SVG as the mask shows it: its drawing must lie inside its viewport (viewBox,
          // else width × height); outside it is cut off.
          const text = await (await fetch(url)).text();
          const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
          const svg = document.importNode(doc.documentElement, true) as unknown as SVGSVGElement;
          svg.style.cssText = 'position:absolute;left:-1000px;top:0;font-size:16px';
          document.body.appendChild(svg);
          const box = svg.getBBox();
          const vb = svg.viewBox.baseVal;
          const w = vb && vb.width > 0 ? vb.width : svg.width.baseVal.value;
          const h = vb && vb.height > 0 ? vb.height : svg.height.baseVal.value;
          svg.remove();
          const inside =
            box.width > 0 && box.x >= -0.5 && box.y >= -0.5 && box.x + box.width <= w + 0.5;
          drawn =
            inside && box.y + box.height <= h + 0.5
              ? 'whole'
              : `drawing ${Math.round(box.x + box.width)}×${Math.round(box.y + box.height)} in a ${w}×${h} viewport`;
        }
        out.push({ icon, width: r.width, height: r.height, drawn });
      }
      return out;
    });
    expect(icons.length).toBeGreaterThan(0);
    for (const i of icons) {
      expect(i.width).toBeGreaterThan(0);
      expect(i.height).toBeGreaterThan(0);
      expect({ icon: i.icon, drawn: i.drawn }).toEqual({ icon: i.icon, drawn: 'whole' });
    }
  }
});

test('a title set by the page (wx.setNavigationBarTitle) wins over its .json and stays', async () => {
  const page = e2e.page;
  // Set in onLoad: group-members titles itself with the group's name.
  await openPreview(page, {
    openid: 'demo-secretary',
    route: 'packages/secretary/group-members/index',
    query: 'branchId=org-branch-1&groupId=pg-b1-1&groupName=GroupOne',
  });
  expect(await navTitle(page)).toBe('GroupOne');
  // Set after loading: the notice's title; still there after coming back from 已读情况.
  await openPreview(page, {
    openid: 'demo-secretary',
    route: 'pages/notices/detail',
    query: { id: 'n-b1-dues' },
  });
  await expectTitle(page, '关于按时交纳党费的通知');
  await tapText(page, '查看已读未读 · 提醒未读');
  await expectTitle(page, '已读情况');
  await page.getByRole('button', { name: '返回' }).click();
  await settle(page);
  await findText(
    page,
    '请各位党员于本月 25 日前通过线上或到党群服务中心交纳党费，行动不便的老党员可联系所在党小组组长上门收取。',
  );
  expect(await navTitle(page)).toBe('关于按时交纳党费的通知');
});

test('typing key by key keeps the focus in the field and reaches the page', async () => {
  const page = e2e.page;
  await openPreview(page, {
    openid: 'demo-secretary',
    route: 'packages/secretary/compose/index',
    query: { branchId: 'org-branch-1' },
  });
  await typeInto(page, '标题', 'AB 12');
  const input = page.getByRole('textbox', { name: '标题' });
  expect(await input.inputValue()).toBe('AB 12');
  await expect(input.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
  // The page got it through t-input's change event: 发布 sends it (here: 正文 is missing).
  await page.locator('#phone').getByRole('button', { name: '发布', exact: true }).click();
  await settle(page);
  await findText(page, '请填写正文');
});

test('a WXML id is the element’s id, as in WeChat’s webview (#id in WXSS, tests, screenshots)', async () => {
  const page = e2e.page;
  await openPreview(page, { openid: 'demo-member' });
  const name = page.locator('#pages #branch-name');
  await expect(name.innerText()).resolves.toContain('幸福里社区第一党支部');
  // A custom component with a host element (state-view) carries it too.
  await expect(page.locator('#pages state-view#state').count()).resolves.toBe(1);
});
