import type { Length, Rng, Space } from "@ebjdat/runtime";
import { clampBox, projectL2, projectLinf, projectLinfDelta, rowNorms } from "./project";
import type { Box, Norm } from "./types";

/**
 * Where the iteration starts (spec 7.1, 5.2 step 3):
 * - `none`: x̃₀ = x;
 * - `uniform`: l∞ x̃₀ = clamp(x + u, box), u ~ U(-ε, ε)^d (spec 7.1, 5.2); l2: a Gaussian
 *   direction with a radius drawn uniformly in [0, ε], projected onto the ball and the box;
 * - `gaussian`: x̃₀ = x + σ·N(0, I), not clamped (the TRADES start, σ = 0.001);
 * - `given`: an explicit x̃₀ (stored draws, resumed iterations).
 */
export type PgdStart<S extends Space> = { kind: "none" } | { kind: "uniform" } | { kind: "gaussian"; std: Length<S> } | { kind: "given"; x0: Float32Array };

/**
 * One PGD update rule (spec 7.1, 5.2, 5.3) with every length in the space `S` of the images it
 * runs on (image space for the attacks, model space for the samplers and the trainer; spec 0.1).
 */
export interface PgdStepRule<S extends Space> {
  /** Step size α. */
  stepSize: Length<S>;
  /** Radius ε of the ball (and of the `uniform` start). */
  eps: Length<S>;
  /** `linf`: the sign step x̃ + α·sign(g); `l2`: the normalised step x̃ + α·g/‖g‖ (per image). */
  norm: Norm;
  /** Project onto the ε-ball around x after every step (the EB-JDAT `code` sampler does not). */
  project: boolean;
  /** Clamp of every iterate and of the `uniform` start, or `null` for none. */
  box: Box | null;
  /**
   * l∞ projection form: `delta` = x + clamp(x̃ - x, -ε, ε) (torchattacks PGD, spec 7.1; the
   * default), `bounds` = clamp(x̃, x - ε, x + ε) (fra31, the EB-JDAT sampler). They differ only in
   * float32 rounding on the ball's faces; each caller keeps the form its reference uses.
   */
  linfProjection?: "delta" | "bounds";
  /** σ of the Gaussian noise σ·ξ, ξ ~ N(0, I), added after each step before the projection (spec 5.3 `paper`); default 0. */
  noiseStd?: Length<S>;
}

/** A whole PGD run: the update rule, the number of steps and the start. */
export interface PgdSettings<S extends Space> extends PgdStepRule<S> {
  steps: number;
  start: PgdStart<S>;
}

/**
 * ∇ of the ascended objective at the iterate (flat, same layout as `xAdv`), e.g. ∇ Σ_i CE_i
 * (PGD), ∇ E(x̃) (the EB-JDAT `paper` sampler) or ∇ Σ_i KL (TRADES). `step` counts from 0.
 */
export type LossGradient = (xAdv: Float32Array, step: number) => Float32Array;

/**
 * PGD random start from a given draw (spec 7.1, 5.2 step 3): `x̃₀ = clamp(x + u, lo, hi)`
 * (no clamp for `box = null`), float32 arithmetic as in the official code.
 */
export function pgdStart(x: Float32Array, u: Float32Array, box: Box | null): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = x[i]! + u[i]!;
  return clampBox(out, box);
}

function startPoint<S extends Space>(x: Float32Array, d: number, rng: Rng, s: PgdSettings<S>): Float32Array {
  const st = s.start;
  switch (st.kind) {
    case "none":
      return Float32Array.from(x);
    case "given":
      if (st.x0.length !== x.length) throw new Error(`PGD start has ${st.x0.length} values, expected ${x.length} (the shape of x)`);
      return Float32Array.from(st.x0);
    case "gaussian": {
      const g = rng.normalArray(x.length, 0, st.std);
      return Float32Array.from(x, (v, i) => v + g[i]!);
    }
    case "uniform": {
      if (s.norm === "linf") return pgdStart(x, rng.uniformArray(x.length, -s.eps, s.eps), s.box);
      const n = x.length / d;
      const g = rng.normalArray(x.length);
      const gn = rowNorms(g, d);
      const adv = new Float32Array(x.length);
      for (let k = 0; k < n; k++) {
        const r = (rng.next() * s.eps) / (gn[k]! + 1e-12);
        for (let i = k * d; i < k * d + d; i++) adv[i] = x[i]! + g[i]! * r;
      }
      return projectL2(adv, x, s.eps, s.box, d);
    }
  }
}

/**
 * One PGD update (spec 7.1, 5.2 step 4, 5.3) from a given gradient `g`, `d` values per image:
 * `x̃' = clamp(Π(x̃ + α·sign(g) [+ σ·ξ]), lo, hi)` (l∞; l2: `x̃ + α·g/‖g‖`), Π the projection
 * onto the ε-ball around x when `rule.project` is on, `ξ` = `noise` (drawn by the caller).
 * Float32 arithmetic at each operation (the official code's), so the result does not depend on
 * the TF.js backend.
 */
export function pgdStep<S extends Space>(adv: Float32Array, x: Float32Array, grad: Float32Array, rule: PgdStepRule<S>, d: number, noise?: Float32Array): Float32Array {
  const out = new Float32Array(adv.length);
  if (rule.norm === "linf") {
    const a = Math.fround(rule.stepSize);
    for (let i = 0; i < adv.length; i++) {
      const g = grad[i]!;
      out[i] = adv[i]! + (g > 0 ? a : g < 0 ? -a : 0);
    }
  } else {
    const gn = rowNorms(grad, d);
    for (let i = 0; i < adv.length; i++) out[i] = adv[i]! + (rule.stepSize * grad[i]!) / (gn[Math.floor(i / d)]! + 1e-12);
  }
  if (noise) {
    const sigma = Math.fround(rule.noiseStd ?? 0);
    for (let i = 0; i < out.length; i++) out[i] = out[i]! + Math.fround(noise[i]! * sigma);
  }
  if (!rule.project) return clampBox(out, rule.box);
  if (rule.norm === "l2") return projectL2(out, x, rule.eps, rule.box, d);
  return (rule.linfProjection ?? "delta") === "delta" ? projectLinfDelta(out, x, rule.eps, rule.box) : projectLinf(out, x, rule.eps, rule.box);
}

/**
 * The one PGD loop (spec 7.1, 5.2, 5.3) behind the PGD and FGSM attacks, the EB-JDAT adversarial
 * sampler and the trainer's PGD-AT / TRADES / MART examples: from `s.start`, `s.steps` times
 * `x̃ ← pgdStep(x̃, x, ∇J(x̃))` with J's gradient from `gradient`. `x` holds images of `d` values
 * each (flat). Every random draw (start, then one noise array per step when `noiseStd > 0`)
 * comes from `rng`, in that order. Returns the last iterate.
 */
export function pgdCore<S extends Space>(x: Float32Array, d: number, gradient: LossGradient, rng: Rng, s: PgdSettings<S>): Float32Array {
  if (!(Number.isInteger(s.steps) && s.steps >= 0)) throw new Error(`PGD steps must be an integer >= 0, got ${s.steps}`);
  if (!(Number.isInteger(d) && d > 0 && x.length % d === 0)) throw new Error(`PGD: ${x.length} values are not whole images of ${d} values`);
  const noisy = (s.noiseStd ?? 0) > 0;
  let adv = startPoint(x, d, rng, s);
  for (let k = 0; k < s.steps; k++) {
    const g = gradient(adv, k);
    adv = pgdStep(adv, x, g, s, d, noisy ? rng.normalArray(adv.length) : undefined);
  }
  return adv;
}
