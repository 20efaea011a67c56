/**
 * Boots the browser preview (docs/preview.md): the `wx` shim, WeChat's built-in components,
 * every page and component script of miniprogram/ registered with j-component, App(), then
 * the first page, as the caller chosen in the identity switcher.
 */
import jc from 'j-component';
import exparser from 'miniprogram-exparser';
import { manifest, loaders, loadApp } from 'preview-app-modules';
import { registerBuiltins } from './builtins';
import { createWx, missingWxApis } from './wx';
import type { PreviewHost } from './host';
import { appInstance, installConstructors, registerComponents, type Manifest } from './loader';
import { Router, splitUrl, type PageMetrics } from './router';
import { installShell, type Identity } from './shell';

// Outside the shim's storage prefix, so wx.clearStorage() in a page never forgets the caller.
const OPENID_KEY = 'preview-shell.caller';
const DEFAULT_OPENID = 'demo-member';

interface PreviewState {
  ready: boolean;
  errors: string[];
  pending: number;
  openid: string;
  missingWx(): string[];
  routes(): string[];
  /** The page on top: WXML nodes and data sizes (ARCHITECTURE.md §6 budgets). */
  metrics(): PageMetrics | null;
  router: Router | null;
}

const state: PreviewState = {
  ready: false,
  errors: [],
  pending: 0,
  openid: '',
  missingWx: () => missingWxApis(),
  routes: () => (state.router ? state.router.pages().map((p) => p.route) : []),
  metrics: () => (state.router ? state.router.metrics() : null),
  router: null,
};
(globalThis as Record<string, unknown>).__preview = state;

function report(err: unknown, where: string): void {
  const e = err as { stack?: string; message?: string };
  const text = `${where}: ${e?.message ?? String(err)}`;
  state.errors.push(text);
  console.error(`[preview] ${where}`, err);
  const banner = document.getElementById('errors');
  if (banner) {
    const line = document.createElement('div');
    line.textContent = text;
    banner.appendChild(line);
    banner.hidden = false;
  }
}

/** Counted so tests and screenshots can wait until the page's calls have answered. */
function countFetches(): void {
  const original = window.fetch.bind(window);
  window.fetch = async (...args: Parameters<typeof fetch>) => {
    state.pending += 1;
    try {
      return await original(...args);
    } finally {
      state.pending -= 1;
    }
  };
}

function chooseOpenid(identities: Identity[]): string {
  const fromUrl = new URLSearchParams(location.search).get('openid');
  if (fromUrl) {
    localStorage.setItem(OPENID_KEY, fromUrl);
    return fromUrl;
  }
  const stored = localStorage.getItem(OPENID_KEY);
  if (stored) return stored;
  return identities.find((i) => i.openid === DEFAULT_OPENID)?.openid ?? DEFAULT_OPENID;
}

/** A click is a tap, delivered to the component tree as WeChat's touch events would. */
function bridgeTaps(phone: HTMLElement): void {
  let lastTouchEnd = 0;
  phone.addEventListener('touchend', () => (lastTouchEnd = Date.now()), true);
  const wxTarget = (node: EventTarget | null): Element | null => {
    let el = node as (Element & { __wxElement?: unknown }) | null;
    while (el && !el.__wxElement) el = el.parentElement as typeof el;
    return el;
  };
  const fire = (e: MouseEvent, name: string) => {
    const target = wxTarget(e.target);
    if (!target || (e.target as Element).closest('[data-wx-disabled]')) return;
    // WeChat's coordinates are the page's (below the navigation bar, scroll included), with
    // the finger as the one touch.
    const frame = (e.target as Element).closest('.wx-page-frame');
    const box = (frame ?? phone).getBoundingClientRect();
    const scrollTop = frame?.querySelector('.wx-page-scroller')?.scrollTop ?? 0;
    const clientX = e.clientX - box.left;
    const clientY = e.clientY - box.top;
    const touch = { identifier: 0, pageX: clientX, pageY: clientY + scrollTop, clientX, clientY };
    exparser.Event.dispatchEvent(
      target,
      exparser.Event.create(
        name,
        { x: touch.pageX, y: touch.pageY },
        {
          originalEvent: e,
          bubbles: true,
          capturePhase: true,
          composed: true,
          extraFields: { touches: [touch], changedTouches: [touch] },
        },
      ),
    );
  };
  phone.addEventListener('click', (e) => {
    // j-component already turned a real touch into a tap; the click after it is a repeat.
    if (Date.now() - lastTouchEnd < 600) return;
    fire(e, 'tap');
  });
  phone.addEventListener('contextmenu', (e) => {
    e.preventDefault();
    fire(e, 'longpress');
  });
}

async function boot(): Promise<void> {
  const m = manifest as Manifest;
  const identities: Identity[] = await fetch('identities.json')
    .then((r) => r.json())
    .catch(() => []);
  const openid = chooseOpenid(identities);
  state.openid = openid;
  const el = (id: string) => {
    const node = document.getElementById(id);
    if (!node) throw new Error(`index.html lacks #${id}`);
    return node;
  };
  installShell({
    identities,
    current: openid,
    onSwitch(next) {
      localStorage.setItem(OPENID_KEY, next);
      const url = new URL(location.href);
      url.searchParams.delete('openid');
      url.hash = '';
      location.href = url.toString();
    },
  });
  const router = new Router(
    m,
    {
      pages: el('pages'),
      navTitle: el('nav-title'),
      navBack: el('nav-back'),
      navBar: el('navbar'),
      tabBar: el('tabbar'),
    },
    report,
  );
  state.router = router;
  // IntersectionObserver's viewport (patched into j-component by the build): the page area.
  (globalThis as Record<string, unknown>).__previewViewport = () =>
    router.top()?.scroller.getBoundingClientRect() ?? null;
  // WXSS vh is the page's window in WeChat, not the desktop browser's (wxss.mjs reads this).
  const pagesEl = el('pages');
  const setVh = () => el('phone').style.setProperty('--wx-vh', `${pagesEl.clientHeight / 100}px`);
  new ResizeObserver(setVh).observe(pagesEl);
  setVh();
  const host: PreviewHost = {
    gatewayUrl: location.origin,
    openid: () => openid,
    navigateTo: (url) => router.navigateTo(url),
    redirectTo: (url) => router.redirectTo(url),
    switchTab: (url) => router.switchTab(url),
    reLaunch: (url) => router.reLaunch(url),
    navigateBack: (delta) => router.navigateBack(delta),
    pages: () => router.pages(),
    setNavigationBarTitle: (t) => router.setPageTitle(t),
    setNavigationBarColor: (front, bg) => router.setColor(front, bg),
    stopPullDownRefresh: () => router.stopPullDownRefresh(),
    startPullDownRefresh: () => router.startPullDownRefresh(),
    pageScrollTo: (top, duration) => router.pageScrollTo(top, duration),
    overlayRoot: () => el('overlay'),
  };

  countFetches();
  const g = globalThis as Record<string, any>;
  g.wx = createWx(host);
  // The client reads its back end from storage in develop builds (miniprogram/config.ts):
  // the gateway that serves this page, as the chosen caller.
  g.wx.setStorageSync('dev.mode', 'local');
  g.wx.setStorageSync('dev.gatewayUrl', location.origin);
  g.wx.setStorageSync('dev.openid', openid);
  g.getCurrentPages = () => router.pages().map((p) => p.instance);
  exparser.addGlobalErrorListener((err: unknown, info: { method?: string }) => {
    report(err, `component ${info?.method ?? ''}`.trim());
    return false;
  });
  window.addEventListener('error', (e) => report(e.error ?? e.message, 'uncaught'));
  window.addEventListener('unhandledrejection', (e) => report(e.reason, 'unhandled rejection'));

  installConstructors((globalThis as Record<string, any>).__previewGwx);
  registerBuiltins(jc, host);
  registerComponents(m, loaders);
  loadApp();
  const app = appInstance();
  const hash = location.hash.replace(/^#\/?/, '');
  const start = hash && m.components.some((c) => c.isPage && c.id === splitUrl(hash).route);
  const firstUrl = `/${start ? hash : m.app.entryPagePath}`;
  const launch = { path: splitUrl(firstUrl).route, query: splitUrl(firstUrl).query, scene: 1001 };
  try {
    app?.onLaunch?.(launch);
    app?.onShow?.(launch);
  } catch (e) {
    report(e, 'App onLaunch');
  }
  bridgeTaps(el('phone'));
  await router.reLaunch(firstUrl);
  state.ready = true;
}

boot().catch((e) => report(e, 'boot'));
