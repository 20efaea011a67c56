/**
 * The handlers every list page wires the same way around its `PagedList` (docs/pages.md):
 * 重试 and pull-to-refresh load the first page again, the bottom of the page and 重试 under
 * the list load the next one. A page lists it in `behaviors` and defines `loadFirst()` and
 * `loadMore()`; a handler the page defines itself takes precedence over the behavior's.
 * Page lifecycle methods in a behavior's `methods` reach a page built with Component().
 */

/** What the handlers call on the page. */
interface ListPageHost {
  data: { status: string };
  loadFirst(quiet?: boolean): Promise<void>;
  loadMore(): Promise<void>;
}

/**
 * `quietRefresh`: pull-to-refresh replaces a list already on screen without the loading
 * state (`loadFirst(true)` while ready), as a tab page refreshing when shown again does.
 */
export function listPageBehavior(opts: { quietRefresh?: boolean } = {}) {
  const host = (page: object) => page as unknown as ListPageHost;
  return Behavior({
    methods: {
      onRetry() {
        void host(this).loadFirst();
      },
      onPullDownRefresh() {
        const page = host(this);
        if (opts.quietRefresh) void page.loadFirst(page.data.status === 'ready');
        else void page.loadFirst();
      },
      onReachBottom() {
        void host(this).loadMore();
      },
      onMoreRetry() {
        void host(this).loadMore();
      },
    },
  });
}
