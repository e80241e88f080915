import * as tf from "@tensorflow/tfjs-core";
import type { LossName } from "./types";

/** Large constant used to mask logits out of a max (never reaches the selected value). */
const BIG = 1e9;

function pick(z: tf.Tensor2D, idx: tf.Tensor1D, k: number): tf.Tensor1D {
  return tf.sum(tf.mul(z, tf.oneHot(idx, k)), 1);
}

/** How a per-sample loss is reduced over the batch: kept per sample (`none`) or averaged (`mean`). */
export type Reduction = "none" | "mean";

/**
 * Cross-entropy of logits `z` `[B, K]` against integer labels `y` `[B]`:
 * `CE_i = logsumexp(z_i) - z_i[y_i]` per sample (`reduction: 'none'`, the attacks' losses, spec
 * 7.1, 7.3), or its batch mean `(1/B) Σ_i CE_i` (`'mean'`: torchattacks PGD, spec 7.1; the
 * training losses, spec 9.1).
 */
export function crossEntropy(z: tf.Tensor2D, y: tf.Tensor1D, reduction: "none"): tf.Tensor1D;
export function crossEntropy(z: tf.Tensor2D, y: tf.Tensor1D, reduction: "mean"): tf.Scalar;
export function crossEntropy(z: tf.Tensor2D, y: tf.Tensor1D, reduction: Reduction): tf.Tensor1D | tf.Scalar;
export function crossEntropy(z: tf.Tensor2D, y: tf.Tensor1D, reduction: Reduction): tf.Tensor1D | tf.Scalar {
  return tf.tidy(() => {
    const perSample = tf.sub(tf.logSumExp(z, 1), pick(z, y, z.shape[1])) as tf.Tensor1D;
    return reduction === "mean" ? (tf.mean(perSample) as tf.Scalar) : perSample;
  });
}

/**
 * The three largest logits `z_π1 ≥ z_π2 ≥ z_π3` (and the fourth) through differentiable
 * max/one-hot masks (TF.js has no TopK gradient). Ties pass gradient to every tied entry.
 */
function sortedTop(z: tf.Tensor2D, count: number): tf.Tensor1D[] {
  const k = z.shape[1];
  const out: tf.Tensor1D[] = [];
  let masked: tf.Tensor2D = z;
  for (let i = 0; i < count; i++) {
    out.push(tf.max(masked, 1));
    if (i + 1 < count) {
      const idx = tf.argMax(masked, 1) as tf.Tensor1D;
      masked = tf.sub(masked, tf.mul(tf.oneHot(idx, k), BIG));
    }
  }
  return out;
}

/**
 * DLR loss (spec 7.3): `-(z_y - max_{i≠y} z_i) / (z_π1 - z_π3 + 1e-12)`.
 */
export function dlrLoss(z: tf.Tensor2D, y: tf.Tensor1D): tf.Tensor1D {
  const k = z.shape[1];
  const [p1, , p3] = sortedTop(z, 3) as [tf.Tensor1D, tf.Tensor1D, tf.Tensor1D];
  const zy = pick(z, y, k);
  const other = tf.max(tf.sub(z, tf.mul(tf.oneHot(y, k), BIG)), 1);
  return tf.neg(tf.div(tf.sub(zy, other), tf.add(tf.sub(p1, p3), 1e-12))) as tf.Tensor1D;
}

/**
 * Targeted DLR loss of APGD-T (spec 7.3): `-(z_y - z_t) / (z_π1 - (z_π3 + z_π4)/2 + 1e-12)`.
 */
export function dlrTargetedLoss(z: tf.Tensor2D, y: tf.Tensor1D, t: tf.Tensor1D): tf.Tensor1D {
  const k = z.shape[1];
  const [p1, , p3, p4] = sortedTop(z, 4) as [tf.Tensor1D, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D];
  const num = tf.sub(pick(z, y, k), pick(z, t, k));
  const den = tf.add(tf.sub(p1, tf.mul(tf.add(p3, p4), 0.5)), 1e-12);
  return tf.neg(tf.div(num, den)) as tf.Tensor1D;
}

/**
 * Per-sample loss that the gradient attacks ascend. `ce-targeted` is `-CE(z, t)`;
 * `diff` (FAB) is the difference logit `z_t - z_y`.
 */
export function attackLoss(name: LossName | "diff", z: tf.Tensor2D, y: tf.Tensor1D, t?: tf.Tensor1D): tf.Tensor1D {
  switch (name) {
    case "ce":
      return crossEntropy(z, y, "none");
    case "dlr":
      return dlrLoss(z, y);
    case "ce-targeted":
      return tf.neg(crossEntropy(z, need(t, name), "none"));
    case "dlr-targeted":
      return dlrTargetedLoss(z, y, need(t, name));
    case "diff": {
      const k = z.shape[1];
      return tf.sub(pick(z, need(t, name), k), pick(z, y, k));
    }
  }
}

function need(t: tf.Tensor1D | undefined, name: string): tf.Tensor1D {
  if (!t) throw new Error(`loss '${name}' needs target classes`);
  return t;
}
