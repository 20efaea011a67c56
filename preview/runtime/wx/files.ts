/**
 * Temporary files. A picked or downloaded file becomes an object URL (`blob:…`), which
 * <image src> can show as is; the Blob is kept here by that path so uploads can send its bytes.
 */
import { WxFailure } from './callback';

const tempFiles = new Map<string, Blob>();

const TYPE_EXT: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'video/mp4': 'mp4',
  'video/quicktime': 'mov',
  'application/pdf': 'pdf',
};

function extensionOf(blob: Blob, name: string): string {
  const fromName = /\.(\w{1,8})$/.exec(name)?.[1];
  return (fromName ?? TYPE_EXT[blob.type] ?? '').toLowerCase();
}

/**
 * Keep `blob` and return its temp path. Phones' temp paths end in the file's extension and
 * page code derives upload names from it, so the object URL gets `#.<ext>`: a fragment, which
 * both <img> and fetch ignore.
 */
export function registerTempFile(blob: Blob, name = ''): string {
  const ext = extensionOf(blob, name);
  const path = URL.createObjectURL(blob) + (ext ? `#.${ext}` : '');
  tempFiles.set(path, blob);
  return path;
}

/** The bytes behind a temp path, or behind any URL the browser can fetch. */
export async function readTempFile(path: string): Promise<Blob> {
  const kept = tempFiles.get(path);
  if (kept) return kept;
  if (!/^(blob:|data:|https?:)/.test(path)) {
    throw new WxFailure(`no such file or directory ${path}`, { errno: 1300002 });
  }
  let res: Response;
  try {
    res = await fetch(path);
  } catch (e) {
    throw new WxFailure(`no such file or directory ${path}`, {
      errno: 1300002,
      detail: String(e),
    });
  }
  if (!res.ok) throw new WxFailure(`no such file or directory ${path}`, { errno: 1300002 });
  return res.blob();
}

/** A file name for multipart uploads. */
export function fileNameOf(path: string, blob: Blob): string {
  if (blob instanceof File && blob.name) return blob.name;
  const ext = /#\.(\w+)$/.exec(path)?.[1] ?? extensionOf(blob, path);
  return `file${ext ? `.${ext}` : ''}`;
}

/** Keep `blob` under a path the page chose (downloadFile's filePath). */
export function rememberFile(path: string, blob: Blob): void {
  tempFiles.set(path, blob);
}
