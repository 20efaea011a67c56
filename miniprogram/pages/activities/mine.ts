/**
 * 我的活动: the activities I signed up for, replied to or attended (`activity.mine`), newest
 * start first, each an activity-cell with my state (已报名 / 候补第 n 位 / 已请假 …). Pages of
 * 20, more on reaching the bottom, pull to refresh; a quiet refresh when shown again (back
 * from a detail where I may have cancelled). Empty → to the 活动 tab.
 */
import type { ActivityItem } from '../../../typings/api';
import { call } from '../../services/call';
import { activityRow } from '../../utils/activity';
import { isElderlyMode } from '../../utils/elderly';
import { listPageBehavior } from '../../utils/list-page';
import { ROUTES, go } from '../../utils/nav';
import { pageState } from '../../utils/page';
import { PagedList } from '../../utils/paged-list';

type Status = 'loading' | 'error' | 'empty' | 'ready';

const st = pageState(() => ({ list: new PagedList(), shown: false }));

const fetch = (cursor?: string) => call('activity', 'mine', cursor ? { cursor } : {});
const toRow = (a: ActivityItem, now: Date) => activityRow(a, now);

Component({
  behaviors: [listPageBehavior({ quietRefresh: true })],

  data: {
    status: 'loading' as Status,
    errorMessage: '',
    elderly: false,
    items: [] as ReturnType<typeof activityRow>[],
    hasMore: false,
    loadingMore: false,
    moreError: '',
  },

  methods: {
    onLoad() {
      this.setData({ elderly: isElderlyMode() });
      void this.loadFirst();
    },
    onShow() {
      const s = st(this);
      if (s.shown && this.data.status === 'ready') void this.loadFirst(true);
      s.shown = true;
    },
    async loadFirst(quiet = false) {
      await st(this).list.first(this, fetch, toRow, undefined, { quiet });
    },
    async loadMore() {
      await st(this).list.more(this, fetch, toRow);
    },
    onOpen(e: WechatMiniprogram.CustomEvent<{ activityId: string }>) {
      go(ROUTES.activityDetail, { id: e.detail.activityId });
    },
    onEmptyAction() {
      go(ROUTES.activities);
    },
  },
});
