/**
 * 成员与角色 (secretary, `?branchId=&committeeId=`, optional `openid=` to open that member).
 * One call on open (`branch.listMembers`, 20 a page, more at the bottom, pull to refresh).
 * Tapping a member opens one editor on the page (no pop-up): the role as a radio list and
 * 保存 (`setRole`); 移交书记 goes to a confirm step on the same page that says what will
 * happen, and only 确认移交 sends `handOverSecretary`; 转接组织关系 opens the transfer page.
 */
import type { AssignableRole, MemberItem, RoleCode } from '../../../../typings/api';
import { call } from '../../../services/call';
import { isElderlyMode } from '../../../utils/elderly';
import { Intents } from '../../../utils/intents';
import { ROUTES, dataset, decodeQuery, go } from '../../../utils/nav';
import { PagedList } from '../../../utils/paged-list';
import { fieldErrors, stopPullDown, toast } from '../../../utils/page';
import { ASSIGNABLE_ROLES, isAssignable, roleLabel } from '../../../utils/roles';

type Status = 'loading' | 'error' | 'empty' | 'ready';
/** list: members; edit: one member's role; confirm: handover confirm step; done: handed over. */
type View = 'list' | 'edit' | 'confirm' | 'done';

interface Row {
  openid: string;
  name: string;
  role: RoleCode;
  roleText: string;
  groupText: string;
}

const toRow = (m: MemberItem): Row => ({
  openid: m.openid,
  name: m.name,
  role: m.role,
  roleText: roleLabel(m.role),
  groupText: m.partyGroupName ?? '',
});

const ROLE_OPTIONS = ASSIGNABLE_ROLES.map((value) => ({ value, label: roleLabel(value) }));

/** One page of the list; the first when `cursor` is undefined. */
const listPage = (branchId: string, cursor?: string) =>
  call('branch', 'listMembers', { branchId, ...(cursor === undefined ? {} : { cursor }) });

interface PageState {
  list: PagedList;
  intents: Intents;
  preselect: string;
}
const state = new WeakMap<object, PageState>();
function st(page: object): PageState {
  let s = state.get(page);
  if (!s) state.set(page, (s = { list: new PagedList(), intents: new Intents(), preselect: '' }));
  return s;
}

Component({
  data: {
    status: 'loading' as Status,
    errorMessage: '',
    elderly: false,
    branchId: '',
    committeeId: '',
    items: [] as Row[],
    hasMore: false,
    loadingMore: false,
    moreError: '',
    view: 'list' as View,
    /** The member being edited. */
    selOpenid: '',
    selName: '',
    selRoleText: '',
    selIsSecretary: false,
    roleChoice: '',
    roleOptions: ROLE_OPTIONS,
    roleError: '',
    actionError: '',
    saving: false,
    handingOver: false,
  },

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const options = decodeQuery(query);
      st(this).preselect = options.openid ?? '';
      this.setData({
        elderly: isElderlyMode(),
        branchId: options.branchId ?? '',
        committeeId: options.committeeId ?? '',
      });
      void this.loadFirst();
    },

    async loadFirst() {
      const s = st(this);
      const items = await s.list.first(
        this,
        (c) => listPage(this.data.branchId, c),
        toRow,
        () => ({ view: this.data.view === 'done' ? 'done' : 'list' }),
      );
      if (items && s.preselect) {
        const id = s.preselect;
        s.preselect = '';
        if (items.some((r) => r.openid === id)) this.select(id);
      }
    },

    async loadMore() {
      await st(this).list.more(this, (c) => listPage(this.data.branchId, c), toRow);
    },

    onRetry() {
      void this.loadFirst();
    },
    onPullDownRefresh() {
      if (this.data.view === 'list') void this.loadFirst();
      else stopPullDown();
    },
    onReachBottom() {
      if (this.data.view === 'list') void this.loadMore();
    },
    onMoreRetry() {
      void this.loadMore();
    },

    select(openid: string) {
      const row = this.data.items.find((r) => r.openid === openid);
      if (!row) return;
      this.setData({
        view: 'edit',
        selOpenid: row.openid,
        selName: row.name,
        selRoleText: row.roleText,
        selIsSecretary: row.role === 'secretary',
        roleChoice: isAssignable(row.role) ? row.role : '',
        roleError: '',
        actionError: '',
      });
    },

    onSelect(e: WechatMiniprogram.BaseEvent) {
      this.select(dataset(e, 'openid'));
    },

    onBackToList() {
      this.setData({ view: 'list', actionError: '', roleError: '' });
    },

    onRoleChange(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.setData({ roleChoice: String(e.detail.value ?? ''), roleError: '', actionError: '' });
    },

    async onSaveRole() {
      if (this.data.saving) return;
      const role = this.data.roleChoice;
      if (!isAssignable(role as RoleCode)) {
        this.setData({ roleError: '请选择一个角色' });
        return;
      }
      const openid = this.data.selOpenid;
      const key = `role:${openid}:${role}`;
      this.setData({ saving: true, roleError: '', actionError: '' });
      const res = await call(
        'branch',
        'setRole',
        { branchId: this.data.branchId, openid, role: role as AssignableRole },
        { requestId: st(this).intents.id(key) },
      );
      this.setData({ saving: false });
      if (!res.ok) {
        const fe = fieldErrors(res.error, ['role', 'openid']);
        if (fe.role) this.setData({ roleError: fe.role });
        else this.setData({ actionError: fe.openid ?? res.error.message });
        return;
      }
      st(this).intents.done(key);
      const i = this.data.items.findIndex((r) => r.openid === openid);
      const roleText = roleLabel(res.data.role);
      if (i >= 0)
        this.setData({ [`items[${i}].role`]: res.data.role, [`items[${i}].roleText`]: roleText });
      toast(`已设为${roleText}`, 'success');
      this.setData({ view: 'list', selRoleText: roleText });
    },

    /** Step one of the handover: say what will happen, on the page. */
    onHandOverStart() {
      this.setData({ view: 'confirm', actionError: '' });
    },
    onHandOverCancel() {
      this.setData({ view: 'edit', actionError: '' });
    },

    async onHandOverConfirm() {
      if (this.data.handingOver || this.data.view !== 'confirm') return;
      const toOpenid = this.data.selOpenid;
      const key = `handover:${toOpenid}`;
      this.setData({ handingOver: true, actionError: '' });
      const res = await call(
        'branch',
        'handOverSecretary',
        { branchId: this.data.branchId, toOpenid },
        { requestId: st(this).intents.id(key) },
      );
      this.setData({ handingOver: false });
      if (!res.ok) {
        this.setData({ actionError: res.error.message });
        return;
      }
      st(this).intents.done(key);
      toast('书记职务已移交', 'success');
      this.setData({ view: 'done' });
    },

    onTransfer() {
      go(ROUTES.transferOut, {
        branchId: this.data.branchId,
        committeeId: this.data.committeeId,
        openid: this.data.selOpenid,
        name: this.data.selName,
      });
    },

    onGoHome() {
      go(ROUTES.home);
    },
  },
});
