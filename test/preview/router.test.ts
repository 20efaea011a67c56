/**
 * The preview's page stack (preview/runtime/router.ts) with WeChat's rules, on trivial pages
 * registered the way loader.ts registers the real ones (j-component id = route).
 */
import type { Manifest, ManifestComponent } from '../../preview/runtime/loader';
import { registerBuiltins } from '../../preview/runtime/builtins';
import { Router, splitUrl } from '../../preview/runtime/router';
import { fakeHost, settle } from './helpers';

const jc = require('j-component');
// Page templates use <view>, as main.ts registers the built-ins before the pages.
registerBuiltins(jc, fakeHost());

// A browser has TextEncoder (the router measures setData with it); jest's jsdom does not.
if (typeof TextEncoder === 'undefined') {
  Object.assign(globalThis, { TextEncoder: require('util').TextEncoder });
}

describe('splitUrl', () => {
  it('takes absolute routes and their query as written', () => {
    expect(splitUrl('/pages/notice/detail?id=7&name=%E6%94%AF%E9%83%A8&empty=')).toEqual({
      route: 'pages/notice/detail',
      query: { id: '7', name: '%E6%94%AF%E9%83%A8', empty: '' },
    });
  });

  it('resolves relative routes against the current page directory', () => {
    expect(splitUrl('../member/index?x=1', 'pages/notice/list').route).toBe('pages/member/index');
    expect(splitUrl('detail', 'pages/notice/list').route).toBe('pages/notice/detail');
    expect(splitUrl('./detail?id=2', 'pages/notice/list')).toEqual({
      route: 'pages/notice/detail',
      query: { id: '2' },
    });
  });

  it('keeps a key without = as an empty value and a value holding =', () => {
    expect(splitUrl('/p/a?flag&k=a=b').query).toEqual({ flag: '', k: 'a=b' });
    expect(splitUrl('/p/a/').route).toBe('p/a');
  });
});

// --- the Router over trivial pages

const HOOKS = ['onLoad', 'onShow', 'onReady', 'onHide', 'onUnload'] as const;
const log: string[] = [];

const TITLES: Record<string, string> = {
  'pages/home/index': '首页',
  'pages/me/index': '我的',
  'pages/notice/list': '通知',
  'pages/notice/detail': '通知详情',
};

/** Register a page whose lifecycle hooks write `<route> <hook> [query]` to `log`. */
function page(route: string, extra: Record<string, (this: any, ...a: any[]) => void> = {}) {
  const tagName = `page-${route.replace(/\//g, '-')}`;
  const methods: Record<string, (this: any, ...a: any[]) => void> = {};
  for (const hook of HOOKS) {
    methods[hook] = function (this: any, ...args: unknown[]) {
      log.push(
        hook === 'onLoad' ? `${route} onLoad ${JSON.stringify(args[0])}` : `${route} ${hook}`,
      );
      extra[hook]?.apply(this, args);
    };
  }
  jc.register({
    id: route,
    tagName,
    template: '<view class="title">{{title}}</view><view wx:for="{{items}}">{{item}}</view>',
    data: { title: route, items: [] },
    methods,
  });
  const meta: ManifestComponent = {
    id: route,
    tagName,
    classPrefix: '',
    hostKey: route,
    using: {},
    isPage: true,
    json: { navigationBarTitleText: TITLES[route] },
  };
  return meta;
}

const detailData = { title: '第一支部 学习通知', items: ['一', '二'] };
const components = [
  page('pages/home/index'),
  page('pages/me/index'),
  page('pages/notice/list'),
  page('pages/notice/detail', {
    onLoad(this: any) {
      this.setData(detailData);
      this.setData({ title: 'second setData is not measured' });
    },
  }),
];
/** A list page: pull-down refresh enabled, reach-bottom at the default 50 px. */
const LIST = 'pages/notice/long';
jc.register({
  id: LIST,
  tagName: 'page-notice-long',
  template: '<view>列表</view>',
  methods: {
    onPullDownRefresh() {
      log.push(`${LIST} onPullDownRefresh`);
    },
    onReachBottom() {
      log.push(`${LIST} onReachBottom`);
    },
  },
});
components.push({
  id: LIST,
  tagName: 'page-notice-long',
  classPrefix: '',
  hostKey: LIST,
  using: {},
  isPage: true,
  json: { navigationBarTitleText: '长列表', enablePullDownRefresh: true },
});

const manifest: Manifest = {
  app: {
    pages: components.map((c) => c.id),
    entryPagePath: 'pages/home/index',
    window: { navigationBarTitleText: '网上支部' },
    tabBar: {
      list: [
        { pagePath: 'pages/home/index', text: '首页' },
        { pagePath: 'pages/me/index', text: '我的' },
      ],
    },
  },
  builtins: [],
  components,
};

let router: Router;
let errors: string[];
let els: {
  pages: HTMLElement;
  navTitle: HTMLElement;
  navBack: HTMLElement;
  navBar: HTMLElement;
  tabBar: HTMLElement;
};

beforeEach(() => {
  const phone = document.createElement('div');
  const make = () => phone.appendChild(document.createElement('div'));
  els = { pages: make(), navTitle: make(), navBack: make(), navBar: make(), tabBar: make() };
  document.body.appendChild(phone);
  errors = [];
  router = new Router(manifest, els, (err, where) => errors.push(`${where}: ${String(err)}`));
});

afterEach(async () => {
  // Page hooks must not have thrown (the runtime would show them in red).
  expect(errors).toEqual([]);
  document.body.replaceChildren();
});

const routes = () => router.pages().map((p) => p.route);
/** Start at `url` and forget what that logged. */
async function start(url: string) {
  await router.reLaunch(url);
  await settle();
  log.length = 0;
}
const withoutReady = () => log.filter((l) => !l.endsWith(' onReady'));

describe('Router', () => {
  it('navigateTo loads the page with its query, then shows it, then onReady', async () => {
    await start('/pages/home/index');
    await router.navigateTo('/pages/notice/list?branchId=b1&name=%E6%94%AF');
    expect(log).toEqual([
      'pages/home/index onHide',
      'pages/notice/list onLoad {"branchId":"b1","name":"%E6%94%AF"}',
      'pages/notice/list onShow',
      'pages/notice/list onReady',
    ]);
    expect(routes()).toEqual(['pages/home/index', 'pages/notice/list']);
    expect(router.pages()[1].instance.options).toEqual({ branchId: 'b1', name: '%E6%94%AF' });
    // Only the page on top is visible; the back button shows from the second page on.
    const frames = Array.from(els.pages.children) as HTMLElement[];
    expect(frames.map((f) => f.hidden)).toEqual([true, false]);
    expect(els.navBack.hidden).toBe(false);
  });

  it('navigateTo resolves a url relative to the page on top', async () => {
    await start('/pages/notice/list');
    await router.navigateTo('detail?id=7');
    expect(routes()).toEqual(['pages/notice/list', 'pages/notice/detail']);
    expect(router.pages()[1].options).toEqual({ id: '7' });
  });

  it('navigateBack unloads the top and shows the page below', async () => {
    await start('/pages/home/index');
    await router.navigateTo('/pages/notice/list');
    await router.navigateTo('/pages/notice/detail?id=1');
    log.length = 0;
    await router.navigateBack(1);
    expect(withoutReady()).toEqual(['pages/notice/detail onUnload', 'pages/notice/list onShow']);
    expect(routes()).toEqual(['pages/home/index', 'pages/notice/list']);
    expect(els.pages.querySelector('[data-route="pages/notice/detail"]')).toBeNull();
    // A delta past the first page stops there.
    await router.navigateBack(9);
    expect(routes()).toEqual(['pages/home/index']);
    expect(els.navBack.hidden).toBe(true);
    await expect(router.navigateBack(1)).rejects.toThrow('cannot navigate back at first page.');
  });

  it('the back button of the navigation bar goes back', async () => {
    await start('/pages/notice/list');
    await router.navigateTo('/pages/notice/detail');
    els.navBack.click();
    await settle();
    expect(routes()).toEqual(['pages/notice/list']);
  });

  it('redirectTo replaces the page on top', async () => {
    await start('/pages/home/index');
    await router.navigateTo('/pages/notice/list');
    log.length = 0;
    await router.redirectTo('/pages/notice/detail?id=3');
    expect(withoutReady()).toEqual([
      'pages/notice/list onUnload',
      'pages/notice/detail onLoad {"id":"3"}',
      'pages/notice/detail onShow',
    ]);
    expect(routes()).toEqual(['pages/home/index', 'pages/notice/detail']);
    await expect(router.redirectTo('/pages/me/index')).rejects.toThrow(
      'can not redirectTo a tabbar page',
    );
  });

  it('switchTab keeps tab pages alive and closes the other pages', async () => {
    await start('/pages/home/index');
    await router.navigateTo('/pages/notice/list');
    log.length = 0;
    await router.switchTab('/pages/me/index');
    expect(withoutReady()).toEqual([
      'pages/notice/list onUnload',
      'pages/me/index onLoad {}',
      'pages/me/index onShow',
    ]);
    expect(routes()).toEqual(['pages/me/index']);

    log.length = 0;
    await router.switchTab('/pages/home/index');
    await settle();
    // Second visit: shown again, not loaded again.
    expect(log).toEqual(['pages/me/index onHide', 'pages/home/index onShow']);
    expect(routes()).toEqual(['pages/home/index']);
    const frames = Array.from(els.pages.children) as HTMLElement[];
    expect(frames.map((f) => [f.dataset.route, f.hidden])).toEqual([
      ['pages/home/index', false],
      ['pages/me/index', true],
    ]);

    log.length = 0;
    await router.switchTab('/pages/me/index');
    expect(log).toEqual(['pages/home/index onHide', 'pages/me/index onShow']);
    await expect(router.switchTab('/pages/notice/list')).rejects.toThrow(
      'can not switchTab to a non-tabbar page',
    );
  });

  it('reLaunch unloads every page, kept tab pages included', async () => {
    await start('/pages/home/index');
    await router.switchTab('/pages/me/index');
    await router.navigateTo('/pages/notice/list');
    log.length = 0;
    await router.reLaunch('/pages/notice/detail?id=9');
    const unloaded = log.filter((l) => l.endsWith(' onUnload')).sort();
    expect(unloaded).toEqual([
      'pages/home/index onUnload',
      'pages/me/index onUnload',
      'pages/notice/list onUnload',
    ]);
    expect(withoutReady().slice(-2)).toEqual([
      'pages/notice/detail onLoad {"id":"9"}',
      'pages/notice/detail onShow',
    ]);
    expect(routes()).toEqual(['pages/notice/detail']);
    expect(els.pages.children).toHaveLength(1);

    // The tab pages start afresh afterwards.
    log.length = 0;
    await router.switchTab('/pages/home/index');
    expect(withoutReady()).toContain('pages/home/index onLoad {}');
  });

  it('refuses navigateTo a tab page or an unknown page', async () => {
    await start('/pages/notice/list');
    await expect(router.navigateTo('/pages/home/index')).rejects.toThrow(
      'can not navigateTo a tabbar page',
    );
    await expect(router.navigateTo('/pages/nope/index')).rejects.toThrow(
      'page "pages/nope/index" is not found',
    );
    expect(routes()).toEqual(['pages/notice/list']);
  });

  it('holds at most ten pages', async () => {
    await start('/pages/notice/list');
    for (let i = 2; i <= 10; i++) await router.navigateTo(`/pages/notice/detail?n=${i}`);
    expect(router.pages()).toHaveLength(10);
    await expect(router.navigateTo('/pages/notice/detail?n=11')).rejects.toThrow(
      'webview count limit exceed',
    );
    expect(router.pages()).toHaveLength(10);
    expect(router.pages()[9].options).toEqual({ n: '10' });
  });

  it('a title set by the page survives navigateTo and back', async () => {
    await start('/pages/notice/list');
    expect(els.navTitle.textContent).toBe('通知');
    router.setPageTitle('第一支部的通知');
    expect(els.navTitle.textContent).toBe('第一支部的通知');
    await router.navigateTo('/pages/notice/detail');
    expect(els.navTitle.textContent).toBe('通知详情');
    await router.navigateBack(1);
    expect(els.navTitle.textContent).toBe('第一支部的通知');
  });

  it('metrics() records the first render data and the largest setData', async () => {
    await start('/pages/notice/list');
    expect(router.metrics()).toMatchObject({
      route: 'pages/notice/list',
      largestSetDataBytes: 0,
    });
    await router.navigateTo('/pages/notice/detail');
    const m = router.metrics();
    expect(m?.route).toBe('pages/notice/detail');
    // The page's own data at first render, then the largest single setData since.
    expect(m?.initialDataBytes).toBe(
      Buffer.byteLength(JSON.stringify({ title: 'pages/notice/detail', items: [] }), 'utf8'),
    );
    expect(m?.largestSetDataBytes).toBe(Buffer.byteLength(JSON.stringify(detailData), 'utf8'));
    expect(m?.wxmlNodes).toBeGreaterThanOrEqual(3);
  });

  it('pull-down refresh calls onPullDownRefresh; stopPullDownRefresh ends the indicator', async () => {
    await start(`/${LIST}`);
    const frame = router.top()!.frame;
    expect(frame.querySelector('.wx-pull-indicator')).not.toBeNull();
    router.startPullDownRefresh();
    expect(log).toEqual([`${LIST} onPullDownRefresh`]);
    expect(frame.classList.contains('wx-refreshing')).toBe(true);
    router.stopPullDownRefresh();
    expect(frame.classList.contains('wx-refreshing')).toBe(false);
  });

  it('reaching the bottom calls onReachBottom once per arrival', async () => {
    await start(`/${LIST}`);
    const scroller = router.top()!.scroller;
    // jsdom has no layout: give the scroller a 1000 px list in a 600 px window.
    Object.defineProperty(scroller, 'scrollHeight', { value: 1000, configurable: true });
    Object.defineProperty(scroller, 'clientHeight', { value: 600, configurable: true });
    const scrollTo = (top: number) => {
      scroller.scrollTop = top;
      scroller.dispatchEvent(new Event('scroll'));
    };
    scrollTo(200);
    expect(log).toEqual([]);
    scrollTo(360); // 40 px from the end: within the default 50
    scrollTo(380);
    expect(log).toEqual([`${LIST} onReachBottom`]);
    scrollTo(100);
    scrollTo(400);
    expect(log).toEqual([`${LIST} onReachBottom`, `${LIST} onReachBottom`]);
  });

  it('switchTab to the tab already shown does nothing', async () => {
    await start('/pages/home/index');
    await router.switchTab('/pages/home/index');
    await settle();
    expect(log).toEqual([]);
    expect(routes()).toEqual(['pages/home/index']);
  });
});
