import * as tf from "@tensorflow/tfjs-core";
import type { LogitsFn } from "@ebjdat/runtime";
import { argmaxRows } from "./modelEval";
import type { Box, Norm } from "./types";

/** Checked inputs of an attack run, flattened to JS arrays. */
export interface CheckedInputs {
  n: number;
  dims: [number, number, number];
  x: Float32Array;
  y: Int32Array;
  numClasses: number;
  /** Clean logits `[n, K]` (flat) and predictions. */
  cleanLogits: Float32Array;
  predClean: Int32Array;
}

/** Checks eps and norm (spec 7; issue 3 "bad input"). */
export function checkBudget(eps: number, norm: Norm | undefined): void {
  if (typeof eps !== "number" || !Number.isFinite(eps) || eps <= 0 || eps >= 1) {
    throw new Error(`eps must be a number in (0, 1) on the [0, 1] image scale (e.g. 8/255), got ${eps}`);
  }
  if (norm !== undefined && norm !== "linf" && norm !== "l2") throw new Error(`norm must be 'linf' or 'l2', got '${String(norm)}'`);
}

/** Checks the option `batchSize`. */
export function checkBatchSize(bs: number): void {
  if (!Number.isInteger(bs) || bs < 1) throw new Error(`batchSize must be a positive integer, got ${bs}`);
}

/**
 * Validates images (float32 rank-4 NHWC inside `box`, finite), labels (one integer per image in
 * [0, K)) and the model (finite logits of shape [B, K]); computes the clean logits in batches.
 * Throws an error naming the faulty input before any attack work starts.
 */
export function checkInputs(model: LogitsFn, images: tf.Tensor, labels: Int32Array | tf.Tensor, box: Box, batchSize: number, allowOutside = false): CheckedInputs {
  if (!(images instanceof tf.Tensor)) throw new Error("images must be a tf.Tensor4D (NHWC float32 in [0, 1])");
  if (images.rank !== 4) throw new Error(`images must be rank 4 NHWC [B, H, W, C], got rank ${images.rank} (shape [${images.shape.join(", ")}])`);
  if (images.dtype !== "float32") throw new Error(`images must be float32, got ${images.dtype}`);
  const [n, h, w, c] = images.shape as [number, number, number, number];
  if (n === 0) throw new Error("images is empty (batch size 0)");
  const x = Float32Array.from(images.dataSync() as Float32Array);
  const [lo, hi] = box;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (!Number.isFinite(v)) throw new Error(`images contain a non-finite value (${v}) at flat index ${i}`);
    if (!allowOutside && (v < lo || v > hi)) throw new Error(`images must lie in [${lo}, ${hi}] (API space [0, 1], spec 0.1); found ${v} at flat index ${i}`);
  }
  let y: Int32Array;
  if (labels instanceof tf.Tensor) {
    if (labels.rank !== 1) throw new Error(`labels must be a rank-1 tensor, got shape [${labels.shape.join(", ")}]`);
    y = Int32Array.from(labels.dataSync() as ArrayLike<number>);
  } else if (labels instanceof Int32Array) y = Int32Array.from(labels);
  else throw new Error("labels must be an Int32Array or an int32 tf.Tensor1D");
  if (y.length !== n) throw new Error(`labels has ${y.length} entries but images has ${n}`);
  const dims: [number, number, number] = [h, w, c];
  const parts: Float32Array[] = [];
  let k = -1;
  for (let s = 0; s < n; s += batchSize) {
    const m = Math.min(batchSize, n - s);
    const out = tf.tidy(() => model(tf.tensor4d(x.subarray(s * h * w * c, (s + m) * h * w * c), [m, h, w, c])));
    const shape = out.shape;
    const data = Float32Array.from(out.dataSync() as Float32Array);
    out.dispose();
    if (shape.length !== 2 || shape[0] !== m) throw new Error(`model must return logits of shape [B, K]; for a batch of ${m} it returned [${shape.join(", ")}]`);
    if (k === -1) k = shape[1]!;
    for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i]!)) throw new Error(`model returned a non-finite logit (${data[i]}) for image ${s + Math.floor(i / k)}; expected finite logits`);
    parts.push(data);
  }
  if (k < 2) throw new Error(`model must return at least 2 logits per image, got ${k}`);
  for (let i = 0; i < n; i++) {
    const v = y[i]!;
    if (!Number.isInteger(v) || v < 0 || v >= k) throw new Error(`labels[${i}] = ${v} is out of range; expected an integer class in [0, ${k - 1}]`);
  }
  const cleanLogits = new Float32Array(n * k);
  let o = 0;
  for (const p of parts) {
    cleanLogits.set(p, o);
    o += p.length;
  }
  return { n, dims, x, y, numClasses: k, cleanLogits, predClean: argmaxRows(cleanLogits, k) };
}

