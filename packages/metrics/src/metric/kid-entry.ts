import { kernelInceptionDistanceTf } from "../kid-tf";
import { NumpyRandomState } from "../numpy-random";
import type { MetricContext, MetricEntry } from "./types";

/**
 * The report entry of a KID (spec 8.3) between the real and fake features of `ctx`: mean and
 * population std over subsets (numpy RandomState(kidSeed), default 2020) of the unbiased MMD² with
 * the kernel k(x, y) = (xᵀy / d + 1)³.
 */
export async function kidEntry(ctx: MetricContext, name: string, protocol: string): Promise<MetricEntry> {
  ctx.stage(name);
  const a = ctx.real!, b = ctx.fake;
  const seed = ctx.settings.kidSeed ?? 2020;
  const rng = new NumpyRandomState(seed);
  const subsets = ctx.settings.kidSubsets ?? 100;
  const r = await kernelInceptionDistanceTf(a, b, { subsets, subsetSize: ctx.settings.kidSubsetSize, permutation: (n) => rng.permutation(n) });
  return {
    name, value: r.mean, std: r.std, protocol, pipeline: ctx.pipeline, nReal: a.rows, nFake: b.rows,
    settings: { subsets, subsetSize: r.subsetSize, degree: 3, gamma: `1/${a.cols}`, coef0: 1, seed, std: "population (ddof 0)" },
  };
}
