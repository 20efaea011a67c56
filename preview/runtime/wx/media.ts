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

type AudioEvent =
  | 'Canplay'
  | 'Play'
  | 'Pause'
  | 'Stop'
  | 'Ended'
  | 'TimeUpdate'
  | 'Error'
  | 'Waiting'
  | 'Seeking'
  | 'Seeked';
const AUDIO_EVENTS: AudioEvent[] = [
  'Canplay',
  'Play',
  'Pause',
  'Stop',
  'Ended',
  'TimeUpdate',
  'Error',
  'Waiting',
  'Seeking',
  'Seeked',
];

/** WeChat's InnerAudioContext error codes for what an <audio> element reports. */
function audioErrorCode(media: HTMLAudioElement): number {
  switch (media.error?.code) {
    case 2: // MEDIA_ERR_NETWORK
      return 10002;
    case 3: // MEDIA_ERR_DECODE
      return 10004;
    case 4: // MEDIA_ERR_SRC_NOT_SUPPORTED
      return 10003;
    default:
      return -1;
  }
}

/**
 * wx.createInnerAudioContext (added for the 微党课 reader, issue #5, whose audio plays with
 * TDesign buttons rather than the deprecated <audio>): WeChat's InnerAudioContext over a
 * detached HTMLAudioElement. `src` takes an https URL, a temp path or a cloud:// fileID
 * (resolved through the gateway, as WeChat resolves fileIDs); `on<Event>` / `off<Event>` for
 * Canplay, Play, Pause, Stop, Ended, TimeUpdate, Error ({ errMsg, errCode }), Waiting,
 * Seeking, Seeked. A browser that refuses to play without a user gesture reports Error.
 */
function createInnerAudioContext(host: PreviewHost): Record<string, any> {
  const media = new Audio();
  media.preload = 'auto';
  const listeners = new Map<AudioEvent, Set<(r: Result) => void>>(
    AUDIO_EVENTS.map((e) => [e, new Set()]),
  );
  const emit = (event: AudioEvent, arg: Result = {}) => {
    for (const fn of [...(listeners.get(event) ?? [])]) {
      try {
        fn(arg);
      } catch (e) {
        setTimeout(() => {
          throw e;
        });
      }
    }
  };
  const fail = (errMsg: string, errCode: number) => emit('Error', { errMsg, errCode });
  let src = '';
  let startTime = 0;
  let destroyed = false;
  /** A stop pauses the element; its pause event is then reported as Stop only. */
  let stopping = false;
  /** The URL being resolved for the current src (cloud:// → temp URL). */
  let ready: Promise<void> = Promise.resolve();
  const load = (value: string) => {
    src = value;
    ready = (async () => {
      let url = value;
      if (value.startsWith('cloud://')) [url] = await toHttpUrls(host, [value]);
      else if (value.startsWith('wxfile://')) url = URL.createObjectURL(await readTempFile(value));
      if (src === value && !destroyed) media.src = url;
    })().catch((e: unknown) => fail(`load failed: ${String(e)}`, 10003));
  };

  media.addEventListener('canplay', () => emit('Canplay'));
  media.addEventListener('play', () => emit('Play'));
  media.addEventListener('pause', () => {
    // WeChat reports the end as Ended only, and a stop as Stop.
    if (!media.ended && !stopping) emit('Pause');
  });
  media.addEventListener('ended', () => emit('Ended'));
  media.addEventListener('timeupdate', () => emit('TimeUpdate'));
  media.addEventListener('waiting', () => emit('Waiting'));
  media.addEventListener('seeking', () => emit('Seeking'));
  media.addEventListener('seeked', () => emit('Seeked'));
  media.addEventListener('error', () => {
    if (media.getAttribute('src'))
      fail(media.error?.message || 'audio error', audioErrorCode(media));
  });

  const ctx: Record<string, any> = {
    play() {
      if (destroyed) return;
      void ready.then(() => {
        if (startTime && media.currentTime === 0) media.currentTime = startTime;
        media.play().catch((e: unknown) => fail(`play failed: ${String(e)}`, 10001));
      });
    },
    pause() {
      media.pause();
    },
    stop() {
      stopping = true;
      media.pause();
      media.currentTime = 0;
      stopping = false;
      emit('Stop');
    },
    seek(position: number) {
      const t = Number(position);
      if (Number.isFinite(t) && t >= 0) media.currentTime = t;
    },
    destroy() {
      destroyed = true;
      media.pause();
      media.removeAttribute('src');
      media.load();
      for (const set of listeners.values()) set.clear();
    },
  };
  for (const e of AUDIO_EVENTS) {
    ctx[`on${e}`] = (fn: unknown) => {
      if (typeof fn === 'function') listeners.get(e)!.add(fn as (r: Result) => void);
    };
    ctx[`off${e}`] = (fn?: unknown) => {
      if (typeof fn === 'function') listeners.get(e)!.delete(fn as (r: Result) => void);
      else listeners.get(e)!.clear();
    };
  }
  Object.defineProperties(ctx, {
    src: { get: () => src, set: (v: unknown) => load(String(v ?? '')), enumerable: true },
    startTime: {
      get: () => startTime,
      set: (v: unknown) => (startTime = Math.max(0, Number(v) || 0)),
      enumerable: true,
    },
    autoplay: {
      get: () => media.autoplay,
      set: (v: unknown) => {
        media.autoplay = !!v;
        if (v) ctx.play();
      },
      enumerable: true,
    },
    loop: { get: () => media.loop, set: (v: unknown) => (media.loop = !!v), enumerable: true },
    volume: {
      get: () => media.volume,
      set: (v: unknown) => (media.volume = Math.min(1, Math.max(0, Number(v) || 0))),
      enumerable: true,
    },
    playbackRate: {
      get: () => media.playbackRate,
      set: (v: unknown) => (media.playbackRate = Math.min(2, Math.max(0.5, Number(v) || 1))),
      enumerable: true,
    },
    obeyMuteSwitch: { value: true, writable: true, enumerable: true },
    duration: {
      get: () => (Number.isFinite(media.duration) ? media.duration : 0),
      enumerable: true,
    },
    currentTime: { get: () => media.currentTime, enumerable: true },
    paused: { get: () => media.paused, enumerable: true },
    buffered: {
      get: () => (media.buffered.length ? media.buffered.end(media.buffered.length - 1) : 0),
      enumerable: true,
    },
  });
  return ctx;
}

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
    createInnerAudioContext: () => createInnerAudioContext(host),
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
