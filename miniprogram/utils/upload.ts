/**
 * Files a page uploads to cloud storage (lesson covers, pictures, audio and video). The page
 * itself asks for the file (`wx.chooseMedia`, `wx.chooseMessageFile`: privacy APIs, so the
 * page carries `<privacy-consent>`); this uploads it and words a failure.
 *
 * Where uploads work: cloud mode (CloudBase storage), and the browser preview, whose
 * `wx.cloud.uploadFile` stores the file in the local emulator's storage (docs/preview.md), so
 * the composer is complete there and in the end-to-end tests. A develop build of WeChat
 * DevTools in local mode has no storage to reach (its `wx.cloud` is the real cloud, with no
 * environment), so the upload controls are hidden there and a line says why, as
 * pages/profile-edit does for photos (docs/client.md).
 */
import { getConfig } from '../config';
import { newRequestId } from '../services/call';
import { ensureCloud } from '../services/cloud';
import { isPermissionDenied, isPrivacyRefusal } from './privacy';

/** The browser preview's account info names it (preview/runtime/wx/app.ts). */
function isBrowserPreview(): boolean {
  try {
    return wx.getAccountInfoSync().miniProgram.appId === 'preview';
  } catch {
    return false;
  }
}

export function canUploadFiles(): boolean {
  return getConfig().mode === 'cloud' || isBrowserPreview();
}

/** Upload a chosen file under `dir/` (e.g. `lessons`); resolves with its fileID. */
export function uploadFile(tempPath: string, dir: string): Promise<string> {
  const ext = (/\.(\w{2,5})$/.exec(tempPath)?.[1] ?? 'bin').toLowerCase();
  return new Promise((resolve, reject) => {
    try {
      ensureCloud();
      wx.cloud.uploadFile({
        cloudPath: `${dir}/${newRequestId()}.${ext}`,
        filePath: tempPath,
        success: (r) => resolve(r.fileID),
        fail: reject,
      });
    } catch (e) {
      reject(e);
    }
  });
}

/** Why a picker failed, when the user did not simply close it; `what` is 照片 / 文件 … */
export function chooseFailMessage(err: unknown, what: string, again: string): string {
  if (isPrivacyRefusal(err))
    return `您没有同意隐私保护指引，暂时不能选择${what}。再点「${again}」，在说明里点「同意并继续」即可。`;
  if (isPermissionDenied(err))
    return '网上支部没有使用相册或文件的权限。请点右上角「···」›「设置」打开权限后再试。';
  return `没能打开${what}，请稍后重试`;
}
