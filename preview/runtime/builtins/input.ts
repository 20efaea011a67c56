/**
 * input and textarea: a native control inside the host, with WeChat's events and details.
 * The placeholder is an element of its own (as in WeChat) so `placeholder-class` and
 * `placeholder-style` apply; the native placeholder stays for accessibility, invisible.
 */
import { setAriaTarget } from './common';
import {
  type BuiltinDef,
  type Caller,
  withCaller,
  EMPTY,
  el,
  hostOf,
  later,
  num,
  ownerClasses,
  peekState,
  setAttr,
  stateOf,
  truthy,
} from './util';

type Native = HTMLInputElement | HTMLTextAreaElement;

interface FieldState {
  native: Native;
  ph: HTMLElement;
  composing: boolean;
  keyCode: number;
  attached: boolean;
  lineCount: number;
  /** The `focus` property as last set: its observer runs on every re-render of the owner. */
  focusProp?: boolean;
}

const isArea = (c: Caller) => c.is === 'textarea' || c._exparserNode?.is === 'textarea';

function fieldState(c: Caller): FieldState {
  return stateOf<FieldState>(c, () => {
    const area = isArea(c);
    const native: Native = area
      ? el('textarea', { class: 'wx-textarea-native' })
      : el('input', { class: 'wx-input-native', type: 'text' });
    const ph = el('span', { class: area ? 'wx-textarea-placeholder' : 'wx-input-placeholder' });
    ph.setAttribute('aria-hidden', 'true');
    const s: FieldState = {
      native,
      ph,
      composing: false,
      keyCode: 0,
      attached: false,
      lineCount: 0,
    };
    const host = hostOf(c);
    host.append(ph, native);
    bindEvents(c, s);
    return s;
  });
}

function maxLength(c: Caller): number {
  const n = num(c.data.maxlength, 140);
  return n > 0 ? n : -1;
}

/** What the keyboard of `type` allows (WeChat's number/digit/idcard keyboards). */
function filterByType(c: Caller, value: string): string {
  switch (String(c.data.type || 'text')) {
    case 'number':
      return value.replace(/[^0-9]/g, '');
    case 'digit':
      return value.replace(/[^0-9.]/g, '');
    case 'idcard':
      return value.replace(/[^0-9xX]/g, '');
    default:
      return value;
  }
}

function showPlaceholder(s: FieldState) {
  s.ph.hidden = s.native.value !== '';
}

function cursorOf(s: FieldState): number {
  const pos = s.native.selectionStart;
  return typeof pos === 'number' ? pos : s.native.value.length;
}

function autoHeight(c: Caller, s: FieldState, fire: boolean) {
  if (!(s.native instanceof HTMLTextAreaElement)) return;
  const ta = s.native;
  const auto = truthy(c.data.autoHeight);
  if (auto) {
    ta.style.height = 'auto';
    ta.style.height = `${ta.scrollHeight}px`;
  } else {
    ta.style.height = '';
  }
  const cs = typeof getComputedStyle === 'function' ? getComputedStyle(ta) : null;
  const fontSize = cs ? parseFloat(cs.fontSize) || 16 : 16;
  const lineHeight = (cs && parseFloat(cs.lineHeight)) || fontSize * 1.2;
  const height = ta.scrollHeight;
  const lineCount = Math.max(1, Math.round(height / lineHeight) || 1);
  if (lineCount !== s.lineCount) {
    const first = s.lineCount === 0;
    s.lineCount = lineCount;
    if (fire && !first) c.triggerEvent('linechange', { height, heightRpx: height * 2, lineCount });
  }
}

function applySelection(c: Caller, s: FieldState) {
  const n = s.native;
  const len = n.value.length;
  const start = num(c.data.selectionStart, -1);
  const end = num(c.data.selectionEnd, -1);
  try {
    if (start >= 0 && end >= 0) n.setSelectionRange(Math.min(start, len), Math.min(end, len));
    else {
      const cur = num(c.data.cursor, -1);
      if (cur >= 0) n.setSelectionRange(Math.min(cur, len), Math.min(cur, len));
    }
  } catch {
    /* password fields in some engines */
  }
}

function focusNow(c: Caller, s: FieldState) {
  if (!s.attached || truthy(c.data.disabled)) return;
  later(() => {
    if (document.activeElement !== s.native) s.native.focus();
    applySelection(c, s);
  });
}

function bindEvents(c: Caller, s: FieldState) {
  const n = s.native;
  const area = n instanceof HTMLTextAreaElement;
  const report = () => {
    const filtered = filterByType(c, n.value);
    if (filtered !== n.value) {
      const pos = cursorOf(s) - (n.value.length - filtered.length);
      n.value = filtered;
      try {
        n.setSelectionRange(pos, pos);
      } catch {
        /* not a text control */
      }
    }
    showPlaceholder(s);
    autoHeight(c, s, true);
    c.triggerEvent('input', { value: n.value, cursor: cursorOf(s), keyCode: s.keyCode });
  };
  n.addEventListener('compositionstart', () => {
    s.composing = true;
  });
  n.addEventListener('compositionend', () => {
    s.composing = false;
    report();
  });
  n.addEventListener('input', (e) => {
    if (s.composing || (e as InputEvent).isComposing) {
      showPlaceholder(s);
      return;
    }
    report();
  });
  (n as HTMLElement).addEventListener('keydown', (e) => {
    s.keyCode = e.keyCode || 0;
    if (e.key !== 'Enter' || e.isComposing || s.composing) return;
    if (area) {
      const type = String(c.data.confirmType || 'return');
      if (type === 'return' || e.shiftKey) return;
      e.preventDefault();
    }
    c.triggerEvent('confirm', { value: n.value });
    if (!truthy(c.data.confirmHold)) n.blur();
  });
  n.addEventListener('focus', () => {
    applySelection(c, s);
    c.triggerEvent('focus', { value: n.value, height: 0 });
  });
  n.addEventListener('blur', () => {
    c.triggerEvent('blur', { value: n.value, cursor: cursorOf(s) });
  });
  n.addEventListener('change', () => {
    c.triggerEvent('change', { value: n.value });
  });
  // A tap on the host's padding focuses the control, as on a phone.
  hostOf(c).addEventListener('click', (e) => {
    if (e.target !== n && !truthy(c.data.disabled)) n.focus();
  });
}

/** The page set `value`: show it (cut to maxlength), without an input event. */
function syncValue(c: Caller) {
  const s = fieldState(c);
  const d = c.data;
  const max = maxLength(c);
  let value = d.value === null || d.value === undefined ? '' : String(d.value);
  if (max >= 0 && value.length > max) value = value.slice(0, max);
  if (s.native.value !== value) s.native.value = value;
  showPlaceholder(s);
  autoHeight(c, s, true);
}

function sync(c: Caller) {
  const s = fieldState(c);
  const n = s.native;
  const d = c.data;
  const area = n instanceof HTMLTextAreaElement;
  if (n instanceof HTMLInputElement) {
    const type = String(d.type || 'text');
    const password = truthy(d.password) || type === 'safe-password';
    const wanted = password ? 'password' : 'text';
    if (n.type !== wanted) n.type = wanted;
    const mode =
      type === 'number'
        ? 'numeric'
        : type === 'digit'
          ? 'decimal'
          : type === 'idcard'
            ? 'text'
            : '';
    setAttr(n, 'inputmode', mode || null);
    setAttr(n, 'autocomplete', type === 'nickname' ? 'nickname' : 'off');
    setAttr(n, 'enterkeyhint', String(d.confirmType || 'done'));
  } else {
    const hint = String(d.confirmType || 'return');
    setAttr(n, 'enterkeyhint', hint === 'return' ? 'enter' : hint);
  }
  const max = maxLength(c);
  if (max >= 0) n.maxLength = max;
  else n.removeAttribute('maxlength');

  const placeholder =
    d.placeholder === null || d.placeholder === undefined ? '' : String(d.placeholder);
  s.ph.textContent = placeholder;
  setAttr(n, 'placeholder', placeholder || null);
  const base = area ? 'wx-textarea-placeholder' : 'wx-input-placeholder';
  const given = String(d.placeholderClass || '');
  s.ph.className = `${base} ${ownerClasses(c, given)}`.trim();
  s.ph.style.cssText = String(d.placeholderStyle || '');
  showPlaceholder(s);

  const disabled = truthy(d.disabled);
  n.disabled = disabled;
  setAttr(hostOf(c), 'disabled', disabled);
  if (area) {
    setAttr(hostOf(c), 'data-wx-auto-height', truthy(d.autoHeight));
    setAttr(hostOf(c), 'data-wx-no-padding', truthy(d.disableDefaultPadding));
    autoHeight(c, s, false);
  }
}

function lifetimes() {
  return {
    attached: withCaller((c) => {
      const s = fieldState(c);
      s.attached = true;
      setAriaTarget(c, () => fieldState(c).native);
      sync(c);
      syncValue(c);
      if (truthy(c.data.focus) || truthy(c.data.autoFocus)) focusNow(c, s);
      // Heights are known once the page is laid out.
      if (isArea(c)) later(() => autoHeight(c, s, false));
    }),
    detached(this: Caller) {
      const s = peekState<FieldState>(this);
      if (s) s.attached = false;
    },
  };
}

const shared = {
  value: { type: null, value: '' },
  placeholder: { type: String, value: '' },
  placeholderStyle: { type: String, value: '' },
  disabled: { type: Boolean, value: false },
  maxlength: { type: null, value: 140 },
  focus: { type: Boolean, value: false },
  autoFocus: { type: Boolean, value: false },
  confirmHold: { type: Boolean, value: false },
  cursor: { type: null, value: -1 },
  cursorSpacing: { type: null, value: 0 },
  cursorColor: { type: String, value: '' },
  selectionStart: { type: null, value: -1 },
  selectionEnd: { type: null, value: -1 },
  adjustPosition: { type: Boolean, value: true },
  holdKeyboard: { type: Boolean, value: false },
  alwaysEmbed: { type: Boolean, value: false },
} as const;

const methods = {
  _wxFormValue(this: Caller) {
    return fieldState(this).native.value;
  },
  _wxFormReset(this: Caller) {
    const s = fieldState(this);
    s.native.value = '';
    showPlaceholder(s);
    autoHeight(this, s, false);
  },
  _wxActivate(this: Caller) {
    const s = fieldState(this);
    if (!truthy(this.data.disabled)) s.native.focus();
  },
};

const observers = {
  value(this: Caller) {
    syncValue(this);
  },
  'type, password, placeholder, placeholderClass, placeholderStyle, disabled, maxlength, confirmType, autoHeight, disableDefaultPadding'(
    this: Caller,
  ) {
    sync(this);
  },
  focus(this: Caller, v: unknown) {
    const s = fieldState(this);
    const was = s.focusProp === true;
    s.focusProp = truthy(v);
    // Only a change true → false takes the focus away; `focus="{{false}}"` re-sent with
    // every keystroke's setData must leave the field being typed in alone.
    if (s.focusProp && !was) focusNow(this, s);
    else if (!s.focusProp && was && s.attached && document.activeElement === s.native) {
      s.native.blur();
    }
  },
};

export const inputDef: BuiltinDef = {
  id: 'input',
  template: EMPTY,
  behaviors: ['wx://form-field'],
  properties: {
    ...shared,
    type: { type: String, value: 'text' },
    password: { type: Boolean, value: false },
    placeholderClass: { type: String, value: 'input-placeholder' },
    confirmType: { type: String, value: 'done' },
  },
  observers,
  methods,
  lifetimes: lifetimes(),
};

export const textareaDef: BuiltinDef = {
  id: 'textarea',
  template: EMPTY,
  behaviors: ['wx://form-field'],
  properties: {
    ...shared,
    placeholderClass: { type: String, value: 'textarea-placeholder' },
    autoHeight: { type: Boolean, value: false },
    fixed: { type: Boolean, value: false },
    showConfirmBar: { type: Boolean, value: true },
    disableDefaultPadding: { type: Boolean, value: false },
    confirmType: { type: String, value: 'return' },
  },
  observers,
  methods,
  lifetimes: lifetimes(),
};
