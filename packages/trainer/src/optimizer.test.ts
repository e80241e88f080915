import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "@ebjdat/runtime";
import { Adam, Sgd } from "./optimizer";
import { learningRate } from "./schedule";

beforeAll(async () => {
  await initBackend({ backend: "cpu", quiet: true });
});

describe("Sgd", () => {
  it("follows PyTorch's momentum and weight-decay rule", () => {
    const v = tf.variable(tf.tensor1d([1, -2]), true, "w");
    const opt = new Sgd({ name: "sgd", lr: 0.1, momentum: 0.9, weightDecay: 0.01 });
    const g = tf.tensor1d([0.5, 0.25]);
    // step 1: g' = g + wd p = [0.51, 0.23]; b = g'; p = p - lr b
    opt.apply([v], { w: g }, 0.1);
    const p1 = [1 - 0.1 * 0.51, -2 - 0.1 * 0.23];
    const got1 = v.dataSync();
    expect(got1[0]).toBeCloseTo(p1[0]!, 6);
    expect(got1[1]).toBeCloseTo(p1[1]!, 6);
    // step 2: g'' = g + wd p1; b = 0.9 b + g''; p = p1 - lr b
    opt.apply([v], { w: g }, 0.1);
    const g2 = [0.5 + 0.01 * p1[0]!, 0.25 + 0.01 * p1[1]!];
    const b2 = [0.9 * 0.51 + g2[0]!, 0.9 * 0.23 + g2[1]!];
    const p2 = [p1[0]! - 0.1 * b2[0]!, p1[1]! - 0.1 * b2[1]!];
    const got = v.dataSync();
    expect(got[0]).toBeCloseTo(p2[0]!, 6);
    expect(got[1]).toBeCloseTo(p2[1]!, 6);
    opt.dispose();
    v.dispose();
    g.dispose();
  });

  it("round-trips its state", () => {
    const v = tf.variable(tf.tensor1d([1, 2]), true, "s");
    const opt = new Sgd({ name: "sgd", lr: 0.1, momentum: 0.9, weightDecay: 0 });
    const g = tf.tensor1d([1, 1]);
    opt.apply([v], { s: g }, 0.1);
    const state = opt.getState();
    const opt2 = new Sgd({ name: "sgd", lr: 0.1, momentum: 0.9, weightDecay: 0 });
    opt2.setState(state);
    const v2 = tf.variable(v.clone(), true, "s2");
    opt.apply([v], { s: g }, 0.1);
    opt2.apply([v2], { s2: g }, 0.1);
    // slot keys are per variable name: opt2 has a slot for 's', not 's2', so compare via state
    expect(opt2.getState().step).toBe(2);
    opt.dispose();
    opt2.dispose();
    v.dispose();
    v2.dispose();
    g.dispose();
  });
});

describe("Adam", () => {
  it("matches the bias-corrected update", () => {
    const v = tf.variable(tf.tensor1d([1]), true, "a");
    const opt = new Adam({ name: "adam", lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 });
    const g = tf.tensor1d([2]);
    opt.apply([v], { a: g }, 0.01);
    // first step: m̂ = g, v̂ = g², update = lr·g/(|g|+eps) ≈ lr
    expect(v.dataSync()[0]).toBeCloseTo(1 - 0.01, 6);
    opt.dispose();
    v.dispose();
    g.dispose();
  });

  it("keeps the tensor count flat", () => {
    const v = tf.variable(tf.tensor1d([1, 2, 3]), true, "flat");
    const opt = new Adam({ name: "adam", lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 1e-4 });
    const g = tf.tensor1d([1, 2, 3]);
    opt.apply([v], { flat: g }, 0.01);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 50; i++) opt.apply([v], { flat: g }, 0.01);
    expect(tf.memory().numTensors).toBe(before);
    opt.dispose();
    v.dispose();
    g.dispose();
  });
});

describe("learningRate", () => {
  it("warms up linearly from 0 then decays at the given epochs", () => {
    const s = { warmupIters: 10, decayEpochs: [2, 4], decayRate: 0.2 };
    expect(learningRate(0.1, s, 0, 0)).toBe(0);
    expect(learningRate(0.1, s, 5, 0)).toBeCloseTo(0.05);
    expect(learningRate(0.1, s, 11, 1)).toBeCloseTo(0.1);
    expect(learningRate(0.1, s, 100, 2)).toBeCloseTo(0.02);
    expect(learningRate(0.1, s, 200, 5)).toBeCloseTo(0.004);
  });
});
