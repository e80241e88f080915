import { describe, expect, it } from "vitest";
import { readF64 } from "@ebjdat/testing";
import { cholesky } from "./cholesky";
import { matmul, transpose } from "./matrix";

describe("cholesky", () => {
  it("reproduces A = L Lᵀ with L lower triangular", () => {
    const a = { rows: 3, cols: 3, data: Float64Array.from([4, 2, 0.4, 2, 2, 0.5, 0.4, 0.5, 3]) };
    const l = cholesky(a)!;
    const llt = matmul(l, transpose(l));
    for (let i = 0; i < 9; i++) expect(llt.data[i]).toBeCloseTo(a.data[i], 12);
    expect(l.data[1]).toBe(0);
    expect(l.data[2]).toBe(0);
    expect(l.data[5]).toBe(0);
  });
  it("factors the pytorch-fid covariance to round-off (blocks of four in the dot products)", () => {
    const sig = { rows: 64, cols: 64, data: readF64("vectors/metrics/fid_a_sigma.f64") };
    const l = cholesky(sig)!;
    const llt = matmul(l, transpose(l));
    let err = 0;
    for (let i = 0; i < 64 * 64; i++) err = Math.max(err, Math.abs(llt.data[i] - sig.data[i]));
    expect(err).toBeLessThan(1e-12);
  });
  it("returns undefined for indefinite and singular matrices, rejects non-square ones", () => {
    expect(cholesky({ rows: 2, cols: 2, data: Float64Array.from([1, 2, 2, 1]) })).toBeUndefined();
    expect(cholesky({ rows: 2, cols: 2, data: Float64Array.from([1, 1, 1, 1]) })).toBeUndefined();
    expect(() => cholesky({ rows: 2, cols: 3, data: new Float64Array(6) })).toThrow(/cholesky: matrix: expected a square matrix/);
  });
});
