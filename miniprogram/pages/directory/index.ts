/**
 * 党员通讯录 of one branch (`?branchId=`). One call on open (`branch.listMembers`), 20 per
 * page by name; more on reaching the bottom (`nextCursor`), pull to refresh, search by name
 * (a new first page). Phones are shown exactly as the server sends them: masked
 * (`138****1234`) unless the caller is a secretary. Tapping a member opens their card.
 */
import type { MemberItem } from '../../../typings/api';
import { call } from '../../services/call';
import { isElderlyMode } from '../../utils/elderly';
import { listPageBehavior } from '../../utils/list-page';
import { ROUTES, decodeQuery, go } from '../../utils/nav';
import { PagedList } from '../../utils/paged-list';
import { roleLabel } from '../../utils/roles';

type Status = 'loading' | 'error' | 'empty' | 'ready';

interface Row {
  openid: string;
  name: string;
  roleText: string;
  groupText: string;
  phone: string;
}

function toRow(m: MemberItem): Row {
  return {
    openid: m.openid,
    name: m.name,
    roleText: roleLabel(m.role),
    groupText: m.partyGroupName ?? '',
    phone: m.phone ?? '',
  };
}

/** One page of the list for `keyword` (all when empty); the first when `cursor` is undefined. */
const listPage = (branchId: string, keyword: string, cursor?: string) =>
  call('branch', 'listMembers', {
    branchId,
    ...(cursor === undefined ? {} : { cursor }),
    ...(keyword ? { keyword } : {}),
  });

const lists = new WeakMap<object, PagedList>();
function list(page: object): PagedList {
  let l = lists.get(page);
  if (!l) lists.set(page, (l = new PagedList()));
  return l;
}

Component({
  behaviors: [listPageBehavior()],

  data: {
    status: 'loading' as Status,
    errorMessage: '',
    elderly: false,
    branchId: '',
    /** What the search box holds; `keyword` is what the list shows. */
    input: '',
    keyword: '',
    emptyText: '支部还没有成员',
    items: [] as Row[],
    hasMore: false,
    loadingMore: false,
    moreError: '',
  },

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const options = decodeQuery(query);
      this.setData({ elderly: isElderlyMode(), branchId: options.branchId ?? '' });
      void this.loadFirst();
    },

    /** First page for the current keyword; a newer search supersedes an older one. */
    async loadFirst() {
      const { branchId, keyword } = this.data;
      await list(this).first(
        this,
        (c) => listPage(branchId, keyword, c),
        toRow,
        () => ({
          emptyText: keyword ? `没有找到姓名含「${keyword}」的党员` : '支部还没有成员',
        }),
      );
    },

    async loadMore() {
      const { branchId, keyword } = this.data;
      await list(this).more(this, (c) => listPage(branchId, keyword, c), toRow);
    },

    onSearchInput(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      const input = String(e.detail.value ?? '');
      this.setData({ input });
      // Clearing the box goes back to the whole list.
      if (!input.trim() && this.data.keyword) this.search('');
    },
    onSearchSubmit(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      const value =
        e.detail && typeof e.detail.value === 'string' ? e.detail.value : this.data.input;
      this.search(value.trim().slice(0, 20));
    },
    onSearchClear() {
      this.setData({ input: '' });
      if (this.data.keyword) this.search('');
    },
    search(keyword: string) {
      this.setData({ keyword });
      void this.loadFirst();
    },

    onOpen(e: WechatMiniprogram.CustomEvent<{ openid: string }>) {
      go(ROUTES.memberCard, { branchId: this.data.branchId, openid: e.detail.openid });
    },
  },
});
