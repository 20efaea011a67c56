/** navigator: a tap on it goes through the preview's page stack. */
import { hoverProperties, setupHover } from './common';
import {
  type BuiltinContext,
  type BuiltinDef,
  type Caller,
  withCaller,
  SLOT,
  addExparserListener,
  hostOf,
  infoOnce,
  nodeOf,
  num,
} from './util';

function go(c: Caller, ctx: BuiltinContext) {
  const d = c.data;
  if (d.target === 'miniProgram') {
    infoOnce('navigator target="miniProgram"（打开其他小程序）在预览中不可用');
    const errMsg = 'navigateToMiniProgram:fail 预览不支持打开其他小程序';
    c.triggerEvent('fail', { errMsg });
    c.triggerEvent('complete', { errMsg });
    return;
  }
  const url = String(d.url || '');
  const type = String(d.openType || 'navigate');
  const h = ctx.host;
  let p: Promise<void> | null = null;
  switch (type) {
    case 'navigate':
      if (url) p = h.navigateTo(url);
      break;
    case 'redirect':
      if (url) p = h.redirectTo(url);
      break;
    case 'switchTab':
      if (url) p = h.switchTab(url);
      break;
    case 'reLaunch':
      if (url) p = h.reLaunch(url);
      break;
    case 'navigateBack':
      p = h.navigateBack(Math.max(1, Math.floor(num(d.delta, 1))));
      break;
    case 'exit':
      infoOnce('navigator open-type="exit"（退出小程序）在预览中不可用');
      return;
    default:
      console.warn(`[preview] navigator: unknown open-type "${type}"`);
      return;
  }
  if (!p) {
    console.warn(`[preview] navigator open-type="${type}" without url`);
    return;
  }
  p.catch((err: unknown) => {
    console.warn(`[preview] navigator ${type} ${url}:`, err instanceof Error ? err.message : err);
  });
}

export function navigatorDef(ctx: BuiltinContext): BuiltinDef {
  return {
    id: 'navigator',
    template: SLOT,
    properties: {
      target: { type: String, value: 'self' },
      url: { type: String, value: '' },
      openType: { type: String, value: 'navigate' },
      delta: { type: null, value: 1 },
      appId: { type: String, value: '' },
      path: { type: String, value: '' },
      extraData: { type: null, value: null },
      version: { type: String, value: 'release' },
      shortLink: { type: String, value: '' },
      ...hoverProperties({ cls: 'navigator-hover', start: 50, stay: 600 }),
    },
    lifetimes: {
      attached: withCaller((c) => {
        if (c.__wxNavReady) return;
        c.__wxNavReady = true;
        const host = hostOf(c);
        if (!host.hasAttribute('role')) host.setAttribute('role', 'link');
        if (!host.hasAttribute('tabindex')) host.setAttribute('tabindex', '0');
        setupHover(c, 'navigator-hover');
        addExparserListener(nodeOf(c), 'tap', () => go(c, ctx));
        host.addEventListener('keydown', (e) => {
          if (e.target !== host || e.key !== 'Enter') return;
          e.preventDefault();
          host.click();
        });
      }),
    },
  };
}
