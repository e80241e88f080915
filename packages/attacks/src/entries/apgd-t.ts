import { APGD_DEFAULTS, apgdAttack, type ApgdOptions } from "../apgd";
import type { AttackEntry } from "../types";

/** APGD-T's options: APGD's and the number of target classes. */
export interface ApgdTOptions extends ApgdOptions {
  /** Targets: the classes ranked 2..targetClasses+1 by the clean logits; default 9, at most K-1. */
  targetClasses?: number;
}

/** APGD-T (fra31 `APGDAttack_targeted`, targeted DLR loss; spec 7.3). */
export const apgdT: AttackEntry<"apgd-t", ApgdTOptions, keyof ApgdTOptions> = {
  name: "apgd-t",
  norms: ["linf", "l2"],
  summary: "APGD on the targeted DLR loss, one run per target class (the 2nd..10th clean logit) (spec 7.3)",
  defaults: { ...APGD_DEFAULTS, targetClasses: 9 },
  minClasses: { count: 4, reason: "the targeted DLR loss uses the fourth largest logit" },
  run: (ctx, x, y, rng, _offset, s) => apgdAttack(ctx, x, y, rng, { ...s, loss: "dlr-targeted" }, Math.min(s.targetClasses, ctx.numClasses - 1)),
};
