/**
 * 党小组 (secretary, `?branchId=&committeeId=`). One call on open (`branch.tree`): the
 * branch's party groups with their member counts. 新建 (`createGroup`) and 改名
 * (`renameGroup`, inline on the group's card) with errors under the name field; tapping
 * 调整成员 opens the group's member page (`assignGroup`). Pull to refresh.
 */
import type { TreeNode } from '../../../../typings/api';
import { call } from '../../../services/call';
import { isElderlyMode } from '../../../utils/elderly';
import { Intents } from '../../../utils/intents';
import { ROUTES, dataset, decodeQuery, go } from '../../../utils/nav';
import { findNode } from '../../../utils/org';
import { fieldErrors, stopPullDown, toast } from '../../../utils/page';

type Status = 'loading' | 'error' | 'empty' | 'ready';

interface Row {
  groupId: string;
  name: string;
  countText: string;
  renaming: boolean;
  draft: string;
  nameError: string;
  busy: boolean;
}

const toRow = (g: TreeNode): Row => ({
  groupId: g.id,
  name: g.name,
  countText: g.memberCount === null ? '' : `${g.memberCount} 人`,
  renaming: false,
  draft: g.name,
  nameError: '',
  busy: false,
});

interface PageState {
  loading: boolean;
  intents: Intents;
}
const state = new WeakMap<object, PageState>();
function st(page: object): PageState {
  let s = state.get(page);
  if (!s) state.set(page, (s = { loading: false, intents: new Intents() }));
  return s;
}

Component({
  data: {
    status: 'loading' as Status,
    errorMessage: '',
    elderly: false,
    branchId: '',
    committeeId: '',
    branchName: '',
    items: [] as Row[],
    newName: '',
    newError: '',
    creating: false,
  },

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const options = decodeQuery(query);
      this.setData({
        elderly: isElderlyMode(),
        branchId: options.branchId ?? '',
        committeeId: options.committeeId ?? '',
      });
      void this.load();
    },

    async load() {
      const s = st(this);
      if (s.loading) return;
      s.loading = true;
      this.setData({ status: 'loading', errorMessage: '' });
      const { committeeId } = this.data;
      const res = await call('branch', 'tree', committeeId ? { committeeId } : undefined);
      s.loading = false;
      stopPullDown();
      if (!res.ok) {
        this.setData({ status: 'error', errorMessage: res.error.message });
        return;
      }
      const branch = findNode(res.data.root, this.data.branchId);
      if (!branch) {
        this.setData({ status: 'error', errorMessage: '没有找到本支部，请返回首页后重试' });
        return;
      }
      const items = branch.children.filter((c) => c.type === 'group').map(toRow);
      this.setData({ status: 'ready', branchName: branch.name, items });
    },

    onRetry() {
      void this.load();
    },
    onPullDownRefresh() {
      void this.load();
    },

    onNewName(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      st(this).intents.doneAll('create:');
      this.setData({ newName: String(e.detail.value ?? ''), newError: '' });
    },

    async onCreate() {
      if (this.data.creating) return;
      const name = this.data.newName.trim();
      if (!name || name.length > 20) {
        this.setData({ newError: '请填写 1–20 个字的小组名称，例如：第一党小组' });
        return;
      }
      const key = `create:${name}`;
      this.setData({ creating: true, newError: '' });
      const res = await call(
        'branch',
        'createGroup',
        { branchId: this.data.branchId, name },
        { requestId: st(this).intents.id(key) },
      );
      this.setData({ creating: false });
      if (!res.ok) {
        const fe = fieldErrors(res.error, ['name']);
        this.setData({ newError: fe.name ?? res.error.message });
        return;
      }
      st(this).intents.done(key);
      toast(`已建立${res.data.name}`, 'success');
      this.setData({
        newName: '',
        [`items[${this.data.items.length}]`]: toRow({
          id: res.data.groupId,
          name: res.data.name,
          type: 'group',
          gridArea: null,
          memberCount: 0,
          children: [],
        }),
      });
    },

    indexOf(id: string): number {
      return this.data.items.findIndex((r) => r.groupId === id);
    },

    onRenameStart(e: WechatMiniprogram.BaseEvent) {
      const i = this.indexOf(dataset(e, 'id'));
      if (i >= 0)
        this.setData({
          [`items[${i}].renaming`]: true,
          [`items[${i}].draft`]: this.data.items[i].name,
          [`items[${i}].nameError`]: '',
        });
    },
    onRenameCancel(e: WechatMiniprogram.BaseEvent) {
      const i = this.indexOf(dataset(e, 'id'));
      if (i >= 0) this.setData({ [`items[${i}].renaming`]: false, [`items[${i}].nameError`]: '' });
    },
    onDraft(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      const i = this.indexOf(dataset(e, 'id'));
      if (i >= 0)
        this.setData({
          [`items[${i}].draft`]: String(e.detail.value ?? ''),
          [`items[${i}].nameError`]: '',
        });
    },

    async onRenameSave(e: WechatMiniprogram.BaseEvent) {
      const id = dataset(e, 'id');
      const i = this.indexOf(id);
      if (i < 0 || this.data.items[i].busy) return;
      const name = this.data.items[i].draft.trim();
      if (!name || name.length > 20) {
        this.setData({ [`items[${i}].nameError`]: '请填写 1–20 个字的小组名称' });
        return;
      }
      const key = `rename:${id}:${name}`;
      this.setData({ [`items[${i}].busy`]: true, [`items[${i}].nameError`]: '' });
      const res = await call(
        'branch',
        'renameGroup',
        { groupId: id, name },
        { requestId: st(this).intents.id(key) },
      );
      const j = this.indexOf(id);
      if (j < 0) return;
      if (!res.ok) {
        const fe = fieldErrors(res.error, ['name']);
        this.setData({
          [`items[${j}].busy`]: false,
          [`items[${j}].nameError`]: fe.name ?? res.error.message,
        });
        return;
      }
      st(this).intents.done(key);
      toast('已改名', 'success');
      this.setData({
        [`items[${j}].busy`]: false,
        [`items[${j}].renaming`]: false,
        [`items[${j}].name`]: res.data.name,
      });
    },

    onMembers(e: WechatMiniprogram.BaseEvent) {
      const id = dataset(e, 'id');
      const row = this.data.items.find((r) => r.groupId === id);
      if (!row) return;
      go(ROUTES.groupMembers, {
        branchId: this.data.branchId,
        groupId: id,
        groupName: row.name,
      });
    },
  },
});
