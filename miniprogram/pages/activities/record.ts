/**
 * 志愿记录: my volunteer service (`activity.myRecord`) — confirmed hours over all time in big
 * figures, the number of activities, and the activities with their hours (「待确认」 until the
 * organiser confirms). Pages of 20, more on reaching the bottom, pull to refresh. From here:
 * 服务证明 (the certificate page).
 */
import type { RecordItem } from '../../../typings/api';
import { call } from '../../services/call';
import { hoursText } from '../../utils/activity';
import { isElderlyMode } from '../../utils/elderly';
import { formatDate } from '../../utils/format';
import { listPageBehavior } from '../../utils/list-page';
import { ROUTES, go } from '../../utils/nav';
import { PagedList } from '../../utils/paged-list';
import { pageState } from '../../utils/page';

type Status = 'loading' | 'error' | 'empty' | 'ready';

interface Row {
  activityId: string;
  title: string;
  meta: string;
  hours: string;
}

function toRow(r: RecordItem): Row {
  return {
    activityId: r.activityId,
    title: r.title,
    meta: `${formatDate(r.startAt)} · ${r.branchName}`,
    hours: r.hours === null ? '待确认' : hoursText(r.hours),
  };
}

interface Totals {
  name: string;
  totalHours: number;
  count: number;
}
const st = pageState<{ list: PagedList; totals: Totals }>(() => ({
  list: new PagedList(),
  totals: { name: '', totalHours: 0, count: 0 },
}));

Component({
  behaviors: [listPageBehavior()],

  data: {
    status: 'loading' as Status,
    errorMessage: '',
    elderly: false,
    name: '',
    totalText: '0',
    count: 0,
    items: [] as Row[],
    hasMore: false,
    loadingMore: false,
    moreError: '',
  },

  methods: {
    onLoad() {
      this.setData({ elderly: isElderlyMode() });
      void this.loadFirst();
    },
    fetch(cursor?: string) {
      const s = st(this);
      return call('activity', 'myRecord', cursor ? { cursor } : {}).then((res) => {
        if (res.ok && !cursor) {
          s.totals = {
            name: res.data.name,
            totalHours: res.data.totalHours,
            count: res.data.count,
          };
        }
        return res;
      });
    },
    async loadFirst() {
      const s = st(this);
      await s.list.first(
        this,
        (c) => this.fetch(c),
        toRow,
        () => ({
          name: s.totals.name,
          totalText: hoursText(s.totals.totalHours).replace(' 小时', ''),
          count: s.totals.count,
        }),
      );
    },
    async loadMore() {
      await st(this).list.more(this, (c) => this.fetch(c), toRow);
    },
    onOpen(e: WechatMiniprogram.BaseEvent) {
      const id = String(e.currentTarget.dataset.id ?? '');
      if (id) go(ROUTES.activityDetail, { id });
    },
    onCertificate() {
      go(ROUTES.certificate);
    },
    onEmptyAction() {
      go(ROUTES.activities);
    },
  },
});
