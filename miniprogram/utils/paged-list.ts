/**
 * The cursor-paginated list every list page shows (docs/pages.md): `status` loading → ready /
 * empty / error, `items`, `hasMore`, `loadingMore` and `moreError` for the next page. A new
 * first page supersedes an older one still in flight (its answer is dropped); a next page
 * is asked for only while the list is ready, a cursor remains and no other is in flight.
 * Rows are appended by path, so only the new page (≤ 20 rows) crosses to the render layer.
 */
import type { Result } from '../../typings/api';
import { stopPullDown } from './page';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** The part of a page this helper reads and writes. */
export interface ListPage<R> {
  data: { status: string; items: R[] };
  setData(patch: Record<string, unknown>): void;
}

/** One page of the list: the first when `cursor` is undefined. */
export type Fetch<T> = (cursor?: string) => Promise<Result<Page<T>>>;
/** Item to row; `now` is taken once per page, for relative times. */
export type ToRow<T, R> = (item: T, now: Date) => R;

export class PagedList {
  /** Bumped by every new first-page load, so a stale answer is dropped. */
  private generation = 0;
  private loadingMore = false;
  private cursor: string | null = null;

  /**
   * Load the first page. `extra` adds keys to the ready/empty setData. Resolves with the
   * rows shown, or null when the load failed or was superseded. `quiet`: a list already on
   * screen is replaced without the loading state, and kept as it is when the load fails
   * (a tab page refreshing when shown again).
   */
  async first<T, R>(
    page: ListPage<R>,
    fetch: Fetch<T>,
    toRow: ToRow<T, R>,
    extra?: (items: R[]) => Record<string, unknown>,
    opts: { quiet?: boolean } = {},
  ): Promise<R[] | null> {
    const gen = ++this.generation;
    this.loadingMore = false;
    const quiet = !!opts.quiet && page.data.status === 'ready';
    if (!quiet) {
      page.setData({ status: 'loading', errorMessage: '', moreError: '', loadingMore: false });
    }
    const res = await fetch();
    if (gen !== this.generation) return null;
    stopPullDown();
    if (!res.ok) {
      if (!quiet) page.setData({ status: 'error', errorMessage: res.error.message });
      return null;
    }
    this.cursor = res.data.nextCursor;
    const now = new Date();
    const items = res.data.items.map((item) => toRow(item, now));
    page.setData({
      status: items.length ? 'ready' : 'empty',
      ...extra?.(items),
      items,
      hasMore: !!this.cursor,
      ...(quiet ? { moreError: '', loadingMore: false } : {}),
    });
    return items;
  }

  /** Append the next page, if there is one and the list is ready. */
  async more<T, R>(page: ListPage<R>, fetch: Fetch<T>, toRow: ToRow<T, R>): Promise<void> {
    if (this.loadingMore || !this.cursor || page.data.status !== 'ready') return;
    this.loadingMore = true;
    const gen = this.generation;
    page.setData({ loadingMore: true, moreError: '' });
    const res = await fetch(this.cursor);
    if (gen !== this.generation) return;
    this.loadingMore = false;
    if (!res.ok) {
      page.setData({ loadingMore: false, moreError: res.error.message });
      return;
    }
    this.cursor = res.data.nextCursor;
    const now = new Date();
    const start = page.data.items.length;
    const patch: Record<string, unknown> = { loadingMore: false, hasMore: !!this.cursor };
    res.data.items.forEach((item, i) => (patch[`items[${start + i}]`] = toRow(item, now)));
    page.setData(patch);
  }
}
