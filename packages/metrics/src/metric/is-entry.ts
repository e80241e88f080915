import { inceptionScore } from "../inception-score";
import { NumpyRandomState } from "../numpy-random";
import type { MetricContext, MetricEntry } from "./types";

/**
 * The report entry of an Inception Score (spec 8.2) on the fake logits of `ctx`:
 * IS = exp(E_x KL(p(y|x) ‖ p(y))) per split, mean and population std over `isSplits` (default 10).
 */
export function isEntry(ctx: MetricContext, name: string, protocol: string): MetricEntry {
  ctx.stage(name);
  const l = ctx.fake;
  const splits = ctx.settings.isSplits ?? 10;
  const seed = ctx.settings.isShuffleSeed ?? null;
  const r = inceptionScore(l, { splits, permutation: seed === null ? undefined : new NumpyRandomState(seed).permutation(l.rows) });
  return { name, value: r.mean, std: r.std, protocol, pipeline: ctx.pipeline, nFake: l.rows, settings: { splits, shuffleSeed: seed, std: "population (ddof 0)" } };
}
