/**
 * 我的求助 (issue #7): the requests of the caller's household (`listRequests { scope: 'mine' }`),
 * newest first, pages of 20, more at the bottom, pull to refresh, a quiet refresh when shown
 * again (back from a detail just rated). Each row: category, the text, when, and the state in
 * plain words (已发送 / 已受理 / 已办结 / 已评价; 「已转支部书记」「已转社区党委」 once it has
 * passed the deadline). Empty: 「还没有求助」 with 请求帮助. A tap opens the detail. A compact
 * 「打电话给中心户」 bar stays at the top when home knows the member's phone (no call).
 */
import type { RequestItem } from '../../../../typings/api';
import { call } from '../../../services/call';
import { isElderlyMode } from '../../../utils/elderly';
import { listPageBehavior } from '../../../utils/list-page';
import { ROUTES, dataset, go } from '../../../utils/nav';
import { dial, pageState } from '../../../utils/page';
import { PagedList } from '../../../utils/paged-list';
import { callBarData, requestRow, type RequestRow } from '../shared';

type Status = 'loading' | 'error' | 'empty' | 'ready';

const st = pageState(() => ({ list: new PagedList(), shown: false }));

const fetch = (cursor?: string) =>
  call('liaison', 'listRequests', cursor ? { scope: 'mine', cursor } : { scope: 'mine' });
const toRow = (r: RequestItem, now: Date) => requestRow(r, now);

Component({
  behaviors: [listPageBehavior({ quietRefresh: true })],

  data: {
    status: 'loading' as Status,
    errorMessage: '',
    elderly: false,
    items: [] as RequestRow[],
    hasMore: false,
    loadingMore: false,
    moreError: '',
    callName: '',
    callPhone: '',
  },

  methods: {
    onLoad() {
      this.setData({ elderly: isElderlyMode(), ...callBarData() });
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
    onOpen(e: WechatMiniprogram.BaseEvent) {
      go(ROUTES.residentRequestDetail, { id: dataset(e, 'id') });
    },
    /** 打电话给中心户: the member's own phone, shown because they agreed (`showPhone`). */
    onCallMember() {
      const phone = this.data.callPhone;
      if (!phone) return;
      dial(phone);
    },
    onNew() {
      go(ROUTES.residentRequest);
    },
  },
});
