/**
 * 记录走访 / 办实事 (`?householdId=`, optional `&residentId=` to start on one household). One
 * call on open, `liaison.listResidents { householdId }` (its first page: the households to pick
 * from). Fields: 联系户 (optional: work for several households), 日期 (today by default, the
 * last 30 days), 类别 (走访 · 帮办实事 · 政策宣传 · 矛盾调解 · 其他), 情况记录 (2–500), and up
 * to 6 photos (`wx.chooseMedia` → `wx.cloud.uploadFile` under `liaison-records/`; hidden where
 * no storage is reachable, as on the other upload pages). 提交 → `logService` (requestId kept
 * while the form is unchanged); the result says the points earned: 「+1 积分」, or
 * 「今日已计分」 when the day's point for that household was already counted.
 */
import type { ServiceCategory } from '../../../../typings/api';
import { call } from '../../../services/call';
import { isElderlyMode } from '../../../utils/elderly';
import { today } from '../../../utils/format';
import { Intents } from '../../../utils/intents';
import { ROUTES, decodeQuery, replace } from '../../../utils/nav';
import { fieldErrors, pageState, toast } from '../../../utils/page';
import { isUserCancel } from '../../../utils/privacy';
import { canUploadFiles, chooseFailMessage, uploadFile } from '../../../utils/upload';
import { RECORD_PHOTO_DIR, SERVICE_CATEGORY_OPTIONS } from '../shared';

type Status = 'loading' | 'error' | 'ready';

const FIELDS = ['residentId', 'date', 'category', 'note', 'photos'] as const;
type Errors = Partial<Record<(typeof FIELDS)[number], string>>;
const MAX_PHOTOS = 6;
const NONE = '不指定（多户或公共事务）';

const st = pageState(() => ({ intents: new Intents() }));

function daysAgo(n: number, now = new Date()): string {
  return today(new Date(now.getFullYear(), now.getMonth(), now.getDate() - n));
}

Component({
  data: {
    status: 'loading' as Status,
    errorMessage: '',
    elderly: false,
    householdId: '',
    residents: [] as { residentId: string; headName: string }[],
    residentNames: [NONE] as string[],
    residentIndex: 0,
    date: '',
    minDate: '',
    maxDate: '',
    categories: SERVICE_CATEGORY_OPTIONS,
    category: 'visit' as ServiceCategory,
    note: '',
    photos: [] as string[],
    canUpload: false,
    uploading: false,
    errors: {} as Errors,
    formError: '',
    saving: false,
    result: null as null | { pointsText: string },
  },

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const o = decodeQuery(query);
      const now = new Date();
      this.setData({
        elderly: isElderlyMode(),
        householdId: o.householdId ?? '',
        date: today(now),
        maxDate: today(now),
        minDate: daysAgo(30, now),
        canUpload: canUploadFiles(),
      });
      void this.load(o.residentId ?? '');
    },

    async load(preselect = '') {
      this.setData({ status: 'loading', errorMessage: '' });
      const res = await call('liaison', 'listResidents', { householdId: this.data.householdId });
      if (!res.ok) {
        this.setData({ status: 'error', errorMessage: res.error.message });
        return;
      }
      const residents = res.data.items.map((r) => ({
        residentId: r.residentId,
        headName: r.headName,
      }));
      const i = residents.findIndex((r) => r.residentId === preselect);
      this.setData({
        status: 'ready',
        residents,
        residentNames: [NONE, ...residents.map((r) => r.headName)],
        residentIndex: i >= 0 ? i + 1 : 0,
      });
    },
    onRetry() {
      void this.load();
    },

    changed(patch: Record<string, unknown>) {
      st(this).intents.done('log');
      this.setData({ ...patch, formError: '' });
    },
    onResident(e: WechatMiniprogram.CustomEvent<{ value: string | number }>) {
      const i = Number(e.detail.value);
      if (!(i >= 0 && i <= this.data.residents.length)) return;
      this.changed({ residentIndex: i, 'errors.residentId': '' });
    },
    onDate(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.changed({ date: String(e.detail.value), 'errors.date': '' });
    },
    onCategory(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      const v = String(e.detail.value) as ServiceCategory;
      if (!SERVICE_CATEGORY_OPTIONS.some((c) => c.value === v)) return;
      this.changed({ category: v, 'errors.category': '' });
    },
    onNote(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.changed({ note: String(e.detail.value ?? ''), 'errors.note': '' });
    },

    async onAddPhotos() {
      if (this.data.uploading || !this.data.canUpload) return;
      const room = MAX_PHOTOS - this.data.photos.length;
      if (room <= 0) return;
      this.setData({ 'errors.photos': '' });
      let paths: string[];
      try {
        paths = await new Promise<string[]>((resolve, reject) =>
          wx.chooseMedia({
            count: room,
            mediaType: ['image'],
            sizeType: ['compressed'],
            success: (r) => resolve(r.tempFiles.map((f) => f.tempFilePath).slice(0, room)),
            fail: reject,
          }),
        );
      } catch (err) {
        if (!isUserCancel(err))
          this.setData({ 'errors.photos': chooseFailMessage(err, '照片', '添加照片') });
        return;
      }
      if (!paths.length) return;
      this.setData({ uploading: true });
      const uploaded: string[] = [];
      let failed = false;
      for (const p of paths) {
        try {
          uploaded.push(await uploadFile(p, RECORD_PHOTO_DIR));
        } catch {
          failed = true;
        }
      }
      this.changed({
        uploading: false,
        photos: [...this.data.photos, ...uploaded].slice(0, MAX_PHOTOS),
        'errors.photos': failed ? '有照片没能上传，请检查网络后再添加' : '',
      });
    },
    onRemovePhoto(e: WechatMiniprogram.BaseEvent) {
      const i = Number((e.currentTarget.dataset as { index?: unknown }).index);
      const photos = this.data.photos.filter((_p: string, j: number) => j !== i);
      this.changed({ photos });
    },

    async onSubmit() {
      if (this.data.saving || this.data.uploading) return;
      const d = this.data;
      const note = d.note.trim();
      const errors: Errors = {};
      if (note.length < 2) errors.note = '请写下走访或办事的情况（至少 2 个字）';
      else if (note.length > 500) errors.note = '情况记录最多 500 个字';
      if (Object.keys(errors).length) {
        this.setData({ errors, formError: '' });
        return;
      }
      const resident = d.residentIndex > 0 ? d.residents[d.residentIndex - 1] : null;
      const s = st(this);
      this.setData({ saving: true, errors: {}, formError: '' });
      const res = await call(
        'liaison',
        'logService',
        {
          householdId: d.householdId,
          ...(resident ? { residentId: resident.residentId } : {}),
          date: d.date,
          category: d.category,
          note,
          ...(d.photos.length ? { photos: d.photos } : {}),
        },
        { requestId: s.intents.id('log') },
      );
      this.setData({ saving: false });
      if (!res.ok) {
        const fe = fieldErrors(res.error, FIELDS);
        this.setData({
          errors: fe,
          formError: Object.keys(fe).length ? '' : res.error.message,
        });
        return;
      }
      s.intents.done('log');
      toast('已记录', 'success');
      this.setData({
        result: {
          pointsText: res.data.points > 0 ? `+${res.data.points} 积分` : '今日已计分',
        },
      });
    },

    onAgain() {
      this.setData({
        result: null,
        note: '',
        photos: [],
        residentIndex: 0,
        category: 'visit',
        date: this.data.maxDate,
        errors: {},
        formError: '',
      });
    },
    onRecords() {
      replace(ROUTES.serviceRecords, { householdId: this.data.householdId });
    },
  },
});
