import * as tf from "@tensorflow/tfjs-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initBackend, Rng } from "@ebjdat/runtime";
import { chainStep, runChain, sampleQ } from "./chain";
import { samplerConfig } from "./config";
import { gaussianMixtureLogits, tinyConvNet } from "./fixtures/models";
import { ReplayBuffer } from "./replay-buffer";
import { uniformInit } from "./initializer";
import type { BnMode } from "@ebjdat/runtime";

beforeAll(async () => {
  await initBackend({ quiet: true });
});

function moments(x: Float32Array, d: number): { mean: number[]; variance: number[] } {
  const n = x.length / d;
  const mean = new Array<number>(d).fill(0);
  const variance = new Array<number>(d).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += x[i * d + j]! / n;
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) variance[j]! += (x[i * d + j]! - mean[j]!) ** 2 / n;
  return { mean, variance };
}

describe("SGLD on a closed-form energy", () => {
  // exp(LSE f(x)) ∝ 0.8 N(+0.75·1, I) + 0.2 N(-0.75·1, I) in 2 dimensions:
  // mean 0.8·0.75 - 0.2·0.75 = 0.45, variance 1 + 0.75² - 0.45² = 1.36 per coordinate.
  const m = 0.75;
  const fn = gaussianMixtureLogits([[m, m], [-m, -m]], 1, [0.8, 0.2]);
  // Langevin: x ← x + η ∇log p + sqrt(2η) ξ targets p. With η = 0.05 the relaxation time is
  // ~1/η = 20 steps (200 steps: e^-10 of the start remains) and the step biases the variance by
  // ~η/2 = 2.5% (0.034). Tolerances: 4 standard errors of 4000 independent chains
  // (mean: 4·sqrt(1.36/4000) = 0.074; variance: 4·1.36·sqrt(2/4000) = 0.12) plus that bias.
  const eta = 0.05;
  const cfg = samplerConfig("jem", { stepSize: eta, noiseStd: Math.sqrt(2 * eta), nSteps: 200 });
  const chains = 4000;

  it("unconditional samples match the mixture's mean (±0.075) and variance (±0.16)", () => {
    const rng = new Rng(11);
    const x0 = rng.uniform<tf.Rank.R4>([chains, 1, 1, 2], -1, 1);
    const x = runChain(fn, x0, cfg, rng);
    const { mean, variance } = moments(x.dataSync() as Float32Array, 2);
    tf.dispose([x0, x]);
    for (let j = 0; j < 2; j++) {
      expect(Math.abs(mean[j]! - 0.45)).toBeLessThan(0.075);
      expect(Math.abs(variance[j]! - 1.36)).toBeLessThan(0.16);
    }
  });

  it("conditional samples (ascending f[y]) match component y: mean -0.75 (±0.065), variance 1 (±0.12)", () => {
    const rng = new Rng(12);
    const x0 = rng.uniform<tf.Rank.R4>([chains, 1, 1, 2], -1, 1);
    const y = new Int32Array(chains).fill(1);
    const x = runChain(fn, x0, cfg, rng, { y });
    const { mean, variance } = moments(x.dataSync() as Float32Array, 2);
    tf.dispose([x0, x]);
    for (let j = 0; j < 2; j++) {
      // 4 standard errors (0.063, 0.089) plus the step bias (0.025)
      expect(Math.abs(mean[j]! + 0.75)).toBeLessThan(0.065);
      expect(Math.abs(variance[j]! - 1)).toBeLessThan(0.12);
    }
  });
});

describe("update rules", () => {
  it("SADA-JEM sgld-clip: clamp(x + lr·clip(g, ±1), -1, 1), no noise, BN train", () => {
    const net = tinyConvNet(5);
    const x = new Rng(1).uniform<tf.Rank.R4>([3, 6, 6, 3], -1, 1);
    const cfg = samplerConfig("sadajem", { stepSize: 0.3 });
    const out = chainStep(net.fn, x, cfg, new Rng(1));
    const ref = tf.tidy(() => {
      const g = tf.grad((v: tf.Tensor) => tf.sum(tf.logSumExp(net.fn(v as tf.Tensor4D, "train"), 1)))(x);
      return tf.clipByValue(tf.add(x, tf.mul(tf.clipByValue(g, -1, 1), 0.3)), -1, 1);
    });
    expect(tf.max(tf.abs(tf.sub(out, ref))).dataSync()[0]).toBeLessThan(1e-6);
    expect(net.modes.every((mm: BnMode) => mm === "train")).toBe(true);
    tf.dispose([x, out, ref]);
    net.dispose();
  });

  it("PYLD (simplified and literal) equals a direct step-by-step Hamiltonian computation", () => {
    const net = tinyConvNet(7);
    const rng = new Rng(3);
    const x0 = rng.uniform<tf.Rank.R4>([4, 6, 6, 3], -1, 1);
    // large step so that clip and clamp are both active
    const cfg = samplerConfig("jempp", { stepSize: 2.0, gradClip: 0.05, nSteps: 3 });
    // direct: per outer step p = ∂ΣLSE/∂h1, then 5 × z = clamp(z + lr·clip(∂Σ conv1(z)·p/∂z))
    let ref = tf.clone(x0);
    for (let s = 0; s < 3; s++) {
      const next = tf.tidy(() => {
        const h1 = net.head(ref);
        const p = tf.grad((h: tf.Tensor) => tf.sum(tf.logSumExp(net.tail(h, "train"), 1)))(h1);
        let z: tf.Tensor4D = ref;
        for (let k = 0; k < 5; k++) {
          const g1 = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(net.head(v as tf.Tensor4D), p)))(z);
          z = tf.clipByValue(tf.add(z, tf.mul(tf.clipByValue(g1, -0.05, 0.05), 2.0)), -1, 1) as tf.Tensor4D;
        }
        return z;
      });
      ref.dispose();
      ref = next;
    }
    const simple = runChain(net.fn, x0, cfg, new Rng(1));
    const literal = runChain(net.fn, x0, { ...cfg, pyldForm: "literal" }, new Rng(1), { split: net });
    const err = (a: tf.Tensor): number => tf.tidy(() => tf.max(tf.abs(tf.sub(a, ref))).dataSync()[0]!);
    expect(err(literal)).toBeLessThan(1e-6);
    expect(err(simple)).toBeLessThan(1e-5);
    // it moved
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(ref, x0))).dataSync()[0]!)).toBeGreaterThan(0.1);
    expect(() => runChain(net.fn, x0, { ...cfg, pyldForm: "literal" }, new Rng(1))).toThrow(/PyldSplit/);
    tf.dispose([x0, ref, simple, literal]);
    net.dispose();
  });
});

describe("sampleQ", () => {
  let net: ReturnType<typeof tinyConvNet>;
  beforeAll(() => {
    net = tinyConvNet(9);
  });
  afterAll(() => net.dispose());

  it("writes final states back to the drawn rows and is deterministic", () => {
    const mk = (): ReplayBuffer => ReplayBuffer.create(20, uniformInit([6, 6, 3]), new Rng(1));
    const cfg = samplerConfig("sadajem", { nSteps: 2, stepSize: 0.1 });
    const b1 = mk();
    const r1 = sampleQ(net.fn, b1, cfg, new Rng(5), { batchSize: 4 });
    const b2 = mk();
    const r2 = sampleQ(net.fn, b2, cfg, new Rng(5), { batchSize: 4 });
    expect(Array.from(r1.x.dataSync())).toEqual(Array.from(r2.x.dataSync()));
    const d = 6 * 6 * 3;
    const xs = r1.x.dataSync();
    const last = new Map<number, number>();
    r1.indices.forEach((row, i) => last.set(row, i));
    for (const [row, i] of last) expect(Array.from(b1.data.subarray(row * d, (row + 1) * d))).toEqual(Array.from(xs.subarray(i * d, (i + 1) * d)));
    tf.dispose([r1.x, r2.x]);
  });

  it("does not leak tensors over many steps (every update rule)", () => {
    const buffer = ReplayBuffer.create(20, uniformInit([6, 6, 3]), new Rng(1));
    const rng = new Rng(2);
    const run = (): void => {
      for (const p of ["jem", "jempp", "sadajem"] as const) {
        tf.dispose(sampleQ(net.fn, buffer, samplerConfig(p, { nSteps: 2 }), rng, { batchSize: 3 }).x);
        tf.dispose(sampleQ(net.fn, buffer, samplerConfig(p, { nSteps: 1, pyldForm: "literal" }), rng, { batchSize: 3, split: net }).x);
      }
    };
    run();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) run();
    expect(tf.memory().numTensors).toBe(before);
  });
});
