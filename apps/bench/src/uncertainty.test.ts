import { describe, expect, it } from "vitest";
import { pairedBootstrap, seedBootstrap, seedSpread, verdictOf } from "./uncertainty";

/** A fixed 0/1 pattern of n images (image difficulty), from a small LCG. */
function pattern(n: number, p: number, seed: number): number[] {
  let s = seed;
  return Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648 < p ? 1 : 0;
  });
}

describe("uncertainty", () => {
  it("seedSpread: mean and sample standard deviation (n − 1), non-finite values left out", () => {
    expect(seedSpread([1, 2, 3, Number.NaN], 100)).toEqual({ mean: 2, sd: 1, seeds: 3, images: 100 });
    expect(seedSpread([0.4])).toEqual({ mean: 0.4, sd: 0, seeds: 1 });
    expect(seedSpread([Number.NaN])).toBeUndefined();
  });

  it("pairedBootstrap: identical rows give 0 inside a zero-width interval, disjoint rows ±1", () => {
    const x = [pattern(200, 0.5, 1), pattern(200, 0.5, 2)];
    const same = pairedBootstrap(x, x)!;
    expect(same.difference).toBe(0);
    expect(same.images).toBe(200);
    expect(verdictOf(same, ">")).toBe("undecided at this scale");
    const ones = [Array(100).fill(1) as number[]];
    const zeros = [Array(100).fill(0) as number[], Array(100).fill(0) as number[]];
    const d = pairedBootstrap(ones, zeros)!;
    expect([d.difference, d.low, d.high, d.seedsA, d.seedsB]).toEqual([1, 1, 1, 1, 2]);
    expect(verdictOf(d, ">")).toBe("holds");
    expect(verdictOf(d, "<")).toBe("fails");
  });

  it("pairing: B = A with 8 of 400 correct images wrong is decided (paired), though the rows' spreads overlap", () => {
    const a = pattern(400, 0.5, 7);
    const b = a.slice();
    let flipped = 0;
    for (let i = 0; i < b.length && flipped < 8; i++) {
      if (b[i] === 1) {
        b[i] = 0;
        flipped++;
      }
    }
    const d = pairedBootstrap([a], [b], { seed: 3 })!;
    expect(d.difference).toBeCloseTo(8 / 400, 12);
    expect(d.low).toBeGreaterThan(0);
    expect(verdictOf(d, ">")).toBe("holds");
    // the rows' own 95 % intervals (binomial, ±1.96·√(p(1−p)/n) ≈ ±4.9 points) overlap widely
    expect(1.96 * Math.sqrt(0.25 / 400)).toBeGreaterThan(d.difference);
  });

  it("is deterministic for a seed, uses the common images, and spreads with the seeds", () => {
    const a = [pattern(300, 0.6, 1), pattern(300, 0.4, 2), pattern(300, 0.7, 3)];
    const b = [pattern(250, 0.5, 4), pattern(250, 0.5, 5), pattern(250, 0.5, 6)];
    const d1 = pairedBootstrap(a, b, { seed: 5 })!;
    expect(pairedBootstrap(a, b, { seed: 5 })).toEqual(d1);
    expect(d1.images).toBe(250);
    expect(d1.low).toBeLessThan(d1.difference);
    expect(d1.high).toBeGreaterThan(d1.difference);
    // seeds that disagree (0.4 … 0.7) widen the interval beyond one seed's
    const one = pairedBootstrap([a[0]!], [b[0]!], { seed: 5 })!;
    expect(d1.high - d1.low).toBeGreaterThan(one.high - one.low);
  });

  it("seedBootstrap: differences of per-seed numbers (generation metrics)", () => {
    const d = seedBootstrap([10, 11, 12], [20, 21, 22])!;
    expect(d.difference).toBe(-10);
    expect(d.images).toBe(0);
    expect(verdictOf(d, "<")).toBe("holds");
    expect(seedBootstrap([], [1])).toBeUndefined();
    expect(verdictOf(undefined, ">")).toBe("undecided at this scale");
  });
});
