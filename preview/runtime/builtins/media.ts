/**
 * Media and indicators: image, cover-image, video, audio, icon, progress.
 * `cloud://` sources are served by the emulator's storage (util.mediaUrl).
 */
import {
  type BuiltinContext,
  type BuiltinDef,
  type Caller,
  EMPTY,
  SLOT,
  cssLength,
  el,
  hostOf,
  later,
  mediaUrl,
  num,
  setAttr,
  stateOf,
  truthy,
} from './util';

// --- image

/** `mode` → object-fit / object-position of the <img>. */
const MODES: Record<string, [string, string]> = {
  scaleToFill: ['fill', 'center'],
  aspectFit: ['contain', 'center'],
  aspectFill: ['cover', 'center'],
  widthFix: ['fill', 'center'],
  heightFix: ['fill', 'center'],
  top: ['none', 'center top'],
  bottom: ['none', 'center bottom'],
  center: ['none', 'center'],
  left: ['none', 'left center'],
  right: ['none', 'right center'],
  'top left': ['none', 'left top'],
  'top right': ['none', 'right top'],
  'bottom left': ['none', 'left bottom'],
  'bottom right': ['none', 'right bottom'],
};

interface ImageState {
  img: HTMLImageElement;
  src: string;
}

function imageState(c: Caller, ctx: BuiltinContext): ImageState {
  return stateOf<ImageState>(c, () => {
    const img = el('img', { class: 'wx-image-native', alt: '', draggable: 'false' });
    const s: ImageState = { img, src: '' };
    img.addEventListener('load', () => {
      if (!s.src) return;
      c.triggerEvent('load', { width: img.naturalWidth, height: img.naturalHeight });
    });
    img.addEventListener('error', () => {
      if (!s.src) return;
      c.triggerEvent('error', { errMsg: `GET ${mediaUrl(ctx.host, c.data.src)} failed` });
    });
    hostOf(c).append(img);
    return s;
  });
}

function syncImage(c: Caller, ctx: BuiltinContext) {
  const s = imageState(c, ctx);
  const mode = MODES[String(c.data.mode)] ? String(c.data.mode) : 'scaleToFill';
  const [fit, pos] = MODES[mode];
  s.img.style.objectFit = fit;
  s.img.style.objectPosition = pos;
  hostOf(c).setAttribute('data-wx-mode', mode);
  const url = mediaUrl(ctx.host, c.data.src);
  if (url === s.src) return;
  s.src = url;
  if (url) {
    s.img.hidden = false;
    s.img.src = url;
  } else {
    s.img.hidden = true;
    s.img.removeAttribute('src');
  }
}

function imageDef(ctx: BuiltinContext, id: 'image' | 'cover-image'): BuiltinDef {
  return {
    id,
    template: EMPTY,
    properties: {
      src: { type: String, value: '' },
      mode: { type: String, value: 'scaleToFill' },
      webp: { type: Boolean, value: false },
      lazyLoad: { type: Boolean, value: false },
      showMenuByLongpress: { type: Boolean, value: false },
      fadeIn: { type: Boolean, value: false },
      referrerPolicy: { type: String, value: 'no-referrer' },
    },
    observers: {
      'src, mode'(this: Caller) {
        syncImage(this, ctx);
      },
    },
    lifetimes: {
      attached(this: Caller) {
        syncImage(this, ctx);
      },
    },
  };
}

// --- video / audio

interface MediaState {
  media: HTMLMediaElement;
}

function mediaEvents(c: Caller, media: HTMLMediaElement, ctx: BuiltinContext) {
  const times = () => ({ currentTime: media.currentTime, duration: media.duration || 0 });
  media.addEventListener('play', () => c.triggerEvent('play', {}));
  media.addEventListener('pause', () => c.triggerEvent('pause', {}));
  media.addEventListener('ended', () => c.triggerEvent('ended', {}));
  media.addEventListener('timeupdate', () => c.triggerEvent('timeupdate', times()));
  media.addEventListener('waiting', () => c.triggerEvent('waiting', {}));
  media.addEventListener('error', () => {
    if (!media.getAttribute('src')) return;
    const code = media.error ? media.error.code : 0;
    c.triggerEvent('error', {
      errMsg: `MEDIA_ERR ${code}: ${mediaUrl(ctx.host, c.data.src)}`,
    });
  });
  media.addEventListener('loadedmetadata', () => {
    const v = media as HTMLVideoElement;
    c.triggerEvent('loadedmetadata', {
      width: v.videoWidth || 0,
      height: v.videoHeight || 0,
      duration: media.duration || 0,
    });
  });
}

function syncMedia(c: Caller, s: MediaState, ctx: BuiltinContext) {
  const d = c.data;
  const url = mediaUrl(ctx.host, d.src);
  if ((s.media.getAttribute('src') || '') !== url) {
    if (url) s.media.src = url;
    else s.media.removeAttribute('src');
  }
  s.media.loop = truthy(d.loop);
  s.media.muted = truthy(d.muted);
  s.media.autoplay = truthy(d.autoplay);
  s.media.controls = truthy(d.controls);
  if (s.media instanceof HTMLVideoElement) {
    const poster = mediaUrl(ctx.host, d.poster);
    if (poster) s.media.poster = poster;
    else s.media.removeAttribute('poster');
    const fit = String(d.objectFit || 'contain');
    s.media.style.objectFit = fit === 'fill' || fit === 'cover' ? fit : 'contain';
  }
}

function videoDef(ctx: BuiltinContext): BuiltinDef {
  const state = (c: Caller) =>
    stateOf<MediaState>(c, () => {
      const media = el('video', { class: 'wx-video-native', playsinline: true });
      hostOf(c).append(media);
      mediaEvents(c, media, ctx);
      return { media };
    });
  return {
    id: 'video',
    template: SLOT,
    properties: {
      src: { type: String, value: '' },
      duration: { type: Number, value: 0 },
      controls: { type: Boolean, value: true },
      autoplay: { type: Boolean, value: false },
      loop: { type: Boolean, value: false },
      muted: { type: Boolean, value: false },
      initialTime: { type: Number, value: 0 },
      poster: { type: String, value: '' },
      objectFit: { type: String, value: 'contain' },
      title: { type: String, value: '' },
      showCenterPlayBtn: { type: Boolean, value: true },
      showFullscreenBtn: { type: Boolean, value: true },
      enableProgressGesture: { type: Boolean, value: true },
    },
    observers: {
      'src, controls, autoplay, loop, muted, poster, objectFit'(this: Caller) {
        syncMedia(this, state(this), ctx);
      },
    },
    methods: {
      /** The native <video>, for wx.createVideoContext. */
      _wxMedia(this: Caller) {
        return state(this).media;
      },
    },
    lifetimes: {
      attached(this: Caller) {
        const s = state(this);
        syncMedia(this, s, ctx);
        const t = num(this.data.initialTime, 0);
        if (t > 0) s.media.currentTime = t;
      },
    },
  };
}

function audioDef(ctx: BuiltinContext): BuiltinDef {
  const state = (c: Caller) =>
    stateOf<MediaState>(c, () => {
      const media = el('audio', { class: 'wx-audio-native' });
      hostOf(c).append(media);
      mediaEvents(c, media, ctx);
      return { media };
    });
  return {
    id: 'audio',
    template: EMPTY,
    properties: {
      src: { type: String, value: '' },
      loop: { type: Boolean, value: false },
      controls: { type: Boolean, value: false },
      poster: { type: String, value: '' },
      name: { type: String, value: '未知音频' },
      author: { type: String, value: '未知作者' },
    },
    observers: {
      'src, loop, controls'(this: Caller) {
        syncMedia(this, state(this), ctx);
        setAttr(hostOf(this), 'data-wx-controls', truthy(this.data.controls));
      },
    },
    methods: {
      _wxMedia(this: Caller) {
        return state(this).media;
      },
    },
    lifetimes: {
      attached(this: Caller) {
        syncMedia(this, state(this), ctx);
        setAttr(hostOf(this), 'data-wx-controls', truthy(this.data.controls));
      },
    },
  };
}

// --- icon

const ICON_COLORS: Record<string, string> = {
  success: '#09BB07',
  success_no_circle: '#09BB07',
  info: '#10AEFF',
  warn: '#F76260',
  waiting: '#10AEFF',
  cancel: '#F43530',
  download: '#09BB07',
  search: '#B2B2B2',
  clear: '#B2B2B2',
  circle: '#C9C9C9',
  info_circle: '#09BB07',
};

const SVG_NS = 'http://www.w3.org/2000/svg';

/** The glyph of each icon type on a 24×24 box: [shapes in `color`, shapes in white]. */
function iconShapes(type: string): { fill: string[]; white: string[]; stroke?: string[] } {
  const disc = 'M12 1a11 11 0 1 0 0 22a11 11 0 1 0 0-22z';
  switch (type) {
    case 'success':
      return { fill: [disc], white: ['M6.5 12.2l1.4-1.4 2.6 2.6 5.6-5.6 1.4 1.4-7 7z'] };
    case 'success_no_circle':
      return { fill: ['M3.5 12.5l1.8-1.8 4.2 4.2 9.2-9.2 1.8 1.8-11 11z'], white: [] };
    case 'info':
      return { fill: [disc], white: ['M11 10h2v8h-2z', 'M11 6h2v2h-2z'] };
    case 'warn':
      return { fill: [disc], white: ['M11 6h2v8h-2z', 'M11 16h2v2h-2z'] };
    case 'waiting':
      return { fill: [disc], white: ['M11 5.5h2v6.1l4.2 2.4-1 1.7-5.2-3z'] };
    case 'cancel':
    case 'clear':
      return {
        fill: [disc],
        white: ['M7.8 6.4l9.8 9.8-1.4 1.4-9.8-9.8z', 'M16.2 6.4l1.4 1.4-9.8 9.8-1.4-1.4z'],
      };
    case 'download':
      return {
        fill: [disc],
        white: ['M11 5.5h2v7.6l2.8-2.8 1.4 1.4-5.2 5.2-5.2-5.2 1.4-1.4 2.8 2.8z'],
      };
    case 'search':
      return {
        fill: [
          'M10 3a7 7 0 0 1 5.6 11.2l5.1 5.1-1.4 1.4-5.1-5.1A7 7 0 1 1 10 3zm0 2a5 5 0 1 0 0 10a5 5 0 0 0 0-10z',
        ],
        white: [],
      };
    case 'circle':
      return {
        fill: [
          'M12 1a11 11 0 1 0 0 22a11 11 0 1 0 0-22zm0 1.5a9.5 9.5 0 1 1 0 19a9.5 9.5 0 0 1 0-19z',
        ],
        white: [],
      };
    case 'info_circle':
      return {
        fill: [
          'M12 1a11 11 0 1 0 0 22a11 11 0 1 0 0-22zm0 1.5a9.5 9.5 0 1 1 0 19a9.5 9.5 0 0 1 0-19z',
          'M11 10h2v8h-2z',
          'M11 6h2v2h-2z',
        ],
        white: [],
      };
    default:
      return { fill: [], white: [] };
  }
}

function paintIcon(c: Caller) {
  const host = hostOf(c);
  const type = String(c.data.type || '');
  const size = cssLength(c.data.size, '23px');
  const color = String(c.data.color || ICON_COLORS[type] || '#000');
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', size);
  svg.setAttribute('height', size);
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('class', 'wx-icon-svg');
  const { fill, white } = iconShapes(type);
  for (const d of fill) {
    const p = document.createElementNS(SVG_NS, 'path');
    p.setAttribute('d', d);
    p.setAttribute('fill', color);
    p.setAttribute('fill-rule', 'evenodd');
    svg.append(p);
  }
  for (const d of white) {
    const p = document.createElementNS(SVG_NS, 'path');
    p.setAttribute('d', d);
    p.setAttribute('fill', '#fff');
    svg.append(p);
  }
  host.replaceChildren(svg);
  host.setAttribute('data-wx-type', type);
}

const icon: BuiltinDef = {
  id: 'icon',
  template: EMPTY,
  properties: {
    type: { type: String, value: '' },
    size: { type: null, value: 23 },
    color: { type: String, value: '' },
  },
  observers: {
    'type, size, color'(this: Caller) {
      paintIcon(this);
    },
  },
  lifetimes: {
    attached(this: Caller) {
      paintIcon(this);
    },
  },
};

// --- progress

interface ProgressState {
  bar: HTMLElement;
  inner: HTMLElement;
  info: HTMLElement;
  shown: number;
  timer: ReturnType<typeof setTimeout> | undefined;
}

function progressState(c: Caller): ProgressState {
  return stateOf<ProgressState>(c, () => {
    const inner = el('div', { class: 'wx-progress-inner-bar' });
    const bar = el('div', { class: 'wx-progress-bar' }, [inner]);
    const info = el('p', { class: 'wx-progress-info' });
    const host = hostOf(c);
    host.append(bar, info);
    host.setAttribute('role', host.getAttribute('role') || 'progressbar');
    return { bar, inner, info, shown: 0, timer: undefined };
  });
}

function syncProgress(c: Caller) {
  const s = progressState(c);
  const d = c.data;
  const host = hostOf(c);
  const percent = Math.min(100, Math.max(0, num(d.percent, 0)));
  const active = String(d.activeColor || d.color || '#09BB07');
  s.bar.style.height = cssLength(d.strokeWidth, '6px');
  s.bar.style.backgroundColor = String(d.backgroundColor || '#EBEBEB');
  s.bar.style.borderRadius = cssLength(d.borderRadius, '0px');
  s.inner.style.borderRadius = s.bar.style.borderRadius;
  s.inner.style.background = active.includes(',') ? `linear-gradient(to right, ${active})` : active;
  s.info.hidden = !truthy(d.showInfo);
  s.info.style.fontSize = cssLength(d.fontSize, '16px');
  s.info.textContent = `${Math.round(percent)}%`;
  host.setAttribute('aria-valuenow', String(Math.round(percent)));
  host.setAttribute('aria-valuemin', '0');
  host.setAttribute('aria-valuemax', '100');

  clearTimeout(s.timer);
  if (truthy(d.active)) {
    const from = d.activeMode === 'forwards' ? s.shown : 0;
    const ms = Math.abs(percent - from) * num(d.duration, 30);
    s.inner.style.transition = 'none';
    s.inner.style.width = `${from}%`;
    void s.inner.offsetWidth;
    s.inner.style.transition = `width ${ms}ms linear`;
    s.inner.style.width = `${percent}%`;
    s.timer = later(() => c.triggerEvent('activeend', { curPercent: percent }), ms);
  } else {
    s.inner.style.transition = 'none';
    s.inner.style.width = `${percent}%`;
  }
  s.shown = percent;
}

const progress: BuiltinDef = {
  id: 'progress',
  template: EMPTY,
  properties: {
    percent: { type: null, value: 0 },
    showInfo: { type: Boolean, value: false },
    borderRadius: { type: null, value: 0 },
    fontSize: { type: null, value: 16 },
    strokeWidth: { type: null, value: 6 },
    color: { type: String, value: '' },
    activeColor: { type: String, value: '' },
    backgroundColor: { type: String, value: '' },
    active: { type: Boolean, value: false },
    activeMode: { type: String, value: 'backwards' },
    duration: { type: Number, value: 30 },
  },
  observers: {
    'percent, showInfo, borderRadius, fontSize, strokeWidth, color, activeColor, backgroundColor, active'(
      this: Caller,
    ) {
      syncProgress(this);
    },
  },
  lifetimes: {
    attached(this: Caller) {
      syncProgress(this);
    },
  },
};

export function mediaDefs(ctx: BuiltinContext): BuiltinDef[] {
  return [
    imageDef(ctx, 'image'),
    imageDef(ctx, 'cover-image'),
    videoDef(ctx),
    audioDef(ctx),
    icon,
    progress,
  ];
}
