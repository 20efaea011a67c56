/**
 * Choice controls: switch, checkbox + checkbox-group, radio + radio-group, slider.
 * Inner elements carry WeChat's own class names (`wx-checkbox-input`,
 * `wx-checkbox-input-checked`, `wx-switch-input`, ...) so app WXSS restyling them works.
 */
import { setAriaTarget } from './common';
import {
  type BuiltinDef,
  type Caller,
  withCaller,
  type XNode,
  EMPTY,
  SLOT,
  callerOf,
  closest,
  el,
  hostOf,
  isComponent,
  nodeOf,
  num,
  setAttr,
  stateOf,
  truthy,
  walkLight,
} from './util';

interface ToggleState {
  box: HTMLElement;
  ready: boolean;
}

/** The indicator element (first child of the host), created on first use. */
function toggleState(c: Caller, cls: string): ToggleState {
  const s = stateOf<ToggleState>(c, () => ({ box: el('span', { class: cls }), ready: false }));
  const host = hostOf(c);
  if (s.box.parentNode !== host) host.prepend(s.box);
  return s;
}

/** Keyboard and pointer activation for a host acting as `role`. */
function makeInteractive(c: Caller, role: string, activate: () => void) {
  const s = stateOf<ToggleState>(c, () => ({ box: el('span'), ready: false }));
  if (s.ready) return;
  s.ready = true;
  const host = hostOf(c);
  if (!host.hasAttribute('role')) host.setAttribute('role', role);
  host.addEventListener('click', () => activate());
  host.addEventListener('keydown', (e) => {
    if (e.target !== host || (e.key !== ' ' && e.key !== 'Enter')) return;
    e.preventDefault();
    activate();
  });
}

function paintToggle(c: Caller, base: string) {
  const kind = c.is === 'switch' && c.data.type !== 'checkbox' ? 'wx-switch-input' : base;
  const s = toggleState(c, kind);
  const host = hostOf(c);
  const checked = truthy(c.data.checked);
  const disabled = truthy(c.data.disabled);
  s.box.className = [kind, checked && `${kind}-checked`, disabled && `${kind}-disabled`]
    .filter(Boolean)
    .join(' ');
  const color = String(c.data.color || '');
  if (kind === 'wx-switch-input') {
    s.box.style.backgroundColor = checked && color ? color : '';
    s.box.style.borderColor = checked && color ? color : '';
  } else {
    s.box.style.color = checked && color && !disabled ? color : '';
  }
  setAttr(host, 'aria-checked', checked ? 'true' : 'false');
  setAttr(host, 'aria-disabled', disabled ? 'true' : null);
  setAttr(host, 'tabindex', disabled ? null : '0');
  setAttr(host, 'checked', checked);
  setAttr(host, 'disabled', disabled);
}

// --- switch

const switchDef: BuiltinDef = {
  id: 'switch',
  template: EMPTY,
  behaviors: ['wx://form-field'],
  properties: {
    checked: { type: Boolean, value: false },
    disabled: { type: Boolean, value: false },
    type: { type: String, value: 'switch' },
    color: { type: String, value: '#04BE02' },
  },
  observers: {
    'checked, disabled, type, color'(this: Caller) {
      paintToggle(this, 'wx-checkbox-input');
    },
  },
  methods: {
    _wxActivate(this: Caller) {
      if (truthy(this.data.disabled)) return;
      const value = !truthy(this.data.checked);
      this.setData({ checked: value });
      this.triggerEvent('change', { value });
    },
    _wxFormValue(this: Caller) {
      return truthy(this.data.checked);
    },
    _wxFormReset(this: Caller) {
      this.setData({ checked: false });
    },
  },
  lifetimes: {
    attached: withCaller((c) => {
      paintToggle(c, 'wx-checkbox-input');
      hostOf(c).setAttribute('data-wx-type', String(c.data.type || 'switch'));
      makeInteractive(c, c.data.type === 'checkbox' ? 'checkbox' : 'switch', () => c._wxActivate());
    }),
  },
};

// --- checkbox / checkbox-group

function membersOf(group: XNode, is: string): Caller[] {
  const out: Caller[] = [];
  walkLight(group, (n) => {
    if (!isComponent(n)) return true;
    if (n.is === group.is) return false;
    if (n.is === is) {
      const c = callerOf(n);
      if (c) out.push(c);
      return false;
    }
    return true;
  });
  return out;
}

const checkbox: BuiltinDef = {
  id: 'checkbox',
  template: SLOT,
  properties: {
    value: { type: null, value: '' },
    disabled: { type: Boolean, value: false },
    checked: { type: Boolean, value: false },
    color: { type: String, value: '#09BB07' },
  },
  observers: {
    'checked, disabled, color'(this: Caller) {
      paintToggle(this, 'wx-checkbox-input');
    },
  },
  methods: {
    _wxActivate(this: Caller) {
      if (truthy(this.data.disabled)) return;
      this.setData({ checked: !truthy(this.data.checked) });
      const group = closest(nodeOf(this), 'checkbox-group');
      const gc = group && callerOf(group);
      if (gc) gc._wxChanged();
    },
  },
  lifetimes: {
    attached: withCaller((c) => {
      paintToggle(c, 'wx-checkbox-input');
      makeInteractive(c, 'checkbox', () => c._wxActivate());
    }),
  },
};

const checkboxGroup: BuiltinDef = {
  id: 'checkbox-group',
  template: SLOT,
  behaviors: ['wx://form-field'],
  methods: {
    _wxFormValue(this: Caller) {
      return membersOf(nodeOf(this), 'checkbox')
        .filter((m) => truthy(m.data.checked))
        .map((m) => String(m.data.value ?? ''));
    },
    _wxFormReset(this: Caller) {
      for (const m of membersOf(nodeOf(this), 'checkbox')) m.setData({ checked: false });
    },
    _wxChanged(this: Caller) {
      this.triggerEvent('change', { value: this._wxFormValue() });
    },
  },
  lifetimes: {
    attached(this: Caller) {
      hostOf(this).setAttribute('role', hostOf(this).getAttribute('role') || 'group');
    },
  },
};

// --- radio / radio-group

const radio: BuiltinDef = {
  id: 'radio',
  template: SLOT,
  properties: {
    value: { type: null, value: '' },
    disabled: { type: Boolean, value: false },
    checked: { type: Boolean, value: false },
    color: { type: String, value: '#09BB07' },
  },
  observers: {
    'checked, disabled, color'(this: Caller) {
      paintToggle(this, 'wx-radio-input');
    },
  },
  methods: {
    _wxActivate(this: Caller) {
      if (truthy(this.data.disabled) || truthy(this.data.checked)) return;
      const group = closest(nodeOf(this), 'radio-group');
      if (group) {
        for (const m of membersOf(group, 'radio')) {
          if (m !== this && m._exparserNode !== this._exparserNode && truthy(m.data.checked)) {
            m.setData({ checked: false });
          }
        }
      }
      this.setData({ checked: true });
      const gc = group && callerOf(group);
      if (gc) gc.triggerEvent('change', { value: String(this.data.value ?? '') });
    },
  },
  lifetimes: {
    attached: withCaller((c) => {
      paintToggle(c, 'wx-radio-input');
      makeInteractive(c, 'radio', () => c._wxActivate());
    }),
  },
};

const radioGroup: BuiltinDef = {
  id: 'radio-group',
  template: SLOT,
  behaviors: ['wx://form-field'],
  methods: {
    _wxFormValue(this: Caller) {
      const on = membersOf(nodeOf(this), 'radio').find((m) => truthy(m.data.checked));
      return on ? String(on.data.value ?? '') : '';
    },
    _wxFormReset(this: Caller) {
      for (const m of membersOf(nodeOf(this), 'radio')) m.setData({ checked: false });
    },
  },
  lifetimes: {
    attached(this: Caller) {
      hostOf(this).setAttribute('role', hostOf(this).getAttribute('role') || 'radiogroup');
    },
  },
};

// --- slider

interface SliderState {
  range: HTMLInputElement;
  out: HTMLElement;
}

function sliderState(c: Caller): SliderState {
  return stateOf<SliderState>(c, () => {
    const range = el('input', { type: 'range', class: 'wx-slider-native' });
    const out = el('span', { class: 'wx-slider-value' });
    hostOf(c).append(el('div', { class: 'wx-slider-wrapper' }, [range, out]));
    const value = () => num(range.value, 0);
    range.addEventListener('input', () => {
      paintSlider(c, value());
      c.triggerEvent('changing', { value: value() });
    });
    range.addEventListener('change', () => {
      c.setData({ value: value() });
      c.triggerEvent('change', { value: value() });
    });
    return { range, out };
  });
}

function paintSlider(c: Caller, value: number) {
  const s = sliderState(c);
  const min = num(c.data.min, 0);
  const max = num(c.data.max, 100);
  const pct = max > min ? ((value - min) / (max - min)) * 100 : 0;
  const host = hostOf(c);
  host.style.setProperty('--wx-slider-percent', `${Math.min(100, Math.max(0, pct))}%`);
  s.out.textContent = String(value);
}

function syncSlider(c: Caller) {
  const s = sliderState(c);
  const d = c.data;
  const min = num(d.min, 0);
  const max = num(d.max, 100);
  const step = num(d.step, 1) > 0 ? num(d.step, 1) : 1;
  s.range.min = String(min);
  s.range.max = String(max);
  s.range.step = String(step);
  const v = Math.min(max, Math.max(min, num(d.value, 0)));
  s.range.value = String(v);
  s.range.disabled = truthy(d.disabled);
  s.out.hidden = !truthy(d.showValue);
  const host = hostOf(c);
  const active = String(d.activeColor || d.selectedColor || '#1aad19');
  const bg = String(d.backgroundColor || d.color || '#e9e9e9');
  const size = Math.min(28, Math.max(12, num(d.blockSize, 28)));
  host.style.setProperty('--wx-slider-active', active);
  host.style.setProperty('--wx-slider-bg', bg);
  host.style.setProperty('--wx-slider-block-size', `${size}px`);
  host.style.setProperty('--wx-slider-block-color', String(d.blockColor || '#ffffff'));
  setAttr(host, 'disabled', truthy(d.disabled));
  paintSlider(c, v);
}

const slider: BuiltinDef = {
  id: 'slider',
  template: EMPTY,
  behaviors: ['wx://form-field'],
  properties: {
    min: { type: null, value: 0 },
    max: { type: null, value: 100 },
    step: { type: null, value: 1 },
    disabled: { type: Boolean, value: false },
    value: { type: null, value: 0 },
    color: { type: String, value: '' },
    selectedColor: { type: String, value: '' },
    activeColor: { type: String, value: '' },
    backgroundColor: { type: String, value: '' },
    blockSize: { type: null, value: 28 },
    blockColor: { type: String, value: '' },
    showValue: { type: Boolean, value: false },
  },
  observers: {
    'min, max, step, disabled, value, color, selectedColor, activeColor, backgroundColor, blockSize, blockColor, showValue'(
      this: Caller,
    ) {
      syncSlider(this);
    },
  },
  methods: {
    _wxFormValue(this: Caller) {
      return num(sliderState(this).range.value, 0);
    },
    _wxFormReset(this: Caller) {
      this.setData({ value: num(this.data.min, 0) });
    },
  },
  lifetimes: {
    attached: withCaller((c) => {
      syncSlider(c);
      // aria-label and friends name the range input, which is what a screen reader meets.
      setAriaTarget(c, () => sliderState(c).range);
    }),
  },
};

export function choiceDefs(): BuiltinDef[] {
  return [switchDef, checkbox, checkboxGroup, radio, radioGroup, slider];
}
