import { FAB_DEFAULTS, fabAttack, type FabOptions } from "../fab";
import type { AttackEntry } from "../types";

/** FAB-T's options: FAB's and the number of target classes. */
export interface FabTOptions extends FabOptions {
  /** Targets: the classes ranked 2..targetClasses+1 by the clean logits; default 9, at most K-1. */
  targetClasses?: number;
}

/** FAB-T (fra31 `FABAttack_PT`, targeted; spec 7.4; l∞). */
export const fabT: AttackEntry<"fab-t", FabTOptions, keyof typeof FAB_DEFAULTS | "targetClasses"> = {
  name: "fab-t",
  norms: ["linf"],
  summary: "FAB-T: FAB towards each target class (the 2nd..10th clean logit) (spec 7.4)",
  defaults: { ...FAB_DEFAULTS, targetClasses: 9 },
  run: (ctx, x, y, rng, _offset, s) => fabAttack(ctx, x, y, rng, { ...s, targeted: true, targetClasses: Math.min(s.targetClasses, ctx.numClasses - 1), box: s.fabBox ?? ctx.box }),
};
