import { describe, expect, it } from "vitest";
import { Rng } from "@ebjdat/runtime";
import { projectionLinf } from "./fabProjection";

/** Minimal λ with Σ|w_i|·min(λ, p_i) = need, by bisection (independent of the port). */
function bruteLambda(w: Float32Array, p: number[], need: number): number {
  let lo = 0;
  let hi = Math.max(...p);
  for (let it = 0; it < 200; it++) {
    const mid = (lo + hi) / 2;
    let s = 0;
    for (let i = 0; i < w.length; i++) s += Math.abs(w[i]!) * Math.min(mid, p[i]!);
    if (s < need) lo = mid;
    else hi = mid;
  }
  return hi;
}

describe("projection_linf (spec 7.4)", () => {
  it("finds the minimal-l∞ feasible step onto the hyperplane, or the maximal-progress box step", () => {
    const rng = new Rng(7);
    const dim = 50;
    let reachable = 0;
    for (let trial = 0; trial < 40; trial++) {
      const t = rng.uniformArray(dim);
      const w = rng.normalArray(dim);
      if (trial % 5 === 0) w[3] = 0;
      let wt = 0;
      for (let i = 0; i < dim; i++) wt += w[i]! * t[i]!;
      const b = wt + (rng.next() - 0.5) * (trial < 30 ? 4 : 40);
      const d = projectionLinf(t, w, Float64Array.of(b), dim);
      const sign = wt - b >= 0 ? 1 : -1;
      const p: number[] = [];
      let maxChange = 0;
      for (let i = 0; i < dim; i++) {
        const a = w[i]! * sign < 0 ? 1 : 0;
        p.push(a ? 1 - t[i]! : t[i]!);
        maxChange += Math.abs(w[i]!) * p[i]!;
        expect(t[i]! + d[i]!).toBeGreaterThanOrEqual(-1e-6);
        expect(t[i]! + d[i]!).toBeLessThanOrEqual(1 + 1e-6);
        if (w[i] === 0) expect(d[i]).toBe(0);
      }
      const need = Math.abs(wt - b);
      let after = 0;
      for (let i = 0; i < dim; i++) after += w[i]! * (t[i]! + d[i]!);
      let dmax = 0;
      for (const v of d) dmax = Math.max(dmax, Math.abs(v));
      if (need <= maxChange) {
        reachable++;
        expect(Math.abs(after - b)).toBeLessThan(1e-4 * (1 + Math.abs(b)));
        expect(Math.abs(dmax - bruteLambda(w, p, need))).toBeLessThan(1e-5);
      } else {
        for (let i = 0; i < dim; i++) if (w[i] !== 0) expect(Math.abs(Math.abs(d[i]!) - p[i]!)).toBeLessThan(1e-6);
      }
    }
    expect(reachable).toBeGreaterThan(20);
  });
});
