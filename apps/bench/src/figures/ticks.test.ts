import { describe, expect, it } from "vitest";
import { formatTick, niceRange, niceStep, niceTicks } from "./ticks";

describe("nice ticks", () => {
  it("steps are 1, 2 or 5 times a power of ten", () => {
    expect(niceStep(10, 5)).toBe(2);
    expect(niceStep(1, 5)).toBeCloseTo(0.2, 12);
    expect(niceStep(100, 4)).toBe(50);
    expect(niceStep(7, 10)).toBe(1);
    expect(niceStep(0.003, 3)).toBeCloseTo(0.001, 15);
    for (let span = 0.013; span < 1e5; span *= 1.7) {
      const s = niceStep(span, 6);
      const m = s / 10 ** Math.floor(Math.log10(s) + 1e-9);
      expect([1, 2, 5].some((k) => Math.abs(m - k) < 1e-9), `span ${span} step ${s}`).toBe(true);
      expect(span / s).toBeLessThanOrEqual(6 + 1e-9);
    }
  });

  it("ticks lie in the range with uniform decimals and no -0", () => {
    const t = niceTicks(-13.7, -2.9, 6);
    expect(t.step).toBe(2);
    expect(t.labels).toEqual(["-12", "-10", "-8", "-6", "-4"]);
    expect(niceTicks(0, 0.5, 5).labels).toEqual(["0.0", "0.1", "0.2", "0.3", "0.4", "0.5"]);
    expect(niceTicks(-1, 1, 4).labels).toEqual(["-1.0", "-0.5", "0.0", "0.5", "1.0"]);
    expect(formatTick(-1e-17, 0.1)).toBe("0.0");
    expect(formatTick(2e7, 1e7)).toBe("2e7");
  });

  it("nice ranges widen to multiples of the step", () => {
    expect(niceRange(0, 0.93, 6)).toEqual([0, 1]);
    expect(niceRange(-4.8, 64.6, 10)).toEqual([-10, 70]);
  });

  it("rejects non-finite and empty ranges", () => {
    expect(() => niceTicks(0, Number.NaN)).toThrow(/finite range/);
    expect(() => niceTicks(1, 1)).toThrow(/lo < hi/);
    expect(() => niceRange(0, Infinity)).toThrow(/finite range/);
  });
});
