import { APGD_DEFAULTS, apgdAttack, type ApgdOptions } from "../apgd";
import type { AttackEntry } from "../types";

/** APGD-DLR (fra31 `APGDAttack`, loss `dlr`: -(z_y - max_{i≠y} z_i)/(z_π1 - z_π3); spec 7.3). */
export const apgdDlr: AttackEntry<"apgd-dlr", ApgdOptions, keyof ApgdOptions> = {
  name: "apgd-dlr",
  norms: ["linf", "l2"],
  summary: "APGD on the difference-of-logits-ratio loss (spec 7.3)",
  defaults: APGD_DEFAULTS,
  minClasses: { count: 3, reason: "the DLR loss uses the third largest logit" },
  run: (ctx, x, y, rng, _offset, s) => apgdAttack(ctx, x, y, rng, { ...s, loss: "dlr" }),
};
