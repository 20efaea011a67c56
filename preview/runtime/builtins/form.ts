/**
 * form (submit/reset over its form fields) and label (forwards a tap to its control).
 *
 * Form-field protocol between built-ins: a control with a `name` exposes
 * `_wxFormValue()` (what `submit` reports) and `_wxFormReset()`; labelable controls expose
 * `_wxActivate()` (what a tap on their label does). Custom components with the
 * `wx://form-field` behavior report `data.value`, as in WeChat.
 */
import {
  type BuiltinDef,
  type Caller,
  withCaller,
  type XNode,
  SLOT,
  addExparserListener,
  callerOf,
  closest,
  findById,
  isComponent,
  nodeOf,
  parentOf,
  walkLight,
} from './util';

/** Whether `node` is a form field in WeChat's sense, and its caller. */
function fieldOf(node: XNode): Caller | null {
  if (!isComponent(node)) return null;
  const caller = callerOf(node);
  if (!caller) return null;
  if (typeof caller._wxFormValue === 'function') return caller;
  // j-component registers `wx://form-field` under a generated id it keeps on the global.
  const behavior = (globalThis as { wxFormField?: string }).wxFormField;
  if (behavior && typeof node.hasBehavior === 'function' && node.hasBehavior(behavior))
    return caller;
  return null;
}

/** Every named field under `form`, in document order; fields are not searched inside. */
function fields(form: XNode): Caller[] {
  const out: Caller[] = [];
  walkLight(form, (n) => {
    const f = fieldOf(n);
    if (!f || !f.data || !f.data.name) return true;
    // A named group (checkbox-group, radio-group) reports for its members.
    out.push(f);
    return false;
  });
  return out;
}

function valueOf(f: Caller): unknown {
  return typeof f._wxFormValue === 'function' ? f._wxFormValue() : f.data.value;
}

/** Submit the form enclosing `from` (a `form-type="submit"` button). */
export function submitFormOf(from: XNode): boolean {
  const form = closest(from, 'form');
  const caller = form && callerOf(form);
  if (!caller || typeof caller._wxSubmit !== 'function') return false;
  caller._wxSubmit();
  return true;
}

export function resetFormOf(from: XNode): boolean {
  const form = closest(from, 'form');
  const caller = form && callerOf(form);
  if (!caller || typeof caller._wxReset !== 'function') return false;
  caller._wxReset();
  return true;
}

const form: BuiltinDef = {
  id: 'form',
  template: SLOT,
  properties: {
    reportSubmit: { type: Boolean, value: false },
    reportSubmitTimeout: { type: Number, value: 0 },
  },
  methods: {
    _wxSubmit(this: Caller) {
      const value: Record<string, unknown> = {};
      for (const f of fields(nodeOf(this))) value[String(f.data.name)] = valueOf(f);
      const detail: Record<string, unknown> = { value };
      if (this.data.reportSubmit) detail.formId = 'the formId is a mock one';
      this.triggerEvent('submit', detail);
    },
    _wxReset(this: Caller) {
      for (const f of fields(nodeOf(this))) {
        if (typeof f._wxFormReset === 'function') f._wxFormReset();
        else if (typeof f.setData === 'function') f.setData({ value: '' });
      }
      this.triggerEvent('reset', {});
    },
  },
};

const LABELABLE = ['button', 'checkbox', 'radio', 'switch', 'input', 'textarea'];

/** Whether `node` (an event target: a node, or a component's method caller) is in `ancestor`. */
function isInside(node: XNode | null, ancestor: XNode): boolean {
  const start = node && node._exparserNode ? (node._exparserNode as XNode) : node;
  for (let n = start; n; n = parentOf(n)) if (n === ancestor) return true;
  return false;
}

const label: BuiltinDef = {
  id: 'label',
  template: SLOT,
  properties: {
    for: { type: String, value: '' },
  },
  lifetimes: {
    attached: withCaller((c) => {
      const node = nodeOf(c);
      if (c.__wxLabelReady) return;
      c.__wxLabelReady = true;
      addExparserListener(node, 'tap', (e) => {
        let control: XNode | null = null;
        const target = String(c.data.for || '');
        if (target) control = findById(node, target);
        if (!control) {
          walkLight(node, (n) => {
            if (control) return false;
            if (isComponent(n) && LABELABLE.includes(n.is as string)) {
              control = n;
              return false;
            }
            return true;
          });
        }
        if (!control) return;
        // A tap on the control itself was already handled by the control.
        if (isInside(e.target as XNode, control)) return;
        const cc = callerOf(control);
        if (cc && typeof cc._wxActivate === 'function') cc._wxActivate();
      });
    }),
  },
};

export function formDefs(): BuiltinDef[] {
  return [form, label];
}
