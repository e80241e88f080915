import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { channelSum, initBackend, Rng } from "@ebjdat/runtime";
import { relL2Error } from "@ebjdat/testing";
import { BatchNorm2d } from "./batch-norm";

/** Float64 per-channel statistics of NHWC data. */
function stats64(data: Float32Array, c: number): { mean: number[]; varB: number[]; n: number } {
  const n = data.length / c;
  const mean = new Array<number>(c).fill(0);
  const varB = new Array<number>(c).fill(0);
  for (let i = 0; i < data.length; i++) mean[i % c]! += data[i]!;
  for (let k = 0; k < c; k++) mean[k]! /= n;
  for (let i = 0; i < data.length; i++) varB[i % c]! += (data[i]! - mean[i % c]!) ** 2;
  for (let k = 0; k < c; k++) varB[k]! /= n;
  return { mean, varB, n };
}

describe("BatchNorm2d (PyTorch semantics, spec 0.2)", () => {
  const C = 5;
  const shape: [number, number, number, number] = [4, 6, 6, C];
  let bn: BatchNorm2d;
  let xData: Float32Array;
  let x: tf.Tensor4D;

  beforeAll(async () => {
    await initBackend({ quiet: true });
    const rng = new Rng(3);
    xData = rng.uniformArray(shape.reduce((a, b) => a * b), -1, 3);
    x = tf.tensor4d(xData, shape);
    bn = new BatchNorm2d(C, { momentum: 0.9, eps: 1e-5 }, "bn-test");
    bn.weight.assign(tf.tensor1d([0.5, 1, 1.5, 2, 0.7]));
    bn.bias.assign(tf.tensor1d([0.1, -0.2, 0.3, 0, 0.05]));
    bn.runningMean.assign(tf.tensor1d([0.2, 0.1, -0.1, 0, 0.3]));
    bn.runningVar.assign(tf.tensor1d([1.5, 0.5, 2, 1, 0.8]));
  });

  it("channelSum matches a float64 sum", () => {
    const s = channelSum(x);
    const ref = stats64(xData, C).mean.map((m) => m * (xData.length / C));
    expect(relL2Error(s.dataSync(), ref)).toBeLessThan(1e-6);
    s.dispose();
  });

  it("eval normalises with the running statistics and changes nothing", () => {
    const g = bn.weight.dataSync();
    const b = bn.bias.dataSync();
    const rm = bn.runningMean.dataSync();
    const rv = bn.runningVar.dataSync();
    const y = bn.apply(x, "eval");
    const yd = y.dataSync();
    const ref = Array.from(xData, (v, i) => ((v - rm[i % C]!) / Math.sqrt(rv[i % C]! + 1e-5)) * g[i % C]! + b[i % C]!);
    expect(relL2Error(yd, ref)).toBeLessThan(1e-6);
    expect(bn.numBatchesTracked).toBe(0);
    y.dispose();
  });

  it("train uses the biased batch variance and updates running stats with the unbiased one", () => {
    const rm0 = Array.from(bn.runningMean.dataSync());
    const rv0 = Array.from(bn.runningVar.dataSync());
    const g = bn.weight.dataSync();
    const b = bn.bias.dataSync();
    const { mean, varB, n } = stats64(xData, C);
    const y = bn.apply(x, "train");
    const ref = Array.from(xData, (v, i) => ((v - mean[i % C]!) / Math.sqrt(varB[i % C]! + 1e-5)) * g[i % C]! + b[i % C]!);
    expect(relL2Error(y.dataSync(), ref)).toBeLessThan(1e-6);
    y.dispose();
    const wantMean = rm0.map((r, k) => 0.1 * r + 0.9 * mean[k]!);
    const wantVar = rv0.map((r, k) => 0.1 * r + 0.9 * varB[k]! * (n / (n - 1)));
    expect(relL2Error(bn.runningMean.dataSync(), wantMean)).toBeLessThan(1e-6);
    expect(relL2Error(bn.runningVar.dataSync(), wantVar)).toBeLessThan(1e-6);
    expect(bn.numBatchesTracked).toBe(1);
  });

  it("train-frozen uses batch statistics, keeps running stats, still counts the batch", () => {
    const rm0 = Array.from(bn.runningMean.dataSync());
    const rv0 = Array.from(bn.runningVar.dataSync());
    const before = bn.numBatchesTracked;
    const yTrain = tf.tidy(() => {
      const probe = new BatchNorm2d(C, { momentum: 0.9, eps: 1e-5 }, "bn-probe");
      probe.weight.assign(bn.weight);
      probe.bias.assign(bn.bias);
      const out = probe.apply(x, "train");
      probe.dispose();
      return out;
    });
    const y = bn.apply(x, "train-frozen");
    expect(relL2Error(y.dataSync(), yTrain.dataSync())).toBeLessThan(1e-7);
    expect(Array.from(bn.runningMean.dataSync())).toEqual(rm0);
    expect(Array.from(bn.runningVar.dataSync())).toEqual(rv0);
    expect(bn.numBatchesTracked).toBe(before + 1);
    tf.dispose([y, yTrain]);
  });

  it("gradients flow through the batch statistics in train mode", () => {
    const rng = new Rng(9);
    const rData = rng.uniformArray(xData.length, -1, 1);
    const r = tf.tensor4d(rData, shape);
    const dx = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(bn.apply(xx as tf.Tensor4D, "train-frozen"), r)))(x);
    // Analytic BN backward in float64: dx = γ·invstd/n · (n·dy − Σdy − x̂·Σ(dy·x̂)).
    const { mean, varB, n } = stats64(xData, C);
    const g = bn.weight.dataSync();
    const sumDy = new Array<number>(C).fill(0);
    const sumDyXh = new Array<number>(C).fill(0);
    const xh = Array.from(xData, (v, i) => (v - mean[i % C]!) / Math.sqrt(varB[i % C]! + 1e-5));
    for (let i = 0; i < xData.length; i++) {
      sumDy[i % C]! += rData[i]!;
      sumDyXh[i % C]! += rData[i]! * xh[i]!;
    }
    const ref = Array.from(xData, (_v, i) => {
      const k = i % C;
      return ((g[k]! / Math.sqrt(varB[k]! + 1e-5)) / n) * (n * rData[i]! - sumDy[k]! - xh[i]! * sumDyXh[k]!);
    });
    expect(relL2Error(dx.dataSync(), ref)).toBeLessThan(1e-5);
    // parameter gradients through tf.variableGrads: dγ = Σ dy·x̂, dβ = Σ dy
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(bn.apply(x, "train-frozen"), r)) as tf.Scalar, [bn.weight, bn.bias]);
    expect(relL2Error(grads[bn.weight.name]!.dataSync(), sumDyXh)).toBeLessThan(1e-5);
    expect(relL2Error(grads[bn.bias.name]!.dataSync(), sumDy)).toBeLessThan(1e-5);
    tf.dispose([r, dx, value, ...Object.values(grads)]);
  });

  it("rejects bad input and bad modes", () => {
    expect(() => bn.apply(tf.zeros([2, 4, 4, 3]) as tf.Tensor4D, "eval")).toThrow(/5 channels/);
    expect(() => bn.apply(x, "training" as "train")).toThrow(/Unknown mode 'training'/);
  });
});
