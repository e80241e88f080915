import type { Rng } from "@ebjdat/runtime";
import { argmaxRows, logitsOf, lossAndGrad, rankedClass } from "./modelEval";
import { projectL2, rowNorms } from "./project";
import type { AttackContext, Box, LossName, Norm } from "./types";

const f32 = Math.fround;

/**
 * PGD random start from a given draw (spec 7.1): `x̃₀ = clamp(x + u, lo, hi)` with
 * `u ~ U(-ε, ε)` (l∞). Float32 arithmetic as in the official code.
 */
export function pgdStart(x: Float32Array, u: Float32Array, box: Box): Float32Array {
  const [lo, hi] = box;
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const a = f32(x[i]! + u[i]!);
    out[i] = a < lo ? lo : a > hi ? hi : a;
  }
  return out;
}

/**
 * One PGD update (spec 7.1). l∞: `x̃ ← x̃ + α·sign(g)`, `x̃ ← clamp(x + clamp(x̃ - x, -ε, ε), lo, hi)`;
 * l2: `x̃ ← x̃ + α·g/‖g‖`, then projection onto the l2 ball and the box. `d` = values per image.
 */
export function pgdStep(adv: Float32Array, x: Float32Array, grad: Float32Array, alpha: number, eps: number, box: Box, norm: Norm = "linf", d = adv.length): Float32Array {
  const [lo, hi] = box;
  const out = new Float32Array(adv.length);
  if (norm === "linf") {
    const a32 = f32(alpha);
    const e = f32(eps);
    for (let i = 0; i < adv.length; i++) {
      const g = grad[i]!;
      const s = g > 0 ? a32 : g < 0 ? -a32 : 0;
      const a = f32(adv[i]! + s);
      let delta = f32(a - x[i]!);
      if (delta < -e) delta = -e;
      if (delta > e) delta = e;
      const v = f32(x[i]! + delta);
      out[i] = v < lo ? lo : v > hi ? hi : v;
    }
    return out;
  }
  const gn = rowNorms(grad, d);
  for (let i = 0; i < adv.length; i++) out[i] = adv[i]! + (alpha * grad[i]!) / (gn[Math.floor(i / d)]! + 1e-12);
  return projectL2(out, x, eps, box, d);
}

/** Settings of one PGD run (resolved defaults). */
export interface PgdSettings {
  eps: number;
  norm: Norm;
  steps: number;
  stepSize: number;
  randomStart: boolean;
  loss: LossName;
  /** Batch-mean loss (torchattacks, `paper`) instead of the per-sample sum. */
  meanLoss: boolean;
  targets?: Int32Array | number;
}

/** Resolves the target classes of a targeted loss for a batch (explicit, or the rank-th clean logit). */
export function resolveTargets(ctx: AttackContext, x: Float32Array, y: Int32Array, targets: Int32Array | number | undefined, loss: LossName, offset: number): Int32Array | undefined {
  if (!loss.endsWith("targeted")) return undefined;
  if (targets === undefined || typeof targets === "number") {
    const rank = typeof targets === "number" ? targets : 2;
    return rankedClass(logitsOf(ctx.model, x, y.length, ctx.dims), ctx.numClasses, rank);
  }
  return targets.subarray(offset, offset + y.length);
}

/**
 * PGD-k (Madry et al.; spec 7.1, 7.7) on one batch: random start, `steps` signed (l∞) or
 * normalised (l2) gradient steps on the loss, projection after each; returns the last iterate.
 */
export function pgdBatch(ctx: AttackContext, x: Float32Array, y: Int32Array, rng: Rng, s: PgdSettings, offset = 0): Float32Array {
  const n = y.length;
  const d = ctx.dims[0] * ctx.dims[1] * ctx.dims[2];
  let adv: Float32Array;
  if (!s.randomStart) adv = Float32Array.from(x);
  else if (s.norm === "linf") adv = pgdStart(x, rng.uniformArray(n * d, -s.eps, s.eps), ctx.box);
  else {
    const g = rng.normalArray(n * d);
    const gn = rowNorms(g, d);
    adv = new Float32Array(n * d);
    for (let k = 0; k < n; k++) {
      const r = (rng.next() * s.eps) / (gn[k]! + 1e-12);
      for (let i = k * d; i < k * d + d; i++) adv[i] = x[i]! + g[i]! * r;
    }
    adv = projectL2(adv, x, s.eps, ctx.box, d);
  }
  return pgdIterate(ctx, x, y, adv, s, resolveTargets(ctx, x, y, s.targets, s.loss, offset));
}

/** The `steps` PGD updates of spec 7.1 from a given start point; returns the last iterate. */
export function pgdIterate(ctx: AttackContext, x: Float32Array, y: Int32Array, start: Float32Array, s: PgdSettings, targets?: Int32Array): Float32Array {
  const d = ctx.dims[0] * ctx.dims[1] * ctx.dims[2];
  let adv = start;
  for (let k = 0; k < s.steps; k++) {
    const lg = lossAndGrad(ctx.model, adv, y.length, ctx.dims, s.loss, y, targets, s.meanLoss ? "mean" : "sum");
    adv = pgdStep(adv, x, lg.grad, s.stepSize, s.eps, ctx.box, s.norm, d);
  }
  return adv;
}

/**
 * FGSM (spec 7.2): `x̃ = clamp(x + ε·sign(∇_x CE(z(x), y)), lo, hi)` (l2: `ε·g/‖g‖`).
 */
export function fgsmBatch(ctx: AttackContext, x: Float32Array, y: Int32Array, eps: number, norm: Norm): Float32Array {
  const d = ctx.dims[0] * ctx.dims[1] * ctx.dims[2];
  const lg = lossAndGrad(ctx.model, x, y.length, ctx.dims, "ce", y);
  return pgdStep(x, x, lg.grad, eps, eps, ctx.box, norm, d);
}

/** Predicted classes of a flat batch. */
export function predictBatch(ctx: AttackContext, x: Float32Array, n: number): Int32Array {
  return argmaxRows(logitsOf(ctx.model, x, n, ctx.dims), ctx.numClasses);
}
