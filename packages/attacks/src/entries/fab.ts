import { FAB_DEFAULTS, fabAttack, type FabOptions } from "../fab";
import type { AttackEntry } from "../types";

/** FAB, untargeted (fra31 `FABAttack_PT`, the closest class by |f|/‖∇f‖₁; spec 7.4; l∞). */
export const fab: AttackEntry<"fab", FabOptions, keyof typeof FAB_DEFAULTS> = {
  name: "fab",
  norms: ["linf"],
  summary: "FAB: minimal-l-inf steps onto the linearised decision boundary of the closest class (spec 7.4)",
  defaults: FAB_DEFAULTS,
  run: (ctx, x, y, rng, _offset, s) => fabAttack(ctx, x, y, rng, { ...s, targeted: false, targetClasses: 0, box: s.fabBox ?? ctx.box }),
};
