/**
 * Route and navigation-bar APIs: thin adapters onto the host's page stack, which owns the
 * pages and rejects with WeChat's errMsg tail (`page "x" is not found`, …).
 */
import type { PreviewHost } from '../host';
import { asyncApi, WxFailure, type Options } from './callback';

/**
 * What navigateTo hands back. The opened page's getOpenerEventChannel() belongs to the
 * runtime, so this channel only talks to itself: enough for code that sets it up, not for
 * messages between the two pages.
 */
function eventChannel(events: Record<string, unknown>): Record<string, any> {
  const listeners = new Map<string, Array<{ fn: (...a: unknown[]) => void; once: boolean }>>();
  const add = (name: string, fn: unknown, once: boolean) => {
    if (typeof fn !== 'function') return;
    listeners.set(name, [...(listeners.get(name) ?? []), { fn: fn as never, once }]);
  };
  for (const [name, fn] of Object.entries(events)) add(name, fn, false);
  return {
    on: (name: string, fn: unknown) => add(name, fn, false),
    once: (name: string, fn: unknown) => add(name, fn, true),
    off: (name: string, fn?: unknown) =>
      listeners.set(name, fn ? (listeners.get(name) ?? []).filter((l) => l.fn !== fn) : []),
    emit: (name: string, ...args: unknown[]) => {
      const list = listeners.get(name) ?? [];
      listeners.set(
        name,
        list.filter((l) => !l.once),
      );
      list.forEach((l) => l.fn(...args));
    },
  };
}

export function navigationApis(host: PreviewHost): Record<string, any> {
  /** WeChat resolves a relative url against the current page's route. */
  const absolute = (url: string): string => {
    if (url.startsWith('/')) return url;
    const route = host.pages().slice(-1)[0]?.route ?? '';
    const parts = route.split('/').slice(0, -1);
    for (const seg of url.split('/')) {
      if (seg === '..') parts.pop();
      else if (seg !== '.') parts.push(seg);
    }
    return `/${parts.filter(Boolean).join('/')}`;
  };

  const go = (api: string, move: (url: string) => Promise<void>, extra?: (o: Options) => unknown) =>
    asyncApi(api, async (o: Options) => {
      if (typeof o.url !== 'string' || !o.url) {
        throw new WxFailure('parameter error: parameter.url should be String instead of Undefined');
      }
      await stackMove(() => move(absolute(o.url)));
      return extra?.(o);
    });

  return {
    navigateTo: go(
      'navigateTo',
      (url) => host.navigateTo(url),
      (o) => ({ eventChannel: eventChannel(o.events ?? {}) }),
    ),
    redirectTo: go('redirectTo', (url) => host.redirectTo(url)),
    switchTab: go('switchTab', (url) => host.switchTab(url)),
    reLaunch: go('reLaunch', (url) => host.reLaunch(url)),
    navigateBack: asyncApi('navigateBack', async (o: Options) => {
      const delta = Math.max(1, Math.floor(Number(o.delta ?? 1)) || 1);
      await stackMove(() => host.navigateBack(delta));
    }),

    setNavigationBarTitle: asyncApi('setNavigationBarTitle', (o: Options) => {
      host.setNavigationBarTitle(String(o.title ?? ''));
    }),
    setNavigationBarColor: asyncApi('setNavigationBarColor', (o: Options) => {
      host.setNavigationBarColor(
        String(o.frontColor ?? '#000000'),
        String(o.backgroundColor ?? ''),
      );
    }),
    startPullDownRefresh: asyncApi('startPullDownRefresh', () => host.startPullDownRefresh()),
    stopPullDownRefresh: asyncApi('stopPullDownRefresh', () => host.stopPullDownRefresh()),
    pageScrollTo: asyncApi('pageScrollTo', (o: Options) => {
      if (o.selector !== undefined && o.scrollTop === undefined) {
        // The page's layout lives in the runtime; guessing an offset would hide the gap.
        throw new WxFailure('selector is not supported in the browser preview');
      }
      host.pageScrollTo(Number(o.scrollTop ?? 0), Number(o.duration ?? 300));
    }),
  };
}

/** The host rejects with an Error whose message is the errMsg tail: an expected failure. */
async function stackMove(move: () => Promise<void>): Promise<void> {
  try {
    await move();
  } catch (e) {
    throw new WxFailure(e instanceof Error ? e.message : String(e));
  }
}
