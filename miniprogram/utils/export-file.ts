/**
 * An exported file's card (导出名单, 服务时长, 连心卡, 导入模板): 打开 downloads the file and opens
 * it in WeChat's document viewer (wx.downloadFile + wx.openDocument), 复制下载链接 is the way
 * when opening fails (e.g. to open it on a computer). In the main package because several
 * subpackages (activity-admin, liaison-admin) use it and subpackages cannot import each other.
 *
 * `wx.setClipboardData` is a privacy API: every page with the card carries `<privacy-consent />`.
 */
import { toast } from './page';
import { isPrivacyRefusal, isUserCancel } from './privacy';

export type DocumentType = 'xlsx' | 'pdf';

/** The document type of a file name: .pdf is a PDF, anything else a spreadsheet. */
export function documentType(fileName: string): DocumentType {
  return /\.pdf$/i.test(fileName) ? 'pdf' : 'xlsx';
}

/**
 * Download an exported file and open it in WeChat's document viewer. Resolves with '' when it
 * opened, else a message that says what to do instead (copy the link).
 */
export function openRemoteFile(url: string, fileType: DocumentType = 'xlsx'): Promise<string> {
  return new Promise((resolve) => {
    const what = fileType === 'pdf' ? '文件' : '表格';
    const failed = `没能打开${what}，可以点「复制下载链接」在电脑上打开`;
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
              fileType,
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

/** What the export file card shows after an export. */
export interface ExportFileView {
  fileName: string;
  rows: number;
  url: string;
  fileType: DocumentType;
}

/** The part of an export answer the card needs (activity and liaison exports alike). */
export interface ExportedFile {
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
export function showExportFile(page: object, r: ExportedFile): void {
  host(page).setData({
    file: { fileName: r.fileName, rows: r.rows, url: r.url, fileType: documentType(r.fileName) },
  });
}

/** Downloads and opens the shown file (wx.downloadFile + wx.openDocument), saying what failed. */
export async function openExportFile(page: object): Promise<void> {
  const p = host(page);
  const file = p.data.file;
  if (!file || p.data.opening) return;
  p.setData({ opening: true, fileMessage: '' });
  const message = await openRemoteFile(file.url, file.fileType ?? documentType(file.fileName));
  p.setData({ opening: false, fileMessage: message });
}

/**
 * The exported file's card, the same on every export page: 打开 and 复制链接. The page keeps
 * `file`, `opening` and `fileMessage` in its data and calls `showExportFile` (and
 * `openExportFile`) after an export.
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
