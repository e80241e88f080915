import { lossAndGrad } from "../modelEval";
import { pgdCore } from "../pgd-core";
import type { AttackEntry } from "../types";

/** FGSM has no options of its own. */
export type FgsmOptions = Record<never, never>;

/**
 * FGSM (spec 7.2): `x̃ = clamp(x + ε·sign(∇_x CE(z(x), y)), lo, hi)` (l2: `ε·g/‖g‖`), i.e. one
 * PGD step of size ε from the clean image.
 */
export const fgsm: AttackEntry<"fgsm", FgsmOptions, never> = {
  name: "fgsm",
  norms: ["linf", "l2"],
  summary: "FGSM: one signed (l2: normalised) gradient step of size eps on the cross-entropy (spec 7.2)",
  defaults: {},
  run(ctx, x, y, rng, _offset, s) {
    const gradient = (xa: Float32Array): Float32Array => lossAndGrad(ctx.model, xa, y.length, ctx.dims, "ce", y).grad;
    return pgdCore(x, x.length / y.length, gradient, rng, { steps: 1, stepSize: s.eps, eps: s.eps, norm: s.norm, project: true, box: ctx.box, start: { kind: "none" }, linfProjection: "delta" });
  },
};
