import { cleanState, gatherInt, gatherRows, rankedClass, scatterRows } from "./modelEval";
import type { AttackContext } from "./types";

/** The still-robust points of a batch, handed to one attempt of an attack. */
export interface RobustSubset {
  /** Their indices in the batch. */
  idx: number[];
  /** Their images (flat NHWC) and labels. */
  x: Float32Array;
  y: Int32Array;
  /** Targeted rounds: the class of the round's rank among each point's clean logits. */
  target?: Int32Array;
}

/** What one attempt found for its subset: candidate images and which points survived them. */
export interface Attempt {
  /** One image per point of the subset (the clean one where nothing was found). */
  adv: Float32Array;
  /** 1 where the point is still robust; 0 where `adv` broke it (it is then kept and retired). */
  robust: Uint8Array;
}

/** The rounds of an attack: `restarts` per target rank (`targetRanks` 2..T+1 for APGD-T and FAB-T), or untargeted. */
export interface RestartPlan {
  restarts: number;
  targetRanks?: readonly number[];
}

/** Target ranks 2..count+1 (the runner-up class first), as fra31's `n_target_classes` loop (spec 7.3, 7.4). */
export function targetRanks(count: number): number[] {
  return Array.from({ length: count }, (_, i) => i + 2);
}

/** Indices where `flags` is 1. */
function indicesOf(flags: Uint8Array): number[] {
  const out: number[] = [];
  flags.forEach((f, i) => {
    if (f) out.push(i);
  });
  return out;
}

/**
 * The restart driver of fra31's `perturb` (spec 7.3 "Restarts run on the samples that are still
 * robust", 7.4, 7.5): only the clean-correct points are attacked; for each target rank (in order)
 * and each restart, the still-robust points are gathered, `attempt(subset, restart)` runs on
 * them, and the points it broke get its image and leave the pool. Stops when none is left.
 * Returns the batch with the adversarial images in place (the clean image where none was found).
 * The driver draws nothing: every random draw is the attempt's, in the order it is called.
 */
export function runRestarts(ctx: AttackContext, x: Float32Array, y: Int32Array, plan: RestartPlan, attempt: (subset: RobustSubset, restart: number) => Attempt): Float32Array {
  const n = y.length;
  const d = x.length / n;
  const k = ctx.numClasses;
  const out = Float32Array.from(x);
  const { logits, acc } = cleanState(ctx, x, y);
  for (const rank of plan.targetRanks ?? [undefined]) {
    for (let r = 0; r < plan.restarts; r++) {
      const idx = indicesOf(acc);
      if (idx.length === 0) return out;
      const subset: RobustSubset = { idx, x: gatherRows(x, idx, d), y: gatherInt(y, idx) };
      if (rank !== undefined) subset.target = rankedClass(gatherRows(logits, idx, k), k, rank);
      const found = attempt(subset, r);
      idx.forEach((g, j) => {
        if (found.robust[j]) return;
        acc[g] = 0;
        scatterRows(out, [g], found.adv.subarray(j * d, j * d + d), d);
      });
    }
  }
  return out;
}
