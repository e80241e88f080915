import { energyGapStats } from "@ebjdat/energy";
import type { EnergyGapSummary, EvaluationFile, Outcome } from "./types";

/**
 * Accuracy after each stage from per-image outcomes (fra31 `run_standard_evaluation`, spec 7.6):
 * `clean` counts images not `misclassified`; after stage k, images not broken by stages 1..k.
 */
export function accuracyAfterStages(outcome: readonly Outcome[], stages: readonly string[]): Record<string, number> {
  const n = outcome.length;
  const out: Record<string, number> = { clean: outcome.filter((o) => o !== "misclassified").length / n };
  const broken = new Set<string>(["misclassified"]);
  for (const s of stages) {
    broken.add(s);
    out[s] = outcome.filter((o) => !broken.has(o)).length / n;
  }
  return out;
}

/**
 * The Table 1 statistic (spec 1.1) of paired energies: mean and population variance of
 * d_i = E(x_adv,i) − E(x_i), and the mean of |d_i|.
 */
export function energyGapSummary(clean: readonly number[], adv: readonly number[]): EnergyGapSummary {
  const g = energyGapStats(clean, adv);
  let abs = 0;
  for (let i = 0; i < clean.length; i++) abs += Math.abs(adv[i]! - clean[i]!);
  return { mean: g.mean, variance: g.variance, std: g.std, meanAbs: abs / clean.length, n: g.n };
}

/**
 * Completes a results file whose chunks cover its range: per-image outcomes in image order, the
 * accuracy after every stage (spec 7.6), robust accuracy and, when the key asks for it, the
 * Table 1 energy-gap statistic (spec 1.1). A single run and a merge of shards both end here, so
 * equal chunks give equal summaries.
 */
export function completeResults(file: EvaluationFile): void {
  const outcome = file.chunks.flatMap((c) => c.outcome);
  const after = accuracyAfterStages(outcome, file.stages);
  file.outcome = outcome;
  file.cleanAccuracy = after.clean!;
  file.robustAccuracyAfter = after;
  file.robustAccuracy = outcome.filter((o) => o === "robust").length / outcome.length;
  if (file.key.energyGap) file.energyGap = energyGapSummary(file.chunks.flatMap((c) => c.energyClean ?? []), file.chunks.flatMap((c) => c.energyAdv ?? []));
  file.complete = true;
  file.finishedAt = new Date().toISOString();
}
