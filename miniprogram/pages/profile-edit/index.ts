/**
 * 编辑个人信息 (`?branchId=`), opened from 我的. One call on open (`branch.memberCard`, my
 * own card: name, my phone in full, photo). 保存 sends `updateProfile { realName, phone }`
 * (INVALID_ARGUMENT under the field it names). 更换照片: `wx.chooseMedia` →
 * `wx.cloud.uploadFile` to `avatars/<random>.<ext>` → `updateProfile { photoFileID }`.
 * In local mode (the emulator) there is no cloud storage, so the photo control is hidden and
 * a line says why (docs/client.md). wx.chooseMedia is a privacy API: the page carries
 * `<privacy-consent />`; a refusal (or a denied album / camera permission) is said under the
 * photo, a closed picker says nothing.
 */
import { call, newRequestId } from '../../services/call';
import { ensureCloud } from '../../services/cloud';
import { getConfig } from '../../config';
import { isElderlyMode } from '../../utils/elderly';
import { fieldErrors, toast } from '../../utils/page';
import { isPermissionDenied, isPrivacyRefusal, isUserCancel } from '../../utils/privacy';
import { decodeQuery } from '../../utils/nav';

type Status = 'loading' | 'error' | 'ready';

const FIELDS = ['realName', 'phone', 'photoFileID'] as const;
type Errors = Partial<Record<(typeof FIELDS)[number], string>>;

interface PageState {
  loading: boolean;
  /** requestId of the current form contents; cleared by any edit. */
  saveId: string | null;
  /** requestId of the photo being set, by its fileID. */
  photo: { fileID: string; id: string } | null;
}
const state = new WeakMap<object, PageState>();
function st(page: object): PageState {
  let s = state.get(page);
  if (!s) state.set(page, (s = { loading: false, saveId: null, photo: null }));
  return s;
}

function validate(realName: string, phone: string): Errors {
  const e: Errors = {};
  const n = realName.trim();
  if (n.length < 2 || n.length > 20) e.realName = '请填写 2–20 个字的真实姓名';
  if (phone && !/^1[3-9]\d{9}$/.test(phone)) e.phone = '请填写 11 位手机号，或留空';
  return e;
}

/** Why wx.chooseMedia failed, when the user did not simply close the picker. */
function chooseFailMessage(err: unknown): string {
  if (isPrivacyRefusal(err))
    return '您没有同意隐私保护指引，暂时不能选择照片。再点「更换照片」，在说明里点「同意并继续」即可。';
  if (isPermissionDenied(err))
    return '网上支部没有使用相册或相机的权限。请点右上角「···」›「设置」打开权限后再试。';
  return '没能打开相册，请稍后重试';
}

/** Upload a chosen image to cloud storage under avatars/; resolves with its fileID. */
function upload(tempPath: string): Promise<string> {
  const ext = (/\.(\w{2,5})$/.exec(tempPath)?.[1] ?? 'jpg').toLowerCase();
  const rand = newRequestId();
  return new Promise((resolve, reject) => {
    ensureCloud();
    wx.cloud.uploadFile({
      cloudPath: `avatars/${rand}.${ext}`,
      filePath: tempPath,
      success: (r) => resolve(r.fileID),
      fail: reject,
    });
  });
}

Component({
  data: {
    status: 'loading' as Status,
    errorMessage: '',
    elderly: false,
    branchId: '',
    /** Cloud storage exists only in cloud mode. */
    canPhoto: false,
    name: '',
    realName: '',
    phone: '',
    photo: '',
    errors: {} as Errors,
    formError: '',
    saving: false,
    uploading: false,
  },

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const options = decodeQuery(query);
      this.setData({
        elderly: isElderlyMode(),
        branchId: options.branchId ?? '',
        canPhoto: getConfig().mode === 'cloud',
      });
      void this.load();
    },

    async load() {
      const s = st(this);
      if (s.loading) return;
      s.loading = true;
      this.setData({ status: 'loading', errorMessage: '' });
      const res = await call('branch', 'memberCard', { branchId: this.data.branchId });
      s.loading = false;
      if (!res.ok) {
        this.setData({ status: 'error', errorMessage: res.error.message });
        return;
      }
      const c = res.data;
      this.setData({
        status: 'ready',
        name: c.name,
        realName: c.name,
        phone: c.phone ?? '',
        photo: c.photo ?? '',
      });
    },

    onRetry() {
      void this.load();
    },

    onRealName(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      st(this).saveId = null;
      this.setData({
        realName: String(e.detail.value ?? ''),
        'errors.realName': '',
        formError: '',
      });
    },
    onPhone(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      st(this).saveId = null;
      this.setData({
        phone: String(e.detail.value ?? '').trim(),
        'errors.phone': '',
        formError: '',
      });
    },

    async onSave() {
      if (this.data.saving) return;
      const realName = this.data.realName.trim();
      const phone = this.data.phone.trim();
      const errors = validate(realName, phone);
      if (Object.keys(errors).length) {
        this.setData({ errors, formError: '' });
        return;
      }
      const s = st(this);
      if (!s.saveId) s.saveId = newRequestId();
      this.setData({ saving: true, errors: {}, formError: '' });
      const res = await call(
        'branch',
        'updateProfile',
        { realName, phone: phone || null },
        { requestId: s.saveId },
      );
      this.setData({ saving: false });
      if (!res.ok) {
        const fe = fieldErrors(res.error, FIELDS);
        this.setData({ errors: fe, formError: Object.keys(fe).length ? '' : res.error.message });
        return;
      }
      s.saveId = null;
      toast('已保存', 'success');
      this.setData({
        name: res.data.realName,
        realName: res.data.realName,
        phone: res.data.phone ?? '',
      });
    },

    async onPhoto() {
      if (this.data.uploading || !this.data.canPhoto) return;
      this.setData({ 'errors.photoFileID': '' });
      let tempPath: string;
      try {
        tempPath = await new Promise<string>((resolve, reject) =>
          wx.chooseMedia({
            count: 1,
            mediaType: ['image'],
            sizeType: ['compressed'],
            success: (r) => resolve(r.tempFiles[0]?.tempFilePath ?? ''),
            fail: reject,
          }),
        );
      } catch (err) {
        // Closing the picker is the user's own choice; anything else is said under the photo.
        if (!isUserCancel(err)) this.setData({ 'errors.photoFileID': chooseFailMessage(err) });
        return;
      }
      if (!tempPath) return;
      this.setData({ uploading: true, 'errors.photoFileID': '', formError: '' });
      const s = st(this);
      let fileID = s.photo?.fileID ?? '';
      if (!fileID) {
        try {
          fileID = await upload(tempPath);
        } catch {
          this.setData({
            uploading: false,
            'errors.photoFileID': '照片上传失败，请检查网络后重试',
          });
          return;
        }
        s.photo = { fileID, id: newRequestId() };
      }
      const res = await call(
        'branch',
        'updateProfile',
        { photoFileID: fileID },
        { requestId: s.photo!.id },
      );
      this.setData({ uploading: false });
      if (!res.ok) {
        const fe = fieldErrors(res.error, FIELDS);
        this.setData({ 'errors.photoFileID': fe.photoFileID ?? res.error.message });
        // A different choice next time is a new intent.
        if (res.error.code !== 'UNAVAILABLE') s.photo = null;
        return;
      }
      s.photo = null;
      toast('照片已更新', 'success');
      this.setData({ photo: res.data.photo ?? '' });
    },
  },
});
