import * as tf from "@tensorflow/tfjs-core";
import type { ImageBatch } from "@ebjdat/runtime";
import { DataError } from "./errors";

/**
 * An image classification dataset held in memory as uint8 NHWC (`images[((n*H + y)*W + x)*C + c]`)
 * with integer labels. Everything the package loads is a `Dataset`.
 */
export interface Dataset {
  /** Short name, e.g. `cifar10-exact-test`. */
  name: string;
  /** The spec it was loaded from (or a description for hand-made datasets). */
  spec: string;
  /** N*H*W*C uint8, NHWC. */
  images: Uint8Array;
  /** N labels in [0, numClasses). */
  labels: Int32Array;
  n: number;
  height: number;
  width: number;
  channels: number;
  numClasses: number;
  classNames: string[];
  /** The file, folder or archive the data came from. */
  source: string;
  /** Per record: 1 if the pixels are bit-exact official pixels, 0 if lossy (JPEG-decoded). */
  exact?: Uint8Array;
  /** Per record: the file (relative path or archive member) it was decoded from. */
  files?: string[];
  /** Set when the dataset was read from the decoded-tensor cache (`hit`) or written to it. */
  cache?: { hit: boolean; path: string };
}

/** Bytes of one image of `ds`. */
export function imageSize(ds: Pick<Dataset, "height" | "width" | "channels">): number {
  return ds.height * ds.width * ds.channels;
}

/**
 * Checks the invariants of a dataset (array sizes, label range, class names) and returns
 * it; throws a `DataError` naming `ds.source` otherwise.
 */
export function checkDataset(ds: Dataset): Dataset {
  const where = ds.source || ds.name;
  const size = imageSize(ds);
  if (!Number.isInteger(ds.n) || ds.n < 0) throw new DataError(where, `n must be a non-negative integer, got ${ds.n}`);
  if (ds.images.length !== ds.n * size) throw new DataError(where, `images has ${ds.images.length} bytes, expected n*H*W*C = ${ds.n}*${ds.height}*${ds.width}*${ds.channels} = ${ds.n * size}`);
  if (ds.labels.length !== ds.n) throw new DataError(where, `labels has ${ds.labels.length} entries, expected n = ${ds.n}`);
  if (ds.classNames.length !== ds.numClasses) throw new DataError(where, `classNames has ${ds.classNames.length} names, expected numClasses = ${ds.numClasses}`);
  for (let i = 0; i < ds.n; i++) {
    const l = ds.labels[i]!;
    if (l < 0 || l >= ds.numClasses) throw new DataError(where, `label ${l} of record ${i} is outside [0, ${ds.numClasses})`);
  }
  if (ds.exact && ds.exact.length !== ds.n) throw new DataError(where, `exact has ${ds.exact.length} entries, expected n = ${ds.n}`);
  if (ds.files && ds.files.length !== ds.n) throw new DataError(where, `files has ${ds.files.length} entries, expected n = ${ds.n}`);
  return ds;
}

/** Validates `indices` against `ds.n`. */
export function checkIndices(ds: Dataset, indices: ArrayLike<number>): void {
  for (let i = 0; i < indices.length; i++) {
    const k = indices[i]!;
    if (!Number.isInteger(k) || k < 0 || k >= ds.n) throw new DataError(ds.name, `index ${k} is outside [0, ${ds.n})`);
  }
}

/** Copies the uint8 pixels of `indices` (in that order) into one NHWC array. */
export function gatherImages(ds: Dataset, indices: ArrayLike<number>): Uint8Array {
  checkIndices(ds, indices);
  const size = imageSize(ds);
  const out = new Uint8Array(indices.length * size);
  for (let i = 0; i < indices.length; i++) {
    const k = indices[i]!;
    out.set(ds.images.subarray(k * size, (k + 1) * size), i * size);
  }
  return out;
}

/** The labels of `indices`. */
export function gatherLabels(ds: Dataset, indices: ArrayLike<number>): Int32Array {
  const y = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) y[i] = ds.labels[indices[i]!]!;
  return y;
}

/** uint8 -> float32 in [0, 1]: x = v / 255 (spec 0.1, API space). */
export function toUnitFloat(u8: Uint8Array): Float32Array {
  const out = new Float32Array(u8.length);
  for (let i = 0; i < u8.length; i++) out[i] = u8[i]! / 255;
  return out;
}

/**
 * The records `indices` of `ds` as a batch: `x` float32 NHWC in API space [0, 1]
 * (x = v / 255, spec 0.1) and the labels `y`. The caller disposes `x`.
 */
export function batchTensor(ds: Dataset, indices: ArrayLike<number>): ImageBatch {
  const u8 = gatherImages(ds, indices);
  const x = tf.tensor4d(toUnitFloat(u8), [indices.length, ds.height, ds.width, ds.channels], "float32");
  return { x, y: gatherLabels(ds, indices) };
}

/** A new dataset holding the records `indices` of `ds` (in that order). */
export function subset(ds: Dataset, indices: ArrayLike<number>, name?: string): Dataset {
  const idx = Array.from(indices);
  const out: Dataset = {
    name: name ?? ds.name,
    spec: ds.spec,
    images: gatherImages(ds, idx),
    labels: gatherLabels(ds, idx),
    n: idx.length,
    height: ds.height,
    width: ds.width,
    channels: ds.channels,
    numClasses: ds.numClasses,
    classNames: ds.classNames.slice(),
    source: ds.source,
  };
  if (ds.exact) out.exact = Uint8Array.from(idx, (k) => ds.exact![k]!);
  if (ds.files) out.files = idx.map((k) => ds.files![k]!);
  return out;
}

/** Number of records per class: `counts[c] = #{i : labels[i] = c}`. */
export function classCounts(ds: Pick<Dataset, "labels" | "numClasses">): number[] {
  const c = new Array<number>(ds.numClasses).fill(0);
  for (const l of ds.labels) c[l] = (c[l] ?? 0) + 1;
  return c;
}
