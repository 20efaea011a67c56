/**
 * wx.openDocument: WeChat opens a downloaded file (PDF, Word, Excel…) in its document viewer.
 * The browser shows what it can show itself (PDF, images, text) in a new tab and saves the
 * rest (an Excel export) as a download named after the file type, so the organiser's
 * 导出 ends with the real file on the computer.
 */
import { asyncApi, WxFailure, type Options } from './callback';
import { readTempFile } from './files';

const SHOWN = new Set(['pdf', 'png', 'jpg', 'jpeg', 'gif', 'webp', 'txt']);
const TYPES = new Set(['doc', 'docx', 'xls', 'xlsx', 'ppt', 'pptx', 'pdf']);

/** The file's type: `fileType` if given, else the extension of the path (`#.xlsx` included). */
function typeOf(path: string, given: unknown): string {
  if (typeof given === 'string' && given) return given.toLowerCase();
  return (/\.(\w{1,8})$/.exec(path)?.[1] ?? '').toLowerCase();
}

export function documentApis(): Record<string, any> {
  return {
    openDocument: asyncApi('openDocument', async (o: Options) => {
      const path = String(o.filePath ?? '');
      if (!path) throw new WxFailure('parameter error: filePath should not be empty');
      const type = typeOf(path, o.fileType);
      if (o.fileType !== undefined && !TYPES.has(type)) {
        throw new WxFailure(`parameter error: fileType ${String(o.fileType)} is not supported`);
      }
      const blob = await readTempFile(path);
      const url = URL.createObjectURL(blob);
      const name = `文档${type ? `.${type}` : ''}`;
      const shown = SHOWN.has(type);
      if (shown) {
        window.open(url, '_blank', 'noopener');
      } else {
        const a = document.createElement('a');
        a.href = url;
        a.download = name;
        a.rel = 'noopener';
        a.style.display = 'none';
        document.body.appendChild(a);
        a.click();
        a.remove();
      }
      console.info(`[preview] wx.openDocument: ${shown ? 'opened' : 'downloaded'} ${name}`);
      // The object URL must outlive the new tab's load or the download's start.
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    }),
  };
}
