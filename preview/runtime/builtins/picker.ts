/**
 * picker: a tap on its content opens WeChat's bottom sheet (取消 / 确定 over wheel-like
 * columns) in the phone frame's overlay root; 确定 fires `change` with WeChat's value
 * shapes, 取消 (or the mask, or Escape) fires `cancel`. Also a basic picker-view.
 */
import {
  type BuiltinContext,
  type BuiltinDef,
  type Caller,
  withCaller,
  SLOT,
  addExparserListener,
  el,
  hostOf,
  infoOnce,
  later,
  nodeOf,
  num,
  peekState,
  stateOf,
  truthy,
} from './util';

/** Row height of a column, as in builtins.css (`--wx-picker-row`). */
export const ROW = 34;

// --- a wheel-like column: a scroll-snap list with the chosen row in the middle

interface ColumnView {
  root: HTMLElement;
  setItems(items: string[], index: number): void;
  select(index: number, smooth?: boolean): void;
  index(): number;
}

function makeColumn(label: string, onPick: (index: number) => void): ColumnView {
  const list = el('div', { class: 'wx-picker-column', role: 'listbox', tabindex: '0' });
  list.setAttribute('aria-label', label);
  let items: HTMLElement[] = [];
  let labels: string[] = [];
  let current = 0;
  let settle: ReturnType<typeof setTimeout> | undefined;
  const mark = () => {
    items.forEach((it, k) => {
      const on = k === current;
      it.setAttribute('aria-selected', on ? 'true' : 'false');
      it.classList.toggle('wx-picker-item-selected', on);
    });
  };
  const scrollToRow = (i: number, smooth: boolean) => {
    const top = i * ROW;
    if (typeof list.scrollTo === 'function')
      list.scrollTo({ top, behavior: smooth ? 'smooth' : 'auto' });
    else list.scrollTop = top;
  };
  const choose = (i: number, smooth: boolean) => {
    if (items.length === 0) return;
    const k = Math.min(items.length - 1, Math.max(0, i));
    const changed = k !== current;
    current = k;
    mark();
    scrollToRow(k, smooth);
    if (changed) onPick(k);
  };
  list.addEventListener(
    'scroll',
    () => {
      clearTimeout(settle);
      settle = setTimeout(() => {
        const k = Math.min(items.length - 1, Math.max(0, Math.round(list.scrollTop / ROW)));
        if (items.length && k !== current) {
          current = k;
          mark();
          onPick(k);
        }
      }, 120);
    },
    { passive: true },
  );
  list.addEventListener('keydown', (e) => {
    const step: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: 5, PageUp: -5 };
    if (e.key in step) choose(current + step[e.key], true);
    else if (e.key === 'Home') choose(0, true);
    else if (e.key === 'End') choose(items.length - 1, true);
    else return;
    e.preventDefault();
  });
  return {
    root: list,
    setItems(next, index) {
      const same = next.length === labels.length && next.every((l, i) => l === labels[i]);
      if (!same) {
        labels = next.slice();
        items = labels.map((text, k) => {
          const it = el('div', { class: 'wx-picker-item', role: 'option' }, [text]);
          it.addEventListener('click', () => choose(k, true));
          return it;
        });
        list.replaceChildren(...items);
      }
      current = Math.min(Math.max(0, index), Math.max(0, items.length - 1));
      mark();
      scrollToRow(current, false);
    },
    select(index, smooth = false) {
      current = Math.min(Math.max(0, index), Math.max(0, items.length - 1));
      mark();
      scrollToRow(current, smooth);
    },
    index: () => current,
  };
}

// --- what each mode shows and reports

interface ColumnModel {
  label: string;
  items: string[];
  index: number;
}

interface Model {
  columns(): ColumnModel[];
  /** The user moved column `col` to row `index`. */
  pick(col: number, index: number): void;
  /** `detail.value` of `change` (and `code`/`postcode` for region). */
  detail(): Record<string, unknown>;
}

function labelOf(item: unknown, key: string): string {
  if (item !== null && typeof item === 'object' && key) {
    const v = (item as Record<string, unknown>)[key];
    return v === undefined || v === null ? '' : String(v);
  }
  return item === undefined || item === null ? '' : String(item);
}

function clampIndex(v: unknown, length: number): number {
  const i = Math.floor(num(v, 0));
  return Math.min(Math.max(0, i), Math.max(0, length - 1));
}

function selectorModel(c: Caller): Model {
  const range: unknown[] = Array.isArray(c.data.range) ? c.data.range : [];
  let index = clampIndex(c.data.value, range.length);
  return {
    columns: () => {
      const items = (Array.isArray(c.data.range) ? c.data.range : []).map((r: unknown) =>
        labelOf(r, String(c.data.rangeKey || '')),
      );
      index = Math.min(index, Math.max(0, items.length - 1));
      return [{ label: '选项', items, index }];
    },
    pick: (_col, i) => {
      index = i;
    },
    detail: () => ({ value: index }),
  };
}

function multiModel(c: Caller, s: PickerState): Model {
  const ranges = (): unknown[][] =>
    (Array.isArray(c.data.range) ? c.data.range : []).map((r: unknown) =>
      Array.isArray(r) ? r : [],
    );
  const initial: unknown[] = Array.isArray(c.data.value) ? c.data.value : [];
  s.indices = ranges().map((r, k) => clampIndex(initial[k], r.length));
  return {
    columns: () =>
      ranges().map((r, k) => {
        const items = r.map((x) => labelOf(x, String(c.data.rangeKey || '')));
        s.indices[k] = clampIndex(s.indices[k] ?? 0, items.length);
        return { label: `第 ${k + 1} 列`, items, index: s.indices[k] };
      }),
    pick: (col, i) => {
      s.indices[col] = i;
      c.triggerEvent('columnchange', { column: col, value: i });
    },
    detail: () => ({ value: s.indices.slice(0, ranges().length) }),
  };
}

const pad = (n: number) => String(n).padStart(2, '0');

/** 'YYYY[-MM[-DD]]' → [y, m, d], with `fallback` for missing parts. */
function parseDate(s: unknown, fallback: [number, number, number]): [number, number, number] {
  const m = /^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?/.exec(String(s ?? '').trim());
  if (!m) return fallback;
  return [Number(m[1]), m[2] ? Number(m[2]) : fallback[1], m[3] ? Number(m[3]) : fallback[2]];
}

const daysIn = (y: number, m: number) => new Date(y, m, 0).getDate();
const cmp = (a: number[], b: number[]) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

function dateModel(c: Caller): Model {
  const fields = ['year', 'month'].includes(String(c.data.fields)) ? String(c.data.fields) : 'day';
  const start = parseDate(c.data.start, [1900, 1, 1]);
  // An end of 'YYYY' or 'YYYY-MM' reaches the last day of that year or month.
  const end = parseDate(c.data.end, [2100, 12, 31]);
  end[2] = Math.min(end[2], daysIn(end[0], end[1]));
  const now = new Date();
  let cur = parseDate(c.data.value, [now.getFullYear(), now.getMonth() + 1, now.getDate()]);
  const clamp = () => {
    cur[1] = Math.min(12, Math.max(1, cur[1]));
    cur[2] = Math.min(daysIn(cur[0], cur[1]), Math.max(1, cur[2]));
    if (cmp(cur, start) < 0) cur = [...start];
    if (cmp(cur, end) > 0) cur = [...end];
  };
  clamp();
  const lists = () => {
    const years: number[] = [];
    for (let y = start[0]; y <= end[0]; y++) years.push(y);
    const months: number[] = [];
    const m0 = cur[0] === start[0] ? start[1] : 1;
    const m1 = cur[0] === end[0] ? end[1] : 12;
    for (let m = m0; m <= m1; m++) months.push(m);
    const days: number[] = [];
    const atStart = cur[0] === start[0] && cur[1] === start[1];
    const atEnd = cur[0] === end[0] && cur[1] === end[1];
    const d0 = atStart ? start[2] : 1;
    const d1 = atEnd ? Math.min(end[2], daysIn(cur[0], cur[1])) : daysIn(cur[0], cur[1]);
    for (let d = d0; d <= d1; d++) days.push(d);
    return [years, months, days];
  };
  const count = fields === 'year' ? 1 : fields === 'month' ? 2 : 3;
  const names = ['年', '月', '日'];
  return {
    columns: () =>
      lists()
        .slice(0, count)
        .map((values, k) => ({
          label: names[k],
          items: values.map((v) => `${v}${names[k]}`),
          index: Math.max(0, values.indexOf(cur[k])),
        })),
    pick: (col, i) => {
      const values = lists()[col];
      cur[col] = values[Math.min(i, values.length - 1)];
      clamp();
    },
    detail: () => {
      const parts = [String(cur[0]), pad(cur[1]), pad(cur[2])];
      return { value: parts.slice(0, count).join('-') };
    },
  };
}

function parseTime(s: unknown, fallback: [number, number]): [number, number] {
  const m = /^(\d{1,2}):(\d{1,2})/.exec(String(s ?? '').trim());
  return m ? [Math.min(23, Number(m[1])), Math.min(59, Number(m[2]))] : fallback;
}

function timeModel(c: Caller): Model {
  const start = parseTime(c.data.start, [0, 0]);
  const end = parseTime(c.data.end, [23, 59]);
  const now = new Date();
  let cur = parseTime(c.data.value, [now.getHours(), now.getMinutes()]);
  const clamp = () => {
    if (cur[0] * 60 + cur[1] < start[0] * 60 + start[1]) cur = [...start];
    if (cur[0] * 60 + cur[1] > end[0] * 60 + end[1]) cur = [...end];
  };
  clamp();
  const lists = () => {
    const hours: number[] = [];
    for (let h = start[0]; h <= end[0]; h++) hours.push(h);
    const minutes: number[] = [];
    const m0 = cur[0] === start[0] ? start[1] : 0;
    const m1 = cur[0] === end[0] ? end[1] : 59;
    for (let m = m0; m <= m1; m++) minutes.push(m);
    return [hours, minutes];
  };
  const names = ['时', '分'];
  return {
    columns: () =>
      lists().map((values, k) => ({
        label: names[k],
        items: values.map(pad),
        index: Math.max(0, values.indexOf(cur[k])),
      })),
    pick: (col, i) => {
      const values = lists()[col];
      cur[col] = values[Math.min(i, values.length - 1)];
      clamp();
    },
    detail: () => ({ value: `${pad(cur[0])}:${pad(cur[1])}` }),
  };
}

/** Without the national region table, the sheet offers the current value (or 全部). */
function regionModel(c: Caller): Model {
  infoOnce('picker mode="region" 在预览中只提供当前值（没有全国地区数据）');
  const value: unknown[] = Array.isArray(c.data.value) ? c.data.value : [];
  const custom = String(c.data.customItem || '');
  const cols = [0, 1, 2].map((k) => {
    const items: string[] = [];
    if (custom) items.push(custom);
    if (value[k]) items.push(String(value[k]));
    if (items.length === 0) items.push('全部');
    return items;
  });
  const idx = cols.map((items) => items.length - 1);
  return {
    columns: () => cols.map((items, k) => ({ label: ['省', '市', '区'][k], items, index: idx[k] })),
    pick: (col, i) => {
      idx[col] = i;
    },
    detail: () => ({
      value: cols.map((items, k) => items[idx[k]]),
      code: ['', '', ''],
      postcode: '',
    }),
  };
}

// --- the sheet

interface Sheet {
  model: Model;
  views: ColumnView[];
  columnsEl: HTMLElement;
  close(): void;
  refresh(): void;
}

interface PickerState {
  sheet: Sheet | null;
  indices: number[];
}

function pickerState(c: Caller): PickerState {
  return stateOf<PickerState>(c, () => ({ sheet: null, indices: [] }));
}

function modelFor(c: Caller, s: PickerState): Model {
  switch (String(c.data.mode || 'selector')) {
    case 'multiSelector':
      return multiModel(c, s);
    case 'date':
      return dateModel(c);
    case 'time':
      return timeModel(c);
    case 'region':
      return regionModel(c);
    default:
      return selectorModel(c);
  }
}

function openSheet(c: Caller, ctx: BuiltinContext) {
  const s = pickerState(c);
  if (s.sheet || truthy(c.data.disabled)) return;
  const model = modelFor(c, s);
  const host = hostOf(c);
  const title = String(c.data.headerText || '');
  const cancelBtn = el('button', { type: 'button', class: 'wx-picker-action wx-picker-cancel' }, [
    '取消',
  ]);
  const okBtn = el('button', { type: 'button', class: 'wx-picker-action wx-picker-confirm' }, [
    '确定',
  ]);
  const columnsEl = el('div', { class: 'wx-picker-columns' });
  const panel = el(
    'div',
    {
      class: 'wx-picker',
      role: 'dialog',
      'aria-modal': 'true',
      'aria-label': title || host.getAttribute('aria-label') || '选择器',
    },
    [
      el('div', { class: 'wx-picker-header' }, [
        cancelBtn,
        el('div', { class: 'wx-picker-title' }, [title]),
        okBtn,
      ]),
      el('div', { class: 'wx-picker-body' }, [
        columnsEl,
        el('div', { class: 'wx-picker-fade', 'aria-hidden': 'true' }),
        el('div', { class: 'wx-picker-indicator', 'aria-hidden': 'true' }),
      ]),
    ],
  );
  const mask = el('div', { class: 'wx-picker-mask' });
  const overlay = el('div', { class: 'wx-picker-overlay' }, [mask, panel]);

  const views: ColumnView[] = [];
  const refresh = () => {
    const cols = model.columns();
    while (views.length > cols.length) views.pop()?.root.remove();
    cols.forEach((col, k) => {
      if (!views[k]) {
        views[k] = makeColumn(col.label, (i) => {
          model.pick(k, i);
          refresh();
        });
        columnsEl.append(views[k].root);
      }
      views[k].setItems(col.items, col.index);
    });
  };

  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    s.sheet = null;
    overlay.classList.remove('wx-picker-overlay-show');
    document.removeEventListener('keydown', onKey, true);
    later(() => overlay.remove(), 200);
    if (host.isConnected) host.focus({ preventScroll: true });
  };
  const cancel = () => {
    close();
    c.triggerEvent('cancel', {});
  };
  const confirm = () => {
    const detail = model.detail();
    close();
    c.setData({ value: detail.value });
    c.triggerEvent('change', detail);
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      cancel();
    }
  };
  cancelBtn.addEventListener('click', cancel);
  okBtn.addEventListener('click', confirm);
  mask.addEventListener('click', cancel);
  // Clicks inside the sheet are not taps on the page under it.
  overlay.addEventListener('click', (e) => e.stopPropagation());
  document.addEventListener('keydown', onKey, true);

  let root: HTMLElement;
  try {
    root = ctx.host.overlayRoot();
  } catch {
    root = document.body;
  }
  root.append(overlay);
  s.sheet = { model, views, columnsEl, close, refresh };
  refresh();
  // Next frame: slide in (and scroll the columns, which needs layout).
  const show = () => {
    overlay.classList.add('wx-picker-overlay-show');
    views.forEach((v) => v.select(v.index()));
    (views[0]?.root ?? okBtn).focus({ preventScroll: true });
  };
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(show);
  else later(show);
}

export function pickerDef(ctx: BuiltinContext): BuiltinDef {
  return {
    id: 'picker',
    template: SLOT,
    behaviors: ['wx://form-field'],
    properties: {
      mode: { type: String, value: 'selector' },
      disabled: { type: Boolean, value: false },
      range: { type: Array, value: [] },
      rangeKey: { type: String, value: '' },
      value: { type: null, value: null },
      start: { type: String, value: '' },
      end: { type: String, value: '' },
      fields: { type: String, value: 'day' },
      customItem: { type: String, value: '' },
      level: { type: String, value: 'region' },
      headerText: { type: String, value: '' },
    },
    observers: {
      'range, rangeKey'(this: Caller) {
        const s = peekState<PickerState>(this);
        if (s && s.sheet) s.sheet.refresh();
      },
      value(this: Caller, v: unknown) {
        // multiSelector pages move other columns from bind:columnchange via `value`.
        const s = peekState<PickerState>(this);
        if (!s || !s.sheet || this.data.mode !== 'multiSelector' || !Array.isArray(v)) return;
        s.indices = v.map((x) => Math.floor(num(x, 0)));
        s.sheet.refresh();
      },
    },
    methods: {
      _wxFormValue(this: Caller) {
        const v = this.data.value;
        if (v !== null && v !== undefined) return v;
        const mode = String(this.data.mode || 'selector');
        return mode === 'multiSelector' || mode === 'region' ? [] : mode === 'selector' ? 0 : '';
      },
      _wxFormReset(this: Caller) {
        this.setData({ value: null });
      },
      _wxOpen(this: Caller) {
        openSheet(this, ctx);
      },
    },
    lifetimes: {
      attached: withCaller((c) => {
        if (c.__wxPickerReady) return;
        c.__wxPickerReady = true;
        const host = hostOf(c);
        if (!host.hasAttribute('role')) host.setAttribute('role', 'button');
        host.setAttribute('aria-haspopup', 'dialog');
        if (!host.hasAttribute('tabindex')) host.setAttribute('tabindex', '0');
        addExparserListener(nodeOf(c), 'tap', () => openSheet(c, ctx));
        host.addEventListener('keydown', (e) => {
          if (e.target !== host || (e.key !== 'Enter' && e.key !== ' ')) return;
          e.preventDefault();
          openSheet(c, ctx);
        });
      }),
      detached(this: Caller) {
        const s = peekState<PickerState>(this);
        if (s && s.sheet) s.sheet.close();
      },
    },
  };
}

// --- picker-view / picker-view-column (basic: snap-scrolling columns)

function columnsOfView(c: Caller): HTMLElement[] {
  return Array.from(hostOf(c).children).filter(
    (e): e is HTMLElement => e.tagName === 'WX-PICKER-VIEW-COLUMN',
  );
}

function rowHeight(col: HTMLElement): number {
  const first = col.firstElementChild as HTMLElement | null;
  return (first && first.offsetHeight) || ROW;
}

function indexOfColumn(col: HTMLElement): number {
  const h = rowHeight(col);
  return Math.max(0, Math.min(col.childElementCount - 1, Math.round(col.scrollTop / h)));
}

function placeView(c: Caller) {
  const value: unknown[] = Array.isArray(c.data.value) ? c.data.value : [];
  columnsOfView(c).forEach((col, k) => {
    const h = rowHeight(col);
    const pad = Math.max(0, (col.clientHeight - h) / 2);
    col.style.paddingTop = `${pad}px`;
    col.style.paddingBottom = `${pad}px`;
    col.scrollTop = clampIndex(value[k], col.childElementCount) * h;
  });
}

export function pickerViewDefs(): BuiltinDef[] {
  const view: BuiltinDef = {
    id: 'picker-view',
    template: SLOT,
    properties: {
      value: { type: Array, value: [] },
      indicatorStyle: { type: String, value: '' },
      indicatorClass: { type: String, value: '' },
      maskStyle: { type: String, value: '' },
      maskClass: { type: String, value: '' },
      immediateChange: { type: Boolean, value: false },
    },
    observers: {
      value: withCaller((c) => {
        if (c.__wxViewReady) later(() => placeView(c));
      }),
    },
    lifetimes: {
      attached: withCaller((c) => {
        c.__wxViewReady = true;
        let settle: ReturnType<typeof setTimeout> | undefined;
        hostOf(c).addEventListener(
          'scroll',
          () => {
            clearTimeout(settle);
            settle = setTimeout(() => {
              const value = columnsOfView(c).map(indexOfColumn);
              c.triggerEvent('change', { value });
            }, 150);
          },
          { capture: true, passive: true },
        );
        later(() => placeView(c));
      }),
    },
  };
  const column: BuiltinDef = { id: 'picker-view-column', template: SLOT };
  return [view, column];
}
