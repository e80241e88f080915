import { readFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend, Rng } from "@ebjdat/runtime";
import { readF32, readI32, sharedPath } from "@ebjdat/testing";
import { computeMetrics } from "./compute";
import { featureFrechetDistance } from "./feature-distance";
import { kernelInceptionDistanceTf } from "./kid-tf";
import { frechetDistance } from "./frechet";
import { meanAndCovariance } from "@ebjdat/linalg";
import { preprocessPytorchFid, preprocessTorchFidelity, toUint8Values, uint8Wrap } from "./inception/preprocess";

const V = "vectors/metrics/";
beforeAll(async () => {
  await initBackend({ quiet: true });
  featureFn(tf.zeros([1, 16, 16, 3]) as tf.Tensor4D).dispose();
});

// A stand-in classifier: ReLU of a fixed projection of the 4x4-average-pooled image (16-d features).
let W: tf.Tensor2D | undefined;
const featureFn = (x: tf.Tensor4D): tf.Tensor2D => {
  W ??= tf.keep(tf.tensor2d(Float32Array.from({ length: 48 * 16 }, (_, i) => Math.sin(i * 1.3) * 0.3 + 0.1), [48, 16]));
  return tf.tidy(() => tf.relu(tf.matMul(tf.reshape(tf.avgPool(x, 4, 4, "valid"), [x.shape[0], -1]), W!)) as tf.Tensor2D);
};
const images = (seed: number, n: number, shift: number): tf.Tensor4D =>
  tf.tidy(() => tf.clipByValue(tf.add(new Rng(seed).uniform([n, 16, 16, 3], 0, 1), shift), 0, 1) as tf.Tensor4D);

describe("KID with TF.js Gram matrices", () => {
  it("matches the float64 reference on the stored subsets", async () => {
    const manifest = JSON.parse(readFileSync(sharedPath(V + "manifest.json"), "utf8")) as { kid: { float64_same_subsets: { kernel_inception_distance_mean: number; kernel_inception_distance_std: number } } };
    const idx = readI32(V + "kid_subset_idx_seed2020.i32");
    const a = { rows: 200, cols: 64, data: readF32(V + "kid_a.f32") }, b = { rows: 200, cols: 64, data: readF32(V + "kid_b.f32") };
    const before = tf.memory().numTensors;
    const r = await kernelInceptionDistanceTf(a, b, { subsets: 10, subsetSize: 100, subsetIndices: (s) => ({ a: idx.subarray(s * 200, s * 200 + 100), b: idx.subarray(s * 200 + 100, s * 200 + 200) }) });
    expect(tf.memory().numTensors).toBe(before);
    const ref = manifest.kid.float64_same_subsets;
    expect(Math.abs(r.mean - ref.kernel_inception_distance_mean) / ref.kernel_inception_distance_mean).toBeLessThan(1e-4);
    expect(Math.abs(r.std - ref.kernel_inception_distance_std) / ref.kernel_inception_distance_std).toBeLessThan(1e-4);
  });
});

describe("FD-WRN and computeMetrics without Inception", () => {
  it("featureFrechetDistance: ~0 for the same set, > 0 for shifted images, named, never FID", async () => {
    const real = images(1, 120, 0), same = images(1, 120, 0), shifted = images(2, 120, 0.2);
    const a = await featureFrechetDistance(featureFn, real, same, { name: "FD-WRN", batchSize: 50 });
    expect(a.name).toBe("FD-WRN");
    expect(Math.abs(a.value)).toBeLessThan(1e-6);
    const b = await featureFrechetDistance(featureFn, real, shifted, { name: "FD-WRN" });
    const other = images(20, 120, 0);
    const c = await featureFrechetDistance(featureFn, real, other, { name: "FD-WRN" });
    expect(b.value).toBeGreaterThan(3 * c.value);
    // independent computation: features of the whole set at once, then the float64 formula
    const fr = featureFn(real), fs = featureFn(shifted);
    const mr = meanAndCovariance({ rows: 120, cols: 16, data: fr.dataSync() as Float32Array });
    const ms = meanAndCovariance({ rows: 120, cols: 16, data: fs.dataSync() as Float32Array });
    expect(Math.abs(frechetDistance(mr.mean, mr.cov, ms.mean, ms.cov) - b.value) / b.value).toBeLessThan(1e-9);
    tf.dispose([other, fr, fs]);
    expect(b.dim).toBe(16);
    await expect(featureFrechetDistance(featureFn, real, shifted, { name: "FID" })).rejects.toThrow(/own name/);
    tf.dispose([real, same, shifted]);
  });

  it("computeMetrics: fd-wrn and kid-wrn, JSON-serialisable, with protocol labels; tensors stay flat", async () => {
    const real = images(3, 60, 0), fake = images(4, 40, 0.1);
    const before = tf.memory().numTensors;
    const stages = new Set<string>();
    for (let it = 0; it < 3; it++) {
      const r = await computeMetrics({
        real, fake, metrics: ["fd-wrn", "kid-wrn"], featureModel: { name: "FD-WRN", fn: featureFn },
        kidSubsets: 5, kidSubsetSize: 30, batchSize: 25, onProgress: (p) => stages.add(p.stage),
      });
      expect(r.metrics["fd-wrn"]!.name).toBe("FD-WRN");
      expect(r.metrics["fd-wrn"]!.protocol).toMatch(/not FID/);
      expect(r.metrics["kid-wrn"]!.value).toBeGreaterThan(0);
      expect(r.nReal).toBe(60);
      expect(r.nFake).toBe(40);
      expect(JSON.parse(JSON.stringify(r))).toEqual(r);
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(stages.has("real images")).toBe(true);
    tf.dispose([real, fake]);
  });

  it("batches from an iterable are consumed once and disposed", async () => {
    const real = images(5, 30, 0);
    const before = tf.memory().numTensors;
    function* gen() { for (let i = 0; i < 3; i++) yield images(10 + i, 10, 0.05); }
    const r = await featureFrechetDistance(featureFn, real, gen(), { name: "FD-WRN" });
    expect(r.nFake).toBe(30);
    expect(tf.memory().numTensors).toBe(before);
    real.dispose();
  });

  it("missing weights: clear error, or skipped entries with onMissingWeights 'skip'", async () => {
    const real = images(6, 20, 0), fake = images(7, 20, 0);
    const inception = { cacheDir: join(tmpdir(), "ebjdat-no-weights-here"), download: false };
    await expect(computeMetrics({ real, fake, metrics: ["fid"], inception })).rejects.toThrow(/weights are missing.*EBJDAT_INCEPTION_WEIGHTS/s);
    const r = await computeMetrics({ real, fake, metrics: ["fid", "fd-wrn"], inception, onMissingWeights: "skip", featureModel: { name: "FD-WRN", fn: featureFn } });
    expect(r.metrics.fid!.skipped).toMatch(/missing/);
    expect(typeof r.metrics["fd-wrn"]!.value).toBe("number");
    // only Inception metrics: every one skipped, no image read for features
    const s = await computeMetrics({ real, fake, metrics: ["is", "kid"], inception, onMissingWeights: "skip" });
    expect(Object.keys(s.metrics)).toEqual(["is", "kid"]);
    expect(s.metrics.kid!.skipped).toMatch(/missing/);
    expect(s.nFake).toBe(20);
    tf.dispose([real, fake]);
  });

  it("bad input: wrong range, wrong shape, too few samples, missing real set", async () => {
    const ok = images(8, 10, 0);
    const big = tf.mul(ok, 255) as tf.Tensor4D;
    const gray = tf.zeros([4, 8, 8, 1]) as tf.Tensor4D;
    const one = images(9, 1, 0);
    await expect(featureFrechetDistance(featureFn, big, ok, { name: "FD-WRN" })).rejects.toThrow(/\[0, 1\].*divide by 255/);
    await expect(featureFrechetDistance(featureFn, gray, ok, { name: "FD-WRN" })).rejects.toThrow(/\[N, H, W, 3\]/);
    await expect(featureFrechetDistance(featureFn, ok, one, { name: "FD-WRN" })).rejects.toThrow(/at least 2 samples/);
    await expect(computeMetrics({ fake: ok, metrics: ["fd-wrn"], featureModel: { name: "FD-WRN", fn: featureFn } })).rejects.toThrow(/need real images/);
    await expect(computeMetrics({ real: ok, fake: ok, metrics: ["fdwrn" as "fd-wrn"] })).rejects.toThrow(/computeMetrics: unknown metric 'fdwrn'; expected one of fid/);
    await expect(computeMetrics({ real: ok, fake: ok, metrics: ["kid-wrn"] })).rejects.toThrow(/kid-wrn need a featureModel/);
    const r = await featureFrechetDistance(featureFn, ok, images(11, 10, 0), { name: "FD-WRN" });
    expect(r.warning).toMatch(/at least 17 samples/);
    tf.dispose([ok, big, gray, one]);
  });
});

describe("preprocessing helpers keep tensor counts flat", () => {
  it("20 iterations", () => {
    const x = images(12, 2, 0);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) {
      const a = preprocessPytorchFid(x);
      const u = toUint8Values(x);
      const w = uint8Wrap(u);
      const b = preprocessTorchFidelity(w);
      tf.dispose([a, u, w, b]);
    }
    expect(tf.memory().numTensors).toBe(before);
    const wv = uint8Wrap(tf.tensor4d([0, 1, 128, 255], [1, 1, 4, 1]));
    expect(Array.from(wv.dataSync())).toEqual([0, 255, 128, 1]);
    tf.dispose([x, wv]);
  });
});
