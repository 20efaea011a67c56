/**
 * Picking, previewing and saving media. The picker is a hidden <input type=file> in the
 * overlay root (tests answer it with Playwright's file chooser); picked files become temp
 * paths (files.ts) that <image> shows and uploads read.
 */
import type { PreviewHost } from '../host';
import { asyncApi, WxFailure, type Options, type Result } from './callback';
import { toHttpUrls } from './cloud';
import { readTempFile, registerTempFile } from './files';
import { openViewer, type ViewerItem } from './overlay';
import type { Gate } from './privacy';
import { ensureUiStyle } from './ui.css';

interface Pick {
  accept: string;
  multiple: boolean;
  capture?: string;
}

/** Open the browser's file picker; the input's `cancel` event means the user closed it. */
function pickFiles(host: PreviewHost, pick: Pick, count: number): Promise<File[]> {
  ensureUiStyle();
  const input = document.createElement('input');
  input.type = 'file';
  input.className = 'wxp-hidden-input';
  input.accept = pick.accept;
  input.multiple = pick.multiple && count > 1;
  if (pick.capture) input.setAttribute('capture', pick.capture);
  host.overlayRoot().appendChild(input);
  return new Promise((resolve, reject) => {
    const done = (files: File[]) => {
      input.remove();
      if (files.length === 0) reject(new WxFailure('cancel'));
      else resolve(files.slice(0, count));
    };
    input.addEventListener('change', () => done(Array.from(input.files ?? [])));
    input.addEventListener('cancel', () => done([]));
    input.click();
  });
}

function countOf(o: Options, max: number): number {
  const n = Math.floor(Number(o.count ?? max));
  return n > 0 ? Math.min(n, max) : max;
}

/** Width and height where the browser can decode the picture; phones always report them. */
async function imageSize(file: Blob): Promise<{ width?: number; height?: number }> {
  if (typeof createImageBitmap !== 'function') return {};
  try {
    const bitmap = await createImageBitmap(file);
    const size = { width: bitmap.width, height: bitmap.height };
    bitmap.close();
    return size;
  } catch {
    return {};
  }
}

const isVideo = (f: File) => f.type.startsWith('video/');

export function mediaApis(host: PreviewHost, gate: Gate): Record<string, any> {
  const chooseMedia = asyncApi(
    'chooseMedia',
    gate('chooseMedia', async (o: Options) => {
      const types: string[] = Array.isArray(o.mediaType) ? o.mediaType : ['image', 'video'];
      const accept = [
        types.includes('image') || types.includes('mix') ? 'image/*' : '',
        types.includes('video') || types.includes('mix') ? 'video/*' : '',
      ]
        .filter(Boolean)
        .join(',');
      const sources: string[] = Array.isArray(o.sourceType) ? o.sourceType : ['album', 'camera'];
      const capture = sources.length === 1 && sources[0] === 'camera' ? o.camera : undefined;
      const files = await pickFiles(
        host,
        {
          accept,
          multiple: true,
          capture: capture === undefined ? undefined : capture === 'front' ? 'user' : 'environment',
        },
        countOf(o, 9),
      );
      const tempFiles = await Promise.all(
        files.map(async (f) => ({
          tempFilePath: registerTempFile(f, f.name),
          size: f.size,
          fileType: isVideo(f) ? 'video' : 'image',
          ...(isVideo(f) ? { duration: 0, thumbTempFilePath: '' } : await imageSize(f)),
        })),
      );
      const kinds = new Set(tempFiles.map((t) => t.fileType));
      return { tempFiles, type: kinds.size > 1 ? 'mix' : [...kinds][0] };
    }),
  );

  const chooseImage = asyncApi(
    'chooseImage',
    gate('chooseImage', async (o: Options) => {
      const sources: string[] = Array.isArray(o.sourceType) ? o.sourceType : ['album', 'camera'];
      const only = sources.length === 1 && sources[0] === 'camera';
      const files = await pickFiles(
        host,
        { accept: 'image/*', multiple: true, capture: only ? 'environment' : undefined },
        countOf(o, 9),
      );
      const tempFiles = files.map((f) => ({ path: registerTempFile(f, f.name), size: f.size }));
      return { tempFilePaths: tempFiles.map((t) => t.path), tempFiles };
    }),
  );

  const chooseMessageFile = asyncApi(
    'chooseMessageFile',
    gate('chooseMessageFile', async (o: Options) => {
      const type = String(o.type ?? 'all');
      const ext: string[] = Array.isArray(o.extension) ? o.extension : [];
      const accept =
        type === 'image'
          ? 'image/*'
          : type === 'video'
            ? 'video/*'
            : ext.map((e) => `.${String(e).replace(/^\./, '')}`).join(',');
      const files = await pickFiles(host, { accept, multiple: true }, countOf(o, 100));
      return {
        tempFiles: files.map((f) => ({
          path: registerTempFile(f, f.name),
          size: f.size,
          name: f.name,
          type: f.type.startsWith('image/') ? 'image' : isVideo(f) ? 'video' : 'file',
          time: Math.floor(f.lastModified / 1000),
        })),
      };
    }),
  );

  const view = async (items: ViewerItem[], index: number): Promise<void> => {
    const urls = await toHttpUrls(
      host,
      items.map((i) => i.url),
    );
    openViewer(
      host,
      items.map((item, i) => ({ ...item, url: urls[i] })),
      index,
    );
  };

  return {
    chooseMedia,
    chooseImage,
    chooseMessageFile,
    previewImage: asyncApi('previewImage', async (o: Options) => {
      const urls: string[] = Array.isArray(o.urls) ? o.urls.map(String) : [];
      if (urls.length === 0) throw new WxFailure('parameter error: urls should not be empty');
      const at = typeof o.current === 'number' ? o.current : urls.indexOf(String(o.current ?? ''));
      await view(
        urls.map((url) => ({ url, type: 'image' as const })),
        Math.max(at, 0),
      );
    }),
    previewMedia: asyncApi('previewMedia', async (o: Options) => {
      const sources: Result[] = Array.isArray(o.sources) ? o.sources : [];
      if (sources.length === 0) throw new WxFailure('parameter error: sources should not be empty');
      await view(
        sources.map((s) => ({
          url: String(s.url ?? ''),
          type: s.type === 'video' ? ('video' as const) : ('image' as const),
        })),
        Number(o.current ?? 0),
      );
    }),
    // The browser has no photo album: the picture is offered as a download instead.
    saveImageToPhotosAlbum: asyncApi(
      'saveImageToPhotosAlbum',
      gate('saveImageToPhotosAlbum', async (o: Options) => {
        const path = String(o.filePath ?? '');
        const blob = await readTempFile(path);
        const a = document.createElement('a');
        a.href = URL.createObjectURL(blob);
        a.download = blob instanceof File && blob.name ? blob.name : `网上支部-${Date.now()}.png`;
        a.click();
        setTimeout(() => URL.revokeObjectURL(a.href), 60000);
      }),
    ),
    canvasToTempFilePath: asyncApi('canvasToTempFilePath', () => {
      console.warn('[preview] wx.canvasToTempFilePath is not supported in the browser preview');
      throw new WxFailure('not supported in preview');
    }),
  };
}
