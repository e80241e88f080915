import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../backend";
import { maxAbsRelError } from "@ebjdat/testing";
import { fill } from "../test-utils";

// A small pre-activation WRN-like block: conv+bias, batch-stat BN from tf ops, leakyRelu 0.2,
// strided conv, 1x1 strided shortcut, global mean, dense, softmax cross-entropy. Its loss, input
// gradient and parameter gradients on wasm equal cpu's to max|a−r| / (1 + max|r|) ≤ 1e-4.
const TOL = 1e-4;
const N = 4;

interface Params {
  w1: tf.Tensor4D;
  b1: tf.Tensor1D;
  gamma: tf.Tensor1D;
  beta: tf.Tensor1D;
  w2: tf.Tensor4D;
  b2: tf.Tensor1D;
  ws: tf.Tensor4D;
  wd: tf.Tensor2D;
  bd: tf.Tensor1D;
}

function makeParams(): Params {
  return {
    w1: tf.tensor4d(fill(3 * 3 * 3 * 8, 1, -0.4, 0.4), [3, 3, 3, 8]),
    b1: tf.tensor1d(fill(8, 2, -0.1, 0.1)),
    gamma: tf.tensor1d(fill(8, 3, 0.5, 1.5)),
    beta: tf.tensor1d(fill(8, 4, -0.2, 0.2)),
    w2: tf.tensor4d(fill(3 * 3 * 8 * 16, 5, -0.2, 0.2), [3, 3, 8, 16]),
    b2: tf.tensor1d(fill(16, 6, -0.1, 0.1)),
    ws: tf.tensor4d(fill(3 * 16, 7, -0.5, 0.5), [1, 1, 3, 16]),
    wd: tf.tensor2d(fill(16 * 10, 8, -0.3, 0.3), [16, 10]),
    bd: tf.tensor1d(fill(10, 9, -0.1, 0.1)),
  };
}

const KEYS = ["w1", "b1", "gamma", "beta", "w2", "b2", "ws", "wd", "bd"] as const;

function loss(x: tf.Tensor4D, p: Params, labels: tf.Tensor1D): tf.Scalar {
  const h1 = tf.add(tf.conv2d(x, p.w1, 1, "same"), p.b1);
  const { mean, variance } = tf.moments(h1, [0, 1, 2]);
  const bn = tf.add(tf.mul(tf.mul(tf.sub(h1, mean), tf.rsqrt(tf.add(variance, 1e-5))), p.gamma), p.beta);
  const a1 = tf.leakyRelu(bn, 0.2);
  const h2 = tf.leakyRelu(tf.add(tf.conv2d(a1 as tf.Tensor4D, p.w2, 2, "same"), p.b2), 0.2);
  const out = tf.add(h2, tf.conv2d(x, p.ws, 2, "same"));
  const pooled = tf.mean(out, [1, 2]);
  const logits = tf.add(tf.matMul(pooled as tf.Tensor2D, p.wd), p.bd);
  const ce = tf.neg(tf.sum(tf.mul(tf.oneHot(labels, 10), tf.logSoftmax(logits)), 1));
  return tf.mean(ce) as tf.Scalar;
}

function gradients(): Float32Array[] {
  return tf.tidy(() => {
    const x = tf.tensor4d(fill(N * 8 * 8 * 3, 10, 0, 1), [N, 8, 8, 3]);
    const labels = tf.tensor1d([3, 1, 9, 0], "int32");
    const p = makeParams();
    const f = (xx: tf.Tensor, ...ps: tf.Tensor[]): tf.Scalar => {
      const q = Object.fromEntries(KEYS.map((k, i) => [k, ps[i]])) as unknown as Params;
      return loss(xx as tf.Tensor4D, q, labels);
    };
    const { value, grads } = tf.valueAndGrads(f)([x, ...KEYS.map((k) => p[k])]);
    return [value.dataSync() as Float32Array, ...grads.map((g) => g.dataSync() as Float32Array)];
  });
}

describe("WRN-like block on wasm", () => {
  let ref: Float32Array[];
  beforeAll(async () => {
    await initBackend({ backend: "cpu", quiet: true });
    ref = gradients();
    await initBackend({ backend: "wasm", quiet: true });
  });

  it("loss, input gradient and every parameter gradient equal cpu's", () => {
    const got = gradients();
    const names = ["loss", "x", ...KEYS];
    got.forEach((g, i) => {
      const err = maxAbsRelError(g, ref[i]!);
      expect(err, `${names[i]}: ${err}`).toBeLessThan(TOL);
    });
  });

  it("keeps tf.memory().numTensors flat over many gradient steps", () => {
    const step = (): void => {
      const g = gradients();
      expect(g.length).toBe(KEYS.length + 2);
      tf.tidy(() => {
        // Also gather and max-pool gradients (custom kernels) in the loop.
        const x = tf.tensor4d(fill(2 * 4 * 4 * 2, 11), [2, 4, 4, 2]);
        tf.grad((t: tf.Tensor) => tf.sum(tf.gather(tf.maxPool(t as tf.Tensor4D, 2, 2, "same"), tf.tensor1d([1, 1, 0], "int32"))))(x).dataSync();
      });
    };
    step();
    const before = tf.memory().numTensors;
    const bytes = tf.memory().numBytes;
    const buffers = tf.memory().numDataBuffers; // backend-level: catches intermediates of composed kernels
    for (let i = 0; i < 25; i++) step();
    expect(tf.memory().numTensors).toBe(before);
    expect(tf.memory().numBytes).toBe(bytes);
    expect(tf.memory().numDataBuffers).toBe(buffers);
  });
});
