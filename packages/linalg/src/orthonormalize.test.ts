import { describe, expect, it } from "vitest";
import { orthonormalizeColumns } from "./orthonormalize";

describe("orthonormalizeColumns", () => {
  it("makes the columns orthonormal in order (Gram-Schmidt) and leaves a zero column zero", () => {
    // d = 4, r = 3: columns (1,1,0,0), (1,0,1,0), (0,0,0,0)
    const m = { rows: 4, cols: 3, data: Float64Array.from([1, 1, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0]) };
    orthonormalizeColumns(m);
    const col = (j: number): number[] => [0, 1, 2, 3].map((k) => m.data[k * 3 + j]);
    const dot = (a: number[], b: number[]): number => a.reduce((s, v, i) => s + v * b[i], 0);
    expect(dot(col(0), col(0))).toBeCloseTo(1, 12);
    expect(dot(col(1), col(1))).toBeCloseTo(1, 12);
    expect(dot(col(0), col(1))).toBeCloseTo(0, 12);
    expect(col(0)[0]).toBeCloseTo(Math.SQRT1_2, 12);
    expect(col(1).map((v) => +v.toFixed(12))).toEqual([0.408248290464, -0.408248290464, 0.816496580928, 0]);
    expect(col(2)).toEqual([0, 0, 0, 0]);
    expect(col(0)[3]).toBe(0);
    expect(() => orthonormalizeColumns({ rows: 4, cols: 3, data: new Float64Array(10) })).toThrow(/orthonormalizeColumns: matrix: expected 4 x 3 = 12 values, got 10/);
  });
});
