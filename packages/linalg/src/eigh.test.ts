import { describe, expect, it } from "vitest";
import { readF64 } from "@ebjdat/testing";
import { eigh } from "./eigh";
import { matmul, type Matrix } from "./matrix";
import { sqrtmPsd } from "./sqrtm";

const sig: Matrix = { rows: 64, cols: 64, data: readF64("vectors/metrics/fid_a_sigma.f64") };

describe("eigh / sqrtm", () => {
  it("reconstructs A = Vᵀ diag(λ) V with orthonormal V, values ascending", () => {
    const { values, vectors } = eigh(sig);
    const n = 64, Vd = vectors!.data;
    let err = 0, orth = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let a = 0, o = 0;
        for (let k = 0; k < n; k++) {
          a += Vd[k * n + i] * values[k] * Vd[k * n + j];
          o += Vd[i * n + k] * Vd[j * n + k];
        }
        err = Math.max(err, Math.abs(a - sig.data[i * n + j]));
        orth = Math.max(orth, Math.abs(o - (i === j ? 1 : 0)));
      }
    }
    expect(err).toBeLessThan(1e-12);
    expect(orth).toBeLessThan(1e-12);
    for (let i = 1; i < n; i++) expect(values[i]).toBeGreaterThanOrEqual(values[i - 1]);
    expect(eigh(sig, { vectors: false }).vectors).toBeUndefined();
  });
  it("handles diagonal, 1x1 and zero matrices; the eigenvector of the largest value of a block matrix", () => {
    expect(Array.from(eigh({ rows: 3, cols: 3, data: new Float64Array([3, 0, 0, 0, 1, 0, 0, 0, 2]) }).values)).toEqual([1, 2, 3]);
    expect(Array.from(eigh({ rows: 1, cols: 1, data: new Float64Array([5]) }).values)).toEqual([5]);
    expect(Array.from(eigh({ rows: 2, cols: 2, data: new Float64Array(4) }).values)).toEqual([0, 0]);
    const { values, vectors } = eigh({ rows: 3, cols: 3, data: Float64Array.from([2, 1, 0, 1, 2, 0, 0, 0, 5]) });
    expect(Array.from(values).map((v) => +v.toFixed(10))).toEqual([1, 3, 5]);
    expect(Math.abs(vectors!.data[2 * 3 + 2])).toBeCloseTo(1, 10);
  });
  it("rejects non-square and non-finite input", () => {
    expect(() => eigh({ rows: 2, cols: 3, data: new Float64Array(6) })).toThrow(/eigh: matrix: expected a square matrix/);
    expect(() => eigh({ rows: 2, cols: 2, data: Float64Array.of(1, 0, Infinity, 1) })).toThrow(/non-finite entry at \(1, 0\)/);
  });
  it("sqrtm squares back", () => {
    const r = sqrtmPsd(sig);
    const sq = matmul(r, r);
    let err = 0;
    for (let i = 0; i < 64 * 64; i++) err = Math.max(err, Math.abs(sq.data[i] - sig.data[i]));
    expect(err).toBeLessThan(1e-12);
  });
});
