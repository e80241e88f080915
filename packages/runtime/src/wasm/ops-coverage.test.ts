import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../backend";
import { maxAbsRelError } from "@ebjdat/testing";
import { fill } from "../test-utils";

// Every op a WRN training step, an input gradient and a Langevin step use: value and gradient
// on wasm equal the cpu backend's to max|a−r| / (1 + max|r|) ≤ 1e-4.
const TOL = 1e-4;

type Op = (x: tf.Tensor) => tf.Tensor;
interface OpCase {
  name: string;
  shape: number[];
  f: Op;
  /** Input range (default [-1, 1]). */
  range?: [number, number];
  /** No gradient (integer or piecewise-constant outputs). */
  noGrad?: boolean;
}

const c = (vals: number[], shape?: number[]): tf.Tensor => tf.tensor(vals, shape);
const x4: number[] = [2, 6, 6, 3];

const OPS: OpCase[] = [
  { name: "add (broadcast)", shape: [4, 3], f: (x) => tf.add(x, c([0.5, -1, 2])) },
  { name: "sub", shape: [4, 3], f: (x) => tf.sub(c([1, 2, 3]), x) },
  { name: "mul (broadcast)", shape: [4, 3], f: (x) => tf.mul(x, c([0.5, -1, 2])) },
  { name: "div", shape: [4, 3], f: (x) => tf.div(x, tf.add(tf.square(x), 1)) },
  { name: "leakyRelu 0.2", shape: [4, 5], f: (x) => tf.leakyRelu(x, 0.2) },
  { name: "prelu", shape: [4, 3], f: (x) => tf.prelu(x, c([0.1, 0.2, 0.3])) },
  { name: "relu", shape: [4, 5], f: (x) => tf.relu(x) },
  { name: "pad", shape: x4, f: (x) => tf.pad(x, [[0, 0], [1, 2], [2, 1], [0, 0]]) },
  { name: "mirrorPad reflect", shape: x4, f: (x) => tf.mirrorPad(x, [[0, 0], [2, 2], [2, 2], [0, 0]], "reflect") },
  { name: "mean over axes", shape: x4, f: (x) => tf.mean(x, [1, 2]) },
  { name: "sum", shape: x4, f: (x) => tf.sum(x, 0) },
  { name: "moments", shape: x4, f: (x) => {
    const m = tf.moments(x, [0, 1, 2]);
    return tf.concat([m.mean, m.variance]);
  } },
  { name: "square / sqrt / rsqrt", shape: [4, 3], range: [0.5, 2], f: (x) => tf.add(tf.add(tf.square(x), tf.sqrt(x)), tf.rsqrt(x)) },
  { name: "squaredDifference", shape: [4, 3], f: (x) => tf.squaredDifference(x, c([0.1, 0.2, 0.3])) },
  { name: "reshape / transpose", shape: x4, f: (x) => tf.transpose(tf.reshape(x, [2, 36, 3]), [2, 0, 1]) },
  { name: "matMul", shape: [4, 3], f: (x) => tf.matMul(x, c(Array.from(fill(15, 9)), [3, 5])) },
  { name: "matMul transposed", shape: [3, 4], f: (x) => tf.matMul(x, c(Array.from(fill(15, 9)), [5, 3]), true, true) },
  { name: "softmax", shape: [4, 10], f: (x) => tf.softmax(x) },
  { name: "logSoftmax", shape: [4, 10], f: (x) => tf.logSoftmax(x) },
  { name: "logSumExp", shape: [4, 10], f: (x) => tf.logSumExp(x, 1) },
  { name: "max / min", shape: [4, 10], f: (x) => tf.add(tf.max(x, 1), tf.min(x, 1)) },
  { name: "gather rows (UnsortedSegmentSum)", shape: [4, 3], f: (x) => tf.gather(x, tf.tensor1d([2, 0, 2, 3], "int32")) },
  { name: "gather axis 1", shape: [4, 5], f: (x) => tf.gather(x, tf.tensor1d([4, 4, 1], "int32"), 1) },
  { name: "oneHot · logits (CE)", shape: [4, 10], f: (x) => tf.sum(tf.mul(tf.oneHot(tf.tensor1d([1, 3, 9, 0], "int32"), 10), tf.logSoftmax(x)), 1) },
  { name: "sign", shape: [4, 3], f: (x) => tf.mul(tf.sign(x), x) },
  { name: "clipByValue", shape: [4, 5], f: (x) => tf.clipByValue(x, -0.3, 0.4) },
  { name: "maximum / minimum", shape: [4, 5], f: (x) => tf.add(tf.maximum(x, 0.1), tf.minimum(x, c([0, 0.2, -0.2, 0.5, -1]))) },
  { name: "where / greater", shape: [4, 5], f: (x) => tf.where(tf.greater(x, 0), tf.mul(x, 2), tf.mul(x, -3)) },
  { name: "exp / log / neg / abs", shape: [4, 3], range: [0.2, 2], f: (x) => tf.add(tf.exp(tf.neg(x)), tf.mul(tf.log(x), tf.abs(x))) },
  { name: "sigmoid / tanh / softplus", shape: [4, 3], f: (x) => tf.add(tf.add(tf.sigmoid(x), tf.tanh(x)), tf.softplus(x)) },
  { name: "concat / slice / tile", shape: [4, 3], f: (x) => tf.tile(tf.concat([tf.slice(x, [1, 0], [2, 3]), x], 0), [1, 2]) },
  { name: "stridedSlice / reverse", shape: x4, f: (x) => tf.reverse(tf.stridedSlice(x, [0, 1, 0, 0], [2, 6, 6, 3], [1, 2, 2, 1]), 2) },
  { name: "stridedSlice shrink + negative stride", shape: [4, 6, 3], f: (x) => tf.stridedSlice(x, [1, 5, 0], [3, 0, 2], [1, -2, 1], 0, 0, 0, 0, 4) },
  { name: "gatherND", shape: [4, 3], f: (x) => tf.gatherND(x, tf.tensor2d([[0, 1], [3, 2], [0, 1]], [3, 2], "int32")) },
  { name: "where(less / equal / logicalAnd)", shape: [4, 5], f: (x) => tf.where(tf.logicalAnd(tf.less(x, 0.5), tf.notEqual(x, 0)), tf.square(x), x) },
  { name: "avgPool 8x8 (WRN head)", shape: [2, 8, 8, 3], f: (x) => tf.avgPool(x as tf.Tensor4D, 8, 8, "valid") },
  { name: "avgPool 3x3 s2 same", shape: x4, f: (x) => tf.avgPool(x as tf.Tensor4D, 3, 2, "same") },
  { name: "maxPool 2x2, all windows ≤ 0", shape: x4, range: [-2, -0.1], f: (x) => tf.maxPool(x as tf.Tensor4D, 2, 2, "valid") },
  { name: "maxPool 3x3 s2 same, mixed sign", shape: x4, f: (x) => tf.maxPool(x as tf.Tensor4D, 3, 2, "same") },
  { name: "maxPool 3x3 s1 same, zeros", shape: x4, range: [-1, 0], f: (x) => tf.maxPool(tf.relu(tf.add(x, 0.5)) as tf.Tensor4D, 3, 1, "same") },
  { name: "depthwiseConv2d s1 same", shape: x4, f: (x) => tf.depthwiseConv2d(x as tf.Tensor4D, c(Array.from(fill(54, 5)), [3, 3, 3, 2]) as tf.Tensor4D, 1, "same") },
  { name: "depthwiseConv2d s2 valid", shape: x4, f: (x) => tf.depthwiseConv2d(x as tf.Tensor4D, c(Array.from(fill(27, 6)), [3, 3, 3, 1]) as tf.Tensor4D, 2, "valid") },
  { name: "batchNorm", shape: x4, f: (x) => tf.batchNorm(x, c([0.1, 0.2, 0.3]), c([1, 2, 0.5]), c([0, 1, -1]), c([1, 0.5, 2]), 1e-5) },
  { name: "cast / greater (no grad)", shape: [4, 3], noGrad: true, f: (x) => tf.cast(tf.greater(x, 0), "float32") },
  { name: "argMax (no grad)", shape: [4, 10], noGrad: true, f: (x) => tf.cast(tf.argMax(x, 1), "float32") },
];

interface Result {
  y: Float32Array;
  g?: Float32Array;
}

function evaluate(op: OpCase, i: number): Result {
  return tf.tidy(() => {
    const [lo, hi] = op.range ?? [-1, 1];
    const size = op.shape.reduce((a, b) => a * b, 1);
    const x = tf.tensor(fill(size, 100 + i, lo, hi), op.shape);
    const y = op.f(x);
    if (op.noGrad) return { y: y.dataSync() as Float32Array };
    const w = tf.tensor(fill(y.size, 200 + i), y.shape);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(op.f(t), w)))(x);
    return { y: y.dataSync() as Float32Array, g: g.dataSync() as Float32Array };
  });
}

describe("ops a WRN step / input gradient / Langevin step need: wasm equals cpu", () => {
  const ref: Result[] = [];
  beforeAll(async () => {
    await initBackend({ backend: "cpu", quiet: true });
    OPS.forEach((op, i) => ref.push(evaluate(op, i)));
    await initBackend({ backend: "wasm", quiet: true });
  });

  OPS.forEach((op, i) => {
    it(op.name, () => {
      expect(tf.getBackend()).toBe("wasm");
      const got = evaluate(op, i);
      expect(maxAbsRelError(got.y, ref[i]!.y)).toBeLessThan(TOL);
      if (!op.noGrad) expect(maxAbsRelError(got.g!, ref[i]!.g!)).toBeLessThan(TOL);
    });
  });
});

describe("Sign on wasm", () => {
  it("gives ±1 for tiny nonzero values, like the cpu backend and torch.sign", async () => {
    await initBackend({ backend: "wasm", quiet: true });
    const a = tf.tensor1d([-1e-30, 1e-30, 0, -0, 1e-40, -1e-40, 3, -2, Number.NaN, 5e-8]);
    const got = Array.from(tf.sign(a).dataSync());
    a.dispose();
    expect(got).toEqual([-1, 1, 0, 0, 1, -1, 1, -1, 0, 1]);
  });
});
