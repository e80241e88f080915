import { APGD_DEFAULTS, apgdAttack, type ApgdOptions } from "../apgd";
import type { AttackEntry } from "../types";

/** APGD-CE's options: APGD's, and the loss (`dlr` turns it into APGD-DLR without the class check). */
export interface ApgdCeOptions extends ApgdOptions {
  /** Default `ce`. */
  loss?: "ce" | "dlr";
}

/** APGD-CE (fra31 `APGDAttack`, loss `ce`; spec 7.3). */
export const apgdCe: AttackEntry<"apgd-ce", ApgdCeOptions, keyof ApgdCeOptions> = {
  name: "apgd-ce",
  norms: ["linf", "l2"],
  summary: "APGD on the cross-entropy: step 2eps halved on oscillation, momentum 0.75, restarts (spec 7.3)",
  defaults: { ...APGD_DEFAULTS, loss: "ce" },
  run: (ctx, x, y, rng, _offset, s) => apgdAttack(ctx, x, y, rng, s),
};
