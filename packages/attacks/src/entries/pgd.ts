import { imageEps, type ImageEps } from "@ebjdat/runtime";
import { logitsOf, lossAndGrad, rankedClass } from "../modelEval";
import { pgdCore } from "../pgd-core";
import type { AttackContext, AttackEntry, LossName } from "../types";

/** PGD's own options (spec 7.1, 7.7). */
export interface PgdOptions {
  /** Iterations k, default 20 (`pgd20`). */
  steps?: number;
  /** Step size α, default ε/4 (2/255 at ε = 8/255, spec 7.7). */
  stepSize?: ImageEps;
  /** Random start x + U(-ε, ε) (l2: a random point of the ball), default true. */
  randomStart?: boolean;
  /** Loss ascended, default `ce`. */
  loss?: LossName;
  /** `paper`: the bundled-torchattacks PGD, gradient of the batch-mean CE (spec 7.1, 7.9); default false. */
  paper?: boolean;
  /** Targeted losses: explicit targets (one per image of the whole set), or the rank of the target among the clean logits (default 2 = runner-up). */
  targets?: Int32Array | number;
}

/** The target classes of a targeted loss for a batch: explicit (from `offset`), or the rank-th clean logit. */
function resolveTargets(ctx: AttackContext, x: Float32Array, y: Int32Array, targets: Int32Array | number | undefined, loss: LossName, offset: number): Int32Array | undefined {
  if (!loss.endsWith("targeted")) return undefined;
  if (targets === undefined || typeof targets === "number") {
    const rank = typeof targets === "number" ? targets : 2;
    return rankedClass(logitsOf(ctx.model, x, y.length, ctx.dims), ctx.numClasses, rank);
  }
  return targets.subarray(offset, offset + y.length);
}

/**
 * PGD-k (Madry et al.; spec 7.1, 7.7) on one batch: random start, `steps` signed (l∞) or
 * normalised (l2) gradient steps on the loss, projection onto the ε-ball (torchattacks' delta
 * form) and the box after each; returns the last iterate.
 */
export const pgd: AttackEntry<"pgd", PgdOptions, "steps" | "randomStart" | "loss" | "paper"> = {
  name: "pgd",
  norms: ["linf", "l2"],
  summary: "PGD-k (Madry): k signed (l2: normalised) gradient steps of the loss with projection; pgdN sets k (spec 7.1, 7.7)",
  defaults: { steps: 20, randomStart: true, loss: "ce", paper: false },
  stepsInName: true,
  run(ctx, x, y, rng, offset, s) {
    const targets = resolveTargets(ctx, x, y, s.targets, s.loss, offset);
    const reduction = s.paper ? "mean" : "sum";
    const gradient = (xa: Float32Array): Float32Array => lossAndGrad(ctx.model, xa, y.length, ctx.dims, s.loss, y, targets, reduction).grad;
    return pgdCore(x, x.length / y.length, gradient, rng, {
      steps: s.steps,
      stepSize: s.stepSize ?? imageEps(s.eps / 4),
      eps: s.eps,
      norm: s.norm,
      project: true,
      box: ctx.box,
      start: { kind: s.randomStart ? "uniform" : "none" },
      linfProjection: "delta",
    });
  },
};
