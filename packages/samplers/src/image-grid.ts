import * as tf from "@tensorflow/tfjs-core";
import type { RgbImage } from "@ebjdat/data";

/** Images NHWC float in [0, 1] (API space, spec 0.1), as a tensor or flat data with its shape. */
export type GridImages = tf.Tensor4D | { data: Float32Array; shape: readonly [number, number, number, number] };

/** Options of {@link imageGrid}. */
export interface ImageGridOptions {
  /** Images per row (default 8, or ceil(sqrt(N)) when N < 8·8 is not a better fit). */
  nrow?: number;
  /** Pixels between images (default 2). */
  padding?: number;
  /** Padding grey level in [0, 1] (default 0, black). */
  padValue?: number;
}

function flat(images: GridImages): { data: Float32Array; shape: readonly [number, number, number, number] } {
  if (images instanceof tf.Tensor) {
    if (images.rank !== 4) throw new Error(`imageGrid: images must be NHWC rank 4, got shape [${images.shape.join(", ")}]`);
    return { data: images.dataSync() as Float32Array, shape: images.shape };
  }
  const [n, h, w, c] = images.shape;
  if (images.data.length !== n * h * w * c) throw new Error(`imageGrid: data has ${images.data.length} values, shape [${images.shape.join(", ")}] needs ${n * h * w * c}`);
  return images;
}

/**
 * Tiles N images (NHWC in [0, 1], C = 1 or 3) into one 8-bit RGB grid (HWC, the `RgbImage` of
 * `@ebjdat/data`) of ⌈N / nrow⌉ rows and `nrow` columns (torchvision `make_grid` layout). Values
 * are clamped to [0, 1] and rounded to 8 bits.
 */
export function imageGrid(images: GridImages, options: ImageGridOptions = {}): RgbImage {
  const { data, shape } = flat(images);
  const [n, h, w, c] = shape;
  if (n < 1) throw new Error("imageGrid: need at least one image");
  if (c !== 1 && c !== 3) throw new Error(`imageGrid: images must have 1 or 3 channels, got ${c}`);
  const nrow = options.nrow ?? 8;
  if (!(Number.isInteger(nrow) && nrow >= 1)) throw new Error(`imageGrid: nrow must be a positive integer, got ${nrow}`);
  const pad = options.padding ?? 2;
  if (!(Number.isInteger(pad) && pad >= 0)) throw new Error(`imageGrid: padding must be an integer >= 0, got ${pad}`);
  const padByte = Math.round(Math.min(1, Math.max(0, options.padValue ?? 0)) * 255);
  const cols = Math.min(nrow, n);
  const rows = Math.ceil(n / cols);
  const width = cols * w + (cols + 1) * pad;
  const height = rows * h + (rows + 1) * pad;
  const out = new Uint8Array(width * height * 3).fill(padByte);
  const to8 = (v: number): number => Math.round(Math.min(1, Math.max(0, Number.isFinite(v) ? v : 0)) * 255);
  for (let k = 0; k < n; k++) {
    const ox = pad + (k % cols) * (w + pad);
    const oy = pad + Math.floor(k / cols) * (h + pad);
    for (let yy = 0; yy < h; yy++) {
      for (let xx = 0; xx < w; xx++) {
        const src = ((k * h + yy) * w + xx) * c;
        const dst = ((oy + yy) * width + ox + xx) * 3;
        for (let ch = 0; ch < 3; ch++) out[dst + ch] = to8(data[src + (c === 3 ? ch : 0)]!);
      }
    }
  }
  return { width, height, data: out };
}
