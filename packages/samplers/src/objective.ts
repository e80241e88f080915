import * as tf from "@tensorflow/tfjs-core";
import type { BnMode, NetLogitsFn } from "@ebjdat/runtime";

/**
 * The quantity a generative chain ascends (spec 2.3, 6.1): Σ_i LSE f(x_i) = -Σ_i E(x_i)
 * (unconditional), or Σ_i f(x_i)[y_i] = -Σ_i E(x_i, y_i) with labels. Returns a scalar.
 */
export function chainObjective(logits: tf.Tensor2D, y?: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    if (y === undefined) return tf.sum(tf.logSumExp(logits, 1));
    return tf.sum(tf.mul(logits, tf.oneHot(y, logits.shape[1]))) as tf.Scalar;
  });
}

/** Labels as an int32 tensor after checking them against the batch. */
export function labelsTensor(y: Int32Array | number[] | undefined, batch: number, what: string): tf.Tensor1D | undefined {
  if (y === undefined) return undefined;
  if (y.length !== batch) throw new Error(`${what}: expected ${batch} labels, got ${y.length}`);
  for (let i = 0; i < y.length; i++) {
    if (!(Number.isInteger(y[i]) && y[i]! >= 0)) throw new Error(`${what}: label ${i} is ${y[i]}, expected a non-negative integer`);
  }
  return tf.tensor1d(Int32Array.from(y), "int32");
}

/**
 * ∇_x of the chain objective (spec 2.3): ∂ Σ_i LSE f(x_i) / ∂x = -∂ Σ_i E(x_i)/∂x, or
 * ∂ Σ_i f(x_i)[y_i] / ∂x with labels; one forward and one backward pass in `mode`.
 */
export function chainGradient(fn: NetLogitsFn, x: tf.Tensor4D, mode: BnMode, y?: tf.Tensor1D): tf.Tensor4D {
  return tf.tidy(() => tf.grad((xx: tf.Tensor) => chainObjective(fn(xx as tf.Tensor4D, mode), y))(x) as tf.Tensor4D);
}
