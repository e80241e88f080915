import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "@ebjdat/runtime";
import { crossEntropy, dlrLoss, dlrTargetedLoss } from "./losses";

beforeAll(async () => {
  await initBackend({ quiet: true });
});

const z = [
  [3, 1, 0.5, -1, 2],
  [0, 4, 1, 2, -2],
];

describe("losses (spec 7.3)", () => {
  it("DLR matches the hand-computed value", () => {
    // row 0: y=0 is argmax: -(3 - 2)/(3 - 1) = -0.5; row 1: y=2 not argmax: -(1 - 4)/(4 - 1) = 1
    const v = tf.tidy(() => dlrLoss(tf.tensor2d(z), tf.tensor1d([0, 2], "int32")).arraySync());
    expect(v[0]).toBeCloseTo(-0.5, 6);
    expect(v[1]).toBeCloseTo(1, 6);
  });
  it("targeted DLR matches the hand-computed value", () => {
    // row 0: y=0, t=4: -(3-2)/(3 - (1+0.5)/2) = -1/2.25; row 1: y=1, t=3: -(4-2)/(4 - (1+0)/2) = -2/3.5
    const v = tf.tidy(() => dlrTargetedLoss(tf.tensor2d(z), tf.tensor1d([0, 1], "int32"), tf.tensor1d([4, 3], "int32")).arraySync());
    expect(v[0]).toBeCloseTo(-1 / 2.25, 6);
    expect(v[1]).toBeCloseTo(-2 / 3.5, 6);
  });
  it("CE is logsumexp minus the true logit", () => {
    const v = tf.tidy(() => crossEntropy(tf.tensor2d(z), tf.tensor1d([0, 3], "int32"), "none").arraySync());
    const lse = (r: number[]): number => Math.log(r.reduce((a, b) => a + Math.exp(b), 0));
    expect(v[0]).toBeCloseTo(lse(z[0]!) - 3, 5);
    expect(v[1]).toBeCloseTo(lse(z[1]!) - 2, 5);
  });
  it("CE with reduction 'mean' is the batch mean of the per-sample CE, = -mean log softmax(z)[y] (spec 9.1)", () => {
    const [none, mean, logSoftmax] = tf.tidy(() => {
      const zt = tf.tensor2d(z);
      const yt = tf.tensor1d([0, 3], "int32");
      const picked = tf.sum(tf.mul(tf.logSoftmax(zt), tf.oneHot(yt, 5)), 1);
      return [crossEntropy(zt, yt, "none").dataSync(), crossEntropy(zt, yt, "mean").dataSync(), tf.neg(tf.mean(picked)).dataSync()];
    });
    expect(mean.length).toBe(1);
    expect(mean[0]).toBeCloseTo((none[0]! + none[1]!) / 2, 6);
    expect(Math.abs(mean[0]! - logSoftmax[0]!)).toBeLessThanOrEqual(1e-6);
  });
  it("DLR gradient flows only through z_y, the max other, z_π1 and z_π3", () => {
    const g = tf.tidy(() => tf.grad((t: tf.Tensor) => tf.sum(dlrLoss(t as tf.Tensor2D, tf.tensor1d([2], "int32"))))(tf.tensor2d([z[1]!])).arraySync()) as number[][];
    // y=2 (1), max other = z1 (4) = π1, π3 = z2 (1) = z_y. loss = -(z2 - z1)/(z1 - z2)= 1 constant → zero grads
    for (const v of g[0]!) expect(Math.abs(v)).toBeLessThan(1e-6);
    const g2 = tf.tidy(() => tf.grad((t: tf.Tensor) => tf.sum(dlrLoss(t as tf.Tensor2D, tf.tensor1d([0], "int32"))))(tf.tensor2d([z[0]!])).arraySync()) as number[][];
    // loss = -(z0 - z4)/(z0 - z1): nonzero on indices 0, 4, 1 only
    expect(g2[0]![2]).toBe(0);
    expect(g2[0]![3]).toBe(0);
    expect(Math.abs(g2[0]![4]!)).toBeCloseTo(0.5, 5);
  });
});
