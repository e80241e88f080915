import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend, Rng } from "@ebjdat/runtime";
import { fitClassGaussians, gaussianInit, gaussianMemoryBytes } from "./gaussian-init";
import { ReplayBuffer } from "./replay-buffer";

beforeAll(async () => {
  await initBackend({ quiet: true });
});

/** Two-class data in D = 4 with a known covariance: x = μ_c + A z. */
function synthetic(n: number, rng: Rng): { data: Float32Array; y: Int32Array; mu: number[][]; cov: number[][] } {
  const a = [
    [0.3, 0, 0, 0],
    [0.15, 0.2, 0, 0],
    [0, 0.1, 0.25, 0],
    [0.05, 0, 0.05, 0.1],
  ];
  const mu = [
    [0.5, -0.2, 0.1, 0],
    [-0.4, 0.3, 0, 0.2],
  ];
  const data = new Float32Array(n * 4);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 2;
    y[i] = c;
    const z = [rng.gaussian(), rng.gaussian(), rng.gaussian(), rng.gaussian()];
    for (let r = 0; r < 4; r++) data[i * 4 + r] = mu[c]![r]! + a[r]!.reduce((s, v, k) => s + v * z[k]!, 0);
  }
  const cov = a.map((ra) => a.map((rb) => ra.reduce((s, v, k) => s + v * rb[k]!, 0)));
  return { data, y, mu, cov };
}

function sampleCov(x: Float32Array, d: number): { mean: number[]; cov: number[][] } {
  const n = x.length / d;
  const mean = Array.from({ length: d }, (_, j) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += x[i * d + j]!;
    return s / n;
  });
  const cov = mean.map((_, a) =>
    mean.map((__, b) => {
      let s = 0;
      for (let i = 0; i < n; i++) s += (x[i * d + a]! - mean[a]!) * (x[i * d + b]! - mean[b]!);
      return s / n;
    }),
  );
  return { mean, cov };
}

describe("class-conditional Gaussians (informative init)", () => {
  const { data, y, mu, cov } = synthetic(4000, new Rng(1));
  const shape = [4000, 1, 2, 2] as const;

  it("full covariance: the fit is the class's population mean/covariance and samples reproduce it", () => {
    const g = fitClassGaussians({ data, shape }, y, { numClasses: 2, covariance: "full" });
    expect(g.counts[0]).toBe(2000);
    // the class-1 rows of the data, and their population moments (what the fit must hold)
    const rows = new Float32Array(2000 * 4);
    for (let i = 0, r = 0; i < 4000; i++) if (y[i] === 1) rows.set(data.subarray(i * 4, i * 4 + 4), 4 * r++);
    const emp = sampleCov(rows, 4);
    for (let a = 0; a < 4; a++) expect(g.means[4 + a]).toBeCloseTo(emp.mean[a]!, 5);
    // L Lᵀ = Σ + 1e-4·I
    const l = g.chol![1]!;
    for (let a = 0; a < 4; a++)
      for (let b = 0; b < 4; b++) {
        let s = 0;
        for (let k = 0; k < 4; k++) s += l[a * 4 + k]! * l[b * 4 + k]!;
        expect(s).toBeCloseTo(emp.cov[a]![b]! + (a === b ? 1e-4 : 0), 5);
      }
    // and the fitted Gaussian is close to the generating one (2000 points: SE ~0.007)
    for (let a = 0; a < 4; a++) expect(Math.abs(emp.mean[a]! - mu[1]![a]!)).toBeLessThan(0.03);
    // 20000 samples: standard errors 0.002 (mean), <= 0.0015 (covariance); tolerance 0.01
    const s = gaussianInit(g, { clamp: null }).sample(20000, new Rng(2), new Int32Array(20000).fill(1));
    const m = sampleCov(s, 4);
    for (let a = 0; a < 4; a++) {
      expect(Math.abs(m.mean[a]! - emp.mean[a]!)).toBeLessThan(0.01);
      for (let b = 0; b < 4; b++) expect(Math.abs(m.cov[a]![b]! - emp.cov[a]![b]!)).toBeLessThan(0.01);
    }
    expect(Math.abs(emp.cov[0]![1]! - cov[0]![1]!)).toBeLessThan(0.01);
  });

  it("diag keeps the variances and drops the correlations; pca (rank 3 of 4) keeps the total variance", () => {
    const gd = fitClassGaussians({ data, shape }, y, { numClasses: 2, covariance: "diag" });
    const sd = sampleCov(gaussianInit(gd, { clamp: null }).sample(20000, new Rng(3), new Int32Array(20000)), 4);
    for (let a = 0; a < 4; a++) expect(Math.abs(sd.cov[a]![a]! - cov[a]![a]!)).toBeLessThan(0.01);
    expect(Math.abs(sd.cov[0]![1]!)).toBeLessThan(0.01);
    const gp = fitClassGaussians({ data, shape }, y, { numClasses: 2, covariance: "pca", rank: 3 });
    const sp = sampleCov(gaussianInit(gp, { clamp: null }).sample(20000, new Rng(4), new Int32Array(20000)), 4);
    // rank 3 of 4 with the isotropic residual: total variance kept, covariance close
    const tr = (c: number[][]): number => c.reduce((s, r, i) => s + r[i]!, 0);
    expect(Math.abs(tr(sp.cov) - tr(cov))).toBeLessThan(0.02);
    expect(Math.abs(sp.cov[0]![1]! - cov[0]![1]!)).toBeLessThan(0.015);
    expect(gaussianMemoryBytes("full", 3072, 10)).toBe(4 * 10 * (3072 * 3072 + 3072));
  });

  it("full covariance: a singular class covariance without jitter is an error naming the class", () => {
    // pixel 3 is constant in every class: Σ_c is singular, and jitter 0 keeps it so
    const flat = Float32Array.from(data, (v, i) => (i % 4 === 3 ? 0.5 : v));
    expect(() => fitClassGaussians({ data: flat, shape }, y, { numClasses: 2, covariance: "full", jitter: 0 })).toThrow(/fitClassGaussians: the covariance of class 0 .* not positive definite; raise jitter/);
    expect(fitClassGaussians({ data: flat, shape }, y, { numClasses: 2, covariance: "full", jitter: 1e-4 }).chol!.length).toBe(2);
  });

  it("fills a class-ordered buffer clamped to [-1, 1]; conditional re-init draws use class y", () => {
    const g = fitClassGaussians({ data, shape }, y, { numClasses: 2, covariance: "full" });
    const init = gaussianInit(g);
    const b = ReplayBuffer.create(200, init, new Rng(5));
    expect(b.numClasses).toBe(2);
    let lo = Infinity;
    let hi = -Infinity;
    let m0 = 0;
    let m1 = 0;
    for (let i = 0; i < 200; i++) {
      for (let j = 0; j < 4; j++) {
        const v = b.data[i * 4 + j]!;
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      if (i < 100) m0 += b.data[i * 4]! / 100;
      else m1 += b.data[i * 4]! / 100;
    }
    expect(lo).toBeGreaterThanOrEqual(-1);
    expect(hi).toBeLessThanOrEqual(1);
    expect(m0).toBeGreaterThan(0.3); // class 0 block, μ_0[0] = 0.5
    expect(m1).toBeLessThan(-0.2); // class 1 block, μ_1[0] = -0.4
    const d = b.draw(400, new Rng(6), { y: new Int32Array(400).fill(1), reinitFreq: 1 });
    const xs = d.x.dataSync();
    let mean = 0;
    for (let i = 0; i < 400; i++) mean += xs[i * 4]! / 400;
    expect(Math.abs(mean + 0.4)).toBeLessThan(0.06);
    d.x.dispose();
    expect(() => fitClassGaussians({ data, shape }, y, { numClasses: 2, covariance: "pca", rank: 4 })).toThrow(/rank/);
    const before = tf.memory().numTensors;
    init.sample(10, new Rng(1));
    expect(tf.memory().numTensors).toBe(before);
  });
});
