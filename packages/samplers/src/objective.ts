import * as tf from "@tensorflow/tfjs-core";
import { energy, jointEnergy } from "@ebjdat/energy";
import type { BnMode, NetLogitsFn } from "@ebjdat/runtime";

/**
 * The quantity a generative chain ascends (spec 2.3, 6.1): -Σ_i E(x_i) = Σ_i LSE f(x_i)
 * (unconditional), or -Σ_i E(x_i, y_i) = Σ_i f(x_i)[y_i] with labels. Returns a scalar.
 */
export function chainObjective(logits: tf.Tensor2D, y?: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => tf.neg(tf.sum<tf.Scalar>(y === undefined ? energy(logits) : jointEnergy(logits, y))));
}

/**
 * ∇_x of the chain objective (spec 2.3): -∂ Σ_i E(x_i)/∂x = ∂ Σ_i LSE f(x_i) / ∂x, or
 * -∂ Σ_i E(x_i, y_i)/∂x with labels; one forward and one backward pass in `mode`.
 */
export function chainGradient(fn: NetLogitsFn, x: tf.Tensor4D, mode: BnMode, y?: tf.Tensor1D): tf.Tensor4D {
  return tf.tidy(() => tf.grad((xx: tf.Tensor) => chainObjective(fn(xx as tf.Tensor4D, mode), y))(x) as tf.Tensor4D);
}
