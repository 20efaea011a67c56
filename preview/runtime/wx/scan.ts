/**
 * wx.scanCode in the browser: the 「模拟扫码」 sheet. There is no camera, so the user either
 * hands over a picture of the code — chosen with 「选择二维码图片」, pasted (Ctrl+V) or dropped
 * on the sheet; typically a screenshot of the organiser's live check-in code on another
 * screen — which is decoded in the page (qr.ts, jsqr), or pastes the code's text. The result
 * has WeChat's shape: `{ result, scanType: 'QR_CODE', charSet: 'utf-8', rawData, path }`;
 * closing the sheet fails with `scanCode:fail cancel`, as backing out of the camera does.
 *
 * The emulator's stand-in for a 小程序码 (`wxacode.getUnlimited`) is a plain QR code holding
 * `wxacode:<page>?scene=<scene>` (docs/emulator-openapi.md); it is answered as WeChat answers a
 * scanned mini-program code of this app: `scanType: 'WX_CODE'`, `path: '<page>?scene=…'` and an
 * empty `result`.
 */
import type { PreviewHost } from '../host';
import { asyncApi, WxFailure, type Options } from './callback';
import { button, el, openLayer } from './overlay';
import { decodeQrImage, type DecodedQr } from './qr';

/** base64 of bytes (rawData is the code's bytes in base64). */
function base64Bytes(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

/** The UTF-8 bytes of `text` (percent-encoding is UTF-8; no TextEncoder needed). */
function utf8(text: string): Uint8Array {
  const bytes: number[] = [];
  encodeURIComponent(text).replace(/%([0-9A-F]{2})|[^%]/g, (m, hex?: string) => {
    bytes.push(hex ? parseInt(hex, 16) : m.charCodeAt(0));
    return '';
  });
  return Uint8Array.from(bytes);
}

/** Text of the emulator's 小程序码 stand-in (emulator/src/services/openapi.ts `wxacodeText`). */
const WXACODE_PREFIX = 'wxacode:';

export interface ScanResult {
  /** The code's text; empty for a mini-program code. */
  result: string;
  scanType: 'QR_CODE' | 'WX_CODE';
  charSet: 'utf-8';
  /** Set when the code opens a page of this mini-program. */
  path: string;
  rawData: string;
}

export function scanResult(text: string, bytes: Uint8Array = utf8(text)): ScanResult {
  if (text.startsWith(WXACODE_PREFIX)) {
    return {
      result: '',
      scanType: 'WX_CODE',
      charSet: 'utf-8',
      path: text.slice(WXACODE_PREFIX.length),
      rawData: base64Bytes(bytes),
    };
  }
  return {
    result: text,
    scanType: 'QR_CODE',
    charSet: 'utf-8',
    path: text.startsWith('pages/') ? text : '',
    rawData: base64Bytes(bytes),
  };
}

/** The first image among pasted or dropped items. */
function imageOf(files: FileList | null | undefined): File | undefined {
  return Array.from(files ?? []).find((f) => f.type.startsWith('image/'));
}

/** Opens the sheet; resolves with the decoded or typed code, or null for 取消. */
export function openScanSheet(host: PreviewHost): Promise<DecodedQr | null> {
  const layer = openLayer(host, ['wxp-blocking', 'wxp-dim']);
  const box = el('div', 'wxp-modal wxp-scan');
  box.setAttribute('role', 'dialog');
  box.setAttribute('aria-label', '模拟扫码');
  const body = el('div', 'wxp-modal-body');
  const title = el('div', 'wxp-modal-title', '模拟扫码');
  const content = el(
    'div',
    'wxp-modal-content',
    '浏览器预览没有摄像头。请选择一张含二维码的图片（截图或保存的图片，也可以粘贴或拖到这里），或者粘贴二维码的内容。',
  );
  const file = el('input', 'wxp-hidden-input wxp-scan-file');
  file.type = 'file';
  file.accept = 'image/*';
  file.setAttribute('aria-label', '二维码图片');
  const pick = button('选择二维码图片', 'wxp-scan-pick');
  const status = el('div', 'wxp-scan-status');
  status.setAttribute('role', 'status');
  const field = el('input', 'wxp-modal-field');
  field.placeholder = '二维码内容';
  field.setAttribute('aria-label', '二维码内容');
  body.append(title, content, pick, file, status, field);
  const row = el('div', 'wxp-modal-buttons');
  const cancel = button('取消', undefined, '#000000');
  const ok = button('确定', undefined, '#576B95');
  row.append(cancel, ok);
  box.append(body, row);
  layer.appendChild(box);

  return new Promise((resolve) => {
    let done = false;
    const close = (value: DecodedQr | null) => {
      if (done) return;
      done = true;
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('paste', onPaste);
      layer.remove();
      resolve(value);
    };
    const say = (text: string, error = false) => {
      status.textContent = text;
      status.classList.toggle('wxp-scan-error', error);
    };
    const fromImage = async (image: Blob | undefined) => {
      if (!image) return;
      say('正在识别…');
      const found = await decodeQrImage(image);
      if (done) return;
      if (found) close(found);
      else say('没有在图片中识别到二维码，请换一张更清晰的图片', true);
    };
    const fromText = () => {
      const text = field.value.trim();
      if (text) close({ text, bytes: utf8(text) });
      else say('请选择图片或填写二维码内容', true);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') close(null);
    };
    const onPaste = (e: ClipboardEvent) => {
      const image = imageOf(e.clipboardData?.files);
      if (!image) return; // text pastes go into the field as usual
      e.preventDefault();
      void fromImage(image);
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('paste', onPaste);
    pick.addEventListener('click', () => file.click());
    file.addEventListener('change', () => {
      const image = file.files?.[0];
      file.value = '';
      void fromImage(image);
    });
    box.addEventListener('dragover', (e) => {
      e.preventDefault();
      box.classList.add('wxp-scan-over');
    });
    box.addEventListener('dragleave', () => box.classList.remove('wxp-scan-over'));
    box.addEventListener('drop', (e) => {
      e.preventDefault();
      box.classList.remove('wxp-scan-over');
      void fromImage(imageOf(e.dataTransfer?.files));
    });
    field.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') fromText();
    });
    cancel.addEventListener('click', () => close(null));
    ok.addEventListener('click', fromText);
  });
}

export function scanApis(host: PreviewHost): Record<string, any> {
  return {
    // `onlyFromCamera` and `scanType` change nothing here: the picture stands in for the camera.
    scanCode: asyncApi('scanCode', async (_o: Options) => {
      const found = await openScanSheet(host);
      if (!found) throw new WxFailure('cancel');
      console.info(`[preview] wx.scanCode: ${found.text}`);
      return scanResult(found.text, found.bytes);
    }),
  };
}
