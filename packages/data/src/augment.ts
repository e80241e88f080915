import * as tf from "@tensorflow/tfjs-core";
import type { ImageBatch, Rng } from "@ebjdat/runtime";
import { gatherImages, gatherLabels, toUnitFloat, type Dataset } from "./dataset";
import { DataError } from "./errors";

/** Training-time augmentation (spec 2.x / 8: reflect-pad 4, random crop, horizontal flip, sigma-noise). */
export interface AugmentOptions {
  /**
   * Reflect-padding of the random crop: as torchvision `RandomCrop(H, padding=p,
   * padding_mode='reflect')`, the image is padded by p on every side (reflection without
   * repeating the edge) and an HxW window at a uniform offset (dy, dx) in [0, 2p]^2 is kept.
   * 0 or unset: no crop.
   */
  cropPadding?: number;
  /** `RandomHorizontalFlip(p=0.5)`, applied after the crop. */
  flip?: boolean;
  /**
   * Gaussian noise standard deviation added after the crop/flip and the conversion to float.
   * No clamping (the official code does not clamp).
   */
  noiseSigma?: number;
  /**
   * Space in which `noiseSigma` is given. `model` (default): the official [-1, 1] space, so
   * the official `--sigma .03` is `noiseSigma: 0.03`, applied to the [0, 1] batch as sigma/2
   * (x_m + s*N = 2*(x + (s/2)*N) - 1, spec 0.1). `api`: sigma is in [0, 1] units.
   */
  noiseSpace?: "model" | "api";
}

/** The official CIFAR training augmentation: reflect-pad 4 + random crop 32 + horizontal flip. */
export const CIFAR_TRAIN_AUGMENT: Readonly<AugmentOptions> = { cropPadding: 4, flip: true };

/** Reflection of index i into [0, n) without repeating the edge: -1 -> 1, n -> n-2 (numpy/torch 'reflect'). */
export function reflectIndex(i: number, n: number): number {
  if (i < 0) return -i;
  if (i >= n) return 2 * (n - 1) - i;
  return i;
}

/**
 * Crops one HWC image at offset (dy, dx) of its reflect-padded version and optionally mirrors it:
 * `out[y][x] = src[reflect(y + dy - p)][reflect(xs + dx - p)]` with `xs = flip ? W-1-x : x`.
 */
export function cropFlipImage(src: Uint8Array, srcOff: number, dst: Uint8Array, dstOff: number, h: number, w: number, c: number, padding: number, dy: number, dx: number, flip: boolean): void {
  const cols = new Int32Array(w);
  for (let x = 0; x < w; x++) cols[x] = reflectIndex((flip ? w - 1 - x : x) + dx - padding, w) * c;
  for (let y = 0; y < h; y++) {
    const sy = reflectIndex(y + dy - padding, h);
    const srow = srcOff + sy * w * c;
    const drow = dstOff + y * w * c;
    for (let x = 0; x < w; x++) {
      const s = srow + cols[x]!;
      const d = drow + x * c;
      for (let k = 0; k < c; k++) dst[d + k] = src[s + k]!;
    }
  }
}

/**
 * Random reflect-pad crop and horizontal flip of a uint8 NHWC batch (a new array). Per image,
 * in order: dy = rng.int(0, 2p+1), dx = rng.int(0, 2p+1), flip = rng.next() < 0.5 (each only
 * when enabled), so a seed gives the same augmentation on every backend.
 */
export function randomCropFlip(images: Uint8Array, n: number, h: number, w: number, c: number, rng: Rng, opts: Pick<AugmentOptions, "cropPadding" | "flip">): Uint8Array {
  const p = opts.cropPadding ?? 0;
  if (!Number.isInteger(p) || p < 0 || p >= h || p >= w) throw new DataError("augment", `cropPadding must be an integer in [0, ${Math.min(h, w) - 1}] for ${h}x${w} images (reflect padding needs p < size), got ${p}`);
  if (images.length !== n * h * w * c) throw new DataError("augment", `images has ${images.length} bytes, expected ${n}*${h}*${w}*${c}`);
  const out = new Uint8Array(images.length);
  const size = h * w * c;
  for (let i = 0; i < n; i++) {
    const dy = p > 0 ? rng.int(0, 2 * p + 1) : 0;
    const dx = p > 0 ? rng.int(0, 2 * p + 1) : 0;
    const flip = opts.flip ? rng.next() < 0.5 : false;
    cropFlipImage(images, i * size, out, i * size, h, w, c, p, dy, dx, flip);
  }
  return out;
}

/** In place: x += sigma * N(0, 1) per element, from `rng` (spec 0.1 noise; sigma in x's units). */
export function addGaussianNoise(x: Float32Array, sigma: number, rng: Rng): void {
  if (!(sigma >= 0)) throw new DataError("augment", `noise sigma must be >= 0, got ${sigma}`);
  if (sigma === 0) return;
  for (let i = 0; i < x.length; i++) x[i] = x[i]! + sigma * rng.gaussian();
}

/** The API-space ([0, 1]) standard deviation of the configured noise. */
export function apiNoiseSigma(opts: AugmentOptions): number {
  const s = opts.noiseSigma ?? 0;
  return (opts.noiseSpace ?? "model") === "model" ? s / 2 : s;
}

/**
 * The records `indices` of `ds` as an augmented batch: uint8 crop/flip (`randomCropFlip`),
 * then x = v/255 in [0, 1], then Gaussian noise (`apiNoiseSigma`). Without options it equals
 * `batchTensor`. The caller disposes `x`.
 */
export function augmentedBatch(ds: Dataset, indices: ArrayLike<number>, rng: Rng, opts: AugmentOptions = {}): ImageBatch {
  const n = indices.length;
  let u8 = gatherImages(ds, indices);
  if ((opts.cropPadding ?? 0) > 0 || opts.flip) u8 = randomCropFlip(u8, n, ds.height, ds.width, ds.channels, rng, opts);
  const f = toUnitFloat(u8);
  addGaussianNoise(f, apiNoiseSigma(opts), rng);
  return { x: tf.tensor4d(f, [n, ds.height, ds.width, ds.channels], "float32"), y: gatherLabels(ds, indices) };
}
