/**
 * Containers and page-level tags: view, text, block, cover-view, movable-*, root-portal,
 * page-meta, navigation-bar, match-media, keyboard-accessory, page-container, and labelled
 * placeholders for what a browser preview cannot show (canvas, map, web-view, ...).
 */
import { hoverIfWanted, hoverProperties } from './common';
import {
  type BuiltinContext,
  type BuiltinDef,
  type Caller,
  withCaller,
  SLOT,
  cssLength,
  el,
  hostOf,
  infoOnce,
  later,
  num,
  setAttr,
  stateOf,
  truthy,
} from './util';

const view: BuiltinDef = {
  id: 'view',
  template: SLOT,
  properties: {
    ...hoverProperties({ cls: 'none', start: 50, stay: 400 }),
  },
  observers: {
    hoverClass(this: Caller) {
      hoverIfWanted(this, 'none');
    },
  },
};

const ENTITIES: Record<string, string> = {
  nbsp: '\u00a0',
  lt: '<',
  gt: '>',
  amp: '&',
  apos: "'",
  quot: '"',
  ensp: '\u2002',
  emsp: '\u2003',
};
const SPACES: Record<string, string> = { ensp: '\u2002', emsp: '\u2003', nbsp: '\u00a0' };

/** `decode` and `space` of text (and rich-text text nodes). */
export function textTransform(s: string, decode: boolean, space: string): string {
  let out = decode
    ? s.replace(/&(nbsp|lt|gt|amp|apos|quot|ensp|emsp);/g, (_, n) => ENTITIES[n])
    : s;
  const ch = SPACES[space];
  if (ch) out = out.replace(/ /g, ch);
  return out;
}

interface TextState {
  observer: MutationObserver | null;
  shown: WeakMap<Text, string>;
}

/** Rewrite the text nodes of a `<text>` for decode/space, again whenever exparser updates them. */
function processText(c: Caller) {
  const s = stateOf<TextState>(c, () => ({ observer: null, shown: new WeakMap() }));
  const host = hostOf(c);
  const decode = truthy(c.data.decode);
  const space = String(c.data.space || '');
  const active = decode || !!SPACES[space];
  if (!active) {
    s.observer?.disconnect();
    s.observer = null;
    return;
  }
  const run = () => {
    const walker = document.createTreeWalker(host, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode() as Text | null; n; n = walker.nextNode() as Text | null) {
      // A nested <text> handles its own content.
      if (n.parentElement !== host && n.parentElement?.closest('wx-text') !== host) continue;
      if (s.shown.get(n) === n.data) continue;
      const out = textTransform(n.data, decode, space);
      s.shown.set(n, out);
      if (out !== n.data) n.data = out;
    }
  };
  run();
  if (!s.observer) {
    s.observer = new MutationObserver(run);
    s.observer.observe(host, { childList: true, characterData: true, subtree: true });
  }
}

const text: BuiltinDef = {
  id: 'text',
  template: SLOT,
  properties: {
    selectable: { type: Boolean, value: false },
    userSelect: { type: Boolean, value: false },
    space: { type: String, value: '' },
    decode: { type: Boolean, value: false },
  },
  observers: {
    'selectable, userSelect'(this: Caller) {
      setAttr(hostOf(this), 'data-wx-selectable', !!(this.data.selectable || this.data.userSelect));
    },
    'space, decode'(this: Caller) {
      processText(this);
    },
  },
  lifetimes: {
    attached(this: Caller) {
      processText(this);
    },
  },
};

const slotOnly = (id: string): BuiltinDef => ({ id, template: SLOT });

const coverView: BuiltinDef = {
  id: 'cover-view',
  template: SLOT,
  properties: {
    scrollTop: { type: null, value: 0 },
    ...hoverProperties({ cls: 'none', start: 50, stay: 400 }),
  },
  observers: {
    hoverClass(this: Caller) {
      hoverIfWanted(this, 'none');
    },
    scrollTop(this: Caller, v: unknown) {
      hostOf(this).scrollTop = num(v, 0);
    },
  },
};

interface MovableState {
  x: number;
  y: number;
}

function placeMovable(c: Caller) {
  const s = stateOf<MovableState>(c, () => ({ x: 0, y: 0 }));
  hostOf(c).style.transform = `translate(${s.x}px, ${s.y}px)`;
}

/** movable-view: x/y, and dragging along `direction` inside its movable-area. */
const movableView: BuiltinDef = {
  id: 'movable-view',
  template: SLOT,
  properties: {
    direction: { type: String, value: 'none' },
    x: { type: null, value: 0 },
    y: { type: null, value: 0 },
    disabled: { type: Boolean, value: false },
    outOfBounds: { type: Boolean, value: false },
    inertia: { type: Boolean, value: false },
    damping: { type: Number, value: 20 },
    friction: { type: Number, value: 2 },
    scale: { type: Boolean, value: false },
  },
  observers: {
    'x, y'(this: Caller) {
      const s = stateOf<MovableState>(this, () => ({ x: 0, y: 0 }));
      s.x = parseFloat(cssLength(this.data.x, '0')) || 0;
      s.y = parseFloat(cssLength(this.data.y, '0')) || 0;
      placeMovable(this);
    },
  },
  lifetimes: {
    attached: withCaller((c) => {
      const host = hostOf(c);
      placeMovable(c);
      let start: { px: number; py: number; x: number; y: number } | null = null;
      host.addEventListener('pointerdown', (e) => {
        const dir = String(c.data.direction);
        if (dir === 'none' || c.data.disabled) return;
        const s = stateOf<MovableState>(c, () => ({ x: 0, y: 0 }));
        start = { px: e.clientX, py: e.clientY, x: s.x, y: s.y };
        host.setPointerCapture?.(e.pointerId);
      });
      host.addEventListener('pointermove', (e) => {
        if (!start) return;
        const dir = String(c.data.direction);
        const s = stateOf<MovableState>(c, () => ({ x: 0, y: 0 }));
        let x = dir === 'vertical' ? start.x : start.x + e.clientX - start.px;
        let y = dir === 'horizontal' ? start.y : start.y + e.clientY - start.py;
        const area = host.parentElement;
        if (area && !c.data.outOfBounds) {
          x = Math.min(Math.max(0, x), Math.max(0, area.clientWidth - host.offsetWidth));
          y = Math.min(Math.max(0, y), Math.max(0, area.clientHeight - host.offsetHeight));
        }
        if (x === s.x && y === s.y) return;
        s.x = x;
        s.y = y;
        placeMovable(c);
        c.triggerEvent('change', { x, y, source: 'touch' });
      });
      const end = () => {
        start = null;
      };
      host.addEventListener('pointerup', end);
      host.addEventListener('pointercancel', end);
    }),
  },
};

/** A neutral box that says the control is not available in the preview. */
function placeholder(id: string, label: string, extra: Partial<BuiltinDef> = {}): BuiltinDef {
  return {
    id,
    template: SLOT,
    ...extra,
    lifetimes: {
      attached(this: Caller) {
        const host = hostOf(this);
        host.setAttribute('data-wx-placeholder', '');
        if (!host.querySelector(':scope > .wx-placeholder-label')) {
          host.prepend(el('span', { class: 'wx-placeholder-label' }, [label]));
        }
        infoOnce(`<${id}> 在浏览器预览中不可用，显示为占位框`);
      },
    },
  };
}

function navigationBar(ctx: BuiltinContext): BuiltinDef {
  const apply = (c: Caller) => {
    if (!c.__wxAttached) return;
    const title = c.data.title;
    if (typeof title === 'string' && title) ctx.host.setNavigationBarTitle(title);
    const front = String(c.data.frontColor || '');
    const bg = String(c.data.backgroundColor || '');
    if (front && bg) ctx.host.setNavigationBarColor(front, bg);
    if (c.data.loading) infoOnce('navigation-bar loading 在预览中不显示');
  };
  return {
    id: 'navigation-bar',
    template: SLOT,
    properties: {
      title: { type: String, value: '' },
      loading: { type: Boolean, value: false },
      frontColor: { type: String, value: '' },
      backgroundColor: { type: String, value: '' },
      colorAnimationDuration: { type: Number, value: 0 },
      colorAnimationTimingFunc: { type: String, value: 'linear' },
    },
    observers: {
      'title, frontColor, backgroundColor, loading'(this: Caller) {
        apply(this);
      },
    },
    lifetimes: {
      attached(this: Caller) {
        this.__wxAttached = true;
        apply(this);
      },
    },
  };
}

function pageMeta(ctx: BuiltinContext): BuiltinDef {
  return {
    id: 'page-meta',
    template: SLOT,
    properties: {
      backgroundTextStyle: { type: String, value: '' },
      backgroundColor: { type: String, value: '' },
      backgroundColorTop: { type: String, value: '' },
      backgroundColorBottom: { type: String, value: '' },
      rootBackgroundColor: { type: String, value: '' },
      scrollTop: { type: String, value: '' },
      scrollDuration: { type: Number, value: 300 },
      pageStyle: { type: String, value: '' },
      pageFontSize: { type: String, value: '' },
      rootFontSize: { type: String, value: '' },
      pageOrientation: { type: String, value: '' },
    },
    observers: {
      scrollTop: withCaller((c, v: unknown) => {
        if (v === '' || v === null || v === undefined) return;
        const px = parseFloat(cssLength(v, '0')) || 0;
        later(() => ctx.host.pageScrollTo(px, num(c.data.scrollDuration, 300)));
      }),
      'pageStyle, pageFontSize, rootFontSize'(this: Caller) {
        if (this.data.pageStyle || this.data.pageFontSize || this.data.rootFontSize) {
          infoOnce('page-meta 的 page-style / page-font-size / root-font-size 在预览中不生效');
        }
      },
    },
  };
}

interface MatchState {
  listening: boolean;
}

function updateMatch(c: Caller, ctx: BuiltinContext) {
  let w = 375;
  let h = 667;
  try {
    const root = ctx.host.overlayRoot();
    w = root.clientWidth || w;
    h = root.clientHeight || h;
  } catch {
    /* no phone frame yet: WeChat's default screen */
  }
  const d = c.data;
  const has = (v: unknown) => v !== null && v !== undefined && v !== '';
  let ok = true;
  if (has(d.minWidth)) ok &&= w >= num(d.minWidth, 0);
  if (has(d.maxWidth)) ok &&= w <= num(d.maxWidth, Infinity);
  if (has(d.width)) ok &&= w === num(d.width, w);
  if (has(d.minHeight)) ok &&= h >= num(d.minHeight, 0);
  if (has(d.maxHeight)) ok &&= h <= num(d.maxHeight, Infinity);
  if (has(d.height)) ok &&= h === num(d.height, h);
  if (has(d.orientation)) ok &&= (w > h ? 'landscape' : 'portrait') === d.orientation;
  setAttr(hostOf(c), 'data-wx-unmatched', !ok);
}

function matchMedia(ctx: BuiltinContext): BuiltinDef {
  return {
    id: 'match-media',
    template: SLOT,
    properties: {
      minWidth: { type: null, value: '' },
      maxWidth: { type: null, value: '' },
      width: { type: null, value: '' },
      minHeight: { type: null, value: '' },
      maxHeight: { type: null, value: '' },
      height: { type: null, value: '' },
      orientation: { type: String, value: '' },
    },
    observers: {
      'minWidth, maxWidth, width, minHeight, maxHeight, height, orientation'(this: Caller) {
        updateMatch(this, ctx);
      },
    },
    lifetimes: {
      attached: withCaller((c) => {
        const s = stateOf<MatchState>(c, () => ({ listening: false }));
        updateMatch(c, ctx);
        if (!s.listening) {
          s.listening = true;
          window.addEventListener('resize', () => updateMatch(c, ctx));
        }
      }),
    },
  };
}

interface ContainerState {
  mask: HTMLElement | null;
  shown: boolean;
}

/** page-container: a popup over the page while `show`, with its enter/leave events. */
const pageContainer: BuiltinDef = {
  id: 'page-container',
  template: SLOT,
  properties: {
    show: { type: Boolean, value: false },
    duration: { type: Number, value: 300 },
    zIndex: { type: Number, value: 100 },
    overlay: { type: Boolean, value: true },
    position: { type: String, value: 'bottom' },
    round: { type: Boolean, value: false },
    closeOnSlideDown: { type: Boolean, value: false },
    overlayStyle: { type: String, value: '' },
    customStyle: { type: String, value: '' },
  },
  observers: {
    'show, overlay, position, round, zIndex, overlayStyle, customStyle': withCaller((c) => {
      const host = hostOf(c);
      const s = stateOf<ContainerState>(c, () => ({ mask: null, shown: false }));
      if (!s.mask) {
        s.mask = el('div', { class: 'wx-page-container-mask' });
        s.mask.addEventListener('click', (e) => {
          e.stopPropagation();
          c.triggerEvent('clickoverlay', {});
          c.setData({ show: false });
        });
        host.prepend(s.mask);
      }
      s.mask.hidden = !c.data.overlay;
      s.mask.style.cssText = String(c.data.overlayStyle || '');
      host.setAttribute('data-wx-position', String(c.data.position || 'bottom'));
      setAttr(host, 'data-wx-round', !!c.data.round);
      host.style.setProperty('--wx-page-container-z', String(num(c.data.zIndex, 100)));
      const show = !!c.data.show;
      if (show === s.shown) return;
      s.shown = show;
      const dur = num(c.data.duration, 300);
      const phase = show ? 'enter' : 'leave';
      c.triggerEvent(`before${phase}`, {});
      setAttr(host, 'data-wx-show', show);
      c.triggerEvent(phase, {});
      later(() => c.triggerEvent(`after${phase}`, {}), dur);
    }),
  },
};

export function basicDefs(ctx: BuiltinContext): BuiltinDef[] {
  return [
    view,
    text,
    coverView,
    slotOnly('block'),
    slotOnly('movable-area'),
    movableView,
    slotOnly('root-portal'),
    slotOnly('keyboard-accessory'),
    navigationBar(ctx),
    pageMeta(ctx),
    matchMedia(ctx),
    pageContainer,
    placeholder('canvas', '画布（预览不支持）', {
      properties: {
        type: { type: String, value: '' },
        canvasId: { type: String, value: '' },
        disableScroll: { type: Boolean, value: false },
      },
    }),
    placeholder('map', '地图（预览不支持）', {
      properties: {
        longitude: { type: Number, value: 0 },
        latitude: { type: Number, value: 0 },
        scale: { type: Number, value: 16 },
        markers: { type: Array, value: [] },
      },
    }),
    placeholder('web-view', '网页（预览不支持）', {
      properties: { src: { type: String, value: '' } },
    }),
    placeholder('editor', '富文本编辑器（预览不支持）', {
      properties: {
        readOnly: { type: Boolean, value: false },
        placeholder: { type: String, value: '' },
      },
    }),
    placeholder('open-data', '开放数据（预览不显示）', {
      properties: { type: { type: String, value: '' } },
    }),
    placeholder('camera', '相机（预览不支持）'),
    placeholder('live-player', '直播播放（预览不支持）'),
    placeholder('live-pusher', '直播推流（预览不支持）'),
    placeholder('ad', '广告（预览不显示）'),
    placeholder('official-account', '关注公众号（预览不支持）'),
  ];
}
