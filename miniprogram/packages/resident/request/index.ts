/**
 * 请求帮助 (issue #7): a resident sends a request to their central household. Two screens, one
 * thing each (UX.md, elderly first):
 * 1. 「是哪类事？」: five big buttons (维修 / 助老 / 邻里纠纷 / 政策咨询 / 其他); a tap goes on.
 * 2. What is needed (2–500 characters), up to 3 optional photos (`wx.chooseMedia`, uploaded at
 *    once to `liaison-requests/…` with `wx.cloud.uploadFile`, each removable), 「紧急」, and one
 *    main button 「发送给中心户」.
 * The send tap first asks for the subscribe message (`liaisonReminder`, when configured) without
 * waiting for the answer, then sends `submitRequest { category, text, photos?, urgent }` with a
 * requestId kept while the content is unchanged (a retry after a lost answer sends nothing
 * twice). Sent: the request's detail page replaces this one. No call on open.
 * A compact 「打电话给中心户」 bar stays at the top when home knows the member's phone
 * (shared.ts callBarData, no call).
 * Uploads need cloud storage (cloud mode and the browser preview, utils/upload.ts); elsewhere
 * the photo control is hidden and a line says why.
 */
import type { RequestCategory } from '../../../../typings/api';
import { call } from '../../../services/call';
import { isElderlyMode } from '../../../utils/elderly';
import { Intents } from '../../../utils/intents';
import { ROUTES, decodeQuery, replace } from '../../../utils/nav';
import { dial, fieldErrors, pageState, toast } from '../../../utils/page';
import { isUserCancel } from '../../../utils/privacy';
import { isSubscribeConfigured, requestSubscribe } from '../../../utils/subscribe';
import { canUploadFiles, chooseFailMessage, uploadFile } from '../../../utils/upload';
import {
  CATEGORIES,
  CATEGORY_LABELS,
  PHOTO_MAX,
  TEXT_MAX,
  callBarData,
  checkRequest,
} from '../shared';

type Step = 'category' | 'form';
type Errors = Partial<Record<'category' | 'text' | 'photos', string>>;

interface Photo {
  key: string;
  /** Local path, for the thumbnail. */
  temp: string;
  /** Set once uploaded. */
  fileID: string;
  uploading: boolean;
}

interface PageState {
  intents: Intents;
  seq: number;
}
const st = pageState<PageState>(() => ({ intents: new Intents(), seq: 0 }));

/** Where the photos of requests are stored (the server accepts only this folder). */
const PHOTO_DIR = 'liaison-requests';

Component({
  data: {
    elderly: false,
    step: 'category' as Step,
    categories: CATEGORIES,
    category: '' as RequestCategory | '',
    categoryLabel: '',
    text: '',
    textMax: TEXT_MAX,
    urgent: false,
    photos: [] as Photo[],
    photoMax: PHOTO_MAX,
    canPhoto: false,
    errors: {} as Errors,
    formError: '',
    sending: false,
    callName: '',
    callPhone: '',
  },

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const q = decodeQuery(query);
      const preset = CATEGORIES.find((c) => c.value === q.category);
      this.setData({
        elderly: isElderlyMode(),
        canPhoto: canUploadFiles(),
        ...callBarData(),
        ...(preset ? { step: 'form', category: preset.value, categoryLabel: preset.label } : {}),
      });
    },

    /** 打电话给中心户: the member's own phone, shown because they agreed (`showPhone`). */
    onCallMember() {
      const phone = this.data.callPhone;
      if (!phone) return;
      dial(phone);
    },

    onCategory(e: WechatMiniprogram.BaseEvent) {
      const value = String(e.currentTarget.dataset.value ?? '') as RequestCategory;
      if (!CATEGORY_LABELS[value]) return;
      this.setData({
        category: value,
        categoryLabel: CATEGORY_LABELS[value],
        step: 'form',
        'errors.category': '',
        formError: '',
      });
    },

    /** 换一类: back to the categories, keeping what was written. */
    onChangeCategory() {
      if (this.data.sending) return;
      this.setData({ step: 'category' });
    },

    onText(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.setData({ text: String(e.detail.value ?? ''), 'errors.text': '', formError: '' });
    },

    onUrgent(e: WechatMiniprogram.CustomEvent<{ value: boolean }>) {
      this.setData({ urgent: !!e.detail.value });
    },

    async onAddPhoto() {
      const left = PHOTO_MAX - this.data.photos.length;
      if (left <= 0 || this.data.sending) return;
      this.setData({ 'errors.photos': '' });
      let temps: string[];
      try {
        temps = await new Promise<string[]>((resolve, reject) =>
          wx.chooseMedia({
            count: left,
            mediaType: ['image'],
            sizeType: ['compressed'],
            success: (r) => resolve(r.tempFiles.map((f) => f.tempFilePath)),
            fail: reject,
          }),
        );
      } catch (err) {
        if (!isUserCancel(err))
          this.setData({ 'errors.photos': chooseFailMessage(err, '照片', '添加照片') });
        return;
      }
      const s = st(this);
      const added: Photo[] = temps.slice(0, left).map((temp) => ({
        key: `p${++s.seq}`,
        temp,
        fileID: '',
        uploading: true,
      }));
      this.setData({ photos: [...this.data.photos, ...added] });
      await Promise.all(added.map((p) => this.upload(p)));
    },

    async upload(p: Photo) {
      try {
        const fileID = await uploadFile(p.temp, PHOTO_DIR);
        this.patchPhoto(p.key, { fileID, uploading: false });
      } catch {
        // A failed photo leaves the list: the request can go without it.
        this.setData({
          photos: this.data.photos.filter((x) => x.key !== p.key),
          'errors.photos': '有照片没有传上去，请检查网络后再添加',
        });
      }
    },

    patchPhoto(key: string, patch: Partial<Photo>) {
      const i = this.data.photos.findIndex((x) => x.key === key);
      if (i < 0) return;
      this.setData({ [`photos[${i}]`]: { ...this.data.photos[i], ...patch } });
    },

    onRemovePhoto(e: WechatMiniprogram.BaseEvent) {
      if (this.data.sending) return;
      const key = String(e.currentTarget.dataset.key ?? '');
      this.setData({ photos: this.data.photos.filter((x) => x.key !== key), 'errors.photos': '' });
    },

    onSend() {
      if (this.data.sending) return;
      const { category, text } = this.data;
      const errors: Errors = checkRequest({ category, text });
      if (this.data.photos.some((p) => p.uploading))
        errors.photos = '照片还在上传，请稍等一下再发送';
      if (Object.keys(errors).length) {
        this.setData({
          errors,
          formError: '',
          step: errors.category ? 'category' : 'form',
        });
        return;
      }
      // Inside the tap, before any await: WeChat shows its dialog only then. Not awaited: the
      // request goes whatever the resident answers.
      if (isSubscribeConfigured('liaisonReminder')) void requestSubscribe('liaisonReminder');
      void this.send();
    },

    async send() {
      const photos = this.data.photos.map((p) => p.fileID).filter(Boolean);
      const data = {
        category: this.data.category as RequestCategory,
        text: this.data.text.trim(),
        urgent: this.data.urgent,
        ...(photos.length ? { photos } : {}),
      };
      const s = st(this);
      const key = JSON.stringify(data);
      this.setData({ sending: true, formError: '', errors: {} });
      const res = await call('liaison', 'submitRequest', data, { requestId: s.intents.id(key) });
      if (!res.ok) {
        const fields = fieldErrors(res.error, ['category', 'text', 'photos']);
        const named = Object.keys(fields).length > 0;
        this.setData({
          sending: false,
          errors: res.error.code === 'CONTENT_RISKY' ? { text: res.error.message } : fields,
          formError: named || res.error.code === 'CONTENT_RISKY' ? '' : res.error.message,
          ...(fields.category ? { step: 'category' } : {}),
        });
        return;
      }
      s.intents.done(key);
      this.setData({ sending: false });
      toast('已发送给中心户', 'success');
      replace(ROUTES.residentRequestDetail, { id: res.data.requestId });
    },
  },
});
