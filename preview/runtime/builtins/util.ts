/**
 * Shared pieces of the built-in components: the definition shape handed to j-component,
 * per-instance state, DOM helpers and walks over the exparser tree.
 */
import type { PreviewHost } from '../host';

const exparser = require('miniprogram-exparser');

/** A j-component method caller (`this` inside a definition). */
export type Caller = Record<string, any>;
/** An exparser node (element, component, virtual node, shadow root or text node). */
export type XNode = Record<string, any>;

type Fn = (this: Caller, ...args: any[]) => unknown;

export interface PropSpec {
  type: StringConstructor | NumberConstructor | BooleanConstructor | ArrayConstructor | null;
  value?: unknown;
  observer?: Fn;
}

/** What each built-in module exports; `registerBuiltins` adds `tagName: 'wx-<id>'`. */
export interface BuiltinDef {
  id: string;
  /** `'<slot/>'`, or `EMPTY` for controls whose whole DOM is built by the definition. */
  template: string | (() => Record<string, unknown>);
  properties?: Record<string, PropSpec>;
  data?: Record<string, unknown>;
  observers?: Record<string, Fn>;
  lifetimes?: Partial<Record<'created' | 'attached' | 'ready' | 'moved' | 'detached', Fn>>;
  methods?: Record<string, Fn>;
  behaviors?: string[];
  options?: Record<string, unknown>;
}

/** What a module gets to build its definitions. */
export interface BuiltinContext {
  host: PreviewHost;
}

/**
 * An empty shadow tree. j-component rejects an empty template string, but accepts a
 * wcc-style render function; this one renders nothing, so the definition owns the DOM.
 */
export const EMPTY = (): Record<string, unknown> => ({ tag: 'shadow', children: [] });
export const SLOT = '<slot/>';

export function nodeOf(c: Caller): XNode {
  return c._exparserNode;
}

/** The `<wx-tag>` element of a component. */
export function hostOf(c: Caller): HTMLElement {
  return c._exparserNode.$$ as HTMLElement;
}

export function callerOf(node: XNode): Caller | null {
  return (exparser.Element.getMethodCaller(node) as Caller | undefined) ?? null;
}

const states = new WeakMap<object, object>();

/** Per-instance state, created on first use (observers may run before `attached`). */
export function stateOf<T extends object>(c: Caller, make: () => T): T {
  const key = nodeOf(c);
  let s = states.get(key) as T | undefined;
  if (!s) {
    s = make();
    states.set(key, s);
  }
  return s;
}

export function peekState<T extends object>(c: Caller): T | undefined {
  return states.get(nodeOf(c)) as T | undefined;
}

type Child = Node | string | null | undefined | false;

/** `document.createElement` with attributes (`null`/`false` skipped) and children. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number | boolean | null | undefined> = {},
  children: Child[] = [],
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') e.className = String(v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    e.append(typeof c === 'string' ? document.createTextNode(c) : c);
  }
  return e;
}

/** Set, or remove when `value` is false/null/undefined/''. `true` sets an empty attribute. */
export function setAttr(
  e: Element,
  name: string,
  value: string | number | boolean | null | undefined,
) {
  if (value === false || value === null || value === undefined || value === '') {
    e.removeAttribute(name);
  } else {
    const v = value === true ? '' : String(value);
    if (e.getAttribute(name) !== v) e.setAttribute(name, v);
  }
}

/** WXML booleans arrive as booleans, but a literal `"false"` string means false too. */
export function truthy(v: unknown): boolean {
  if (typeof v === 'string') return v !== '' && v !== 'false' && v !== '0';
  return !!v;
}

export function num(v: unknown, fallback: number): number {
  const n = typeof v === 'number' ? v : parseFloat(String(v));
  return Number.isFinite(n) ? n : fallback;
}

/** A length property: numbers (and bare numeric strings) are px, else as written (rpx → px). */
export function cssLength(v: unknown, fallback: string): string {
  if (v === null || v === undefined || v === '') return fallback;
  if (typeof v === 'number') return `${v}px`;
  const s = String(v).trim();
  if (/^-?\d*\.?\d+$/.test(s)) return `${s}px`;
  const rpx = /^(-?\d*\.?\d+)rpx$/.exec(s);
  if (rpx) return `${Number(rpx[1]) / 2}px`;
  return s;
}

/**
 * Class names written by the owner (placeholder-class, rich-text `class`) as the DOM
 * carries them: exparser prefixes the owner's classes (`t-input__x` → `tiN--t-input__x`)
 * and maps the owner's external classes; `~name` is global.
 */
export function ownerClasses(c: Caller, names: string): string {
  const list = nodeOf(c).classList as XNode | undefined;
  const prefix: string = (list && typeof list.getPrefix === 'function' && list.getPrefix()) || '';
  const alias =
    (list && list._owner && (list._owner._resolvedAlias as Record<string, string>)) || null;
  return String(names || '')
    .split(/\s+/)
    .filter(Boolean)
    .map((n) => {
      if (alias && Object.prototype.hasOwnProperty.call(alias, n)) return alias[n];
      if (n.startsWith('~')) return n.slice(1);
      if (n.startsWith('^')) return n.replace(/^\^+/, '');
      return prefix ? `${prefix}--${n}` : n;
    })
    .filter(Boolean)
    .join(' ');
}

/** Parent in the composed sense: a shadow root's parent is its host. */
export function parentOf(node: XNode): XNode | null {
  const p = node.parentNode as XNode | null;
  if (p) {
    if (p instanceof exparser.ShadowRoot) return p.getHostNode() as XNode;
    return p;
  }
  const root = node.ownerShadowRoot as XNode | null;
  if (root && node === root) return root.getHostNode() as XNode;
  return null;
}

/** The nearest ancestor component registered as `is`. */
export function closest(node: XNode, is: string | string[]): XNode | null {
  const names = Array.isArray(is) ? is : [is];
  for (let p = parentOf(node); p; p = parentOf(p)) {
    if (p instanceof exparser.Component && names.includes(p.is as string)) return p;
  }
  return null;
}

/** Walk the light tree under `node` (not into shadow trees); `visit` returning false prunes. */
export function walkLight(node: XNode, visit: (n: XNode) => boolean | void): void {
  const kids = (node.childNodes as XNode[] | undefined) ?? [];
  for (const k of kids) {
    if (k instanceof exparser.TextNode) continue;
    if (visit(k) === false) continue;
    walkLight(k, visit);
  }
}

/** The component `node` with the given WXML `id` in the same shadow tree as `from`. */
export function findById(from: XNode, id: string): XNode | null {
  const root = (from.ownerShadowRoot as XNode | null) ?? null;
  if (!root || !id) return null;
  let found: XNode | null = null;
  walkLight(root, (n) => {
    if (found) return false;
    if (n.id === id) {
      found = n;
      return false;
    }
    return true;
  });
  return found;
}

export function isComponent(node: unknown): node is XNode {
  return node instanceof exparser.Component;
}

export function addExparserListener(
  node: XNode,
  name: string,
  fn: (e: XNode) => boolean | void,
): void {
  exparser.addListenerToElement(node, name, fn);
}

/** `cloud://env.bucket/path` → the emulator's storage URL; other sources unchanged. */
export function mediaUrl(host: PreviewHost, src: unknown): string {
  const s = typeof src === 'string' ? src.trim() : '';
  if (!s.startsWith('cloud://')) return s;
  const slash = s.indexOf('/', 'cloud://'.length);
  if (slash < 0) return '';
  const path = s
    .slice(slash + 1)
    .split('/')
    .map((seg) => {
      try {
        return encodeURIComponent(decodeURIComponent(seg));
      } catch {
        return encodeURIComponent(seg);
      }
    })
    .join('/');
  return `${host.gatewayUrl}/storage/${path}`;
}

const logged = new Set<string>();
/** console.info once per message, so a list of unsupported controls does not flood. */
export function infoOnce(message: string): void {
  if (logged.has(message)) return;
  logged.add(message);
  console.info(`[preview] ${message}`);
}

/** Run after the current task, once the DOM the owner is building is in place. */
export function later(fn: () => void, ms = 0): ReturnType<typeof setTimeout> {
  return setTimeout(fn, ms);
}

/** A lifetime/observer taking the caller as a parameter (so closures need no `this` alias). */
export function withCaller<A extends unknown[]>(fn: (c: Caller, ...args: A) => void) {
  return function (this: Caller, ...args: A): void {
    fn(this, ...args);
  };
}
