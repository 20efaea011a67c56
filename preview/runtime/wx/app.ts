/**
 * App-level odds and ends: account and launch info, login, sharing, updates, logging, and
 * the factories (animation, selector query, intersection observer) that j-component already
 * implements on components and that wx.* only has to route to the right one.
 */
import type { PreviewHost } from '../host';
import { asyncApi, noopApi, WxFailure, type Options } from './callback';

type Animate = { type: string; args: unknown[] };

const TRANSFORMS = [
  'matrix',
  'matrix3d',
  'rotate',
  'rotate3d',
  'rotateX',
  'rotateY',
  'rotateZ',
  'scale',
  'scale3d',
  'scaleX',
  'scaleY',
  'scaleZ',
  'skew',
  'skewX',
  'skewY',
  'translate',
  'translate3d',
  'translateX',
  'translateY',
  'translateZ',
];
const STYLES: Record<string, string> = {
  opacity: 'opacity',
  backgroundColor: 'background-color',
  width: 'width',
  height: 'height',
  left: 'left',
  right: 'right',
  top: 'top',
  bottom: 'bottom',
};

/** The base library's export format, which j-component's `animation` attribute plays. */
function createAnimation(defaults: Options = {}): Record<string, any> {
  const base = {
    duration: 400,
    timingFunction: 'linear',
    delay: 0,
    transformOrigin: '50% 50% 0',
    ...defaults,
  };
  let current: Animate[] = [];
  let actions: Record<string, unknown>[] = [];
  const animation: Record<string, any> = {
    step(o: Options = {}) {
      const opt = { ...base, ...o };
      actions.push({
        animates: current,
        option: {
          transformOrigin: opt.transformOrigin,
          transition: {
            duration: opt.duration,
            timingFunction: opt.timingFunction,
            delay: opt.delay,
          },
        },
      });
      current = [];
      return animation;
    },
    export() {
      const out = { actions };
      actions = [];
      return out;
    },
  };
  for (const type of TRANSFORMS) {
    animation[type] = (...args: unknown[]) => {
      current.push({ type, args });
      return animation;
    };
  }
  for (const [name, css] of Object.entries(STYLES)) {
    animation[name] = (value: unknown) => {
      const v = typeof value === 'number' && name !== 'opacity' ? `${value}px` : value;
      current.push({ type: 'style', args: [css, v] });
      return animation;
    };
  }
  return animation;
}

function logger(prefix: string): Record<string, any> {
  const at =
    (method: 'debug' | 'info' | 'log' | 'warn' | 'error') =>
    (...args: unknown[]) =>
      console[method](prefix, ...args);
  return {
    debug: at('debug'),
    info: at('info'),
    log: at('log'),
    warn: at('warn'),
    error: at('error'),
    setFilterMsg: () => undefined,
    addFilterMsg: () => undefined,
    in: () => logger(prefix),
    tag: (name: string) => logger(`${prefix}[${name}]`),
  };
}

export function appApis(host: PreviewHost): Record<string, any> {
  const page = (): Record<string, any> => {
    const instance = host.pages().slice(-1)[0]?.instance;
    if (!instance) throw new Error('[preview] no page is open yet');
    return instance;
  };

  /**
   * wx.createSelectorQuery() is the current page's query unless .in(component) picks
   * another. Calls are forwarded to one underlying query, so queued selects share one exec.
   */
  const createSelectorQuery = (): Record<string, any> => {
    let inner: Record<string, any> | null = null;
    const query = () => (inner ??= page().createSelectorQuery());
    const forward =
      (name: string) =>
      (...args: unknown[]) =>
        query()[name](...args);
    return {
      in: (component: Record<string, any>) => component.createSelectorQuery(),
      select: forward('select'),
      selectAll: forward('selectAll'),
      selectViewport: forward('selectViewport'),
      exec: forward('exec'),
    };
  };

  /** wx.createIntersectionObserver(component?, options?): component defaults to the page. */
  const createIntersectionObserver = (component?: unknown, options?: Options) => {
    const c = component as Record<string, any> | undefined;
    if (c && typeof c.createIntersectionObserver === 'function') {
      return c.createIntersectionObserver(options ?? {});
    }
    return page().createIntersectionObserver((component as Options | undefined) ?? {});
  };

  const launchOptions = () => {
    const first = host.pages()[0];
    return {
      path: first?.route ?? '',
      query: { ...(first?.options ?? {}) },
      scene: 1001,
      referrerInfo: {},
      forwardMaterials: [],
      apiCategory: 'default',
    };
  };

  const updateManager = {
    onCheckForUpdate: (fn: unknown) => {
      if (typeof fn === 'function') setTimeout(() => fn({ hasUpdate: false }));
    },
    onUpdateReady: () => undefined,
    onUpdateFailed: () => undefined,
    applyUpdate: () => undefined,
  };

  return {
    env: { USER_DATA_PATH: 'wxfile://usr' },
    nextTick: (fn: () => void) => queueMicrotask(fn),
    createAnimation,
    createSelectorQuery,
    createIntersectionObserver,

    getAccountInfoSync: () => ({
      miniProgram: { appId: 'preview', envVersion: 'develop', version: '' },
    }),
    getLaunchOptionsSync: launchOptions,
    getEnterOptionsSync: launchOptions,

    login: asyncApi('login', () => ({ code: 'preview-code' })),
    checkSession: noopApi('checkSession'),
    getUserProfile: asyncApi('getUserProfile', () => {
      throw new WxFailure('not supported');
    }),

    showShareMenu: noopApi('showShareMenu'),
    hideShareMenu: noopApi('hideShareMenu'),
    updateShareMenu: noopApi('updateShareMenu'),
    reportAnalytics: (name: string, data?: unknown) =>
      console.info('[preview] wx.reportAnalytics', name, data ?? {}),

    getUpdateManager: () => updateManager,
    getLogManager: () => logger('[wx.getLogManager]'),
    getRealtimeLogManager: () => logger('[wx.getRealtimeLogManager]'),
  };
}
