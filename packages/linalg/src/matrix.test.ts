import { describe, expect, it } from "vitest";
import { checkMatrix, congruence, dot, matmul, trace, transpose, type Matrix } from "./matrix";

const m = (rows: number, cols: number, values: number[]): Matrix => ({ rows, cols, data: Float64Array.from(values) });

describe("matrix helpers", () => {
  it("matmul, transpose and trace", () => {
    const a = m(5, 2, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const b = m(2, 3, [1, 0, -1, 2, 1, 0]);
    const c = matmul(a, b);
    expect([c.rows, c.cols]).toEqual([5, 3]);
    expect(Array.from(c.data)).toEqual([5, 2, -1, 11, 4, -3, 17, 6, -5, 23, 8, -7, 29, 10, -9]);
    expect(Array.from(transpose(b).data)).toEqual([1, 2, 0, 1, -1, 0]);
    expect(trace(m(2, 2, [3, 9, 9, 4]))).toBe(7);
    expect(() => matmul(b, b)).toThrow(/inner dimensions differ \(2x3 · 2x3\)/);
  });
  it("dot sums a range in blocks of four plus a tail", () => {
    const x = Float64Array.from([9, 1, 2, 3, 4, 5, 6]);
    const y = Float64Array.from([1, 1, 1, 1, 1, 1, 1, 1]);
    expect(dot(x, 0, y, 1, 1, 7)).toBe(21);
    expect(dot(x, 0, y, 0, 0, 0)).toBe(0);
  });
  it("congruence F S Fᵀ equals the two products, also from the diagonal on for a triangular F", () => {
    const s = m(3, 3, [2, 1, 0, 1, 3, 1, 0, 1, 4]);
    const f = m(2, 3, [1, 2, 3, -1, 0, 1]);
    const want = matmul(matmul(f, s), transpose(f));
    expect(Array.from(congruence(f, s).data)).toEqual(Array.from(want.data));
    const u = m(3, 3, [1, 2, 3, 0, 4, 5, 0, 0, 6]);
    expect(Array.from(congruence(u, s, { upperTriangular: true }).data)).toEqual(Array.from(matmul(matmul(u, s), transpose(u)).data));
    expect(() => congruence(m(2, 2, [1, 0, 0, 1]), s)).toThrow(/congruence: F is 2x2, expected 3 columns/);
  });
  it("checkMatrix names the matrix and the expected size", () => {
    expect(() => checkMatrix({ rows: 2, cols: 0, data: [] }, "features")).toThrow(/features: expected positive integer rows\/cols, got 2 x 0/);
    expect(() => checkMatrix({ rows: 2, cols: 2, data: [1] }, "features")).toThrow(/features: expected 2 x 2 = 4 values, got 1/);
  });
});
