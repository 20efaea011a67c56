/**
 * The page stack of the preview, with WeChat's rules: at most ten pages, tab pages opened
 * only by switchTab and kept alive once opened, life cycle onLoad(query) → onShow → onReady,
 * onHide when covered, onUnload when closed; the navigation bar and the custom tab bar
 * follow the page on top.
 */
import jc from 'j-component';
import type { Manifest, ManifestComponent } from './loader';
import type { PageRecord } from './host';

const MAX_STACK = 10;
const PULL_TRIGGER_PX = 64;

export interface PageEntry extends PageRecord {
  component: any;
  frame: HTMLElement;
  scroller: HTMLElement;
  meta: ManifestComponent;
  tabBar: any | null;
  atBottom: boolean;
  /** Set by wx.setNavigationBarTitle; outlives the page being covered and shown again. */
  title?: string;
  /** ARCHITECTURE.md §6: the data of a page's first render stays under 64 KB. */
  initialDataBytes: number;
  largestSetDataBytes: number;
}

/** What the budgets of ARCHITECTURE.md §6 measure on an open page. */
export interface PageMetrics {
  route: string;
  /** Elements the page's WXML produced (built-ins and components), not the shell's. */
  wxmlNodes: number;
  /** The page's data when it first renders: what WeChat sends to the view at once. */
  initialDataBytes: number;
  /** The biggest single setData since the page opened. */
  largestSetDataBytes: number;
}

const bytesOf = (data: unknown) => new TextEncoder().encode(JSON.stringify(data ?? {})).length;

export interface RouterElements {
  pages: HTMLElement;
  navTitle: HTMLElement;
  navBack: HTMLElement;
  navBar: HTMLElement;
  tabBar: HTMLElement;
}

export function splitUrl(
  url: string,
  from?: string,
): { route: string; query: Record<string, string> } {
  const [pathPart, queryPart = ''] = url.split('?');
  let route: string;
  if (pathPart.startsWith('/')) {
    route = pathPart.slice(1);
  } else {
    // Relative to the current page's directory, as WeChat resolves it.
    const base = (from ?? '').split('/').slice(0, -1);
    for (const seg of pathPart.split('/')) {
      if (seg === '..') base.pop();
      else if (seg && seg !== '.') base.push(seg);
    }
    route = base.join('/');
  }
  const query: Record<string, string> = {};
  for (const pair of queryPart.split('&')) {
    if (!pair) continue;
    const i = pair.indexOf('=');
    // WeChat hands query values to onLoad as written in the url (no decoding).
    if (i < 0) query[pair] = '';
    else query[pair.slice(0, i)] = pair.slice(i + 1);
  }
  return { route: route.replace(/\/+$/, ''), query };
}

export class Router {
  private stack: PageEntry[] = [];
  /** Tab pages stay alive after their first visit (WeChat keeps them). */
  private tabPages = new Map<string, PageEntry>();
  private byId: Map<string, ManifestComponent>;
  private tabRoutes: string[];

  constructor(
    private manifest: Manifest,
    private el: RouterElements,
    private onError: (err: unknown, where: string) => void,
  ) {
    this.byId = new Map(manifest.components.map((c) => [c.id, c]));
    this.tabRoutes = (manifest.app.tabBar?.list ?? []).map((t) => t.pagePath);
    el.navBack.addEventListener('click', () => {
      this.navigateBack(1).catch((e) => this.onError(e, 'navigateBack'));
    });
  }

  pages(): PageEntry[] {
    return [...this.stack];
  }

  metrics(): PageMetrics | null {
    const entry = this.top();
    if (!entry) return null;
    const dom: Element = entry.component.dom;
    const nodes = Array.from(dom.querySelectorAll('*')).filter(
      (n) => (n as Element & { __wxElement?: unknown }).__wxElement,
    ).length;
    return {
      route: entry.route,
      wxmlNodes: nodes,
      initialDataBytes: entry.initialDataBytes,
      largestSetDataBytes: entry.largestSetDataBytes,
    };
  }

  top(): PageEntry | undefined {
    return this.stack[this.stack.length - 1];
  }

  isTab(route: string): boolean {
    return this.tabRoutes.includes(route);
  }

  private meta(route: string): ManifestComponent {
    const m = this.byId.get(route);
    if (!m || !m.isPage) throw new Error(`page "${route}" is not found`);
    return m;
  }

  private call(entry: PageEntry, hook: string, ...args: unknown[]): void {
    const fn = entry.instance[hook];
    if (typeof fn !== 'function') return;
    try {
      const r = fn.apply(entry.instance, args);
      if (r && typeof (r as Promise<unknown>).catch === 'function') {
        (r as Promise<unknown>).catch((e) => this.onError(e, `${entry.route} ${hook}`));
      }
    } catch (e) {
      this.onError(e, `${entry.route} ${hook}`);
    }
  }

  private create(route: string, query: Record<string, string>): PageEntry {
    const meta = this.meta(route);
    const frame = document.createElement('div');
    frame.className = 'wx-page-frame';
    frame.dataset.route = route;
    const scroller = document.createElement('div');
    scroller.className = 'wx-page-scroller';
    frame.appendChild(scroller);
    this.el.pages.appendChild(frame);
    const component = jc.create(route);
    component.attach(scroller);
    const dom: HTMLElement = component.dom;
    dom.classList.add('wx-page');
    const instance = component.instance as Record<string, any>;
    const entry: PageEntry = {
      route,
      options: query,
      instance,
      component,
      frame,
      scroller,
      meta,
      tabBar: null,
      atBottom: false,
      initialDataBytes: bytesOf(instance.data),
      largestSetDataBytes: 0,
    };
    const setData = instance.setData;
    instance.setData = (data: Record<string, unknown>, cb?: () => void) => {
      entry.largestSetDataBytes = Math.max(entry.largestSetDataBytes, bytesOf(data));
      return setData.call(instance, data, cb);
    };
    instance.route = route;
    instance.__route__ = route;
    instance.options = query;
    instance.getTabBar = () => entry.tabBar && entry.tabBar.instance;
    if (this.isTab(route) && this.manifest.app.tabBar?.custom) {
      entry.tabBar = jc.create('custom-tab-bar/index');
      const holder = document.createElement('div');
      holder.className = 'wx-tabbar-holder';
      holder.dataset.route = route;
      this.el.tabBar.appendChild(holder);
      entry.tabBar.attach(holder);
      this.reserveTabBar(holder);
    }
    this.wireScrolling(entry);
    return entry;
  }

  /**
   * A custom tab bar is drawn position:fixed at the bottom; in WeChat the page's window ends
   * above it, so the tab bar area is reserved with the bar's height and the page scrolls
   * above it instead of under it.
   */
  private reserveTabBar(holder: HTMLElement): void {
    const watched = new Set<Element>();
    // Resizing the holder from its own observer's callback would loop; fit on the next frame.
    const observer = new ResizeObserver(() => requestAnimationFrame(fit));
    function fit(): void {
      const bars = Array.from(holder.querySelectorAll('*')).filter(
        (n) => getComputedStyle(n).position === 'fixed',
      );
      for (const bar of bars) {
        if (!watched.has(bar)) observer.observe(bar);
        watched.add(bar);
      }
      const height = `${Math.max(0, ...bars.map((n) => n.getBoundingClientRect().height))}px`;
      if (holder.style.height !== height) holder.style.height = height;
    }
    requestAnimationFrame(fit);
  }

  private wireScrolling(entry: PageEntry): void {
    const { scroller, meta } = entry;
    const distance = meta.json.onReachBottomDistance ?? 50;
    scroller.addEventListener('scroll', () => {
      this.call(entry, 'onPageScroll', { scrollTop: scroller.scrollTop });
      // The page scrolls in its frame, not inside the page element j-component listens on;
      // tell it, so the page's IntersectionObservers measure again as on a phone.
      entry.component.dom.dispatchEvent(new Event('scroll'));
      const near = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight <= distance;
      if (near && !entry.atBottom) this.call(entry, 'onReachBottom');
      entry.atBottom = near;
    });
    if (!meta.json.enablePullDownRefresh) return;
    // Pull down with the mouse (or a wheel past the top) as a finger would on a phone.
    let startY: number | null = null;
    let pulled = 0;
    const indicator = document.createElement('div');
    indicator.className = 'wx-pull-indicator';
    indicator.textContent = '下拉刷新';
    entry.frame.insertBefore(indicator, scroller);
    const setPull = (px: number) => {
      pulled = Math.max(0, Math.min(px, PULL_TRIGGER_PX * 1.5));
      indicator.style.height = `${pulled}px`;
      indicator.textContent = pulled >= PULL_TRIGGER_PX ? '释放刷新' : '下拉刷新';
    };
    scroller.addEventListener('pointerdown', (e) => {
      if (scroller.scrollTop <= 0) startY = e.clientY;
    });
    window.addEventListener('pointermove', (e) => {
      if (startY !== null) setPull(e.clientY - startY);
    });
    window.addEventListener('pointerup', () => {
      if (startY === null) return;
      startY = null;
      const fire = pulled >= PULL_TRIGGER_PX;
      setPull(0);
      if (fire) this.startPullDownRefresh();
    });
    let wheelPull = 0;
    scroller.addEventListener('wheel', (e) => {
      if (scroller.scrollTop > 0 || e.deltaY >= 0) {
        wheelPull = 0;
        return;
      }
      wheelPull -= e.deltaY;
      if (wheelPull > PULL_TRIGGER_PX * 3) {
        wheelPull = 0;
        this.startPullDownRefresh();
      }
    });
  }

  startPullDownRefresh(): void {
    const entry = this.top();
    if (!entry) return;
    entry.frame.classList.add('wx-refreshing');
    this.call(entry, 'onPullDownRefresh');
  }

  stopPullDownRefresh(): void {
    for (const e of this.stack) e.frame.classList.remove('wx-refreshing');
  }

  pageScrollTo(scrollTop: number, duration: number): void {
    this.top()?.scroller.scrollTo({ top: scrollTop, behavior: duration > 0 ? 'smooth' : 'auto' });
  }

  private show(entry: PageEntry): void {
    for (const frame of Array.from(this.el.pages.children) as HTMLElement[]) {
      frame.hidden = frame !== entry.frame;
    }
    for (const holder of Array.from(this.el.tabBar.children) as HTMLElement[]) {
      holder.hidden = holder.dataset.route !== entry.route;
    }
    this.el.tabBar.hidden = !entry.tabBar;
    this.el.pages.classList.toggle('with-tabbar', !!entry.tabBar);
    const win = this.manifest.app.window;
    const json = entry.meta.json;
    this.setTitle(entry.title ?? json.navigationBarTitleText ?? win.navigationBarTitleText ?? '');
    this.setColor(
      (json.navigationBarTextStyle ?? win.navigationBarTextStyle) === 'black'
        ? '#000000'
        : '#ffffff',
      json.navigationBarBackgroundColor ?? win.navigationBarBackgroundColor ?? '#000000',
    );
    this.el.navBar.classList.toggle('custom', json.navigationStyle === 'custom');
    this.el.navBack.hidden = this.stack.length < 2;
    this.call(entry, 'onShow');
    entry.component.triggerPageLifeTime('show');
    location.hash = `#/${entry.route}${queryString(entry.options)}`;
  }

  private hide(entry: PageEntry): void {
    this.call(entry, 'onHide');
    entry.component.triggerPageLifeTime('hide');
  }

  private unload(entry: PageEntry): void {
    this.call(entry, 'onUnload');
    entry.component.detach();
    entry.frame.remove();
    if (entry.tabBar) {
      entry.tabBar.detach();
      this.el.tabBar.querySelector(`[data-route="${entry.route}"]`)?.remove();
      this.tabPages.delete(entry.route);
    }
  }

  private open(route: string, query: Record<string, string>): PageEntry {
    const entry = this.create(route, query);
    this.stack.push(entry);
    this.call(entry, 'onLoad', query);
    this.show(entry);
    queueMicrotask(() => this.call(entry, 'onReady'));
    return entry;
  }

  async navigateTo(url: string): Promise<void> {
    const { route, query } = splitUrl(url, this.top()?.route);
    this.meta(route);
    if (this.isTab(route)) throw new Error('can not navigateTo a tabbar page');
    if (this.stack.length >= MAX_STACK) throw new Error('webview count limit exceed');
    const top = this.top();
    if (top) this.hide(top);
    this.open(route, query);
  }

  async redirectTo(url: string): Promise<void> {
    const { route, query } = splitUrl(url, this.top()?.route);
    this.meta(route);
    if (this.isTab(route)) throw new Error('can not redirectTo a tabbar page');
    const top = this.stack.pop();
    if (top) this.closeOrKeep(top);
    this.open(route, query);
  }

  /** Tab pages are hidden, not destroyed, when they leave the stack. */
  private closeOrKeep(entry: PageEntry): void {
    if (this.isTab(entry.route) && this.tabPages.get(entry.route) === entry) this.hide(entry);
    else this.unload(entry);
  }

  async switchTab(url: string): Promise<void> {
    const { route } = splitUrl(url, this.top()?.route);
    this.meta(route);
    if (!this.isTab(route)) throw new Error('can not switchTab to a non-tabbar page');
    const top = this.top();
    // Tapping the tab already shown does nothing in WeChat (no onHide/onShow).
    if (top && top.route === route && this.tabPages.get(route) === top) return;
    while (this.stack.length) {
      const e = this.stack.pop()!;
      if (e === top) this.closeOrKeep(e);
      else if (!this.isTab(e.route)) this.unload(e);
    }
    const kept = this.tabPages.get(route);
    if (kept) {
      this.stack.push(kept);
      this.show(kept);
      return;
    }
    const entry = this.open(route, {});
    this.tabPages.set(route, entry);
  }

  async reLaunch(url: string): Promise<void> {
    const { route, query } = splitUrl(url, this.top()?.route);
    this.meta(route);
    for (const e of [...this.stack].reverse()) this.unload(e);
    for (const e of this.tabPages.values()) if (!this.stack.includes(e)) this.unload(e);
    this.stack = [];
    this.tabPages.clear();
    const entry = this.open(route, query);
    if (this.isTab(route)) this.tabPages.set(route, entry);
  }

  async navigateBack(delta: number): Promise<void> {
    if (this.stack.length < 2) throw new Error('cannot navigate back at first page.');
    const n = Math.min(Math.max(1, delta || 1), this.stack.length - 1);
    for (let i = 0; i < n; i++) this.closeOrKeep(this.stack.pop()!);
    this.show(this.top()!);
  }

  /** wx.setNavigationBarTitle: the title of the page on top, kept with that page. */
  setPageTitle(title: string): void {
    const top = this.top();
    if (top) top.title = title;
    this.setTitle(title);
  }

  private setTitle(title: string): void {
    this.el.navTitle.textContent = title;
    document.title = `${title} · 网上支部预览`;
  }

  setColor(front: string, background: string): void {
    const phone = this.el.navBar.parentElement ?? this.el.navBar;
    phone.style.setProperty('--nav-bg', background);
    phone.style.setProperty('--nav-fg', front);
  }
}

function queryString(q: Record<string, string>): string {
  const s = Object.entries(q)
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  return s ? `?${s}` : '';
}
