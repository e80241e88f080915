import * as tf from "@tensorflow/tfjs-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { relL2Error } from "@ebjdat/testing";
import { batchNormTrain, channelSum } from "./batch-norm-train";
import { nativeKernels, setNativeKernels } from "./native/addon";
import { cpuReferenceThenWasm, fill, withNativeKernels } from "./test-utils";

// Train-mode batch norm (+ leaky ReLU) on wasm, with the native kernels and with the TF.js
// composition, against the composition on the cpu backend (which sums in float64): outputs,
// moments and the gradients in x, γ and β of a weighted sum. Channel means of 5 (|μ|/σ ≈ 9) make
// a wrong rounding order or a float32 sum show.
const SHAPE: [number, number, number, number] = [8, 16, 16, 12];
const TOL = 2e-6;

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = a.length === b.length ? 0 : Infinity;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

interface Out {
  y: Float32Array;
  mean: Float32Array;
  variance: Float32Array;
  dx: Float32Array;
  dg: Float32Array;
  db: Float32Array;
}

function run(alpha: number): Out {
  return tf.tidy(() => {
    const n = SHAPE.reduce((a, b) => a * b, 1);
    const x = tf.tensor4d(fill(n, 21, 4, 6), SHAPE);
    const g = tf.tensor1d(fill(12, 22, 0.5, 1.5));
    const b = tf.tensor1d(fill(12, 23, -0.5, 0.5));
    const w = tf.tensor4d(fill(n, 24), SHAPE);
    const f = (xi: tf.Tensor, gi: tf.Tensor, bi: tf.Tensor) => {
      const r = batchNormTrain(xi as tf.Tensor4D, gi as tf.Tensor1D, bi as tf.Tensor1D, { eps: 1e-5, alpha });
      tf.dispose([r.mean, r.variance]);
      return tf.sum(tf.mul(r.y, w));
    };
    const [dx, dg, db] = tf.grads(f)([x, g, b]);
    const r = batchNormTrain(x, g, b, { eps: 1e-5, alpha });
    const data = (t: tf.Tensor) => t.dataSync() as Float32Array;
    return { y: data(r.y), mean: data(r.mean), variance: data(r.variance), dx: data(dx!), dg: data(dg!), db: data(db!) };
  });
}

describe("batchNormTrain (batch statistics, analytic gradient, optional leaky ReLU)", () => {
  let ref: Map<number, Out>;
  beforeAll(async () => {
    ref = await cpuReferenceThenWasm([0.2, 1], run);
  });
  afterAll(() => setNativeKernels(process.env.EBJDAT_NATIVE !== "0"));

  for (const native of [true, false]) {
    for (const alpha of [0.2, 1]) {
      it(`alpha ${alpha}, ${native ? "native kernels" : "TF.js composition"}: outputs, moments and gradients as on cpu`, async () => {
        const got = await withNativeKernels(native, () => run(alpha));
        if (!got) return;
        const r = ref.get(alpha)!;
        for (const k of ["y", "mean", "variance", "dx", "dg", "db"] as const) expect(relL2Error(got[k], r[k]), k).toBeLessThanOrEqual(TOL);
        if (alpha !== 1) expect(got.y.some((v) => v < 0)).toBe(true);
      });
    }
  }

  it("native kernels and the composition give the same floats on wasm (same staging and rounding)", () => {
    if (!nativeKernels().active) return;
    for (const alpha of [0.2, 1]) {
      setNativeKernels(true);
      const a = run(alpha);
      setNativeKernels(false);
      const b = run(alpha);
      setNativeKernels(process.env.EBJDAT_NATIVE !== "0");
      for (const k of ["y", "mean", "variance", "dx", "dg", "db"] as const) expect(maxAbsDiff(a[k], b[k]), `${k}, alpha ${alpha}`).toBeLessThanOrEqual(0);
    }
  });

  it("channelSum matches a float64 sum", () => {
    const data = fill(4 * 6 * 6 * 5, 7, -1, 3);
    const s = tf.tidy(() => channelSum(tf.tensor4d(data, [4, 6, 6, 5])).dataSync());
    const ref64 = [0, 0, 0, 0, 0];
    data.forEach((v, i) => (ref64[i % 5]! += v));
    expect(relL2Error(s, Float32Array.from(ref64))).toBeLessThan(1e-6);
  });

  it("refuses operands of the wrong shape and a bad eps, naming them", () => {
    const x = tf.zeros([2, 4, 4, 3]) as tf.Tensor4D;
    expect(() => batchNormTrain(x, tf.ones([4]), tf.zeros([3]), { eps: 1e-5, alpha: 1 })).toThrow(/gamma, beta of C values; got x \[2,4,4,3\], gamma \[4\]/);
    expect(() => batchNormTrain(x, tf.ones([3]), tf.zeros([3]), { eps: 0, alpha: 1 })).toThrow(/eps 0/);
  });

  it("leaves no tensor behind over many forward and backward passes", () => {
    const x = tf.tensor4d(fill(2 * 4 * 4 * 3, 5), [2, 4, 4, 3]);
    const g = tf.ones([3]) as tf.Tensor1D;
    const b = tf.zeros([3]) as tf.Tensor1D;
    const grad = tf.grad((xi: tf.Tensor) => {
      const r = batchNormTrain(xi as tf.Tensor4D, g, b, { eps: 1e-5, alpha: 0.2 });
      tf.dispose([r.mean, r.variance]);
      return tf.sum(r.y);
    });
    const before = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) grad(x).dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, g, b]);
  });
});
