import { describe, expect, it } from "vitest";
import { readF64 } from "@ebjdat/testing";
import { columnMeans, meanAndCovariance } from "./moments";

const V = "vectors/metrics/";

describe("mean and covariance", () => {
  it("match np.mean / np.cov(ddof=1) of the pytorch-fid vectors", () => {
    const { mean, cov } = meanAndCovariance({ rows: 300, cols: 64, data: readF64(V + "fid_a.f64") });
    const mu = readF64(V + "fid_a_mu.f64"), sig = readF64(V + "fid_a_sigma.f64");
    let e1 = 0, e2 = 0;
    for (let i = 0; i < 64; i++) e1 = Math.max(e1, Math.abs(mean[i] - mu[i]));
    for (let i = 0; i < 64 * 64; i++) e2 = Math.max(e2, Math.abs(cov.data[i] - sig[i]));
    expect(e1).toBeLessThan(1e-12);
    expect(e2).toBeLessThan(1e-12);
  });
  it("column means of float32 rows", () => {
    expect(Array.from(columnMeans({ rows: 3, cols: 2, data: Float32Array.of(1, 10, 2, 20, 6, 30) }))).toEqual([3, 20]);
  });
  it("says how many samples are needed", () => {
    expect(() => meanAndCovariance({ rows: 1, cols: 8, data: new Float64Array(8) })).toThrow(/at least 2 samples.*at least 9/);
    expect(() => meanAndCovariance({ rows: 3, cols: 8, data: new Float64Array(8) })).toThrow(/24 values/);
    expect(() => meanAndCovariance({ rows: 2, cols: 1, data: Float64Array.of(1, NaN) })).toThrow(/non-finite value in column 0/);
  });
});
