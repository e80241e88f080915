import * as tf from "@tensorflow/tfjs-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { maxAbsRelError } from "@ebjdat/testing";
import { affineLeakyRelu } from "./affine-leaky-relu";
import { setNativeKernels } from "./native/addon";
import { cpuReferenceThenWasm, fill, withNativeKernels } from "./test-utils";

// The fused eval-BN + leaky ReLU on wasm (native kernel, and wasm's own kernels composing it with
// the addon off) against the composition on the cpu backend: values, and the gradients in x, scale and shift
// of a weighted sum. One rounding (fmaf) instead of two: ≤ 1e-6 relative.
const TOL = 1e-6;
const SHAPE: [number, number, number, number] = [3, 8, 9, 16];

interface Out {
  y: Float32Array;
  dx: Float32Array;
  ds: Float32Array;
  dt: Float32Array;
}

function run(alpha: number): Out {
  return tf.tidy(() => {
    const x = tf.tensor(fill(3 * 8 * 9 * 16, 3), SHAPE) as tf.Tensor4D;
    const s = tf.tensor1d(fill(16, 4, -2, 2));
    const t = tf.tensor1d(fill(16, 5));
    const w = tf.tensor(fill(3 * 8 * 9 * 16, 6), SHAPE);
    const f = (xi: tf.Tensor, si: tf.Tensor, ti: tf.Tensor) => tf.sum(tf.mul(affineLeakyRelu(xi as tf.Tensor4D, si, ti, alpha), w));
    const [dx, ds, dt] = tf.grads(f)([x, s, t]);
    return { y: affineLeakyRelu(x, s, t, alpha).dataSync() as Float32Array, dx: dx!.dataSync() as Float32Array, ds: ds!.dataSync() as Float32Array, dt: dt!.dataSync() as Float32Array };
  });
}

describe("affineLeakyRelu (eval-mode batch norm + leaky ReLU in one pass)", () => {
  let ref: Map<number, Out>;
  beforeAll(async () => {
    ref = await cpuReferenceThenWasm([0.2, 1], run);
  });
  afterAll(() => setNativeKernels(process.env.EBJDAT_NATIVE !== "0"));

  for (const native of [true, false]) {
    for (const alpha of [0.2, 1]) {
      it(`alpha ${alpha}, ${native ? "native kernel" : "TF.js composition"}: values and gradients as the composition on cpu`, async () => {
        const got = await withNativeKernels(native, () => run(alpha));
        if (!got) return;
        const r = ref.get(alpha)!;
        for (const k of ["y", "dx", "ds", "dt"] as const) expect(maxAbsRelError(got[k], r[k]), k).toBeLessThanOrEqual(TOL * (k === "ds" || k === "dt" ? 10 : 1));
        // the negative part is scaled by alpha: some outputs must be negative for alpha < 1 to be tested
        if (alpha !== 1) expect(got.y.some((v) => v < 0)).toBe(true);
      });
    }
  }

  it("refuses per-channel operands of the wrong size, naming the shapes", () => {
    const x = tf.zeros([2, 4, 4, 3]) as tf.Tensor4D;
    expect(() => affineLeakyRelu(x, tf.ones([4]), tf.zeros([3]), 0.2)).toThrow(/scale, shift of C values; got x \[2,4,4,3\], scale \[4\]/);
    expect(() => affineLeakyRelu(x, tf.ones([3]), tf.zeros([3]), Number.NaN)).toThrow(/alpha NaN/);
  });

  it("leaves no tensor behind over many forward and backward passes", () => {
    const x = tf.tensor(fill(3 * 8 * 9 * 16, 3), SHAPE) as tf.Tensor4D;
    const s = tf.ones([16]);
    const t = tf.zeros([16]);
    const g = tf.grad((xi: tf.Tensor) => tf.sum(affineLeakyRelu(xi as tf.Tensor4D, s, t, 0.2)));
    const before = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) g(x).dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, s, t]);
  });
});
