/**
 * Interaction APIs: toast, loading, modal and action sheet, drawn as WeChat draws them.
 */
import type { PreviewHost } from '../host';
import { asyncApi, WxFailure, type Options } from './callback';
import { el, openDialog, openLayer, openSheet } from './overlay';

const ICON_SUCCESS =
  '<svg viewBox="0 0 40 40"><path d="M8 21l8 8L32 12" fill="none" stroke="#fff" ' +
  'stroke-width="3" stroke-linecap="round" stroke-linejoin="round"/></svg>';
const ICON_ERROR =
  '<svg viewBox="0 0 40 40"><circle cx="20" cy="20" r="17" fill="none" stroke="#fff" ' +
  'stroke-width="2.5"/><path d="M20 11v12" stroke="#fff" stroke-width="3" ' +
  'stroke-linecap="round"/><circle cx="20" cy="29" r="2" fill="#fff"/></svg>';

/** WeChat cuts a titled toast with an icon after 7 Chinese characters. */
const ICON_TITLE_LIMIT = 7;

type ToastKind = 'toast' | 'loading';

export function uiApis(host: PreviewHost): Record<string, any> {
  // Toast and loading share one slot in WeChat: showing either replaces the other.
  let current: {
    layer: HTMLElement;
    kind: ToastKind;
    timer?: ReturnType<typeof setTimeout>;
  } | null = null;

  const hide = (kind: ToastKind, noConflict: boolean): void => {
    if (!current || (noConflict && current.kind !== kind)) return;
    clearTimeout(current.timer);
    current.layer.remove();
    current = null;
  };

  const show = (
    kind: ToastKind,
    title: string,
    icon: string,
    image: string,
    mask: boolean,
  ): HTMLElement => {
    hide(kind, false);
    const layer = openLayer(host, mask ? ['wxp-blocking'] : []);
    const box = el('div', 'wxp-toast');
    box.setAttribute('role', 'alert');
    const withIcon = icon !== 'none' || image !== '';
    if (withIcon) {
      box.classList.add('wxp-with-icon');
      const iconBox = el('div', 'wxp-toast-icon');
      if (image) {
        const img = el('img');
        img.src = image;
        img.alt = '';
        iconBox.appendChild(img);
      } else if (icon === 'loading') {
        iconBox.appendChild(el('div', 'wxp-spinner'));
      } else {
        iconBox.innerHTML = icon === 'error' ? ICON_ERROR : ICON_SUCCESS;
      }
      box.appendChild(iconBox);
    }
    if (title) box.appendChild(el('div', 'wxp-toast-text', title));
    layer.appendChild(box);
    current = { layer, kind };
    return layer;
  };

  return {
    showToast: asyncApi('showToast', (o: Options) => {
      const title = String(o.title ?? '');
      const icon = ['success', 'error', 'loading', 'none'].includes(o.icon) ? o.icon : 'success';
      const image = typeof o.image === 'string' ? o.image : '';
      if ((icon !== 'none' || image) && [...title].length > ICON_TITLE_LIMIT) {
        console.warn(
          `[preview] wx.showToast: "${title}" is over ${ICON_TITLE_LIMIT} characters; ` +
            'WeChat cuts it off when the toast has an icon (use icon: "none")',
        );
      }
      const layer = show('toast', title, icon, image, o.mask === true);
      const duration = Number(o.duration ?? 1500);
      if (current && current.layer === layer) {
        current.timer = setTimeout(() => {
          if (current?.layer === layer) hide('toast', true);
        }, duration);
      }
    }),
    hideToast: asyncApi('hideToast', (o: Options) => hide('toast', o.noConflict === true)),
    showLoading: asyncApi('showLoading', (o: Options) => {
      show('loading', String(o.title ?? ''), 'loading', '', o.mask === true);
    }),
    hideLoading: asyncApi('hideLoading', (o: Options) => hide('loading', o.noConflict === true)),

    showModal: asyncApi('showModal', async (o: Options) => {
      const editable = o.editable === true;
      const buttons = [];
      if (o.showCancel !== false) {
        buttons.push({
          text: String(o.cancelText ?? '取消'),
          color: String(o.cancelColor ?? '#000000'),
          value: false,
        });
      }
      buttons.push({
        text: String(o.confirmText ?? '确定'),
        color: String(o.confirmColor ?? '#576B95'),
        value: true,
      });
      const { value, text } = await openDialog(host, {
        title: o.title ? String(o.title) : undefined,
        content: !editable && o.content ? String(o.content) : undefined,
        field: editable
          ? {
              value: o.content ? String(o.content) : '',
              placeholder: String(o.placeholderText ?? ''),
              multiline: true,
            }
          : undefined,
        buttons,
        dismiss: false,
      });
      const result: Record<string, unknown> = { confirm: value, cancel: !value };
      if (editable) result.content = text;
      return result;
    }),

    showActionSheet: asyncApi('showActionSheet', async (o: Options) => {
      const list: unknown[] = Array.isArray(o.itemList) ? o.itemList : [];
      if (list.length === 0) throw new WxFailure('parameter error: itemList should not be empty');
      if (list.length > 6) {
        throw new WxFailure('parameter error: itemList should not be large than 6');
      }
      const color = String(o.itemColor ?? '#000000');
      const index = await openSheet(host, {
        header: o.alertText ? String(o.alertText) : undefined,
        items: list.map((text) => ({ text: String(text), color })),
      });
      if (index < 0) throw new WxFailure('cancel');
      return { tapIndex: index };
    }),
  };
}
