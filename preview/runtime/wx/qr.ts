/**
 * Reading a QR code from a picture, for the preview's wx.scanCode: the browser has no camera
 * scanner, so the user hands over an image (a screenshot of the organiser's code, a saved
 * PNG) and `jsqr` decodes it here, in the page, from the pixels the browser's own image
 * decoder draws on a canvas (any format it can show: PNG, JPEG, WebP…).
 */
import jsQR from 'jsqr';

export interface DecodedQr {
  /** The code's content as text (jsQR decodes byte mode as UTF-8). */
  text: string;
  /** The raw bytes of the code's data segments. */
  bytes: Uint8Array;
}

/** Longest side tried first; big photos are scaled down, small screenshots are not enlarged. */
const SIZES = [1600, 800, 400];
/** White added around the picture: a cropped screenshot may have lost the quiet zone. */
const PAD = 16;

/** RGBA pixels of one rendering. */
export interface Pixels {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

/** Decode RGBA pixels; null when no code is found. Dark-on-light and inverted both count. */
export function decodeQrPixels(pixels: Pixels): DecodedQr | null {
  const found = jsQR(pixels.data, pixels.width, pixels.height, {
    inversionAttempts: 'attemptBoth',
  });
  if (!found || !found.data) return null;
  return { text: found.data, bytes: Uint8Array.from(found.binaryData) };
}

/** Draw `bitmap` scaled so its longest side is at most `side`, on white with a margin. */
function render(bitmap: ImageBitmap, side: number): Pixels | null {
  const scale = Math.min(1, side / Math.max(bitmap.width, bitmap.height));
  const w = Math.max(1, Math.round(bitmap.width * scale));
  const h = Math.max(1, Math.round(bitmap.height * scale));
  const canvas = document.createElement('canvas');
  canvas.width = w + 2 * PAD;
  canvas.height = h + 2 * PAD;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) return null;
  // Transparent pixels would read as black; a QR image is dark modules on white.
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(bitmap, PAD, PAD, w, h);
  const image = ctx.getImageData(0, 0, canvas.width, canvas.height);
  return { data: image.data, width: image.width, height: image.height };
}

/**
 * The QR code in `image`, or null when there is none (or the browser cannot decode the
 * picture at all). Tries a few sizes: jsQR misses codes in very large or blurred pictures
 * that it finds once they are scaled down.
 */
export async function decodeQrImage(image: Blob): Promise<DecodedQr | null> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(image);
  } catch {
    return null;
  }
  try {
    const longest = Math.max(bitmap.width, bitmap.height);
    const sides = [...new Set(SIZES.map((s) => Math.min(s, longest)))];
    for (const side of sides) {
      const pixels = render(bitmap, side);
      if (!pixels) return null;
      const found = decodeQrPixels(pixels);
      if (found) return found;
    }
    return null;
  } finally {
    bitmap.close();
  }
}
