// Test-only helpers (not exported): tiny synthetic models and data.
import * as tf from "@tensorflow/tfjs-core";
import { afterAll, beforeAll } from "vitest";
import { initBackend, Rng, type LogitsFn } from "@ebjdat/runtime";

/** A tiny conv net LogitsFn (conv3x3 → leaky relu → mean pool → dense) with seeded weights. Caller disposes `vars`. */
export function tinyConvModel(seed: number, c = 3, k = 10, hidden = 8): { model: LogitsFn; vars: tf.Tensor[] } {
  const rng = new Rng(seed);
  const w1 = tf.tensor4d(rng.normalArray(9 * c * hidden, 0, 0.6), [3, 3, c, hidden]);
  const b1 = tf.tensor1d(rng.normalArray(hidden, 0, 0.1));
  const w2 = tf.tensor2d(rng.normalArray(hidden * k, 0, 1.5), [hidden, k]);
  const b2 = tf.tensor1d(rng.normalArray(k, 0, 0.1));
  const model: LogitsFn = (x) =>
    tf.tidy(() => {
      const h = tf.leakyRelu(tf.add(tf.conv2d(tf.sub(tf.mul(x, 2), 1) as tf.Tensor4D, w1, 1, "same"), b1), 0.2);
      const p = tf.mean(h, [1, 2]) as tf.Tensor2D;
      return tf.add(tf.matMul(p, w2), b2) as tf.Tensor2D;
    });
  return { model, vars: [w1, b1, w2, b2] };
}

/**
 * Registers the suite hooks that start the backend and build `tinyConvModel(seed)` (freed after
 * the suite); returns the model, callable once the hooks ran.
 */
export function useTinyConvModel(seed: number): LogitsFn {
  let built: { model: LogitsFn; vars: tf.Tensor[] } | undefined;
  beforeAll(async () => {
    await initBackend({ quiet: true });
    built = tinyConvModel(seed);
  });
  afterAll(() => built?.vars.forEach((v) => v.dispose()));
  return (x) => {
    if (!built) throw new Error("useTinyConvModel: the model is built in beforeAll");
    return built.model(x);
  };
}

/** A linear LogitsFn z = flatten(x)·W + b. */
export function linearModel(seed: number, d: number, k = 10, scale = 1): { model: LogitsFn; vars: tf.Tensor[] } {
  const rng = new Rng(seed);
  const w = tf.tensor2d(rng.normalArray(d * k, 0, scale), [d, k]);
  const b = tf.tensor1d(rng.normalArray(k, 0, 0.1));
  const model: LogitsFn = (x) => tf.tidy(() => tf.add(tf.matMul(tf.reshape(x, [x.shape[0], -1]), w), b) as tf.Tensor2D);
  return { model, vars: [w, b] };
}

/** Random images in [0, 1] labelled with the model's own clean prediction (so all start correct), except `wrong` of them. */
export function selfLabelled(model: LogitsFn, n: number, dims: [number, number, number], seed: number, wrong = 0): { x: tf.Tensor4D; y: Int32Array } {
  const rng = new Rng(seed);
  const x = tf.tensor4d(rng.uniformArray(n * dims[0] * dims[1] * dims[2]), [n, ...dims]);
  const z = model(x);
  const pred = tf.argMax(z, 1);
  const y = Int32Array.from(pred.dataSync() as Int32Array);
  z.dispose();
  pred.dispose();
  const k = 10;
  for (let i = 0; i < wrong; i++) y[i] = (y[i]! + 1) % k;
  return { x, y };
}
