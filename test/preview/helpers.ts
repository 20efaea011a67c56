/**
 * Shared pieces of the preview runtime tests: a PreviewHost whose page stack is recorded,
 * and small waits. The real host (preview/runtime/main.ts) wires these to the Router and the
 * phone frame; here the built-ins and the wx shim are tested against the interface alone.
 */
import type { PageRecord, PreviewHost } from '../../preview/runtime/host';

export const GATEWAY = 'http://gateway.test';

export interface FakeHost extends PreviewHost {
  navigateTo: jest.Mock<Promise<void>, [string]>;
  redirectTo: jest.Mock<Promise<void>, [string]>;
  switchTab: jest.Mock<Promise<void>, [string]>;
  reLaunch: jest.Mock<Promise<void>, [string]>;
  navigateBack: jest.Mock<Promise<void>, [number]>;
  /** What pages() returns; tests push records to it. */
  stack: PageRecord[];
  overlay: HTMLElement;
}

/** A host as main.ts builds it, with an overlay root appended to the document. */
export function fakeHost(openid = 'demo-member'): FakeHost {
  const overlay = document.createElement('div');
  overlay.id = 'overlay';
  document.body.appendChild(overlay);
  const stack: PageRecord[] = [];
  const nav = <A extends unknown[]>() => jest.fn<Promise<void>, A>(() => Promise.resolve());
  return {
    gatewayUrl: GATEWAY,
    openid: () => openid,
    navigateTo: nav<[string]>(),
    redirectTo: nav<[string]>(),
    switchTab: nav<[string]>(),
    reLaunch: nav<[string]>(),
    navigateBack: nav<[number]>(),
    pages: () => stack,
    setNavigationBarTitle: jest.fn(),
    setNavigationBarColor: jest.fn(),
    stopPullDownRefresh: jest.fn(),
    startPullDownRefresh: jest.fn(),
    pageScrollTo: jest.fn(),
    overlayRoot: () => overlay,
    stack,
    overlay,
  };
}

/** Let queued microtasks and zero-delay timers run (the runtime defers with both). */
export function settle(ms = 0): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The element among `root`'s descendants matching `selector` whose text is `text`. */
export function byText(root: ParentNode, selector: string, text: string): HTMLElement {
  const found = Array.from(root.querySelectorAll<HTMLElement>(selector)).find(
    (e) => (e.textContent ?? '').trim() === text,
  );
  if (!found) throw new Error(`no ${selector} with text "${text}"`);
  return found;
}
