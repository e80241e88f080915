import type { Rng } from "@ebjdat/runtime";
import { logitsOf, lossAndGrad, argmaxRows } from "./modelEval";
import { projectionLinf } from "./fabProjection";
import { runRestarts, targetRanks } from "./restarts";
import type { AttackContext, Box } from "./types";

/** The options FAB and FAB-T share (spec 7.4). */
export interface FabOptions {
  /** Iterations, default 100 (20 in the `paper` ensemble). */
  steps?: number;
  /** Restarts (after the first with a random start), default 1 (5 in `plus`). */
  restarts?: number;
  /** α_max of the convex step, default 0.1. */
  alphaMax?: number;
  /** Extrapolation η, default 1.05. */
  eta?: number;
  /** Step back β towards x after a success, default 0.9. */
  beta?: number;
  /** Box of FAB's clamps and projection, default the attack's box (the `paper` ensemble's [0.5, 1] reproduces the official bug, spec 7.9). */
  fabBox?: Box;
}

/** FAB's defaults inside AutoAttack (spec 7.4). */
export const FAB_DEFAULTS = { steps: 100, restarts: 1, alphaMax: 0.1, eta: 1.05, beta: 0.9 } as const satisfies Required<Omit<FabOptions, "fabBox">>;

/** Resolved settings of FAB (spec 7.4). */
export interface FabSettings extends Required<Omit<FabOptions, "fabBox">> {
  eps: number;
  targeted: boolean;
  /** Number of target classes of FAB-T (targets 2..n+1 by clean-logit rank). */
  targetClasses: number;
  /** Box of FAB's clamps and projection (the official code assumes [0, 1]). */
  box: Box;
}

/** projection_linf for a box [lo, hi]: shift/scale to [0, 1], project, scale back (spec 7.4). */
function projectBox(t: Float32Array, w: Float32Array, b: Float64Array, dim: number, box: Box): Float32Array {
  const [lo, hi] = box;
  if (lo === 0 && hi === 1) return projectionLinf(t, w, b, dim);
  const sc = hi - lo;
  const rows = b.length;
  const t2 = new Float32Array(t.length);
  const w2 = new Float32Array(w.length);
  const b2 = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let wl = 0;
    for (let i = r * dim; i < r * dim + dim; i++) {
      t2[i] = (t[i]! - lo) / sc;
      w2[i] = w[i]! * sc;
      wl += w[i]! * lo;
    }
    b2[r] = b[r]! - wl;
  }
  const d = projectionLinf(t2, w2, b2, dim);
  for (let i = 0; i < d.length; i++) d[i] = d[i]! * sc;
  return d;
}

/** Difference logit f = z_t - z_y and its gradient; untargeted: the closest class by |f|/‖∇f‖₁. */
function diffLogit(ctx: AttackContext, x1: Float32Array, y: Int32Array, target: Int32Array | undefined): { df: Float64Array; dg: Float32Array } {
  const n = y.length;
  const d = x1.length / n;
  if (target) {
    const lg = lossAndGrad(ctx.model, x1, n, ctx.dims, "diff", y, target);
    return { df: Float64Array.from(lg.loss), dg: lg.grad };
  }
  const bestDist = new Float64Array(n).fill(Infinity);
  const df = new Float64Array(n);
  const dg = new Float32Array(n * d);
  for (let c = 0; c < ctx.numClasses; c++) {
    const tc = new Int32Array(n).fill(c);
    const lg = lossAndGrad(ctx.model, x1, n, ctx.dims, "diff", y, tc);
    for (let k = 0; k < n; k++) {
      if (y[k] === c) continue;
      let g1 = 0;
      for (let i = k * d; i < k * d + d; i++) g1 += Math.abs(lg.grad[i]!);
      const dist = Math.abs(lg.loss[k]!) / (1e-12 + g1);
      if (dist < bestDist[k]!) {
        bestDist[k] = dist;
        df[k] = lg.loss[k]!;
        dg.set(lg.grad.subarray(k * d, k * d + d), k * d);
      }
    }
  }
  return { df, dg };
}

/**
 * One FAB run (fra31 `attack_single_run(_targeted)`, spec 7.4) on clean-correct points:
 * linearise the difference logit, project x1 and the original x onto its zero hyperplane
 * (projection_linf), take the convex step with α = clamp(a1/(a1+a2), 0, α_max) and
 * extrapolation η, keep the closest misclassified iterate and step back by β.
 * Returns the best adversarial (clean image where none was found) and its l∞ distance.
 */
export function fabSingleRun(ctx: AttackContext, x: Float32Array, y: Int32Array, rng: Rng, s: FabSettings, target: Int32Array | undefined, randStart: boolean): { adv: Float32Array; res: Float64Array } {
  const n = y.length;
  const d = x.length / n;
  const [lo, hi] = s.box;
  const clampBox = (v: number): number => (v < lo ? lo : v > hi ? hi : v);
  const adv = Float32Array.from(x);
  const res2 = new Float64Array(n).fill(1e10);
  let x1 = Float32Array.from(x);
  if (randStart) {
    const t = rng.uniformArray(n * d, -1, 1);
    for (let k = 0; k < n; k++) {
      let m = 0;
      for (let i = k * d; i < k * d + d; i++) m = Math.max(m, Math.abs(t[i]!));
      const r = Math.min(res2[k]!, s.eps);
      for (let i = k * d; i < k * d + d; i++) x1[i] = clampBox(x[i]! + ((r * t[i]!) / m) * 0.5);
    }
  }
  const both = new Float32Array(2 * n * d);
  const wBoth = new Float32Array(2 * n * d);
  const bBoth = new Float64Array(2 * n);
  for (let it = 0; it < s.steps; it++) {
    const { df, dg } = diffLogit(ctx, x1, y, target);
    for (let k = 0; k < n; k++) {
      let dot = 0;
      for (let i = k * d; i < k * d + d; i++) dot += dg[i]! * x1[i]!;
      bBoth[k] = -df[k]! + dot;
      bBoth[n + k] = bBoth[k]!;
    }
    both.set(x1, 0);
    both.set(x, n * d);
    wBoth.set(dg, 0);
    wBoth.set(dg, n * d);
    const d3 = projectBox(both, wBoth, bBoth, d, s.box);
    const next = new Float32Array(n * d);
    for (let k = 0; k < n; k++) {
      let a1 = 0;
      let a2 = 0;
      for (let i = k * d; i < k * d + d; i++) {
        a1 = Math.max(a1, Math.abs(d3[i]!));
        a2 = Math.max(a2, Math.abs(d3[n * d + i]!));
      }
      a1 = Math.max(a1, 1e-8);
      a2 = Math.max(a2, 1e-8);
      const alpha = Math.min(Math.max(a1 / (a1 + a2), 0), s.alphaMax);
      for (let i = k * d; i < k * d + d; i++) {
        const v = (x1[i]! + s.eta * d3[i]!) * (1 - alpha) + (x[i]! + d3[n * d + i]! * s.eta) * alpha;
        next[i] = clampBox(v);
      }
    }
    x1 = next;
    const pred = argmaxRows(logitsOf(ctx.model, x1, n, ctx.dims), ctx.numClasses);
    for (let k = 0; k < n; k++) {
      if (pred[k] === y[k]) continue;
      let t = 0;
      for (let i = k * d; i < k * d + d; i++) t = Math.max(t, Math.abs(x1[i]! - x[i]!));
      if (t < res2[k]!) {
        adv.set(x1.subarray(k * d, k * d + d), k * d);
        res2[k] = t;
      }
      for (let i = k * d; i < k * d + d; i++) x1[i] = x[i]! + (x1[i]! - x[i]!) * s.beta;
    }
  }
  return { adv, res: res2 };
}

/**
 * FAB-T / FAB on one batch (fra31 `FABAttack.perturb`, spec 7.4): targeted over target ranks
 * 2..targetClasses+1 (or untargeted), restarts after the first with a random start; keeps an
 * adversarial only if it is misclassified and within ε (l∞).
 */
export function fabAttack(ctx: AttackContext, x: Float32Array, y: Int32Array, rng: Rng, s: FabSettings): Float32Array {
  const d = x.length / y.length;
  const plan = { restarts: s.restarts, ...(s.targeted ? { targetRanks: targetRanks(s.targetClasses) } : {}) };
  return runRestarts(ctx, x, y, plan, (sub, restart) => {
    const { adv } = fabSingleRun(ctx, sub.x, sub.y, rng, s, sub.target, restart > 0);
    const pred = argmaxRows(logitsOf(ctx.model, adv, sub.idx.length, ctx.dims), ctx.numClasses);
    const robust = new Uint8Array(sub.idx.length);
    for (let j = 0; j < robust.length; j++) {
      let res = 0;
      for (let i = j * d; i < j * d + d; i++) res = Math.max(res, Math.abs(adv[i]! - sub.x[i]!));
      robust[j] = pred[j] !== sub.y[j] && res <= s.eps ? 0 : 1;
    }
    return { adv, robust };
  });
}
