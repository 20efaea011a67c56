/**
 * 添加联系户 / 编辑联系户 (`?householdId=&care=1` to add; `?householdId=&residentId=` to edit).
 *
 * Adding opens on the empty form without a call; editing makes one call,
 * `liaison.listResidents { householdId }` (the row to edit and whether the caller sees care
 * tags; a second page only when the row is not on the first). Fields: 户主姓名, 地址 in one of
 * three forms (小区: 楼栋 / 单元 / 房号; 村: 村民小组 / 门牌号; or 直接填写), 电话, 家庭人数,
 * and — for the linked member and the secretaries — 关爱标签 and 备注. Checked here first, then
 * the server's INVALID_ARGUMENT goes under the field it names; FULL (the household has the
 * maximum) is said above the button in the server's words.
 *
 * Add → `addResident` (requestId kept while the form is unchanged); the result shows the new
 * 连心卡号 with 继续添加 / 返回. Edit → `updateResident` with only what changed (the phone
 * shows masked and is sent only when a new one is typed), then back to the list.
 *
 * 移出联系户 (managers, `can.manage`, when editing): a confirm step on the page says what goes
 * (「移出后该户的姓名、地址、电话、标签和备注将被删除，求助记录只保留统计」), then
 * `removeResident { residentId }` and back to the household's list.
 */
import type { AddressInput, ApiError, CareTag, ResidentItem } from '../../../../typings/api';
import { call } from '../../../services/call';
import { isElderlyMode } from '../../../utils/elderly';
import { Intents } from '../../../utils/intents';
import { decodeQuery } from '../../../utils/nav';
import { fieldErrors, pageState, toast } from '../../../utils/page';
import { CARE_TAG_OPTIONS, PHONE_PATTERN } from '../shared';

type Status = 'loading' | 'error' | 'ready';
type AddrMode = 'town' | 'village' | 'text';

const FIELDS = ['headName', 'address', 'phone', 'people', 'careTags', 'notes'] as const;
type Errors = Partial<Record<(typeof FIELDS)[number], string>>;

const ADDRESS_MODES = [
  { value: 'town', label: '小区（楼栋 单元 房号）' },
  { value: 'village', label: '村（村民小组 门牌号）' },
  { value: 'text', label: '直接填写' },
];

interface PageState {
  intents: Intents;
  original: ResidentItem | null;
  addressTouched: boolean;
}
const st = pageState<PageState>(() => ({
  intents: new Intents(),
  original: null,
  addressTouched: false,
}));

const EMPTY_FORM = {
  headName: '',
  addrMode: 'town' as AddrMode,
  building: '',
  unit: '',
  room: '',
  group: '',
  houseNumber: '',
  addressText: '',
  phone: '',
  people: 1,
  careTags: [] as CareTag[],
  notes: '',
};

type Form = typeof EMPTY_FORM;

const part = (v: string, label: string): string =>
  !v.trim() ? `请填写${label}` : v.trim().length > 20 ? `${label}最多 20 个字` : '';

/** The address as the contract takes it, or the message of its first problem. */
function addressOf(f: Form): { address?: AddressInput; error?: string } {
  if (f.addrMode === 'text') {
    const t = f.addressText.trim();
    if (t.length < 2) return { error: '请填写地址（至少 2 个字）' };
    if (t.length > 60) return { error: '地址最多 60 个字' };
    return { address: t };
  }
  if (f.addrMode === 'village') {
    const error = part(f.group, '村民小组') || part(f.houseNumber, '门牌号');
    if (error) return { error };
    return { address: { group: f.group.trim(), houseNumber: f.houseNumber.trim() } };
  }
  const error =
    part(f.building, '楼栋') || (f.unit.trim() ? part(f.unit, '单元') : '') || part(f.room, '房号');
  if (error) return { error };
  return {
    address: {
      building: f.building.trim(),
      ...(f.unit.trim() ? { unit: f.unit.trim() } : {}),
      room: f.room.trim(),
    },
  };
}

Component({
  data: {
    status: 'loading' as Status,
    errorMessage: '',
    elderly: false,
    editing: false,
    householdId: '',
    residentId: '',
    care: false,
    addressModes: ADDRESS_MODES,
    careOptions: CARE_TAG_OPTIONS,
    maskedPhone: '',
    ...EMPTY_FORM,
    errors: {} as Errors,
    formError: '',
    saving: false,
    result: null as null | { headName: string; cardCode: string; countText: string },
    /** Managers may take the household off the list (`removeResident`). */
    canRemove: false,
    /** The head's name as stored, for the confirm step (the form may be mid-edit). */
    removeName: '',
    confirmRemove: false,
    removing: false,
    removeError: '',
  },

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const o = decodeQuery(query);
      const editing = !!o.residentId;
      this.setData({
        elderly: isElderlyMode(),
        householdId: o.householdId ?? '',
        residentId: o.residentId ?? '',
        editing,
        care: o.care === '1',
      });
      try {
        wx.setNavigationBarTitle({ title: editing ? '编辑联系户' : '添加联系户' });
      } catch {
        // No navigation bar on this host.
      }
      if (editing) void this.load();
      else this.setData({ status: 'ready' });
    },

    async load() {
      this.setData({ status: 'loading', errorMessage: '' });
      const { householdId, residentId } = this.data;
      let cursor: string | undefined;
      // The maximum is at most 30 households: two pages of 20.
      for (let page = 0; page < 2; page += 1) {
        const res = await call('liaison', 'listResidents', {
          householdId,
          ...(cursor ? { cursor } : {}),
        });
        if (!res.ok) {
          this.setData({ status: 'error', errorMessage: res.error.message });
          return;
        }
        if (page === 0)
          this.setData({ care: !!res.data.can?.seeCare, canRemove: !!res.data.can?.manage });
        const r = res.data.items.find((i) => i.residentId === residentId);
        if (r) {
          this.fill(r);
          return;
        }
        if (!res.data.nextCursor) break;
        cursor = res.data.nextCursor;
      }
      this.setData({ status: 'error', errorMessage: '没有找到这户，可能已被移出名单' });
    },

    fill(r: ResidentItem) {
      const s = st(this);
      s.original = r;
      s.addressTouched = false;
      this.setData({
        status: 'ready',
        headName: r.headName,
        addrMode: 'text',
        addressText: r.address,
        maskedPhone: r.phone,
        removeName: r.headName,
        phone: '',
        people: r.people,
        careTags: r.careTags ?? [],
        notes: r.notes ?? '',
      });
    },

    onRetry() {
      void this.load();
    },

    /** Any edit is a new intent and clears what was said about the form. */
    changed(patch: Record<string, unknown>) {
      st(this).intents.done('save');
      this.setData({ ...patch, formError: '' });
    },

    onField(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      const field = String((e.currentTarget.dataset as { field?: string }).field ?? '');
      if (!(field in EMPTY_FORM)) return;
      const isAddress = [
        'building',
        'unit',
        'room',
        'group',
        'houseNumber',
        'addressText',
      ].includes(field);
      if (isAddress) st(this).addressTouched = true;
      this.changed({
        [field]: String(e.detail.value ?? ''),
        [`errors.${isAddress ? 'address' : field}`]: '',
      });
    },
    onAddrMode(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      const v = String(e.detail.value);
      const addrMode: AddrMode = v === 'village' || v === 'text' ? v : 'town';
      st(this).addressTouched = true;
      this.changed({ addrMode, 'errors.address': '' });
    },
    onPeople(e: WechatMiniprogram.CustomEvent<{ value: number | string }>) {
      const n = Math.round(Number(e.detail.value));
      this.changed({ people: n >= 1 && n <= 20 ? n : 1, 'errors.people': '' });
    },
    onCare(e: WechatMiniprogram.CustomEvent<{ value: string[] }>) {
      const v = Array.isArray(e.detail.value) ? e.detail.value : [];
      this.changed({ careTags: v, 'errors.careTags': '' });
    },

    validate(): { errors: Errors; address?: AddressInput } {
      const f = this.data as unknown as Form;
      const errors: Errors = {};
      const name = f.headName.trim();
      if (!name) errors.headName = '请填写户主姓名';
      else if (name.length > 20) errors.headName = '户主姓名最多 20 个字';
      const needAddress = !this.data.editing || st(this).addressTouched;
      const a = needAddress ? addressOf(f) : {};
      if (a.error) errors.address = a.error;
      const phone = f.phone.trim();
      if (!phone && !this.data.editing) errors.phone = '请填写电话';
      else if (phone && !PHONE_PATTERN.test(phone))
        errors.phone = '请填写 11 位手机号，或带区号的固定电话';
      if (f.notes.length > 200) errors.notes = '备注最多 200 个字';
      return { errors, address: a.address };
    },

    async onSave() {
      if (this.data.saving) return;
      const { errors, address } = this.validate();
      if (Object.keys(errors).length) {
        this.setData({ errors, formError: '请按红字提示修改' });
        return;
      }
      this.setData({ saving: true, errors: {}, formError: '' });
      if (this.data.editing) await this.update(address);
      else await this.add(address!);
    },

    async add(address: AddressInput) {
      const s = st(this);
      const d = this.data;
      const headName = d.headName.trim();
      const res = await call(
        'liaison',
        'addResident',
        {
          householdId: d.householdId,
          headName,
          address,
          phone: d.phone.trim(),
          people: d.people,
          ...(d.care ? { careTags: d.careTags } : {}),
          ...(d.care && d.notes.trim() ? { notes: d.notes.trim() } : {}),
        },
        { requestId: s.intents.id('save') },
      );
      this.setData({ saving: false });
      if (!res.ok) {
        this.showError(res.error);
        return;
      }
      s.intents.done('save');
      toast('已添加', 'success');
      this.setData({
        result: {
          headName,
          cardCode: res.data.cardCode,
          countText: `联系户 ${res.data.residentCount} / ${res.data.max}`,
        },
      });
    },

    async update(address: AddressInput | undefined) {
      const s = st(this);
      const o = s.original;
      const d = this.data;
      if (!o) return;
      const patch: Record<string, unknown> = {};
      if (d.headName.trim() !== o.headName) patch.headName = d.headName.trim();
      if (address !== undefined) patch.address = address;
      if (d.phone.trim()) patch.phone = d.phone.trim();
      if (d.people !== o.people) patch.people = d.people;
      if (d.care) {
        const before = [...(o.careTags ?? [])].sort().join(',');
        if ([...d.careTags].sort().join(',') !== before) patch.careTags = d.careTags;
        const notes = d.notes.trim();
        if (notes !== (o.notes ?? '')) patch.notes = notes || null;
      }
      if (!Object.keys(patch).length) {
        this.setData({ saving: false });
        toast('没有修改');
        wx.navigateBack({ fail: () => undefined });
        return;
      }
      const res = await call(
        'liaison',
        'updateResident',
        { residentId: d.residentId, ...patch },
        { requestId: s.intents.id('save') },
      );
      this.setData({ saving: false });
      if (!res.ok) {
        this.showError(res.error);
        return;
      }
      s.intents.done('save');
      toast('已保存', 'success');
      wx.navigateBack({ fail: () => undefined });
    },

    showError(error: ApiError) {
      const fe = fieldErrors(error, FIELDS);
      this.setData({
        errors: fe,
        formError: Object.keys(fe).length ? '请按红字提示修改' : error.message,
      });
    },

    onAskRemove() {
      if (this.data.saving) return;
      this.setData({ confirmRemove: true, removeError: '' });
    },
    onCancelRemove() {
      if (this.data.removing) return;
      this.setData({ confirmRemove: false, removeError: '' });
    },
    async onConfirmRemove() {
      if (this.data.removing || !this.data.canRemove) return;
      this.setData({ removing: true, removeError: '' });
      // Idempotent by itself: a household already removed answers `removed: true` again.
      const res = await call('liaison', 'removeResident', { residentId: this.data.residentId });
      if (!res.ok) {
        this.setData({ removing: false, removeError: res.error.message });
        return;
      }
      this.setData({ removing: false, confirmRemove: false });
      toast('已移出', 'success');
      // The household's list refreshes itself when shown again.
      wx.navigateBack({ fail: () => undefined });
    },

    onAddAnother() {
      st(this).addressTouched = false;
      this.setData({
        ...EMPTY_FORM,
        // The next household is often in the same building or village group.
        addrMode: this.data.addrMode,
        building: this.data.building,
        group: this.data.group,
        errors: {},
        formError: '',
        result: null,
      });
    },
    onBack() {
      wx.navigateBack({ fail: () => undefined });
    },
  },
});
