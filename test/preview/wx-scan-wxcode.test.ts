/**
 * wx.scanCode on a 小程序码 (issue #7: the liaison card's code). The emulator's
 * `wxacode.getUnlimited` draws a plain QR code holding `wxacode:<page>?scene=<scene>`; the
 * preview's 「模拟扫码」 sheet decodes the picture (jsqr) and answers as WeChat answers a scanned
 * mini-program code of this app: `scanType: 'WX_CODE'`, `path: '<page>?scene=…'`, empty
 * `result`. Other QR codes keep their plain answer.
 *
 * jsdom draws no pictures: as in wx-device.test.ts, createImageBitmap is pngjs (the PNG's real
 * pixels) and the canvas copies them; the PNG itself is the emulator's own.
 */
import { PNG } from 'pngjs';
import type * as OpenApiModule from '../../emulator/src/services/openapi';
import { createWx } from '../../preview/runtime/wx';
import { scanResult } from '../../preview/runtime/wx/scan';
import { fakeHost } from './helpers';

const host = fakeHost('demo-resident');
const wx = createWx(host);
const g = globalThis as Record<string, any>;

interface Bitmap {
  width: number;
  height: number;
  data: Uint8Array;
  close(): void;
}

function bytesOf(blob: Blob): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(Buffer.from(reader.result as ArrayBuffer));
    reader.onerror = () => reject(reader.error);
    reader.readAsArrayBuffer(blob);
  });
}

async function pngBitmap(blob: Blob): Promise<Bitmap> {
  const png = PNG.sync.read(await bytesOf(blob));
  return { width: png.width, height: png.height, data: png.data, close: () => undefined };
}

function fakeContext(canvas: HTMLCanvasElement) {
  const w = canvas.width;
  const buf = new Uint8ClampedArray(w * canvas.height * 4);
  return {
    fillStyle: '',
    fillRect: () => buf.fill(255),
    drawImage(bmp: Bitmap, dx: number, dy: number, dw: number, dh: number) {
      for (let y = 0; y < dh; y++) {
        for (let x = 0; x < dw; x++) {
          const s =
            (Math.floor((y * bmp.height) / dh) * bmp.width + Math.floor((x * bmp.width) / dw)) * 4;
          const d = ((dy + y) * w + dx + x) * 4;
          for (let k = 0; k < 4; k++) buf[d + k] = bmp.data[s + k];
        }
      }
    },
    getImageData: () => ({ data: buf, width: w, height: canvas.height }),
  };
}

function chooseImage(file: File): void {
  const input = host.overlay.querySelector<HTMLInputElement>('input.wxp-scan-file');
  if (!input) throw new Error('no 模拟扫码 sheet with a file input');
  Object.defineProperty(input, 'files', { value: [file], configurable: true });
  input.dispatchEvent(new Event('change'));
}

/** The emulator's 小程序码 for `scene` on `page`, as the liaison function receives it. */
async function wxacodePng(scene: string, page: string): Promise<File> {
  // The emulator's module loads protobufjs, which needs TextDecoder (absent from jsdom's scope).
  g.TextDecoder ??= require('util').TextDecoder;
  g.TextEncoder ??= require('util').TextEncoder;
  const { createOpenApi } = require('../../emulator/src/services/openapi') as typeof OpenApiModule;
  const openapi = createOpenApi({ outbox: { append: async () => undefined } });
  const res = await openapi.call('wxacode.getUnlimited', { scene, page, width: 280 });
  expect(res.contentType).toBe('image/png');
  return new File([new Uint8Array(res.respData)], 'card.png', { type: 'image/png' });
}

beforeEach(() => {
  g.createImageBitmap = jest.fn(pngBitmap);
  jest.spyOn(HTMLCanvasElement.prototype, 'getContext').mockImplementation(function (
    this: HTMLCanvasElement,
  ) {
    return fakeContext(this) as any;
  });
});

afterEach(() => {
  host.overlay.replaceChildren();
  delete g.createImageBitmap;
  jest.restoreAllMocks();
});

describe('wx.scanCode on a mini-program code', () => {
  it('answers the emulator’s 小程序码 picture as WeChat does: WX_CODE with the page path', async () => {
    const scanning = wx.scanCode({ onlyFromCamera: true });
    chooseImage(await wxacodePng('XFLQ2C3D', 'packages/resident/bind/index'));
    const res = await scanning;
    expect(res).toMatchObject({
      result: '',
      scanType: 'WX_CODE',
      charSet: 'utf-8',
      path: 'packages/resident/bind/index?scene=XFLQ2C3D',
      errMsg: 'scanCode:ok',
    });
    expect(Buffer.from(res.rawData, 'base64').toString('utf8')).toBe(
      'wxacode:packages/resident/bind/index?scene=XFLQ2C3D',
    );
  });

  it('keeps the scene URL-encoded in the path, as WeChat passes it to the page', async () => {
    const scanning = wx.scanCode({});
    chooseImage(await wxacodePng('c=AB12CD34', 'pages/join/index'));
    const res = await scanning;
    expect(res.scanType).toBe('WX_CODE');
    expect(res.path).toBe('pages/join/index?scene=c%3DAB12CD34');
  });

  it('other codes keep the plain QR answer', () => {
    expect(scanResult('ck1.act-1.1767225600.abc')).toMatchObject({
      result: 'ck1.act-1.1767225600.abc',
      scanType: 'QR_CODE',
      path: '',
    });
    expect(scanResult('pages/activities/detail?id=a')).toMatchObject({
      scanType: 'QR_CODE',
      path: 'pages/activities/detail?id=a',
    });
  });
});
