/**
 * DOM building blocks for everything the shim draws over the page: a dialog (modal, scan,
 * privacy, location), a bottom sheet (action sheet, phone call) and a media viewer. All go
 * into the host's overlay root, so they sit inside the phone frame and above the page.
 * Buttons are real <button>s carrying their Chinese text, so end-to-end tests click by text.
 */
import type { PreviewHost } from '../host';
import { ensureUiStyle } from './ui.css';

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  cls?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;
  return node;
}

export function button(text: string, cls?: string, color?: string): HTMLButtonElement {
  const b = el('button', cls, text);
  b.type = 'button';
  if (color) b.style.color = color;
  return b;
}

/** A full-size layer in the overlay root; `blocking` layers swallow taps meant for the page. */
export function openLayer(host: PreviewHost, classes: string[]): HTMLDivElement {
  ensureUiStyle();
  const layer = el('div', ['wxp-layer', ...classes].join(' '));
  host.overlayRoot().appendChild(layer);
  return layer;
}

/** Run `onEscape` on the Escape key until the returned function is called. */
function onEscape(handler: () => void): () => void {
  const listener = (e: KeyboardEvent) => {
    if (e.key === 'Escape') handler();
  };
  document.addEventListener('keydown', listener);
  return () => document.removeEventListener('keydown', listener);
}

export interface DialogButton<T> {
  text: string;
  color?: string;
  value: T;
}

export interface DialogSpec<T> {
  title?: string;
  content?: string;
  /** Extra content under the text (links, details). */
  body?: HTMLElement;
  /** An editable field; its text is returned with the chosen button. */
  field?: { value?: string; placeholder?: string; multiline?: boolean; maxLength?: number };
  buttons: DialogButton<T>[];
  /** The answer for Escape (and Enter in a single-line field: the last button). */
  dismiss?: T;
}

/** A WeChat-style modal; resolves with the tapped button's value and the field's text. */
export function openDialog<T>(
  host: PreviewHost,
  spec: DialogSpec<T>,
): Promise<{ value: T; text: string }> {
  const layer = openLayer(host, ['wxp-blocking', 'wxp-dim']);
  const box = el('div', 'wxp-modal');
  box.setAttribute('role', 'dialog');
  const body = el('div', 'wxp-modal-body');
  if (spec.title) body.appendChild(el('div', 'wxp-modal-title', spec.title));
  if (spec.content) body.appendChild(el('div', 'wxp-modal-content', spec.content));
  if (spec.body) {
    spec.body.classList.add('wxp-modal-extra');
    body.appendChild(spec.body);
  }
  let field: HTMLInputElement | HTMLTextAreaElement | undefined;
  if (spec.field) {
    field = spec.field.multiline
      ? el('textarea', 'wxp-modal-field')
      : el('input', 'wxp-modal-field');
    if (field instanceof HTMLTextAreaElement) field.rows = 3;
    field.value = spec.field.value ?? '';
    field.placeholder = spec.field.placeholder ?? '';
    if (spec.field.maxLength && spec.field.maxLength > 0) field.maxLength = spec.field.maxLength;
    body.appendChild(field);
  }
  const row = el('div', 'wxp-modal-buttons');
  box.append(body, row);
  layer.appendChild(box);
  if (field) field.focus();

  return new Promise((resolve) => {
    const close = (value: T) => {
      stopEscape();
      layer.remove();
      resolve({ value, text: field?.value ?? '' });
    };
    const stopEscape = onEscape(() => {
      if (spec.dismiss !== undefined) close(spec.dismiss);
    });
    for (const b of spec.buttons) {
      const node = button(b.text, undefined, b.color);
      node.addEventListener('click', () => close(b.value));
      row.appendChild(node);
    }
    const last = spec.buttons[spec.buttons.length - 1];
    if (field instanceof HTMLInputElement && last) {
      field.addEventListener('keydown', (e) => {
        if (e.key === 'Enter') close(last.value);
      });
    }
  });
}

export interface SheetSpec {
  header?: string;
  items: { text: string; color?: string }[];
  cancelText?: string;
}

/** A bottom action sheet; resolves with the tapped item's index, -1 for 取消 or the mask. */
export function openSheet(host: PreviewHost, spec: SheetSpec): Promise<number> {
  const layer = openLayer(host, ['wxp-blocking', 'wxp-dim', 'wxp-bottom']);
  const sheet = el('div', 'wxp-sheet');
  sheet.setAttribute('role', 'menu');
  if (spec.header) sheet.appendChild(el('div', 'wxp-sheet-header', spec.header));
  const items = spec.items.map((item) => button(item.text, 'wxp-sheet-item', item.color));
  const cancel = button(spec.cancelText ?? '取消', 'wxp-sheet-cancel');
  sheet.append(...items, cancel, el('div', 'wxp-sheet-pad'));
  layer.appendChild(sheet);

  return new Promise((resolve) => {
    const close = (index: number) => {
      stopEscape();
      layer.remove();
      resolve(index);
    };
    const stopEscape = onEscape(() => close(-1));
    items.forEach((node, i) => node.addEventListener('click', () => close(i)));
    cancel.addEventListener('click', () => close(-1));
    layer.addEventListener('click', (e) => {
      if (e.target === layer) close(-1);
    });
  });
}

export interface ViewerItem {
  url: string;
  type: 'image' | 'video';
}

/** A black full-screen viewer with 上一张/下一张; a tap on the picture closes it. */
export function openViewer(host: PreviewHost, items: ViewerItem[], start: number): void {
  if (items.length === 0) return;
  const layer = openLayer(host, ['wxp-blocking']);
  const viewer = el('div', 'wxp-viewer');
  const stage = el('div');
  const bar = el('div', 'wxp-viewer-bar');
  const prev = button('上一张');
  const counter = el('span');
  const next = button('下一张');
  const closeRow = el('div', 'wxp-viewer-close');
  const closeButton = button('关闭');
  closeRow.appendChild(closeButton);
  if (items.length > 1) bar.append(prev, counter, next);
  viewer.append(stage, bar, closeRow);
  layer.appendChild(viewer);

  let index = Math.min(Math.max(start, 0), items.length - 1);
  const show = () => {
    const item = items[index];
    const media = item.type === 'video' ? el('video') : el('img');
    media.src = item.url;
    if (media instanceof HTMLVideoElement) media.controls = true;
    else media.alt = '预览图片';
    stage.replaceChildren(media);
    counter.textContent = `${index + 1}/${items.length}`;
  };
  const close = () => {
    stopEscape();
    layer.remove();
  };
  const stopEscape = onEscape(close);
  prev.addEventListener('click', () => {
    index = (index - 1 + items.length) % items.length;
    show();
  });
  next.addEventListener('click', () => {
    index = (index + 1) % items.length;
    show();
  });
  closeButton.addEventListener('click', close);
  stage.addEventListener('click', (e) => {
    if (e.target instanceof HTMLImageElement) close();
  });
  show();
}
