import { describe, expect, it } from "vitest";
import { Rng } from "@ebjdat/runtime";
import { argsortAscending } from "./argsort";

function reference(p: Float64Array): Int32Array {
  return Int32Array.from(p, (_, i) => i).sort((i, j) => p[i]! - p[j]! || i - j);
}

describe("argsortAscending", () => {
  it("equals the comparison sort with ties in index order (negative values, ±0, duplicates, huge and tiny magnitudes)", () => {
    const rng = new Rng(3);
    for (const n of [1, 2, 7, 300, 3072]) {
      const u = rng.uniformArray(n, -1, 1);
      const p = Float64Array.from(u, (v, i) => (i % 5 === 0 ? Math.round(v * 4) / 4 : i % 7 === 0 ? v * 1e-300 : i % 11 === 0 ? v * 1e300 : 1 - Math.abs(v)));
      if (n > 3) {
        p[1] = -0;
        p[2] = 0;
      }
      const order = new Int32Array(n);
      argsortAscending(p, order, new Int32Array(n));
      expect(Array.from(order)).toEqual(Array.from(reference(p)));
    }
  });

  it("sorts values that share their high bytes (skipped passes)", () => {
    const p = Float64Array.from([0.5, 0.25, 0.5, 0.125, 0.25]);
    const order = new Int32Array(5);
    argsortAscending(p, order, new Int32Array(5));
    expect(Array.from(order)).toEqual([3, 1, 4, 0, 2]);
  });
});
