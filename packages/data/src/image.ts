import { PNG } from "pngjs";
import jpeg from "jpeg-js";
import { DataError } from "./errors";

/** A decoded RGB image, HWC uint8. */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

function isPng(b: Uint8Array): boolean {
  return b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47;
}

function isJpeg(b: Uint8Array): boolean {
  return b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;
}

function rgbaToRgb(rgba: Uint8Array, w: number, h: number): Uint8Array {
  const out = new Uint8Array(w * h * 3);
  for (let i = 0, j = 0; j < out.length; i += 4, j += 3) {
    out[j] = rgba[i]!;
    out[j + 1] = rgba[i + 1]!;
    out[j + 2] = rgba[i + 2]!;
  }
  return out;
}

/**
 * Decodes a PNG or JPEG (detected from the bytes, not the name) to 8-bit RGB. Grey and
 * palette images are expanded to RGB; alpha is dropped. JPEG is decoded by jpeg-js (its IDCT
 * and chroma upsampling can differ from libjpeg-turbo by a few grey levels). An undecodable
 * file is a `DataError` naming `file`.
 */
export function decodeImage(bytes: Uint8Array, file: string): RgbImage {
  try {
    if (isPng(bytes)) {
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return { width: png.width, height: png.height, data: rgbaToRgb(png.data, png.width, png.height) };
    }
    if (isJpeg(bytes)) {
      const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, tolerantDecoding: false, maxMemoryUsageInMB: 1024 });
      return { width: img.width, height: img.height, data: rgbaToRgb(img.data, img.width, img.height) };
    }
  } catch (e) {
    throw new DataError(file, `cannot decode image (expected a valid PNG or JPEG): ${(e as Error).message}`);
  }
  throw new DataError(file, "not an image: expected PNG or JPEG content");
}

/**
 * Area (box-filter) resize of an HWC uint8 image: each output pixel is the mean of the input
 * area it covers, fractional pixels weighted by their overlap, rounded half up. For an integer
 * factor (Tiny-ImageNet 64 -> 32) this is the plain mean of each 2x2 block, like
 * `PIL.Image.reduce(2)` and OpenCV `INTER_AREA`.
 */
export function resizeArea(src: Uint8Array, w: number, h: number, c: number, ow: number, oh: number): Uint8Array {
  if (ow === w && oh === h) return src.slice();
  const weights = (n: number, on: number): { start: number; w: Float64Array }[] => {
    const scale = n / on;
    const out: { start: number; w: Float64Array }[] = [];
    for (let o = 0; o < on; o++) {
      const a = o * scale;
      const b = (o + 1) * scale;
      const start = Math.floor(a);
      const end = Math.min(n, Math.ceil(b));
      const w = new Float64Array(end - start);
      for (let i = start; i < end; i++) w[i - start] = (Math.min(b, i + 1) - Math.max(a, i)) / scale;
      out.push({ start, w });
    }
    return out;
  };
  const wx = weights(w, ow);
  const wy = weights(h, oh);
  // horizontal pass: h x ow x c
  const tmp = new Float64Array(h * ow * c);
  for (let y = 0; y < h; y++) {
    for (let ox = 0; ox < ow; ox++) {
      const { start, w: ws } = wx[ox]!;
      for (let ch = 0; ch < c; ch++) {
        let s = 0;
        for (let k = 0; k < ws.length; k++) s += ws[k]! * src[(y * w + start + k) * c + ch]!;
        tmp[(y * ow + ox) * c + ch] = s;
      }
    }
  }
  const out = new Uint8Array(oh * ow * c);
  for (let oy = 0; oy < oh; oy++) {
    const { start, w: ws } = wy[oy]!;
    for (let ox = 0; ox < ow; ox++) {
      for (let ch = 0; ch < c; ch++) {
        let s = 0;
        for (let k = 0; k < ws.length; k++) s += ws[k]! * tmp[((start + k) * ow + ox) * c + ch]!;
        out[(oy * ow + ox) * c + ch] = Math.min(255, Math.max(0, Math.floor(s + 0.5 + 1e-9)));
      }
    }
  }
  return out;
}

/** Encodes an HWC uint8 RGB image as PNG (for tests and exporting samples). */
export function encodePng(img: RgbImage): Uint8Array {
  if (!(Number.isInteger(img.width) && img.width > 0 && Number.isInteger(img.height) && img.height > 0) || img.data.length !== img.width * img.height * 3) {
    throw new DataError("encodePng", `expected an RGB image with ${img.width}x${img.height}x3 = ${img.width * img.height * 3} bytes (positive integer size), got ${img.data.length}`);
  }
  const png = new PNG({ width: img.width, height: img.height, colorType: 2, inputColorType: 2, inputHasAlpha: false });
  png.data = Buffer.from(img.data);
  return new Uint8Array(PNG.sync.write(png, { colorType: 2, inputColorType: 2, inputHasAlpha: false }));
}

/** Encodes an HWC uint8 RGB image as baseline JPEG at `quality` (for tests). */
export function encodeJpeg(img: RgbImage, quality = 90): Uint8Array {
  const rgba = new Uint8Array(img.width * img.height * 4);
  for (let i = 0, j = 0; i < img.data.length; i += 3, j += 4) {
    rgba[j] = img.data[i]!;
    rgba[j + 1] = img.data[i + 1]!;
    rgba[j + 2] = img.data[i + 2]!;
    rgba[j + 3] = 255;
  }
  return new Uint8Array(jpeg.encode({ width: img.width, height: img.height, data: rgba }, quality).data);
}
