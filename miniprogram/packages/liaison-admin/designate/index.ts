/**
 * 设立中心户 (secretary, deputy, mass work; `?branchId=`). One call on open: `branch.listMembers`
 * — the branch's members by name, 20 a page, 加载更多, 按姓名查找 (`keyword`); 入党积极分子 are not
 * shown (a central household is a party member's). Then the household: its address (one line,
 * or 楼栋 / 单元 / 房号, or 村民小组 / 门牌号), the grid (empty = the branch's grid area, the
 * server's default), the service promise, whether linked residents may see and call the
 * member's phone (only with the member's own consent), an optional door-plate photo
 * (`wx.chooseMedia` → cloud storage `liaison-households/…`).
 *
 * 设立 sends `liaison.designateHousehold` (requestId kept while the same form is retried). The
 * member already being a central household updates it (`created: false`, said as
 * 「已更新该中心户」). Then the household page replaces this one.
 */
import type { AddressInput, MemberItem } from '../../../../typings/api';
import { call } from '../../../services/call';
import { isElderlyMode } from '../../../utils/elderly';
import { Intents } from '../../../utils/intents';
import { ROUTES, dataset, decodeQuery, replace } from '../../../utils/nav';
import { fieldErrors, pageState, toast } from '../../../utils/page';
import { isUserCancel } from '../../../utils/privacy';
import { roleLabel } from '../../../utils/roles';
import { canUploadFiles, chooseFailMessage, uploadFile } from '../../../utils/upload';

type Status = 'loading' | 'error' | 'empty' | 'ready';
type AddressMode = 'text' | 'town' | 'village';

const FIELDS = ['memberOpenid', 'address', 'grid', 'photo', 'promise', 'showPhone'] as const;

interface Row {
  openid: string;
  name: string;
  roleText: string;
}

function toRows(items: MemberItem[]): Row[] {
  return items
    .filter((m) => m.role !== 'activist')
    .map((m) => ({ openid: m.openid, name: m.name, roleText: roleLabel(m.role) }));
}

const trim = (v: unknown) => String(v ?? '').trim();
const len = (v: string) => [...v].length;

interface PageState {
  intents: Intents;
  generation: number;
  cursor: string | null;
  loadingMore: boolean;
}
const st = pageState<PageState>(() => ({
  intents: new Intents(),
  generation: 0,
  cursor: null,
  loadingMore: false,
}));

Component({
  data: {
    status: 'loading' as Status,
    errorMessage: '',
    elderly: false,
    canUpload: false,
    branchId: '',
    input: '',
    keyword: '',
    members: [] as Row[],
    hasMore: false,
    loadingMore: false,
    moreError: '',
    picked: null as Row | null,
    addressMode: 'text' as AddressMode,
    addressModes: [
      { value: 'text', label: '整段填写' },
      { value: 'town', label: '楼栋单元房号' },
      { value: 'village', label: '村组门牌号' },
    ],
    addressText: '',
    building: '',
    unit: '',
    room: '',
    group: '',
    houseNumber: '',
    grid: '',
    promise: '',
    showPhone: false,
    photo: '',
    uploading: false,
    errors: {} as Record<string, string>,
    formError: '',
    submitting: false,
  },

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const o = decodeQuery(query);
      this.setData({
        elderly: isElderlyMode(),
        canUpload: canUploadFiles(),
        branchId: o.branchId ?? '',
      });
      void this.loadMembers();
    },

    // ------------------------------------------------------------ members

    async loadMembers() {
      const s = st(this);
      const gen = ++s.generation;
      s.loadingMore = false;
      const { branchId, keyword } = this.data;
      this.setData({ status: 'loading', errorMessage: '', moreError: '', loadingMore: false });
      const res = await call('branch', 'listMembers', {
        branchId,
        ...(keyword ? { keyword } : {}),
      });
      if (gen !== s.generation) return;
      if (!res.ok) {
        this.setData({ status: 'error', errorMessage: res.error.message });
        return;
      }
      s.cursor = res.data.nextCursor;
      const members = toRows(res.data.items);
      this.setData({
        // A page of activists only still has more to show.
        status: members.length || s.cursor ? 'ready' : 'empty',
        members,
        hasMore: !!s.cursor,
      });
    },

    async onMore() {
      const s = st(this);
      if (s.loadingMore || !s.cursor) return;
      s.loadingMore = true;
      const gen = s.generation;
      const { branchId, keyword } = this.data;
      this.setData({ loadingMore: true, moreError: '' });
      const res = await call('branch', 'listMembers', {
        branchId,
        cursor: s.cursor,
        ...(keyword ? { keyword } : {}),
      });
      if (gen !== s.generation) return;
      s.loadingMore = false;
      if (!res.ok) {
        this.setData({ loadingMore: false, moreError: res.error.message });
        return;
      }
      s.cursor = res.data.nextCursor;
      const start = this.data.members.length;
      const patch: Record<string, unknown> = { loadingMore: false, hasMore: !!s.cursor };
      toRows(res.data.items).forEach((r, i) => (patch[`members[${start + i}]`] = r));
      this.setData(patch);
    },

    onRetry() {
      void this.loadMembers();
    },

    onSearchInput(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.setData({ input: String(e.detail.value ?? '') });
    },
    onSearchSubmit(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      const value =
        e.detail && typeof e.detail.value === 'string' ? e.detail.value : this.data.input;
      const keyword = value.trim().slice(0, 20);
      if (keyword === this.data.keyword) return;
      this.setData({ keyword, input: value });
      void this.loadMembers();
    },
    onSearchClear() {
      this.setData({ input: '' });
      if (!this.data.keyword) return;
      this.setData({ keyword: '' });
      void this.loadMembers();
    },

    onPick(e: WechatMiniprogram.BaseEvent) {
      const openid = dataset(e, 'openid');
      const row = this.data.members.find((r: Row) => r.openid === openid);
      if (!row) return;
      this.setData({ picked: row, 'errors.memberOpenid': '', formError: '' });
    },

    // ------------------------------------------------------------ the household

    onAddressMode(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      const v = String(e.detail.value ?? '');
      const mode: AddressMode = v === 'town' || v === 'village' ? v : 'text';
      this.setData({ addressMode: mode, 'errors.address': '' });
    },
    /** t-input / t-textarea `change`: the field named by the element's data-field. */
    onField(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      const field = dataset(e, 'field');
      if (!field) return;
      const errorKey = ['addressText', 'building', 'unit', 'room', 'group', 'houseNumber'].includes(
        field,
      )
        ? 'address'
        : field;
      this.setData({ [field]: String(e.detail.value ?? ''), [`errors.${errorKey}`]: '' });
    },
    onShowPhone(e: WechatMiniprogram.CustomEvent<{ value: boolean }>) {
      this.setData({ showPhone: !!e.detail.value });
    },

    async onPhoto() {
      if (this.data.uploading || !this.data.canUpload) return;
      let temp: string;
      try {
        temp = await new Promise<string>((resolve, reject) =>
          wx.chooseMedia({
            count: 1,
            mediaType: ['image'],
            sizeType: ['compressed'],
            success: (r) => resolve(r.tempFiles[0]?.tempFilePath ?? ''),
            fail: reject,
          }),
        );
      } catch (err) {
        if (!isUserCancel(err))
          this.setData({ 'errors.photo': chooseFailMessage(err, '照片', '上传照片') });
        return;
      }
      if (!temp) return;
      this.setData({ uploading: true, 'errors.photo': '' });
      try {
        const fileID = await uploadFile(temp, 'liaison-households');
        this.setData({ photo: fileID });
      } catch {
        this.setData({ 'errors.photo': '上传失败，请检查网络后重试' });
      } finally {
        this.setData({ uploading: false });
      }
    },
    onRemovePhoto() {
      this.setData({ photo: '' });
    },

    /** The address as the contract takes it, or the message to show under it. */
    address(): { value: AddressInput } | { error: string } {
      const d = this.data;
      if (d.addressMode === 'town') {
        const building = trim(d.building);
        const unit = trim(d.unit);
        const room = trim(d.room);
        if (!building || !room) return { error: '请填写楼栋和房号' };
        if ([building, unit, room].some((p) => len(p) > 20))
          return { error: '楼栋、单元、房号每项最多 20 个字' };
        return { value: unit ? { building, unit, room } : { building, room } };
      }
      if (d.addressMode === 'village') {
        const group = trim(d.group);
        const houseNumber = trim(d.houseNumber);
        if (!group || !houseNumber) return { error: '请填写村民小组和门牌号' };
        if (len(group) > 20 || len(houseNumber) > 20)
          return { error: '村民小组、门牌号每项最多 20 个字' };
        return { value: { group, houseNumber } };
      }
      const text = trim(d.addressText);
      if (len(text) < 2 || len(text) > 60) return { error: '请填写地址，2–60 个字' };
      return { value: text };
    },

    async onSubmit() {
      if (this.data.submitting || this.data.uploading) return;
      const errors: Record<string, string> = {};
      const picked = this.data.picked;
      if (!picked) errors.memberOpenid = '请先在上面选择一位党员';
      const address = this.address();
      const addressInput = 'value' in address ? address.value : null;
      if ('error' in address) errors.address = address.error;
      const grid = trim(this.data.grid);
      if (len(grid) > 30) errors.grid = '网格名称最多 30 个字';
      const promise = trim(this.data.promise);
      if (len(promise) > 200) errors.promise = '服务承诺最多 200 个字';
      if (Object.keys(errors).length || !picked || addressInput === null) {
        this.setData({ errors, formError: '请按提示修改后再提交' });
        return;
      }
      const body = {
        branchId: this.data.branchId,
        memberOpenid: picked.openid,
        address: addressInput,
        ...(grid ? { grid } : {}),
        ...(promise ? { promise } : {}),
        ...(this.data.photo ? { photo: this.data.photo } : {}),
        showPhone: this.data.showPhone,
      };
      const s = st(this);
      // The same form retried keeps its requestId; an edited form is a new intent.
      const key = `designate:${JSON.stringify(body)}`;
      this.setData({ submitting: true, errors: {}, formError: '' });
      const res = await call('liaison', 'designateHousehold', body, {
        requestId: s.intents.id(key),
      });
      this.setData({ submitting: false });
      if (!res.ok) {
        const fe = fieldErrors(res.error, FIELDS);
        this.setData({
          errors: fe,
          formError: Object.keys(fe).length ? '请按提示修改后再提交' : res.error.message,
        });
        return;
      }
      s.intents.done(key);
      toast(
        res.data.created ? '已设立中心户' : '已更新该中心户',
        res.data.created ? 'success' : 'none',
      );
      replace(ROUTES.household, { householdId: res.data.householdId });
    },
  },
});
