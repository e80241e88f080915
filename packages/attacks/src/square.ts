import type { Rng } from "@ebjdat/runtime";
import { gatherInt, gatherRows, logitsOf, argmaxRows } from "./modelEval";
import { runRestarts } from "./restarts";
import type { AttackContext } from "./types";

/** The Square attack's options (spec 7.5). */
export interface SquareOptions {
  /** Query budget, default 5000. */
  queries?: number;
  /** Restarts, default 1. */
  restarts?: number;
  /** Initial fraction of the image a window covers, default 0.8. */
  pInit?: number;
  /** torchattacks' `resc_schedule` (the p schedule rescaled to 10000 queries); fra31 AutoAttack: false (default). */
  rescaleSchedule?: boolean;
}

/** Resolved settings of the Square attack (spec 7.5). */
export interface SquareSettings extends Required<SquareOptions> {
  eps: number;
  loss: "margin" | "ce";
}

/**
 * Square's schedule of the window fraction (fra31 `p_selection`, spec 7.5):
 * p_init·{1 (it ≤ 10), 1/2 (10,50], 1/4 (50,200], 1/8 (200,500], 1/16 (500,1000], 1/32 (1000,2000],
 * 1/64 (2000,4000], 1/128 (4000,6000], 1/256 (6000,8000], 1/512 (> 8000)}.
 */
export function pSelection(iter: number, pInit: number, queries: number, rescale: boolean): number {
  const it = rescale ? Math.trunc((iter / queries) * 10000) : iter;
  const bounds: [number, number][] = [
    [10, 1],
    [50, 2],
    [200, 4],
    [500, 8],
    [1000, 16],
    [2000, 32],
    [4000, 64],
    [6000, 128],
    [8000, 256],
  ];
  for (const [b, div] of bounds) if (it <= b) return pInit / div;
  return pInit / 512;
}

/** Margin `z_y - max_{j≠y} z_j` and the loss Square minimises (margin, or -CE). */
function marginAndLoss(logits: Float32Array, y: Int32Array, k: number, loss: "margin" | "ce"): { margin: Float64Array; loss: Float64Array } {
  const n = y.length;
  const margin = new Float64Array(n);
  const l = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const row = logits.subarray(i * k, i * k + k);
    const zy = row[y[i]!]!;
    let other = -Infinity;
    let mx = -Infinity;
    for (let j = 0; j < k; j++) {
      mx = Math.max(mx, row[j]!);
      if (j !== y[i]) other = Math.max(other, row[j]!);
    }
    margin[i] = zy - other;
    if (loss === "margin") l[i] = margin[i]!;
    else {
      let se = 0;
      for (let j = 0; j < k; j++) se += Math.exp(row[j]! - mx);
      l[i] = -(mx + Math.log(se) - zy);
    }
  }
  return { margin, loss: l };
}

/**
 * One Square run (fra31 `attack_single_run`, l∞, spec 7.5): vertical-stripe init at the ε corners,
 * then per query one random s×s window (shared by the batch) with a random sign per channel of
 * size 2ε, projected to the ε-ball and box; accepted per image when the loss decreases or the
 * image becomes misclassified. Stops when every image is misclassified.
 */
export function squareSingleRun(ctx: AttackContext, x: Float32Array, y: Int32Array, rng: Rng, s: SquareSettings): Float32Array {
  const n = y.length;
  const [h, w, c] = ctx.dims;
  const d = h * w * c;
  const [lo, hi] = ctx.box;
  const clampBox = (v: number): number => (v < lo ? lo : v > hi ? hi : v);
  const sign = (): number => (2 * rng.next() - 1 > 0 ? 1 : -1);
  const xBest = new Float32Array(n * d);
  for (let k = 0; k < n; k++) {
    // stripes: one sign per (image, channel, column); torch draws [B, c, 1, w] in C order
    const stripe = new Float32Array(c * w);
    for (let ch = 0; ch < c; ch++) for (let col = 0; col < w; col++) stripe[ch * w + col] = sign();
    for (let r = 0; r < h; r++)
      for (let col = 0; col < w; col++)
        for (let ch = 0; ch < c; ch++) {
          const i = k * d + (r * w + col) * c + ch;
          xBest[i] = clampBox(x[i]! + s.eps * stripe[ch * w + col]!);
        }
  }
  const init = marginAndLoss(logitsOf(ctx.model, xBest, n, ctx.dims), y, ctx.numClasses, s.loss);
  const marginMin = init.margin;
  const lossMin = init.loss;
  const eps32 = Math.fround(s.eps);
  for (let it = 0; it < s.queries; it++) {
    const idx: number[] = [];
    marginMin.forEach((m, i) => {
      if (m > 0) idx.push(i);
    });
    if (idx.length === 0) break;
    const p = pSelection(it, s.pInit, s.queries, s.rescaleSchedule);
    const side = Math.min(Math.max(Math.round(Math.sqrt((p * d) / c)), 1), Math.min(h, w));
    const vh = Math.floor(rng.next() * (h - side));
    const vw = Math.floor(rng.next() * (w - side));
    const chSign = Array.from({ length: c }, () => sign());
    const xCurr = gatherRows(x, idx, d);
    const xNew = gatherRows(xBest, idx, d);
    for (let j = 0; j < idx.length; j++) {
      for (let r = vh; r < vh + side; r++)
        for (let col = vw; col < vw + side; col++)
          for (let ch = 0; ch < c; ch++) {
            const i = j * d + (r * w + col) * c + ch;
            const xi = xCurr[i]!;
            let v = xNew[i]! + 2 * eps32 * chSign[ch]!;
            v = Math.min(Math.max(v, xi - eps32), xi + eps32);
            xNew[i] = clampBox(v);
          }
    }
    const ml = marginAndLoss(logitsOf(ctx.model, xNew, idx.length, ctx.dims), gatherInt(y, idx), ctx.numClasses, s.loss);
    for (let j = 0; j < idx.length; j++) {
      const g = idx[j]!;
      const improved = ml.loss[j]! < lossMin[g]!;
      if (improved) lossMin[g] = ml.loss[j]!;
      if (improved || ml.margin[j]! <= 0) {
        marginMin[g] = ml.margin[j]!;
        xBest.set(xNew.subarray(j * d, j * d + d), g * d);
      }
    }
  }
  return xBest;
}

/** Square attack on one batch (fra31 `SquareAttack.perturb`, spec 7.5): restarts on the clean-correct points still robust. */
export function squareAttack(ctx: AttackContext, x: Float32Array, y: Int32Array, rng: Rng, s: SquareSettings): Float32Array {
  return runRestarts(ctx, x, y, { restarts: s.restarts }, (sub) => {
    const adv = squareSingleRun(ctx, sub.x, sub.y, rng, s);
    const pred = argmaxRows(logitsOf(ctx.model, adv, sub.idx.length, ctx.dims), ctx.numClasses);
    return { adv, robust: Uint8Array.from(pred, (p, j) => (p === sub.y[j] ? 1 : 0)) };
  });
}
