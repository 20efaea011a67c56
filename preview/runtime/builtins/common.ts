/**
 * What every built-in shares: WeChat's `aria-*` attributes (as properties, since
 * j-component only forwards declared properties), `hidden`, and `hover-class`.
 */
import { type BuiltinDef, type Caller, type PropSpec, hostOf, nodeOf, setAttr, num } from './util';

/** `aria-<name>` attributes WeChat accepts on any component; `aria-role` becomes `role`. */
const ARIA = [
  'label',
  'role',
  'hidden',
  'disabled',
  'live',
  'valuenow',
  'valuemin',
  'valuemax',
  'valuetext',
  'checked',
  'expanded',
  'describedby',
  'selected',
  'roledescription',
  'modal',
  'labelledby',
  'haspopup',
  'current',
  'controls',
  'pressed',
  'busy',
  'level',
  'readonly',
  'required',
  'multiselectable',
  'orientation',
  'atomic',
];

const camel = (s: string) => `aria${s[0].toUpperCase()}${s.slice(1)}`;

/** Where a component's aria attributes go: the host, or a native control inside it. */
const ariaTargets = new WeakMap<object, (c: Caller) => Element | null>();

function reflectAria(c: Caller, name: string, value: unknown) {
  const pick = ariaTargets.get(nodeOf(c));
  const target = (pick && pick(c)) || hostOf(c);
  const attr = name === 'role' ? 'role' : `aria-${name}`;
  if (value === null || value === undefined || value === '') target.removeAttribute(attr);
  else target.setAttribute(attr, String(value));
}

/** Send `aria-*` of this instance to `pick(c)` instead of the host (input, textarea). */
export function setAriaTarget(c: Caller, pick: (c: Caller) => Element | null): void {
  ariaTargets.set(nodeOf(c), pick);
  for (const name of ARIA) {
    const v = c.data[camel(name)];
    if (v !== null && v !== undefined && v !== '') {
      hostOf(c).removeAttribute(name === 'role' ? 'role' : `aria-${name}`);
      reflectAria(c, name, v);
    }
  }
}

function commonProperties(): Record<string, PropSpec> {
  const props: Record<string, PropSpec> = {
    hidden: {
      type: null,
      value: false,
      observer(this: Caller, v: unknown) {
        setAttr(hostOf(this), 'hidden', !!v && v !== 'false');
      },
    },
  };
  for (const name of ARIA) {
    props[camel(name)] = {
      type: null,
      value: null,
      observer(this: Caller, v: unknown) {
        reflectAria(this, name, v);
      },
    };
  }
  return props;
}

export interface HoverDefaults {
  /** WeChat's own default class (`button-hover`), styled by builtins.css, or 'none'. */
  cls: string;
  start: number;
  stay: number;
}

export function hoverProperties(d: HoverDefaults): Record<string, PropSpec> {
  return {
    hoverClass: { type: String, value: d.cls },
    hoverStopPropagation: { type: Boolean, value: false },
    hoverStartTime: { type: Number, value: d.start },
    hoverStayTime: { type: Number, value: d.stay },
  };
}

/** Events already claimed by an inner `hover-stop-propagation` element. */
const stopped = new WeakSet<Event>();
const hoverReady = new WeakSet<object>();

/**
 * `hover-class`: applied while pressed, after `hover-start-time`, kept `hover-stay-time`
 * after release. The owner's class names go through exparser's class list (so they get the
 * owner's prefix); WeChat's default `button-hover`/`navigator-hover` is the
 * `data-wx-hover` attribute styled in builtins.css.
 */
export function setupHover(c: Caller, defaultCls: string, blocked: () => boolean = () => false) {
  const node = nodeOf(c);
  if (hoverReady.has(node)) return;
  hoverReady.add(node);
  const host = hostOf(c);
  let startTimer: ReturnType<typeof setTimeout> | undefined;
  let stayTimer: ReturnType<typeof setTimeout> | undefined;
  let applied: string[] | null = null;

  const apply = () => {
    const cls = String(c.data.hoverClass ?? '').trim();
    if (!cls || cls === 'none') return;
    if (cls === defaultCls) {
      host.setAttribute('data-wx-hover', '');
      applied = [];
    } else {
      applied = cls.split(/\s+/);
      for (const n of applied) node.classList?.toggle?.(n, true);
    }
  };
  const remove = () => {
    host.removeAttribute('data-wx-hover');
    if (applied) for (const n of applied) node.classList?.toggle?.(n, false);
    applied = null;
  };
  const down = (e: Event) => {
    if (stopped.has(e) || blocked()) return;
    if (c.data.hoverStopPropagation) stopped.add(e);
    const cls = String(c.data.hoverClass ?? '').trim();
    if (!cls || cls === 'none') return;
    clearTimeout(stayTimer);
    clearTimeout(startTimer);
    startTimer = setTimeout(apply, Math.max(0, num(c.data.hoverStartTime, 50)));
  };
  const stay = () => Math.max(0, num(c.data.hoverStayTime, 400));
  const up = () => {
    const pending = startTimer !== undefined;
    clearTimeout(startTimer);
    startTimer = undefined;
    // Released before the start time: WeChat still shows the class for the stay time.
    if (!applied && pending) apply();
    clearTimeout(stayTimer);
    stayTimer = setTimeout(remove, stay());
  };
  const cancel = () => {
    clearTimeout(startTimer);
    startTimer = undefined;
    if (applied) {
      clearTimeout(stayTimer);
      stayTimer = setTimeout(remove, stay());
    }
  };
  host.addEventListener('pointerdown', down);
  host.addEventListener('pointerup', up);
  host.addEventListener('pointercancel', cancel);
  host.addEventListener('pointerleave', cancel);
}

/** Hover for components whose default is no hover (view): set up once a class is given. */
export function hoverIfWanted(c: Caller, defaultCls: string) {
  const cls = String(c.data.hoverClass ?? '').trim();
  if (cls && cls !== 'none') setupHover(c, defaultCls);
}

/** Add the shared properties to a definition (its own properties win). */
export function withCommon(def: BuiltinDef): BuiltinDef {
  return { ...def, properties: { ...commonProperties(), ...(def.properties ?? {}) } };
}
