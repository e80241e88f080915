import * as tf from "@tensorflow/tfjs-core";

/**
 * Image space [0, 1] to model space [-1, 1]: x_m = 2x − 1 (spec 0.1; the official
 * `Normalize((.5, .5, .5), (.5, .5, .5))`). The one place the coordinate change is written.
 */
export function toModelSpace<T extends tf.Tensor>(x: T): T {
  return tf.tidy(() => tf.sub(tf.mul(x, 2), 1) as T);
}

/**
 * Model space [-1, 1] to image space [0, 1]: x = clamp((x_m + 1) / 2, 0, 1) (spec 0.1), e.g. for
 * samples and replay-buffer images that Langevin steps may have moved outside [-1, 1].
 */
export function toImageSpace<T extends tf.Tensor>(xModel: T): T {
  return tf.tidy(() => tf.clipByValue(tf.div(tf.add(xModel, 1), 2), 0, 1) as T);
}
