/**
 * rich-text: `nodes` (array of {name, attrs, children} / {type: 'text', text}, or an HTML
 * string) rendered through WeChat's whitelist of tags and attributes. Nothing is ever
 * assigned as HTML: strings are parsed by an inert DOMParser document, and every element
 * is rebuilt from the whitelist with `createElement`; anything untrusted is dropped with
 * its children, as WeChat does.
 */
import { textTransform } from './basic';
import {
  type BuiltinContext,
  type BuiltinDef,
  type Caller,
  EMPTY,
  hostOf,
  mediaUrl,
  ownerClasses,
  setAttr,
  truthy,
} from './util';

/** Trusted tags and their attributes besides the global `class` and `style`. */
const TRUSTED: Record<string, string[]> = {
  a: [],
  abbr: [],
  address: [],
  article: [],
  aside: [],
  b: [],
  bdi: [],
  bdo: ['dir'],
  big: [],
  blockquote: [],
  br: [],
  caption: [],
  center: [],
  cite: [],
  code: [],
  col: ['span', 'width'],
  colgroup: ['span', 'width'],
  dd: [],
  del: [],
  div: [],
  dl: [],
  dt: [],
  em: [],
  fieldset: [],
  font: [],
  footer: [],
  h1: [],
  h2: [],
  h3: [],
  h4: [],
  h5: [],
  h6: [],
  header: [],
  hr: [],
  i: [],
  img: ['alt', 'src', 'height', 'width'],
  ins: [],
  label: [],
  legend: [],
  li: [],
  mark: [],
  nav: [],
  ol: ['start', 'type'],
  p: [],
  pre: [],
  q: [],
  rt: [],
  ruby: [],
  s: [],
  section: [],
  small: [],
  span: [],
  strong: [],
  sub: [],
  sup: [],
  table: ['width'],
  tbody: [],
  td: ['colspan', 'height', 'rowspan', 'width'],
  tfoot: [],
  th: ['colspan', 'height', 'rowspan', 'width'],
  thead: [],
  tr: ['colspan', 'height', 'rowspan', 'width'],
  tt: [],
  u: [],
  ul: [],
};

/** Attribute value checks: anything else is dropped. */
const VALUE_OK: Record<string, RegExp> = {
  span: /^\d{1,3}$/,
  width: /^\d+(\.\d+)?(px|%)?$/,
  height: /^\d+(\.\d+)?(px|%)?$/,
  colspan: /^\d{1,3}$/,
  rowspan: /^\d{1,3}$/,
  start: /^-?\d{1,6}$/,
  type: /^[1aAiI]$/,
  dir: /^(ltr|rtl|auto)$/i,
  alt: /^[^]*$/,
};

const NAMED: Record<string, string> = {
  nbsp: '\u00a0',
  lt: '<',
  gt: '>',
  amp: '&',
  quot: '"',
  apos: "'",
  ensp: '\u2002',
  emsp: '\u2003',
  thinsp: '\u2009',
  copy: '©',
  reg: '®',
  trade: '™',
  hellip: '…',
  mdash: '—',
  ndash: '–',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  middot: '·',
  bull: '•',
  times: '×',
  divide: '÷',
  yen: '¥',
  euro: '€',
  deg: '°',
  laquo: '«',
  raquo: '»',
};

/** Text nodes of `nodes` support entities. */
export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (all, e: string) => {
    if (e[0] === '#') {
      const code =
        e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      if (!Number.isFinite(code) || code <= 0 || code > 0x10ffff) return all;
      try {
        return String.fromCodePoint(code);
      } catch {
        return all;
      }
    }
    return NAMED[e.toLowerCase()] ?? all;
  });
}

/** `style` is kept unless it can run code or fetch something other than an image URL. */
export function safeStyle(style: string): string | null {
  if (
    /expression\s*\(|javascript:|vbscript:|behavior\s*:|-moz-binding|@import|<\/?\w/i.test(style)
  ) {
    return null;
  }
  const urls = style.matchAll(/url\(\s*(['"]?)(.*?)\1\s*\)/gi);
  for (const m of urls) {
    const u = m[2].trim();
    if (!/^(https?:)?\/\//i.test(u) && !/^data:image\/(png|jpe?g|gif|webp|svg\+xml);/i.test(u)) {
      return null;
    }
  }
  return style;
}

/** img `src`: network images (and cloud:// files served by the emulator), data images. */
function safeSrc(ctx: BuiltinContext, src: string): string | null {
  const s = src.trim();
  if (/^cloud:\/\//i.test(s)) return mediaUrl(ctx.host, s);
  if (/^https?:\/\//i.test(s) || /^\/\//.test(s)) return s;
  if (/^data:image\/(png|jpe?g|gif|webp);/i.test(s)) return s;
  return null;
}

export interface RichNode {
  name?: unknown;
  type?: unknown;
  text?: unknown;
  attrs?: unknown;
  children?: unknown;
}

/** An HTML string as nodes, parsed in an inert document (no scripts, no fetches). */
export function htmlToNodes(html: string): RichNode[] {
  const doc = new DOMParser().parseFromString(`<!doctype html><body>${html}`, 'text/html');
  const convert = (n: Node): RichNode | null => {
    if (n.nodeType === 3)
      return { type: 'text', text: n.textContent ?? '', decoded: true } as RichNode;
    if (n.nodeType !== 1) return null;
    const e = n as Element;
    const attrs: Record<string, string> = {};
    for (const a of Array.from(e.attributes)) attrs[a.name] = a.value;
    return {
      name: e.tagName.toLowerCase(),
      attrs,
      children: Array.from(e.childNodes)
        .map(convert)
        .filter((x): x is RichNode => x !== null),
    };
  };
  return Array.from(doc.body.childNodes)
    .map(convert)
    .filter((x): x is RichNode => x !== null);
}

const MAX_DEPTH = 64;

/** Build the DOM for `nodes`; untrusted elements are dropped with their children. */
export function renderNodes(
  nodes: unknown,
  opts: { ctx: BuiltinContext; mapClass: (cls: string) => string; space: string },
): Node[] {
  const out: Node[] = [];
  const build = (raw: unknown, depth: number): Node | null => {
    if (!raw || typeof raw !== 'object' || depth > MAX_DEPTH) return null;
    const n = raw as RichNode & { decoded?: boolean };
    if (n.type === 'text') {
      const text = typeof n.text === 'string' ? n.text : String(n.text ?? '');
      const decoded = n.decoded ? text : decodeEntities(text);
      return document.createTextNode(textTransform(decoded, false, opts.space));
    }
    const name = typeof n.name === 'string' ? n.name.toLowerCase() : '';
    if (!Object.prototype.hasOwnProperty.call(TRUSTED, name)) return null;
    const e = document.createElement(name);
    const attrs =
      n.attrs && typeof n.attrs === 'object' ? (n.attrs as Record<string, unknown>) : {};
    for (const [key, value] of Object.entries(attrs)) {
      const k = key.toLowerCase();
      if (value === null || value === undefined) continue;
      const v = String(value);
      if (k === 'class') {
        const mapped = opts.mapClass(v);
        if (mapped) e.setAttribute('class', mapped);
      } else if (k === 'style') {
        const st = safeStyle(v);
        if (st) e.setAttribute('style', st);
      } else if (TRUSTED[name].includes(k)) {
        if (k === 'src') {
          const src = safeSrc(opts.ctx, v);
          if (src) e.setAttribute('src', src);
        } else if (VALUE_OK[k] && VALUE_OK[k].test(v)) {
          e.setAttribute(k, v);
        }
      }
    }
    if (name === 'img') {
      e.setAttribute('draggable', 'false');
      if (!e.hasAttribute('alt')) e.setAttribute('alt', '');
    }
    const kids = Array.isArray(n.children) ? n.children : [];
    for (const k of kids) {
      const child = build(k, depth + 1);
      if (child) e.append(child);
    }
    return e;
  };
  const list: unknown[] = Array.isArray(nodes)
    ? nodes
    : nodes && typeof nodes === 'object'
      ? [nodes]
      : [];
  for (const n of list) {
    const built = build(n, 0);
    if (built) out.push(built);
  }
  return out;
}

function paint(c: Caller, ctx: BuiltinContext) {
  const host = hostOf(c);
  const raw = c.data.nodes;
  const nodes = typeof raw === 'string' ? htmlToNodes(raw) : raw;
  host.replaceChildren(
    ...renderNodes(nodes, {
      ctx,
      mapClass: (cls) => ownerClasses(c, cls),
      space: String(c.data.space || ''),
    }),
  );
  setAttr(host, 'data-wx-selectable', truthy(c.data.userSelect));
}

export function richTextDef(ctx: BuiltinContext): BuiltinDef {
  return {
    id: 'rich-text',
    template: EMPTY,
    properties: {
      nodes: { type: null, value: [] },
      space: { type: String, value: '' },
      userSelect: { type: Boolean, value: false },
    },
    observers: {
      'nodes, space, userSelect'(this: Caller) {
        paint(this, ctx);
      },
    },
    lifetimes: {
      attached(this: Caller) {
        paint(this, ctx);
      },
    },
  };
}
