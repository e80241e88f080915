import { squareAttack, type SquareOptions } from "../square";
import type { AttackEntry } from "../types";

/** Square (fra31 `SquareAttack`, margin loss; spec 7.5; l∞): a score-based random search, no gradients. */
export const square: AttackEntry<"square", SquareOptions, keyof SquareOptions> = {
  name: "square",
  norms: ["linf"],
  summary: "Square: random search over square windows of +-2eps on the margin loss, no gradients (spec 7.5)",
  defaults: { queries: 5000, restarts: 1, pInit: 0.8, rescaleSchedule: false },
  run: (ctx, x, y, rng, _offset, s) => squareAttack(ctx, x, y, rng, { ...s, loss: "margin" }),
};
