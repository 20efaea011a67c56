/**
 * What the preview's parts offer each other. The runtime (main.ts, router.ts) implements
 * `PreviewHost`; the `wx` shim (wx/) and the built-in components (builtins/) use it, so
 * neither reaches into the other's modules.
 */

/** One open page as getCurrentPages() lists it. */
export interface PageRecord {
  route: string;
  options: Record<string, string>;
  /** The page's `this` (j-component method caller). */
  instance: Record<string, any>;
}

export interface NavigateOptions {
  url: string;
}

export interface PreviewHost {
  /** Gateway base URL, no trailing slash (the preview is served by the gateway itself). */
  gatewayUrl: string;
  /** The demo openid the identity switcher chose; every call is made as this caller. */
  openid(): string;

  // Page stack; each rejects with an Error whose message is WeChat's errMsg tail.
  navigateTo(url: string): Promise<void>;
  redirectTo(url: string): Promise<void>;
  switchTab(url: string): Promise<void>;
  reLaunch(url: string): Promise<void>;
  navigateBack(delta: number): Promise<void>;
  pages(): PageRecord[];
  setNavigationBarTitle(title: string): void;
  setNavigationBarColor(frontColor: string, backgroundColor: string): void;
  stopPullDownRefresh(): void;
  startPullDownRefresh(): void;
  pageScrollTo(scrollTop: number, duration: number): void;

  /** The element inside the phone frame where overlays (toast, modal, sheets) go. */
  overlayRoot(): HTMLElement;
}

/**
 * The bridge from a DOM event to the component tree, for built-in components: fire a
 * WeChat event (`input`, `change`, `confirm`, `scrolltolower`, ...) on the component whose
 * method caller is `caller`, as `this.triggerEvent` does.
 */
export type TriggerEvent = (
  caller: Record<string, any>,
  name: string,
  detail: unknown,
  options?: { bubbles?: boolean; composed?: boolean },
) => void;
