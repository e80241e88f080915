import { describe, expect, it } from "vitest";
import { imageEps, modelEps, Rng } from "@ebjdat/runtime";
import { pgdCore, pgdStart, pgdStep, type PgdSettings } from "./pgd-core";
import { rowNorms } from "./project";

const f32 = Math.fround;
const D = 12;
const N = 3;

function images(seed: number, lo = 0, hi = 1): Float32Array {
  return new Rng(seed).uniformArray(N * D, lo, hi);
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

const ones = (x: Float32Array): Float32Array => new Float32Array(x.length).fill(1);

describe("PGD core (spec 7.1, 5.2, 5.3)", () => {
  const linf: PgdSettings<"image"> = { stepSize: imageEps(0.01), eps: imageEps(0.03), norm: "linf", project: true, box: [0, 1], steps: 5, start: { kind: "uniform" } };

  it("uniform start: x + U(-ε, ε) from the rng, clamped to the box; then steps from it", () => {
    const x = images(1);
    const start = pgdCore(x, D, ones, new Rng(7), { ...linf, steps: 0 });
    expect(Array.from(start)).toEqual(Array.from(pgdStart(x, new Rng(7).uniformArray(x.length, -0.03, 0.03), [0, 1])));
    expect(maxAbsDiff(start, x)).toBeLessThanOrEqual(0.03 + 1e-7);
    // a constant ascent direction walks every coordinate to the face x + ε (or the box)
    const out = pgdCore(x, D, ones, new Rng(7), { ...linf, steps: 7 });
    out.forEach((v, i) => expect(v).toBe(Math.min(f32(x[i]! + f32(0.03)), 1)));
  });

  it("the gradient is read at each iterate, the step index counts from 0", () => {
    const x = images(2);
    const g = new Rng(4).normalArray(x.length);
    const seen: { k: number; xa: Float32Array }[] = [];
    const out = pgdCore(x, D, (xa, k) => (seen.push({ k, xa: Float32Array.from(xa) }), g), new Rng(1), { ...linf, start: { kind: "none" } });
    expect(seen.map((s) => s.k)).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(seen[0]!.xa)).toEqual(Array.from(x));
    for (let k = 1; k < 5; k++) expect(Array.from(seen[k]!.xa)).toEqual(Array.from(pgdStep(seen[k - 1]!.xa, x, g, linf, D)));
    expect(Array.from(out)).toEqual(Array.from(pgdStep(seen[4]!.xa, x, g, linf, D)));
  });

  it("without projection (the EB-JDAT `code` sampler) K sign steps move x̃ by K·α; with it, never beyond ε", () => {
    const x = images(3, -0.5, 0.5);
    const rule = { ...linf, box: [-1, 1] as const, start: { kind: "none" as const }, steps: 4 };
    const free = pgdCore(x, D, ones, new Rng(1), { ...rule, project: false });
    expect(maxAbsDiff(free, x)).toBeCloseTo(0.04, 6);
    const projected = pgdCore(x, D, ones, new Rng(1), rule);
    expect(maxAbsDiff(projected, x)).toBeLessThanOrEqual(0.03 + 1e-7);
  });

  it("the delta (torchattacks) and bounds (fra31, sampler) projections agree up to one float32 rounding", () => {
    const x = images(4);
    const g = new Rng(9).normalArray(x.length);
    const adv = pgdStart(x, new Rng(5).uniformArray(x.length, -0.03, 0.03), [0, 1]);
    const a = pgdStep(adv, x, g, { ...linf, linfProjection: "delta" }, D);
    const b = pgdStep(adv, x, g, { ...linf, linfProjection: "bounds" }, D);
    expect(maxAbsDiff(a, b)).toBeLessThanOrEqual(1e-7);
  });

  it("per-step noise: one N(0, I) draw per step after the start, scaled by σ; a null box does not clamp", () => {
    const x = images(5, 0.9, 1);
    const zero = (xa: Float32Array): Float32Array => new Float32Array(xa.length);
    const sigma = modelEps(0.2);
    const out = pgdCore(x, D, zero, new Rng(3), { stepSize: modelEps(0.01), eps: modelEps(1), norm: "linf", project: false, box: null, steps: 2, start: { kind: "uniform" }, noiseStd: sigma });
    const rng = new Rng(3);
    const expected = pgdStart(x, rng.uniformArray(x.length, -1, 1), null);
    for (let k = 0; k < 2; k++) {
      const xi = rng.normalArray(x.length);
      for (let i = 0; i < x.length; i++) expected[i] = expected[i]! + f32(xi[i]! * f32(sigma));
    }
    expect(Array.from(out)).toEqual(Array.from(expected));
    expect(Math.max(...out)).toBeGreaterThan(1);
  });

  it("gaussian start (TRADES) is x + σ·N(0, I), not clamped; given start is copied", () => {
    const x = new Float32Array(N * D).fill(1);
    const g = pgdCore(x, D, ones, new Rng(2), { ...linf, steps: 0, start: { kind: "gaussian", std: imageEps(0.1) } });
    const noise = new Rng(2).normalArray(x.length, 0, 0.1);
    expect(Array.from(g)).toEqual(Array.from(Float32Array.from(x, (v, i) => v + noise[i]!)));
    expect(Math.max(...g)).toBeGreaterThan(1);
    const x0 = images(6);
    const given = pgdCore(x, D, ones, new Rng(2), { ...linf, steps: 0, start: { kind: "given", x0 } });
    expect(given).not.toBe(x0);
    expect(Array.from(given)).toEqual(Array.from(x0));
  });

  it("l2: normalised steps of length α, projected onto the ε-ball", () => {
    const x = images(7, 0.3, 0.7);
    const g = new Rng(1).normalArray(x.length);
    const rule = { stepSize: imageEps(0.05), eps: imageEps(0.12), norm: "l2" as const, project: true, box: [0, 1] as const };
    const one = pgdStep(x, x, g, rule, D);
    rowNorms(Float32Array.from(one, (v, i) => v - x[i]!), D).forEach((v) => expect(v).toBeCloseTo(0.05, 5));
    const many = pgdCore(x, D, () => g, new Rng(1), { ...rule, steps: 6, start: { kind: "uniform" } });
    rowNorms(Float32Array.from(many, (v, i) => v - x[i]!), D).forEach((v) => expect(v).toBeLessThanOrEqual(0.12 * (1 + 1e-5)));
  });

  it("bad settings throw before any step", () => {
    const x = images(8);
    expect(() => pgdCore(x, D, ones, new Rng(1), { ...linf, steps: -1 })).toThrow(/steps must be an integer >= 0/);
    expect(() => pgdCore(x, 5, ones, new Rng(1), linf)).toThrow(/not whole images of 5 values/);
    expect(() => pgdCore(x, D, ones, new Rng(1), { ...linf, start: { kind: "given", x0: new Float32Array(3) } })).toThrow(/start has 3 values/);
  });
});
