/**
 * What the organiser pages of activities (packages/activity-admin) share: labels of the
 * contract's codes, picker text ↔ ISO, and opening an exported .xlsx. Lives in the
 * subpackage so the main package does not carry organiser-only code.
 */
import type {
  ActivityAudience,
  ActivityKind,
  AttendanceSummary,
  ExportResponse,
  MeetingType,
} from '../../../typings/api';
import { toast } from '../../utils/page';
import { isPrivacyRefusal, isUserCancel } from '../../utils/privacy';

export const KIND_OPTIONS: { label: string; value: ActivityKind }[] = [
  { label: '主题党日', value: 'themeDay' },
  { label: '三会一课', value: 'meeting' },
  { label: '志愿服务', value: 'volunteer' },
];

export const MEETING_OPTIONS: { label: string; value: MeetingType }[] = [
  { label: '支部党员大会', value: 'memberMeeting' },
  { label: '支委会', value: 'committeeMeeting' },
  { label: '党小组会', value: 'groupMeeting' },
  { label: '党课', value: 'partyLesson' },
];

export const AUDIENCE_LABEL: Record<ActivityAudience, string> = {
  branch: '本支部党员',
  reported: '含双报到党员',
  public: '向居民开放',
};

/** The audiences the contract allows for a kind (typings/activity.ts `ActivityAudience`). */
export function audiencesFor(kind: ActivityKind): ActivityAudience[] {
  if (kind === 'meeting') return ['branch'];
  if (kind === 'themeDay') return ['branch', 'reported'];
  return ['branch', 'reported', 'public'];
}

export const WHO_LABEL: Record<'member' | 'reported' | 'resident', string> = {
  member: '党员',
  reported: '双报到',
  resident: '居民',
};

const pad = (n: number) => String(n).padStart(2, '0');

/** `YYYY-MM-DD HH:mm` in the phone's time zone, as the date-time picker shows it. */
export function pickerText(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function parsePicker(v: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})/.exec(v);
  if (!m) return null;
  const d = new Date(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** `YYYY-MM-DD` of a Date in the phone's time zone. */
export function dayText(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** 「3月5日 14:00」 (with the year when it is not this year); '' for null. */
export function whenText(iso: string | null | undefined, now: Date = new Date()): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const day = `${d.getMonth() + 1}月${d.getDate()}日`;
  const year = d.getFullYear() === now.getFullYear() ? '' : `${d.getFullYear()}年`;
  return `${year}${day} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** 「14:05」; '' for null. */
export function clockText(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** 出勤率 as people read it: 「92.5%」, 「未记录」 before attendance is recorded. */
export function rateText(rate: number | null): string {
  return rate === null ? '未记录' : `${rate}%`;
}

export function summaryView(s: AttendanceSummary) {
  return { ...s, rateText: rateText(s.rate) };
}

/** Hours as people read them: 2 → 「2 小时」, 2.5 → 「2.5 小时」. */
export function hoursText(h: number | null): string {
  return h === null ? '未确认' : `${h} 小时`;
}

/**
 * Download an exported file and open it in WeChat's document viewer. Resolves with '' when it
 * opened, else a message that says what to do instead (copy the link).
 */
export function openRemoteFile(url: string): Promise<string> {
  return new Promise((resolve) => {
    const failed = '没能打开表格，可以点「复制下载链接」在电脑上打开';
    try {
      wx.downloadFile({
        url,
        success: (r) => {
          if (r.statusCode !== 200 || !r.tempFilePath) {
            resolve(failed);
            return;
          }
          try {
            wx.openDocument({
              filePath: r.tempFilePath,
              fileType: 'xlsx',
              showMenu: true,
              success: () => resolve(''),
              fail: () => resolve(failed),
            });
          } catch {
            resolve(failed);
          }
        },
        fail: () => resolve('下载失败，请检查网络后重试，或点「复制下载链接」'),
      });
    } catch {
      resolve(failed);
    }
  });
}

/**
 * Copy a download link. `wx.setClipboardData` is a privacy API: every page that calls this
 * carries `<privacy-consent />`. Resolves with '' when copied, else what to say under the button.
 */
export function copyText(text: string): Promise<string> {
  return new Promise((resolve) => {
    try {
      wx.setClipboardData({
        data: text,
        success: () => resolve(''),
        fail: (err) => {
          if (isUserCancel(err)) resolve('');
          else if (isPrivacyRefusal(err))
            resolve(
              '您没有同意隐私保护指引，没能复制。再点「复制下载链接」，在说明里点「同意并继续」即可。',
            );
          else resolve('没能复制，请稍后重试');
        },
      });
    } catch {
      resolve('没能复制，请稍后重试');
    }
  });
}

/** What the export file card shows after `exportSignups` / `exportHours`. */
export interface ExportFileView {
  fileName: string;
  rows: number;
  url: string;
}

interface ExportFileHost {
  data: { file: ExportFileView | null; opening: boolean };
  setData(patch: Record<string, unknown>): void;
}
const host = (page: object) => page as unknown as ExportFileHost;

/** After an export: the file's card. */
export function showExportFile(page: object, r: ExportResponse): void {
  host(page).setData({ file: { fileName: r.fileName, rows: r.rows, url: r.url } });
}

/** Downloads and opens the shown file (wx.downloadFile + wx.openDocument), saying what failed. */
export async function openExportFile(page: object): Promise<void> {
  const p = host(page);
  const file = p.data.file;
  if (!file || p.data.opening) return;
  p.setData({ opening: true, fileMessage: '' });
  const message = await openRemoteFile(file.url);
  p.setData({ opening: false, fileMessage: message });
}

/**
 * The exported file's card, the same on the sign-ups page and the branch export page: 打开
 * and 复制链接. The page keeps `file`, `opening` and `fileMessage` in its data and calls
 * `showExportFile` (and `openExportFile`) after an export.
 */
export const exportFileBehavior = Behavior({
  methods: {
    onOpenFile() {
      return openExportFile(this);
    },
    /** Copies the link (wx.setClipboardData: the page carries `<privacy-consent />`). */
    async onCopyLink() {
      const p = host(this);
      const file = p.data.file;
      if (!file) return;
      const message = await copyText(file.url);
      if (!message) toast('下载链接已复制', 'success');
      p.setData({ fileMessage: message || '下载链接已复制，可以在电脑浏览器里打开' });
    },
  },
});
