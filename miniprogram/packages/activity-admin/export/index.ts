/**
 * 导出服务时长 of a branch (organisers; `?branchId=`). A form, no call on open: two dates
 * (default this year so far, at most 366 days apart), then 导出 sends `activity.exportHours`
 * — every confirmed hour of the branch's volunteer activities that started in the range, as
 * an .xlsx in cloud storage. The file is then downloaded and opened (wx.downloadFile +
 * wx.openDocument); 复制下载链接 is the way when opening fails (e.g. to open on a computer).
 */
import { call } from '../../../services/call';
import { isElderlyMode } from '../../../utils/elderly';
import { Intents } from '../../../utils/intents';
import { decodeQuery } from '../../../utils/nav';
import { pageState, toast } from '../../../utils/page';
import { exportFileBehavior, openExportFile, showExportFile } from '../../../utils/export-file';
import { today } from '../../../utils/format';

type Which = '' | 'from' | 'to';

const DAY_MS = 86_400_000;
const MAX_DAYS = 366;

const parseDay = (v: string): Date | null => {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  return m ? new Date(+m[1], +m[2] - 1, +m[3]) : null;
};

interface PageState {
  intents: Intents;
}
const st = pageState<PageState>(() => ({ intents: new Intents() }));

Component({
  behaviors: [exportFileBehavior],
  data: {
    status: 'ready',
    elderly: false,
    branchId: '',
    from: '',
    to: '',
    picker: '' as Which,
    pickerValue: '',
    pickerTitle: '',
    pickerStart: '',
    pickerEnd: '',
    error: '',
    exporting: false,
    file: null as null | { fileName: string; rows: number; url: string },
    opening: false,
    fileMessage: '',
  },

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const o = decodeQuery(query);
      const now = new Date();
      this.setData({
        elderly: isElderlyMode(),
        branchId: o.branchId ?? '',
        from: `${now.getFullYear()}-01-01`,
        to: today(now),
        pickerStart: `${now.getFullYear() - 5}-01-01`,
        pickerEnd: today(now),
      });
    },

    onOpenPicker(e: WechatMiniprogram.BaseEvent) {
      const which = String(e.currentTarget?.dataset?.which ?? '') as Which;
      if (which !== 'from' && which !== 'to') return;
      this.setData({
        picker: which,
        pickerValue: which === 'from' ? this.data.from : this.data.to,
        pickerTitle: which === 'from' ? '开始日期' : '结束日期',
      });
    },
    onPickerCancel() {
      this.setData({ picker: '' });
    },
    onPickerConfirm(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      const v = String(e.detail.value ?? '').slice(0, 10);
      const which = this.data.picker;
      if (!parseDay(v) || !which) {
        this.setData({ picker: '' });
        return;
      }
      st(this).intents.done('export');
      this.setData({ picker: '', [which]: v, error: '' });
    },

    async onExport() {
      if (this.data.exporting) return;
      const from = parseDay(this.data.from);
      const to = parseDay(this.data.to);
      if (!from || !to) {
        this.setData({ error: '请选择开始和结束日期' });
        return;
      }
      if (from > to) {
        this.setData({ error: '开始日期不能晚于结束日期' });
        return;
      }
      if (Math.round((to.getTime() - from.getTime()) / DAY_MS) + 1 > MAX_DAYS) {
        this.setData({ error: `一次最多导出 ${MAX_DAYS} 天，请缩短日期范围` });
        return;
      }
      const s = st(this);
      this.setData({ exporting: true, error: '', file: null, fileMessage: '' });
      const res = await call(
        'activity',
        'exportHours',
        { branchId: this.data.branchId, from: this.data.from, to: this.data.to },
        { requestId: s.intents.id('export') },
      );
      this.setData({ exporting: false });
      if (!res.ok) {
        this.setData({ error: res.error.message });
        return;
      }
      s.intents.done('export');
      showExportFile(this, res.data);
      toast('已导出', 'success');
      void openExportFile(this);
    },
  },
});
