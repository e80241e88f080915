import type { Rng } from "@ebjdat/runtime";
import { argmaxRows, lossAndGrad, type LossGrad } from "./modelEval";
import { projectLinf, projectL2, rowNorms } from "./project";
import { runRestarts, targetRanks } from "./restarts";
import type { AttackContext, LossName, Norm } from "./types";

/** The options APGD-CE, APGD-DLR and APGD-T share (spec 7.3). */
export interface ApgdOptions {
  /** Iterations N, default 100 (AutoAttack; 20 in the `paper` ensemble). */
  steps?: number;
  /** Restarts on the still-robust points (per target for APGD-T), default 1 (5 in `plus`). */
  restarts?: number;
  /** ρ of the oscillation check, default 0.75. */
  rho?: number;
  /** Gradients averaged per step (expectation over transformation), default 1 (20 in `rand`). */
  eotIter?: number;
}

/** APGD's defaults inside AutoAttack (spec 7.3, 7.6). */
export const APGD_DEFAULTS = { steps: 100, restarts: 1, rho: 0.75, eotIter: 1 } as const satisfies Required<ApgdOptions>;

/** Resolved settings of one APGD run (spec 7.3). */
export interface ApgdSettings extends Required<ApgdOptions> {
  eps: number;
  norm: Norm;
  loss: LossName;
}

/** APGD schedule constants (spec 7.3): N₂ = max(⌊0.22N⌋,1), N_min = max(⌊0.06N⌋,1), size_decr = max(⌊0.03N⌋,1). */
export function apgdSchedule(n: number): { n2: number; nMin: number; sizeDecr: number } {
  return { n2: Math.max(Math.floor(0.22 * n), 1), nMin: Math.max(Math.floor(0.06 * n), 1), sizeDecr: Math.max(Math.floor(0.03 * n), 1) };
}

/**
 * Oscillation test of APGD (spec 7.3, including the zero-row quirk): for each sample, counts
 * `lossSteps[j-c] > lossSteps[j-c-1]` for c = 0..k-1 (index -1 reads the last, still-zero row) and
 * returns 1 where the count is ≤ ρ·k (the step size must be halved).
 */
export function checkOscillation(lossSteps: Float32Array[], j: number, k: number, rho: number): Uint8Array {
  const n = lossSteps[0]!.length;
  const rows = lossSteps.length;
  const row = (i: number): Float32Array => lossSteps[(i + rows) % rows]!;
  const out = new Uint8Array(n);
  for (let s = 0; s < n; s++) {
    let t = 0;
    for (let c = 0; c < k; c++) if (row(j - c)[s]! > row(j - c - 1)[s]!) t++;
    out[s] = t <= k * rho ? 1 : 0;
  }
  return out;
}

function evalGrad(ctx: AttackContext, x: Float32Array, y: Int32Array, s: ApgdSettings, target: Int32Array | undefined, warnZero: boolean): LossGrad {
  const n = y.length;
  let out = lossAndGrad(ctx.model, x, n, ctx.dims, s.loss, y, target);
  if (s.eotIter > 1) {
    const grad = Float32Array.from(out.grad);
    for (let e = 1; e < s.eotIter; e++) {
      out = lossAndGrad(ctx.model, x, n, ctx.dims, s.loss, y, target);
      for (let i = 0; i < grad.length; i++) grad[i] = grad[i]! + out.grad[i]!;
    }
    for (let i = 0; i < grad.length; i++) grad[i] = grad[i]! / s.eotIter;
    out = { ...out, grad };
  }
  if (warnZero) {
    const d = x.length / n;
    let zero = 0;
    for (let k = 0; k < n; k++) {
      let any = false;
      for (let i = k * d; i < k * d + d && !any; i++) any = out.grad[i] !== 0;
      if (!any) zero++;
    }
    if (zero > 0) {
      ctx.warn(`there are ${zero} points with zero gradient! This might lead to unreliable evaluation with the DLR loss (check_zero_gradients, spec 7.6).`);
    }
  }
  return out;
}

/** Result of one APGD run on a batch. */
export interface ApgdRun {
  /** Best adversarial found (misclassified iterate) or the start point. */
  xBestAdv: Float32Array;
  /** 1 where the sample stayed correctly classified at every iterate. */
  robust: Uint8Array;
  lossBest: Float32Array;
  /** Loss of the iterate after each step, [N][n] (for tests). */
  lossSteps: Float32Array[];
  /** Step size per sample at the end. */
  stepSize: Float64Array;
}

/**
 * One APGD run (fra31 `attack_single_run`, spec 7.3): random start on the ε-sphere, step size
 * η = 2ε, momentum 0.75, step-size halving at the checkpoints (oscillation ≤ ρ·k, or no
 * improvement since a checkpoint where η was not reduced), restart from the best point.
 */
export function apgdSingleRun(ctx: AttackContext, x: Float32Array, y: Int32Array, rng: Rng, s: ApgdSettings, target?: Int32Array): ApgdRun {
  const n = y.length;
  const d = x.length / n;
  const { eps, norm, box } = { eps: s.eps, norm: s.norm, box: ctx.box };
  // fra31 checks for all-zero gradients once, at the start point, for the DLR losses
  const warnZero = s.loss === "dlr" || s.loss === "dlr-targeted";
  const { n2, nMin, sizeDecr } = apgdSchedule(s.steps);
  const k0 = ctx.numClasses;

  // random start
  let xAdv = new Float32Array(n * d);
  if (norm === "linf") {
    const t = rng.uniformArray(n * d, -1, 1);
    for (let k = 0; k < n; k++) {
      let m = 0;
      for (let i = k * d; i < k * d + d; i++) m = Math.max(m, Math.abs(t[i]!));
      for (let i = k * d; i < k * d + d; i++) xAdv[i] = x[i]! + (eps * t[i]!) / m;
    }
  } else {
    const t = rng.normalArray(n * d);
    const tn = rowNorms(t, d);
    for (let k = 0; k < n; k++) for (let i = k * d; i < k * d + d; i++) xAdv[i] = x[i]! + (eps * t[i]!) / (tn[k]! + 1e-12);
  }
  const [lo, hi] = box;
  for (let i = 0; i < xAdv.length; i++) xAdv[i] = Math.min(Math.max(xAdv[i]!, lo), hi);

  const xBest = Float32Array.from(xAdv);
  const xBestAdv = Float32Array.from(xAdv);
  const lossSteps: Float32Array[] = Array.from({ length: s.steps }, () => new Float32Array(n));

  let cur = evalGrad(ctx, xAdv, y, s, target, warnZero);
  let grad = cur.grad;
  const pred0 = argmaxRows(cur.logits, k0);
  const robust = new Uint8Array(n);
  for (let k = 0; k < n; k++) robust[k] = pred0[k] === y[k] ? 1 : 0;
  const gradBest = Float32Array.from(grad);
  const lossBest = Float32Array.from(cur.loss);
  const stepSize = new Float64Array(n).fill(2 * eps);
  let xOld = Float32Array.from(xAdv);
  let k = n2;
  let counter3 = 0;
  let lossBestLast = Float32Array.from(lossBest);
  let reducedLast = new Uint8Array(n).fill(1);

  const z1 = new Float32Array(n * d);
  const gn = new Float64Array(n);
  for (let i = 0; i < s.steps; i++) {
    const a = i > 0 ? 0.75 : 1.0;
    const grad2 = new Float32Array(n * d);
    for (let j = 0; j < grad2.length; j++) grad2[j] = xAdv[j]! - xOld[j]!;
    xOld = Float32Array.from(xAdv);
    if (norm === "linf") {
      for (let j = 0; j < z1.length; j++) {
        const g = grad[j]!;
        z1[j] = xAdv[j]! + stepSize[Math.floor(j / d)]! * (g > 0 ? 1 : g < 0 ? -1 : 0);
      }
      projectLinf(z1, x, eps, box);
      for (let j = 0; j < z1.length; j++) z1[j] = xAdv[j]! + (z1[j]! - xAdv[j]!) * a + grad2[j]! * (1 - a);
      projectLinf(z1, x, eps, box);
    } else {
      gn.set(rowNorms(grad, d));
      for (let j = 0; j < z1.length; j++) {
        const kk = Math.floor(j / d);
        z1[j] = xAdv[j]! + (stepSize[kk]! * grad[j]!) / (gn[kk]! + 1e-12);
      }
      projectL2(z1, x, eps, box, d);
      for (let j = 0; j < z1.length; j++) z1[j] = xAdv[j]! + (z1[j]! - xAdv[j]!) * a + grad2[j]! * (1 - a);
      projectL2(z1, x, eps, box, d);
    }
    xAdv = Float32Array.from(z1);

    cur = evalGrad(ctx, xAdv, y, s, target, false);
    grad = cur.grad;
    const pred = argmaxRows(cur.logits, k0);
    for (let kk = 0; kk < n; kk++) {
      if (pred[kk] !== y[kk]) {
        robust[kk] = 0;
        xBestAdv.set(xAdv.subarray(kk * d, kk * d + d), kk * d);
      }
    }
    lossSteps[i]!.set(cur.loss);
    for (let kk = 0; kk < n; kk++) {
      if (cur.loss[kk]! > lossBest[kk]!) {
        xBest.set(xAdv.subarray(kk * d, kk * d + d), kk * d);
        gradBest.set(grad.subarray(kk * d, kk * d + d), kk * d);
        lossBest[kk] = cur.loss[kk]!;
      }
    }
    counter3++;
    if (counter3 === k) {
      const fl = checkOscillation(lossSteps, i, k, s.rho);
      for (let kk = 0; kk < n; kk++) {
        const noImpr = reducedLast[kk] === 0 && lossBestLast[kk]! >= lossBest[kk]!;
        if (noImpr) fl[kk] = 1;
      }
      reducedLast = Uint8Array.from(fl);
      lossBestLast = Float32Array.from(lossBest);
      for (let kk = 0; kk < n; kk++) {
        if (fl[kk]) {
          stepSize[kk] = stepSize[kk]! / 2;
          xAdv.set(xBest.subarray(kk * d, kk * d + d), kk * d);
          grad.set(gradBest.subarray(kk * d, kk * d + d), kk * d);
        }
      }
      k = Math.max(k - sizeDecr, nMin);
      counter3 = 0;
    }
  }
  return { xBestAdv, robust, lossBest, lossSteps, stepSize };
}

/**
 * APGD-CE / APGD-DLR / APGD-T on one batch (fra31 `APGDAttack(_targeted).perturb`, spec 7.3):
 * only clean-correct points are attacked, each restart on the points still robust. Targeted
 * (APGD-T, `targetClasses` given): for target ranks 2..targetClasses+1 the target is the class of
 * that rank among the clean logits of the still-robust points, with the targeted DLR loss and
 * `restarts` runs each. Returns the adversarials (the clean image where none was found).
 */
export function apgdAttack(ctx: AttackContext, x: Float32Array, y: Int32Array, rng: Rng, s: ApgdSettings, targetClasses?: number): Float32Array {
  const targeted = targetClasses !== undefined;
  const settings: ApgdSettings = targeted ? { ...s, loss: "dlr-targeted" } : s;
  const plan = { restarts: s.restarts, ...(targeted ? { targetRanks: targetRanks(targetClasses) } : {}) };
  return runRestarts(ctx, x, y, plan, (sub) => {
    const run = apgdSingleRun(ctx, sub.x, sub.y, rng, settings, sub.target);
    return { adv: run.xBestAdv, robust: run.robust };
  });
}
