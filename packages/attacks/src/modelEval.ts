import * as tf from "@tensorflow/tfjs-core";
import type { LogitsFn } from "@ebjdat/runtime";
import { attackLoss } from "./losses";
import type { AttackContext, LossName } from "./types";

/** Logits, per-sample loss and input gradient of one batch. */
export interface LossGrad {
  loss: Float32Array;
  grad: Float32Array;
  logits: Float32Array;
}

function checkFinite(logits: Float32Array, what: string): void {
  for (let i = 0; i < logits.length; i++) {
    if (!Number.isFinite(logits[i]!)) throw new Error(`model returned a non-finite logit (${logits[i]}) ${what}; expected finite logits`);
  }
}

/**
 * Rows per model call: larger batches are split (each image's logits, loss and gradient depend on
 * that image alone in an eval-mode model), which bounds the activations a gradient keeps alive:
 * about 6 MB per image for WRN-16-2, so a 250-image batch peaked at 2 GB resident (issue 21, at
 * most 1.5 GB asked) and 125 rows at 1.1 GB, for 7 % more time.
 */
const MAX_ROWS_PER_CALL = 128;

/** [start, end) row ranges of at most MAX_ROWS_PER_CALL rows covering n rows. */
function rowChunks(n: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let s = 0; s < n; s += MAX_ROWS_PER_CALL) out.push([s, Math.min(n, s + MAX_ROWS_PER_CALL)]);
  return out;
}

/** Forward pass of `n` images stored flat (NHWC) in `x`; returns flat logits `[n, K]`. */
export function logitsOf(model: LogitsFn, x: Float32Array, n: number, dims: readonly number[]): Float32Array {
  const d = dims[0]! * dims[1]! * dims[2]!;
  const parts = rowChunks(n).map(([s, e]) =>
    tf.tidy(() => Float32Array.from(model(tf.tensor4d(x.subarray(s * d, e * d), [e - s, dims[0]!, dims[1]!, dims[2]!])).dataSync() as Float32Array)),
  );
  const out = concat(parts);
  checkFinite(out, "in a forward pass");
  return out;
}

function concat(parts: Float32Array[]): Float32Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * Per-sample loss ℓ_i(z(x_i)) and `∇_x Σ_i ℓ_i` (or of the batch mean when `reduction = 'mean'`,
 * the torchattacks convention of spec 7.1) for a flat NHWC batch.
 */
export function lossAndGrad(
  model: LogitsFn,
  x: Float32Array,
  n: number,
  dims: readonly number[],
  loss: LossName | "diff",
  y: Int32Array,
  target?: Int32Array,
  reduction: "sum" | "mean" = "sum",
): LossGrad {
  const d = dims[0]! * dims[1]! * dims[2]!;
  const parts = rowChunks(n).map(([s, e]) => chunkLossAndGrad(model, x.subarray(s * d, e * d), e - s, dims, loss, y.subarray(s, e), target?.subarray(s, e), reduction === "mean" ? 1 / n : 1));
  const out: LossGrad = { loss: concat(parts.map((p) => p.loss)), grad: concat(parts.map((p) => p.grad)), logits: concat(parts.map((p) => p.logits)) };
  checkFinite(out.logits, "while computing a gradient");
  return out;
}

/** One model call's share of `lossAndGrad`: the gradient of Σ_i weight·ℓ_i over its rows. */
function chunkLossAndGrad(model: LogitsFn, x: Float32Array, n: number, dims: readonly number[], loss: LossName | "diff", y: Int32Array, target: Int32Array | undefined, weight: number): LossGrad {
  let kept: tf.Tensor2D | undefined;
  const [value, grad] = tf.tidy(() => {
    const xt = tf.tensor4d(x, [n, dims[0]!, dims[1]!, dims[2]!]);
    const yt = tf.tensor1d(y, "int32");
    const tt = target ? tf.tensor1d(target, "int32") : undefined;
    const f = (xi: tf.Tensor): tf.Tensor1D => {
      const z = model(xi as tf.Tensor4D);
      kept = tf.keep(z);
      return attackLoss(loss, z, yt, tt);
    };
    const dy = weight !== 1 ? (tf.fill([n], weight) as tf.Tensor1D) : undefined;
    const r = tf.valueAndGrad(f)(xt, dy);
    return [r.value, r.grad];
  });
  const logitsT = kept as unknown as tf.Tensor2D;
  const out: LossGrad = {
    loss: Float32Array.from(value.dataSync() as Float32Array),
    grad: Float32Array.from(grad.dataSync() as Float32Array),
    logits: Float32Array.from(logitsT.dataSync() as Float32Array),
  };
  value.dispose();
  grad.dispose();
  logitsT.dispose();
  return out;
}

/** Row-wise argmax of flat logits `[n, K]` (first maximum on ties, like torch/TF). */
export function argmaxRows(logits: Float32Array, k: number): Int32Array {
  const n = logits.length / k;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bv = logits[i * k]!;
    for (let j = 1; j < k; j++) {
      const v = logits[i * k + j]!;
      if (v > bv) {
        bv = v;
        best = j;
      }
    }
    out[i] = best;
  }
  return out;
}

/** Index of the `rank`-th largest logit of each row (rank 1 = argmax; torch `sort()[1][:, -rank]`). */
export function rankedClass(logits: Float32Array, k: number, rank: number): Int32Array {
  const n = logits.length / k;
  const out = new Int32Array(n);
  const idx = new Array<number>(k);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) idx[j] = j;
    // stable ascending sort, then take from the end as torch does
    idx.sort((a, b) => logits[i * k + a]! - logits[i * k + b]! || a - b);
    out[i] = idx[k - rank]!;
  }
  return out;
}

/** Copies the images `idx` (flat NHWC, `d` values each) into a new array. */
export function gatherRows(x: Float32Array, idx: ArrayLike<number>, d: number): Float32Array {
  const out = new Float32Array(idx.length * d);
  for (let i = 0; i < idx.length; i++) out.set(x.subarray(idx[i]! * d, idx[i]! * d + d), i * d);
  return out;
}

/** Writes rows `src[i]` to `dst[idx[i]]`. */
export function scatterRows(dst: Float32Array, idx: ArrayLike<number>, src: Float32Array, d: number): void {
  for (let i = 0; i < idx.length; i++) dst.set(src.subarray(i * d, i * d + d), idx[i]! * d);
}

/** Picks entries `idx` of an int array. */
export function gatherInt(a: Int32Array, idx: ArrayLike<number>): Int32Array {
  const out = new Int32Array(idx.length);
  for (let i = 0; i < idx.length; i++) out[i] = a[idx[i]!]!;
  return out;
}

/**
 * The clean state every attack starts from: logits f(x), predictions argmax f(x), and the mask of
 * correctly classified points (only those are attacked, as fra31's `perturb`).
 */
export function cleanState(ctx: AttackContext, x: Float32Array, y: Int32Array): { logits: Float32Array; pred: Int32Array; acc: Uint8Array } {
  const n = y.length;
  const logits = logitsOf(ctx.model, x, n, ctx.dims);
  const pred = argmaxRows(logits, ctx.numClasses);
  const acc = new Uint8Array(n);
  for (let k = 0; k < n; k++) acc[k] = pred[k] === y[k] ? 1 : 0;
  return { logits, pred, acc };
}
