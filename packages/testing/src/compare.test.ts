import { describe, expect, it } from "vitest";
import { fractionWithin, maxAbsRelError, relL2Error } from "./compare.js";

describe("tolerance checks", () => {
  it("maxAbsRelError = max|a-r| / (1 + max|r|)", () => {
    expect(maxAbsRelError([1, 2, 3], [1, 2, 3])).toBe(0);
    expect(maxAbsRelError([1, 2.5, -3], [1, 2, -4])).toBeCloseTo(1 / 5, 15);
    expect(maxAbsRelError(Float32Array.from([NaN]), [0])).toBe(Infinity);
    expect(() => maxAbsRelError([1, 2], [1])).toThrow(/actual has 2 elements, reference has 1/);
  });

  it("relL2Error = ||a-r|| / ||r||", () => {
    expect(relL2Error([3, 4], [3, 4])).toBe(0);
    expect(relL2Error([3, 5], [3, 4])).toBeCloseTo(1 / 5, 15);
    expect(relL2Error([1], [0])).toBe(1);
  });

  it("fractionWithin counts |a-r| <= tol", () => {
    expect(fractionWithin([0, 0.5, 2, 3], [0, 0, 0, 3], 1)).toBe(0.75);
    expect(fractionWithin([], [], 1e-6)).toBe(1);
  });

  it("accepts RawTensors", () => {
    const raw = { dtype: "int64" as const, shape: [2], data: BigInt64Array.from([1n, 2n]) };
    expect(maxAbsRelError(raw, [1, 2])).toBe(0);
  });
});
