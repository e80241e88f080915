import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readF32, readF64, readI32, sharedPath } from "@ebjdat/testing";
import { meanAndCovariance } from "@ebjdat/linalg";
import { frechetDistance, frechetDistanceLowRank, frechetDistanceParts } from "./frechet";
import { inceptionScore } from "./inception-score";
import { kernelInceptionDistance, polynomialMmd2 } from "./kid";
import { NumpyRandomState } from "./numpy-random";

const V = "vectors/metrics/";
const manifest = JSON.parse(readFileSync(sharedPath(V + "manifest.json"), "utf8")) as {
  fid: { ab: { value: number; mean_term: number; trace_sqrtm: number }; rank_deficient: { value_pytorch_fid: number } };
  inception_score: Record<string, { inception_score_mean: number; inception_score_std: number }> & { no_shuffle_split_scores: number[] };
  kid: { float64_same_subsets: { kernel_inception_distance_mean: number; kernel_inception_distance_std: number }; float64_per_subset_mmd2: number[]; full_set_unbiased_mmd2_float64: number };
};
const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);
const feats = (name: string, rows: number, cols: number) => ({ rows, cols, data: readF64(V + name) });

describe("Fréchet distance (pytorch-fid)", () => {
  const a = meanAndCovariance(feats("fid_a.f64", 300, 64));
  const b = meanAndCovariance(feats("fid_b.f64", 250, 64));
  it("ab", () => {
    for (const method of ["auto", "eigh"] as const) {
      const p = frechetDistanceParts(a.mean, a.cov, b.mean, b.cov, { method });
      expect(p.factor).toBe(method === "auto" ? "cholesky" : "eigh");
      expect(rel(p.value, manifest.fid.ab.value)).toBeLessThan(1e-4);
      expect(rel(p.traceSqrt, manifest.fid.ab.trace_sqrtm)).toBeLessThan(1e-9);
      expect(rel(p.meanTerm, manifest.fid.ab.mean_term)).toBeLessThan(1e-12);
    }
  });
  it("aa is ~0", () => {
    expect(Math.abs(frechetDistance(a.mean, a.cov, a.mean, a.cov))).toBeLessThan(1e-8);
    expect(Math.abs(frechetDistanceParts(a.mean, a.cov, a.mean, a.cov, { method: "eigh" }).value)).toBeLessThan(1e-8);
  });
  it("rank deficient (40 samples, 64 dims)", () => {
    const sa = meanAndCovariance(feats("fid_sing_a.f64", 40, 64));
    const sb = meanAndCovariance(feats("fid_sing_b.f64", 40, 64));
    const p = frechetDistanceParts(sa.mean, sa.cov, sb.mean, sb.cov);
    expect(p.factor).toBe("eigh"); // Cholesky fails on a rank-39 covariance
    expect(rel(p.value, manifest.fid.rank_deficient.value_pytorch_fid)).toBeLessThan(1e-4);
    const q = frechetDistanceLowRank(feats("fid_sing_a.f64", 40, 64), feats("fid_sing_b.f64", 40, 64));
    expect(rel(q.value, manifest.fid.rank_deficient.value_pytorch_fid)).toBeLessThan(1e-4);
    const lr = frechetDistanceLowRank(feats("fid_a.f64", 300, 64), feats("fid_b.f64", 250, 64));
    expect(rel(lr.value, manifest.fid.ab.value)).toBeLessThan(1e-4);
  });
  it("rejects mismatched shapes", () => {
    expect(() => frechetDistance(a.mean, a.cov, b.mean.subarray(0, 10), b.cov)).toThrow(/length 64/);
  });
});

describe("numpy RandomState", () => {
  it("reproduces the stored permutation and KID subsets for seed 2020", () => {
    const r = new NumpyRandomState(2020);
    expect([r.nextUint32(), r.nextUint32(), r.nextUint32(), r.nextUint32()]).toEqual([4236026720, 639299976, 3751189827, 2669525622]);
    expect(Array.from(new NumpyRandomState(2020).permutation(500))).toEqual(Array.from(readI32(V + "is_perm_seed2020.i32")));
    const idx = readI32(V + "kid_subset_idx_seed2020.i32");
    const g = new NumpyRandomState(2020);
    for (let s = 0; s < 10; s++) {
      expect(Array.from(g.choice(200, 100))).toEqual(Array.from(idx.subarray(s * 200, s * 200 + 100)));
      expect(Array.from(g.choice(200, 100))).toEqual(Array.from(idx.subarray(s * 200 + 100, s * 200 + 200)));
    }
  });
});

describe("Inception Score (torch-fidelity)", () => {
  const logits = { rows: 500, cols: 1008, data: readF32(V + "is_logits.f32") };
  it("no shuffle", () => {
    const r = inceptionScore(logits);
    const ref = manifest.inception_score.no_shuffle;
    expect(rel(r.mean, ref.inception_score_mean)).toBeLessThan(1e-4);
    expect(rel(r.std, ref.inception_score_std)).toBeLessThan(1e-4);
    r.splitScores.forEach((s, i) => expect(rel(s, manifest.inception_score.no_shuffle_split_scores[i])).toBeLessThan(1e-4));
  });
  it("shuffled with the seed-2020 permutation", () => {
    const r = inceptionScore(logits, { permutation: readI32(V + "is_perm_seed2020.i32") });
    const ref = manifest.inception_score.shuffle_seed2020;
    expect(rel(r.mean, ref.inception_score_mean)).toBeLessThan(1e-4);
    expect(rel(r.std, ref.inception_score_std)).toBeLessThan(1e-4);
  });
  it("rejects too few samples", () => {
    expect(() => inceptionScore({ rows: 5, cols: 3, data: new Float32Array(15) })).toThrow(/at least one sample per split/);
  });
});

describe("KID (torch-fidelity)", () => {
  const a = { rows: 200, cols: 64, data: readF32(V + "kid_a.f32") };
  const b = { rows: 200, cols: 64, data: readF32(V + "kid_b.f32") };
  it("stored subsets", () => {
    const idx = readI32(V + "kid_subset_idx_seed2020.i32");
    const r = kernelInceptionDistance(a, b, {
      subsets: 10,
      subsetSize: 100,
      subsetIndices: (s) => ({ a: idx.subarray(s * 200, s * 200 + 100), b: idx.subarray(s * 200 + 100, s * 200 + 200) }),
    });
    const ref = manifest.kid.float64_same_subsets;
    expect(rel(r.mean, ref.kernel_inception_distance_mean)).toBeLessThan(1e-4);
    expect(rel(r.std, ref.kernel_inception_distance_std)).toBeLessThan(1e-4);
    r.subsetValues.forEach((v, i) => expect(rel(v, manifest.kid.float64_per_subset_mmd2[i])).toBeLessThan(1e-4));
  });
  it("numpy-seeded draws give the same subsets", () => {
    const g = new NumpyRandomState(2020);
    const r = kernelInceptionDistance(a, b, { subsets: 10, subsetSize: 100, permutation: (n) => g.permutation(n) });
    expect(rel(r.mean, manifest.kid.float64_same_subsets.kernel_inception_distance_mean)).toBeLessThan(1e-4);
  });
  it("full sets", () => {
    expect(rel(polynomialMmd2(a, b), manifest.kid.full_set_unbiased_mmd2_float64)).toBeLessThan(1e-4);
  });
});
