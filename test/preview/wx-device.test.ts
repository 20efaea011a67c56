/**
 * The phone's hardware in the preview's `wx` shim, as the activity pages (issue #6) use it:
 * wx.scanCode's 「模拟扫码」 sheet (a real QR PNG made by the `qrcode` package, decoded in the
 * page by jsqr; typed text; cancel), wx.makePhoneCall, wx.chooseLocation / wx.openLocation,
 * wx.setKeepScreenOn, wx.downloadFile + wx.openDocument and wx.setClipboardData.
 *
 * jsdom draws no pictures, so the browser's image decoder and canvas are stood in for by
 * pngjs (the PNG's real pixels) and a canvas that copies them; everything from the pixels
 * on (padding, scaling, jsqr, the result's shape) is the shim's own code.
 */
import { PNG } from 'pngjs';
import * as QRCode from 'qrcode';
import { createWx, missingWxApis } from '../../preview/runtime/wx';
import { byText, fakeHost, settle } from './helpers';

const host = fakeHost('demo-member');
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

/** createImageBitmap for PNGs (pngjs); rejects anything else, as a browser rejects garbage. */
async function pngBitmap(blob: Blob): Promise<Bitmap> {
  const png = PNG.sync.read(await bytesOf(blob));
  return { width: png.width, height: png.height, data: png.data, close: () => undefined };
}

/** A 2D context that fills and draws (nearest neighbour) into an RGBA buffer. */
function fakeContext(canvas: HTMLCanvasElement) {
  const w = canvas.width;
  const h = canvas.height;
  const buf = new Uint8ClampedArray(w * h * 4);
  return {
    fillStyle: '',
    fillRect: () => buf.fill(255),
    drawImage(bmp: Bitmap, dx: number, dy: number, dw: number, dh: number) {
      for (let y = 0; y < dh; y++) {
        for (let x = 0; x < dw; x++) {
          const sx = Math.floor((x * bmp.width) / dw);
          const sy = Math.floor((y * bmp.height) / dh);
          const s = (sy * bmp.width + sx) * 4;
          const d = ((dy + y) * w + dx + x) * 4;
          for (let k = 0; k < 4; k++) buf[d + k] = bmp.data[s + k];
        }
      }
    },
    getImageData: () => ({ data: buf, width: w, height: h }),
  };
}

async function qrPng(text: string): Promise<File> {
  const buffer = await QRCode.toBuffer(text, { type: 'png', margin: 4, scale: 6 });
  return new File([new Uint8Array(buffer)], 'checkin.png', { type: 'image/png' });
}

function blankPng(): File {
  const png = new PNG({ width: 64, height: 64 });
  png.data.fill(255);
  return new File([new Uint8Array(PNG.sync.write(png))], 'blank.png', { type: 'image/png' });
}

/** The sheet's hidden file input answered with `file`, as the file chooser would. */
function chooseImage(file: File): void {
  const input = host.overlay.querySelector<HTMLInputElement>('input.wxp-scan-file');
  if (!input) throw new Error('no 模拟扫码 sheet with a file input');
  Object.defineProperty(input, 'files', { value: [file], configurable: true });
  input.dispatchEvent(new Event('change'));
}

/** Polls until `check` holds (the decode is asynchronous). */
async function waitFor(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await settle(5);
  }
  throw new Error(`timed out: ${what}`);
}

const dialogText = () => host.overlay.textContent ?? '';

let objectUrls = 0;
beforeAll(() => {
  // The qrcode package encodes text with TextEncoder, which jsdom's global scope lacks.
  g.TextEncoder ??= require('util').TextEncoder;
  (URL as any).createObjectURL = jest.fn(() => `blob:http://localhost/d${++objectUrls}`);
  (URL as any).revokeObjectURL = jest.fn();
});

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
  delete g.fetch;
  jest.restoreAllMocks();
});

afterAll(() => {
  expect(missingWxApis()).toEqual([]);
});

describe('wx.scanCode: the 模拟扫码 sheet', () => {
  const token = 'ck1.act-1234.1767225600.abcDEF_-123';

  it('decodes a real QR PNG chosen on the sheet and answers as WeChat does', async () => {
    const scanning = wx.scanCode({ onlyFromCamera: true });
    expect(dialogText()).toContain('模拟扫码');
    chooseImage(await qrPng(token));
    const res = await scanning;
    expect(res).toEqual({
      result: token,
      scanType: 'QR_CODE',
      charSet: 'utf-8',
      path: '',
      rawData: Buffer.from(token).toString('base64'),
      errMsg: 'scanCode:ok',
    });
    expect(host.overlay.children).toHaveLength(0);
  });

  it('decodes Chinese text (byte mode, UTF-8) and reports the bytes in rawData', async () => {
    const scanning = wx.scanCode({});
    chooseImage(await qrPng('志愿服务签到'));
    const res = await scanning;
    expect(res.result).toBe('志愿服务签到');
    expect(Buffer.from(res.rawData, 'base64').toString('utf8')).toBe('志愿服务签到');
  });

  it('a picture without a code keeps the sheet open with a message; 取消 → fail cancel', async () => {
    const fail = jest.fn();
    const complete = jest.fn();
    wx.scanCode({ fail, complete });
    chooseImage(blankPng());
    await waitFor(() => dialogText().includes('没有在图片中识别到二维码'), 'the error message');
    expect(fail).not.toHaveBeenCalled();
    byText(host.overlay, 'button', '取消').click();
    await settle();
    expect(fail).toHaveBeenCalledWith({ errMsg: 'scanCode:fail cancel' });
    expect(complete).toHaveBeenCalledWith({ errMsg: 'scanCode:fail cancel' });
  });

  it('a picture the browser cannot decode is reported the same way', async () => {
    const scanning = wx.scanCode({});
    chooseImage(new File(['not an image'], 'x.png', { type: 'image/png' }));
    await waitFor(() => dialogText().includes('没有在图片中识别到二维码'), 'the error message');
    byText(host.overlay, 'button', '取消').click();
    await expect(scanning).rejects.toEqual({ errMsg: 'scanCode:fail cancel' });
  });

  it('takes pasted text instead of a picture; an empty 确定 asks again', async () => {
    const scanning = wx.scanCode({});
    byText(host.overlay, 'button', '确定').click();
    expect(dialogText()).toContain('请选择图片或填写二维码内容');
    const field = host.overlay.querySelector<HTMLInputElement>('input[aria-label="二维码内容"]')!;
    field.value = '  pages/activities/detail?id=act-b1-themeday ';
    byText(host.overlay, 'button', '确定').click();
    const res = await scanning;
    expect(res.result).toBe('pages/activities/detail?id=act-b1-themeday');
    expect(res.path).toBe('pages/activities/detail?id=act-b1-themeday');
    expect(res.scanType).toBe('QR_CODE');
  });

  it('Escape closes the sheet as 取消', async () => {
    const scanning = wx.scanCode({});
    document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }));
    await expect(scanning).rejects.toEqual({ errMsg: 'scanCode:fail cancel' });
    expect(host.overlay.children).toHaveLength(0);
  });

  it('「选择二维码图片」 opens the file chooser', async () => {
    const click = jest.spyOn(HTMLInputElement.prototype, 'click').mockImplementation(() => {});
    const scanning = wx.scanCode({});
    byText(host.overlay, 'button', '选择二维码图片').click();
    expect(click).toHaveBeenCalledTimes(1);
    document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }));
    await expect(scanning).rejects.toBeDefined();
  });
});

describe('calling and places', () => {
  it('makePhoneCall shows the number; 呼叫 succeeds, 取消 fails with cancel', async () => {
    const calling = wx.makePhoneCall({ phoneNumber: '13800001234' });
    expect(dialogText()).toContain('13800001234');
    byText(host.overlay, 'button', '呼叫').click();
    await expect(calling).resolves.toEqual({ errMsg: 'makePhoneCall:ok' });
    const again = wx.makePhoneCall({ phoneNumber: '13800001234' });
    byText(host.overlay, 'button', '取消').click();
    await expect(again).rejects.toEqual({ errMsg: 'makePhoneCall:fail cancel' });
  });

  it('chooseLocation returns the typed name and coordinates; bad ones are asked again', async () => {
    const choosing = wx.chooseLocation({});
    const [name, lat, lng] = Array.from(
      host.overlay.querySelectorAll<HTMLInputElement>('input.wxp-modal-field'),
    );
    expect(lat.getAttribute('aria-label')).toBe('纬度');
    name.value = '社区党群服务中心';
    lat.value = '200';
    lng.value = '120.1';
    byText(host.overlay, 'button', '确定').click();
    await waitFor(() => dialogText().includes('纬度应在 -90 到 90 之间'), 'asked again');
    const fields = host.overlay.querySelectorAll<HTMLInputElement>('input.wxp-modal-field');
    expect(fields[0].value).toBe('社区党群服务中心');
    fields[1].value = '30.25';
    fields[2].value = '120.16';
    byText(host.overlay, 'button', '确定').click();
    await expect(choosing).resolves.toEqual({
      name: '社区党群服务中心',
      address: '',
      latitude: 30.25,
      longitude: 120.16,
      errMsg: 'chooseLocation:ok',
    });
  });

  it('chooseLocation starts from the page’s coordinates; 取消 → fail cancel', async () => {
    const choosing = wx.chooseLocation({ latitude: 31.2, longitude: 121.5 });
    const fields = host.overlay.querySelectorAll<HTMLInputElement>('input.wxp-modal-field');
    expect([fields[1].value, fields[2].value]).toEqual(['31.2', '121.5']);
    byText(host.overlay, 'button', '取消').click();
    await expect(choosing).rejects.toEqual({ errMsg: 'chooseLocation:fail cancel' });
  });

  it('openLocation shows the place with a map link; bad coordinates fail', async () => {
    await expect(
      wx.openLocation({ latitude: 30.27, longitude: 120.15, name: '社区广场', address: '解放路' }),
    ).resolves.toEqual({ errMsg: 'openLocation:ok' });
    expect(dialogText()).toContain('社区广场');
    const link = host.overlay.querySelector<HTMLAnchorElement>('a.wxp-link')!;
    expect(link.href).toContain('mlat=30.27');
    byText(host.overlay, 'button', '关闭').click();
    await expect(wx.openLocation({ latitude: 'x' })).rejects.toEqual({
      errMsg: 'openLocation:fail parameter error: latitude and longitude should be Number',
    });
  });
});

describe('screen, files and clipboard', () => {
  it('setKeepScreenOn takes a wake lock where there is one and releases it', async () => {
    const release = jest.fn(async () => undefined);
    const request = jest.fn(async () => ({ release }));
    Object.defineProperty(navigator, 'wakeLock', { value: { request }, configurable: true });
    try {
      await expect(wx.setKeepScreenOn({ keepScreenOn: true })).resolves.toEqual({
        errMsg: 'setKeepScreenOn:ok',
      });
      expect(request).toHaveBeenCalledWith('screen');
      await wx.setKeepScreenOn({ keepScreenOn: false });
      expect(release).toHaveBeenCalledTimes(1);
    } finally {
      delete (navigator as any).wakeLock;
    }
    // Without the API it still succeeds: a computer's screen stays on anyway.
    await expect(wx.setKeepScreenOn({ keepScreenOn: true })).resolves.toEqual({
      errMsg: 'setKeepScreenOn:ok',
    });
    await wx.setKeepScreenOn({ keepScreenOn: false });
  });

  it('setScreenBrightness remembers the value; out of range fails', async () => {
    await wx.setScreenBrightness({ value: 1 });
    await expect(wx.getScreenBrightness()).resolves.toEqual({
      value: 1,
      errMsg: 'getScreenBrightness:ok',
    });
    await expect(wx.setScreenBrightness({ value: 2 })).rejects.toEqual({
      errMsg: 'setScreenBrightness:fail parameter error: value should be between 0 and 1',
    });
  });

  it('downloadFile (a temp URL from the gateway) then openDocument saves an .xlsx', async () => {
    const xlsx = new Blob(['PK…'], {
      type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    });
    g.fetch = jest.fn(async () => ({
      status: 200,
      ok: true,
      headers: { forEach: () => undefined },
      blob: async () => xlsx,
    }));
    const url = 'http://gateway.test/storage/download/exports/act-1.xlsx?sign=abc';
    const downloaded = await new Promise<any>((resolve, reject) =>
      wx.downloadFile({ url, success: resolve, fail: reject }),
    );
    expect(g.fetch).toHaveBeenCalledWith(url, expect.anything());
    expect(downloaded.statusCode).toBe(200);
    expect(downloaded.tempFilePath).toMatch(/^blob:.*#\.xlsx$/);

    const clicked: HTMLAnchorElement[] = [];
    jest.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (
      this: HTMLAnchorElement,
    ) {
      clicked.push(this);
    });
    const open = jest.spyOn(window, 'open').mockImplementation(() => null);
    await expect(
      wx.openDocument({ filePath: downloaded.tempFilePath, showMenu: true }),
    ).resolves.toEqual({ errMsg: 'openDocument:ok' });
    expect(open).not.toHaveBeenCalled();
    expect(clicked).toHaveLength(1);
    expect(clicked[0].download).toBe('文档.xlsx');
    expect(clicked[0].href).toMatch(/^blob:/);
  });

  it('openDocument shows a PDF in a new tab; a missing file fails', async () => {
    g.fetch = jest.fn(async () => ({
      status: 200,
      ok: true,
      headers: { forEach: () => undefined },
      blob: async () => new Blob(['%PDF'], { type: 'application/pdf' }),
    }));
    const { tempFilePath } = await new Promise<any>((resolve, reject) =>
      wx.downloadFile({ url: 'http://gateway.test/c.pdf', success: resolve, fail: reject }),
    );
    const open = jest.spyOn(window, 'open').mockImplementation(() => null);
    await wx.openDocument({ filePath: tempFilePath, fileType: 'pdf' });
    expect(open).toHaveBeenCalledWith(expect.stringMatching(/^blob:/), '_blank', 'noopener');
    await expect(wx.openDocument({ filePath: 'wxfile://tmp/none.xlsx' })).rejects.toMatchObject({
      errMsg: 'openDocument:fail no such file or directory wxfile://tmp/none.xlsx',
    });
    await expect(wx.openDocument({})).rejects.toEqual({
      errMsg: 'openDocument:fail parameter error: filePath should not be empty',
    });
  });

  it('setClipboardData copies and confirms with 内容已复制', async () => {
    const writeText = jest.fn(async () => undefined);
    Object.defineProperty(navigator, 'clipboard', {
      value: { writeText, readText: async () => 'x' },
      configurable: true,
    });
    try {
      await expect(wx.setClipboardData({ data: '13800001234' })).resolves.toEqual({
        errMsg: 'setClipboardData:ok',
      });
      expect(writeText).toHaveBeenCalledWith('13800001234');
      expect(dialogText()).toContain('内容已复制');
    } finally {
      delete (navigator as any).clipboard;
    }
  });
});
