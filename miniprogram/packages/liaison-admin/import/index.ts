/**
 * 导入联系户 from an Excel file into ONE central household (managers). Opened with
 * `?householdId=` (from a household; one call on open: `liaison.listResidents` for the
 * household's name, count and branch) or `?branchId=` (one call on open:
 * `liaison.listHouseholds`, 20 a page, to choose the household).
 *
 * 下载模板: `liaison.importTemplate` → the file card (utils/export-file.ts) opens the .xlsx.
 * 选择 Excel 文件: `wx.chooseMessageFile` (a file from a chat, .xlsx) → cloud storage
 * `liaison-imports/…` → `liaison.importResidents`. Every row is checked first: one wrong row and
 * nothing is imported, and the page lists each problem (第 N 行 · 列名 · 原因). `FULL` (the
 * household would pass the committee's maximum) is said as the server words it.
 */
import type { HouseholdItem, ImportRowError } from '../../../../typings/api';
import { call, newRequestId } from '../../../services/call';
import { ensureCloud } from '../../../services/cloud';
import { isElderlyMode } from '../../../utils/elderly';
import { exportFileBehavior, openExportFile, showExportFile } from '../../../utils/export-file';
import { Intents } from '../../../utils/intents';
import { ROUTES, dataset, decodeQuery, go } from '../../../utils/nav';
import { pageState, toast } from '../../../utils/page';
import { PagedList } from '../../../utils/paged-list';
import { isUserCancel } from '../../../utils/privacy';
import { canUploadFiles, chooseFailMessage } from '../../../utils/upload';

type Status = 'loading' | 'error' | 'empty' | 'ready';

interface Choice {
  householdId: string;
  branchId: string;
  memberName: string;
  grid: string;
  countText: string;
  full: boolean;
}

function toChoice(h: HouseholdItem, max: number): Choice {
  return {
    householdId: h.householdId,
    branchId: h.branchId,
    memberName: h.memberName,
    grid: h.grid,
    countText: `联系户 ${h.residentCount}/${max}`,
    full: h.residentCount >= max,
  };
}

/** 「第 3 行 · 联系电话 · 手机号格式不对」 */
export function rowErrorText(e: ImportRowError): string {
  return [`第 ${e.row} 行`, e.column, e.message].filter(Boolean).join(' · ');
}

/** Upload the chosen .xlsx under liaison-imports/; resolves with its fileID. */
function uploadXlsx(tempPath: string): Promise<string> {
  return new Promise((resolve, reject) => {
    try {
      ensureCloud();
      wx.cloud.uploadFile({
        cloudPath: `liaison-imports/${newRequestId()}.xlsx`,
        filePath: tempPath,
        success: (r) => resolve(r.fileID),
        fail: reject,
      });
    } catch (e) {
      reject(e);
    }
  });
}

interface PageState {
  list: PagedList;
  intents: Intents;
  max: number;
}
const st = pageState<PageState>(() => ({ list: new PagedList(), intents: new Intents(), max: 10 }));

Component({
  behaviors: [exportFileBehavior],

  data: {
    status: 'loading' as Status,
    errorMessage: '',
    elderly: false,
    canUpload: false,
    /** Opened for one household (no choosing). */
    fixed: false,
    branchId: '',
    householdId: '',
    picked: null as Choice | null,
    items: [] as Choice[],
    hasMore: false,
    loadingMore: false,
    moreError: '',
    templating: false,
    templateError: '',
    file: null as null | { fileName: string; rows: number; url: string; fileType: string },
    opening: false,
    fileMessage: '',
    busy: '' as '' | 'choosing' | 'uploading' | 'importing',
    importError: '',
    full: false,
    imported: null as null | { count: number; countText: string },
    rowErrors: [] as { key: string; text: string }[],
  },

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const o = decodeQuery(query);
      this.setData({
        elderly: isElderlyMode(),
        canUpload: canUploadFiles(),
        branchId: o.branchId ?? '',
        householdId: o.householdId ?? '',
        fixed: !!o.householdId,
      });
      void this.loadFirst();
    },

    async loadFirst() {
      if (this.data.fixed) {
        await this.loadHousehold();
        return;
      }
      if (!this.data.branchId) {
        this.setData({ status: 'error', errorMessage: '没有指定支部，请从中心户管理进入' });
        return;
      }
      await st(this).list.first(
        this,
        (c) => this.fetchHouseholds(c),
        (h: HouseholdItem) => toChoice(h, st(this).max),
      );
    },
    async loadMore() {
      await st(this).list.more(
        this,
        (c) => this.fetchHouseholds(c),
        (h: HouseholdItem) => toChoice(h, st(this).max),
      );
    },
    fetchHouseholds(cursor?: string) {
      return call('liaison', 'listHouseholds', {
        branchId: this.data.branchId,
        ...(cursor === undefined ? {} : { cursor }),
      }).then((res) => {
        if (res.ok) st(this).max = res.data.settings.maxResidents;
        return res;
      });
    },

    /** Opened for one household: its name, count and branch come with its first page. */
    async loadHousehold() {
      this.setData({ status: 'loading', errorMessage: '' });
      const res = await call('liaison', 'listResidents', { householdId: this.data.householdId });
      if (!res.ok) {
        this.setData({ status: 'error', errorMessage: res.error.message });
        return;
      }
      const max = res.data.settings?.maxResidents ?? st(this).max;
      st(this).max = max;
      const h = res.data.household;
      const picked: Choice = h
        ? toChoice(h, max)
        : {
            householdId: this.data.householdId,
            branchId: this.data.branchId,
            memberName: '',
            grid: '',
            countText: '',
            full: false,
          };
      this.setData({
        status: 'ready',
        picked,
        branchId: this.data.branchId || picked.branchId,
      });
    },

    onRetry() {
      void this.loadFirst();
    },
    onMoreRetry() {
      void this.loadMore();
    },
    onDesignate() {
      go(ROUTES.designate, { branchId: this.data.branchId });
    },

    onPick(e: WechatMiniprogram.BaseEvent) {
      const id = dataset(e, 'id');
      const choice = this.data.items.find((c: Choice) => c.householdId === id);
      if (!choice) return;
      this.setData({
        picked: choice,
        householdId: choice.householdId,
        importError: '',
        full: false,
        imported: null,
        rowErrors: [],
      });
    },

    // ------------------------------------------------------------ template

    async onTemplate() {
      if (this.data.templating) return;
      const branchId = this.data.branchId || this.data.picked?.branchId || '';
      if (!branchId) {
        this.setData({ templateError: '没有指定支部，请从中心户管理进入' });
        return;
      }
      const s = st(this);
      this.setData({ templating: true, templateError: '', file: null, fileMessage: '' });
      const res = await call(
        'liaison',
        'importTemplate',
        { branchId },
        { requestId: s.intents.id('template') },
      );
      this.setData({ templating: false });
      if (!res.ok) {
        this.setData({ templateError: res.error.message });
        return;
      }
      s.intents.done('template');
      showExportFile(this, res.data);
      void openExportFile(this);
    },

    // ------------------------------------------------------------ import

    async onChooseFile() {
      if (this.data.busy || !this.data.canUpload) return;
      const householdId = this.data.picked?.householdId ?? '';
      if (!householdId) {
        this.setData({ importError: '请先选择要导入到哪一户中心户', full: false });
        return;
      }
      this.setData({
        busy: 'choosing',
        importError: '',
        full: false,
        imported: null,
        rowErrors: [],
      });
      let chosen: { path: string; name: string } | null;
      try {
        chosen = await new Promise<{ path: string; name: string } | null>((resolve, reject) =>
          wx.chooseMessageFile({
            count: 1,
            type: 'file',
            extension: ['xlsx'],
            success: (r) => {
              const f = r.tempFiles[0];
              resolve(f ? { path: f.path, name: f.name ?? f.path } : null);
            },
            fail: reject,
          }),
        );
      } catch (err) {
        this.setData({
          busy: '',
          importError: isUserCancel(err) ? '' : chooseFailMessage(err, '文件', '选择 Excel 文件'),
        });
        return;
      }
      if (!chosen) {
        this.setData({ busy: '' });
        return;
      }
      if (!/\.xlsx$/i.test(chosen.name)) {
        this.setData({
          busy: '',
          importError: '请选择 .xlsx 格式的 Excel 文件（可以先点「下载模板」照着填）',
        });
        return;
      }
      this.setData({ busy: 'uploading' });
      let fileID: string;
      try {
        fileID = await uploadXlsx(chosen.path);
      } catch {
        this.setData({ busy: '', importError: '上传失败，请检查网络后重试' });
        return;
      }
      await this.importFile(householdId, fileID);
    },

    async importFile(householdId: string, fileID: string) {
      const s = st(this);
      const key = `import:${householdId}:${fileID}`;
      this.setData({ busy: 'importing' });
      const res = await call(
        'liaison',
        'importResidents',
        { householdId, fileID },
        { requestId: s.intents.id(key) },
      );
      this.setData({ busy: '' });
      if (!res.ok) {
        this.setData({ importError: res.error.message, full: res.error.code === 'FULL' });
        return;
      }
      s.intents.done(key);
      const r = res.data;
      const countText = `联系户 ${r.residentCount}/${r.max}`;
      if (this.data.picked) this.setData({ 'picked.countText': countText });
      if (r.errors.length) {
        this.setData({
          rowErrors: r.errors.map((e, i) => ({ key: `${e.row}-${i}`, text: rowErrorText(e) })),
        });
        return;
      }
      this.setData({ imported: { count: r.imported, countText } });
      if (r.imported) toast(`已导入 ${r.imported} 户`, 'success');
    },

    onOpenHousehold() {
      const householdId = this.data.picked?.householdId;
      if (householdId) go(ROUTES.household, { householdId });
    },
  },
});
