/**
 * 走访记录 (`?householdId=`, `&log=0` when the caller may not log visits, e.g. a manager): the
 * household's service records (`liaison.listServiceRecords`), newest first, 20 a page, more at
 * the bottom, pull to refresh. Rows: date, category, the household served (linked member and
 * secretaries only), the note, photos, 审核中 while held. Empty → 记录走访.
 */
import type { ServiceRecordItem } from '../../../../typings/api';
import { call } from '../../../services/call';
import { isElderlyMode } from '../../../utils/elderly';
import { listPageBehavior } from '../../../utils/list-page';
import { ROUTES, decodeQuery, go } from '../../../utils/nav';
import { pageState } from '../../../utils/page';
import { PagedList } from '../../../utils/paged-list';
import { SERVICE_CATEGORY_LABELS } from '../shared';

type Status = 'loading' | 'error' | 'empty' | 'ready';

interface Row {
  recordId: string;
  date: string;
  category: string;
  resident: string;
  note: string;
  photos: string[];
  held: boolean;
}

const toRow = (r: ServiceRecordItem): Row => ({
  recordId: r.recordId,
  date: r.date,
  category: SERVICE_CATEGORY_LABELS[r.category] ?? '其他',
  resident: r.residentName ?? '',
  note: r.note,
  photos: r.photos ?? [],
  held: r.held,
});

const st = pageState(() => ({ list: new PagedList(), shown: false }));

Component({
  behaviors: [listPageBehavior({ quietRefresh: true })],

  data: {
    status: 'loading' as Status,
    errorMessage: '',
    elderly: false,
    householdId: '',
    canLog: true,
    items: [] as Row[],
    hasMore: false,
    loadingMore: false,
    moreError: '',
  },

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const o = decodeQuery(query);
      this.setData({
        elderly: isElderlyMode(),
        householdId: o.householdId ?? '',
        canLog: o.log !== '0',
      });
      void this.loadFirst();
    },

    onShow() {
      const s = st(this);
      // Back from 记录走访: the new record shows.
      if (s.shown && this.data.status !== 'loading') void this.loadFirst(true);
      s.shown = true;
    },

    fetch(cursor?: string) {
      return call('liaison', 'listServiceRecords', {
        householdId: this.data.householdId,
        ...(cursor === undefined ? {} : { cursor }),
      });
    },
    async loadFirst(quiet = false) {
      await st(this).list.first(this, (c) => this.fetch(c), toRow, undefined, { quiet });
    },
    async loadMore() {
      await st(this).list.more(this, (c) => this.fetch(c), toRow);
    },

    onLog() {
      go(ROUTES.serviceLog, { householdId: this.data.householdId });
    },
    onPreview(e: WechatMiniprogram.BaseEvent) {
      const ds = e.currentTarget.dataset as { url?: string; index?: number };
      const row = this.data.items[Number(ds.index)];
      if (!row) return;
      try {
        wx.previewImage({ current: String(ds.url ?? ''), urls: row.photos, fail: () => undefined });
      } catch {
        // No previewer on this host.
      }
    },
  },
});
