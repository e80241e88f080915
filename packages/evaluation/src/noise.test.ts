import { describe, expect, it } from "vitest";
import { addTestNoise } from "./noise";

describe("addTestNoise (spec 7.9)", () => {
  it("draws each image's noise from its index, whatever the chunk it is in", () => {
    const d = 5;
    const whole = new Float32Array(6 * d).fill(0.5);
    addTestNoise(whole, 10, d, 0.03, 7);
    const first = new Float32Array(2 * d).fill(0.5);
    const rest = new Float32Array(4 * d).fill(0.5);
    addTestNoise(first, 10, d, 0.03, 7);
    addTestNoise(rest, 12, d, 0.03, 7);
    expect(Array.from(first)).toEqual(Array.from(whole.subarray(0, 2 * d)));
    expect(Array.from(rest)).toEqual(Array.from(whole.subarray(2 * d)));
  });
  it("adds σ/2 on the image scale with no clamp, and nothing for σ = 0", () => {
    const n = 20000;
    const x = new Float32Array(n).fill(1);
    addTestNoise(x, 0, n, 0.4, 1);
    let m = 0;
    let v = 0;
    for (const e of x) m += e - 1;
    m /= n;
    for (const e of x) v += (e - 1 - m) ** 2;
    expect(Math.sqrt(v / n)).toBeCloseTo(0.2, 2);
    expect(Math.max(...x)).toBeGreaterThan(1);
    const y = new Float32Array(10).fill(0.25);
    addTestNoise(y, 0, 10, 0, 1);
    expect(Array.from(y)).toEqual(new Array(10).fill(0.25));
  });
});
