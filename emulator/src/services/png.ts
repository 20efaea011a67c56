/**
 * Minimal PNG writer for QR stand-ins. qrcode's own PNG renderer (via pngjs streams) is fast
 * in plain Node but takes about a second per 430 px image under Jest, which every cloud test
 * that asks for a 小程序码 would pay; a direct RGBA + deflate encoder costs milliseconds.
 */
import * as QRCode from 'qrcode';
import { deflateSync } from 'zlib';

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

export type Rgba = readonly [number, number, number, number];

/** Encode a width×width RGBA image whose pixel (x, y) is `dark` when `isDark(x, y)`. */
export function encodeSquarePng(
  width: number,
  isDark: (x: number, y: number) => boolean,
  dark: Rgba,
  light: Rgba,
): Buffer {
  const stride = width * 4 + 1;
  const raw = Buffer.alloc(stride * width);
  for (let y = 0; y < width; y++) {
    const row = y * stride;
    raw[row] = 0; // filter: none
    for (let x = 0; x < width; x++) {
      const c = isDark(x, y) ? dark : light;
      const o = row + 1 + x * 4;
      raw[o] = c[0];
      raw[o + 1] = c[1];
      raw[o + 2] = c[2];
      raw[o + 3] = c[3];
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(width, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A QR code for `text` as a width×width PNG with a quiet zone of `margin` modules. */
export function qrPng(text: string, width: number, dark: Rgba, light: Rgba, margin = 2): Buffer {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const size = qr.modules.size;
  const total = size + margin * 2;
  const data = qr.modules.data;
  return encodeSquarePng(
    width,
    (x, y) => {
      const mx = Math.floor((x * total) / width) - margin;
      const my = Math.floor((y * total) / width) - margin;
      return mx >= 0 && my >= 0 && mx < size && my < size && !!data[my * size + mx];
    },
    dark,
    light,
  );
}
