/**
 * 党小组成员 (secretary, `?branchId=&groupId=&groupName=`). One call on open
 * (`branch.listMembers`, 20 a page, more at the bottom, pull to refresh). Each member shows
 * the group they are in and one button: 加入本组 or 移出本组 (`assignGroup`).
 */
import type { MemberItem } from '../../../../typings/api';
import { call } from '../../../services/call';
import { isElderlyMode } from '../../../utils/elderly';
import { Intents } from '../../../utils/intents';
import { listPageBehavior } from '../../../utils/list-page';
import { dataset, decodeQuery } from '../../../utils/nav';
import { toast } from '../../../utils/page';
import { PagedList } from '../../../utils/paged-list';
import { roleLabel } from '../../../utils/roles';

type Status = 'loading' | 'error' | 'empty' | 'ready';

interface Row {
  openid: string;
  name: string;
  roleText: string;
  groupId: string;
  groupText: string;
  busy: boolean;
  error: string;
}

const toRow = (m: MemberItem): Row => ({
  openid: m.openid,
  name: m.name,
  roleText: roleLabel(m.role),
  groupId: m.partyGroupId ?? '',
  groupText: m.partyGroupName ?? '未分组',
  busy: false,
  error: '',
});

/** One page of the list; the first when `cursor` is undefined. */
const listPage = (branchId: string, cursor?: string) =>
  call('branch', 'listMembers', { branchId, ...(cursor === undefined ? {} : { cursor }) });

interface PageState {
  list: PagedList;
  intents: Intents;
}
const state = new WeakMap<object, PageState>();
function st(page: object): PageState {
  let s = state.get(page);
  if (!s) state.set(page, (s = { list: new PagedList(), intents: new Intents() }));
  return s;
}

Component({
  behaviors: [listPageBehavior()],

  data: {
    status: 'loading' as Status,
    errorMessage: '',
    elderly: false,
    branchId: '',
    groupId: '',
    groupName: '',
    items: [] as Row[],
    hasMore: false,
    loadingMore: false,
    moreError: '',
  },

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const options = decodeQuery(query);
      this.setData({
        elderly: isElderlyMode(),
        branchId: options.branchId ?? '',
        groupId: options.groupId ?? '',
        groupName: options.groupName ?? '',
      });
      if (options.groupName) {
        try {
          wx.setNavigationBarTitle({ title: options.groupName });
        } catch {
          // Keep the default title.
        }
      }
      void this.loadFirst();
    },

    async loadFirst() {
      await st(this).list.first(this, (c) => listPage(this.data.branchId, c), toRow);
    },

    async loadMore() {
      await st(this).list.more(this, (c) => listPage(this.data.branchId, c), toRow);
    },

    async onToggle(e: WechatMiniprogram.BaseEvent) {
      const openid = dataset(e, 'openid');
      const i = this.data.items.findIndex((r) => r.openid === openid);
      if (i < 0 || this.data.items[i].busy) return;
      const row = this.data.items[i];
      const groupId = row.groupId === this.data.groupId ? null : this.data.groupId;
      const key = `assign:${openid}:${groupId ?? ''}`;
      this.setData({ [`items[${i}].busy`]: true, [`items[${i}].error`]: '' });
      const res = await call(
        'branch',
        'assignGroup',
        { branchId: this.data.branchId, openid, groupId },
        { requestId: st(this).intents.id(key) },
      );
      const j = this.data.items.findIndex((r) => r.openid === openid);
      if (j < 0) return;
      if (!res.ok) {
        this.setData({ [`items[${j}].busy`]: false, [`items[${j}].error`]: res.error.message });
        return;
      }
      st(this).intents.done(key);
      toast(res.data.groupId ? `${row.name} 已加入本组` : `${row.name} 已移出本组`, 'success');
      this.setData({
        [`items[${j}].busy`]: false,
        [`items[${j}].groupId`]: res.data.groupId ?? '',
        [`items[${j}].groupText`]: res.data.groupName ?? '未分组',
      });
    },
  },
});
