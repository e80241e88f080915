import { featureSetFrechetDistance } from "../feature-distance";
import type { MetricContext, MetricEntry } from "./types";

/**
 * The report entry of a Fréchet distance (spec 8.1) between the real and fake features of `ctx`:
 * d² = ‖μ_r − μ_f‖² + tr Σ_r + tr Σ_f − 2 tr √(Σ_r Σ_f), float64.
 */
export function frechetEntry(ctx: MetricContext, name: string, protocol: string): MetricEntry {
  ctx.stage(name);
  const r = featureSetFrechetDistance(ctx.real!, ctx.fake, name);
  return { name, value: r.value, protocol, pipeline: ctx.pipeline, nReal: r.nReal, nFake: r.nFake, ...(r.warning ? { warning: r.warning } : {}) };
}
