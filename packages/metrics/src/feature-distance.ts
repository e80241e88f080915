import type * as tf from "@tensorflow/tfjs-core";
import { frechetDistanceLowRank, frechetDistanceParts } from "./frechet";
import { collectFeatures, type ImageSource, type MetricsProgress } from "./images";
import { meanAndCovariance, type FeatureMatrix } from "@ebjdat/linalg";

/** Any network mapping [0, 1] NHWC images to features [B, d] (e.g. a classifier's penultimate layer). */
export type FeatureFn = (x: tf.Tensor4D) => tf.Tensor2D;

/** A Fréchet distance computed on a named feature extractor. */
export interface FeatureDistanceResult {
  /** The metric's name, e.g. `FD-WRN` (never `FID`: the features are not Inception's). */
  name: string;
  value: number;
  nReal: number;
  nFake: number;
  dim: number;
  /** Present when a covariance is rank-deficient (fewer samples than dim + 1). */
  warning?: string;
}

/** Rank-deficiency warning text, or undefined when both sets have at least d + 1 samples. */
export function covarianceWarning(nReal: number, nFake: number, dim: number): string | undefined {
  const n = Math.min(nReal, nFake);
  if (n > dim) return undefined;
  return `only ${n} samples for ${dim}-d features: the covariance is rank-deficient (at least ${dim + 1} samples per set are needed for full rank), so the distance is biased; use more samples`;
}

/**
 * Fréchet distance between two feature sets (spec 8.1 equation on arbitrary features):
 * d² = ‖μ_r − μ_f‖² + tr Σ_r + tr Σ_f − 2 tr √(Σ_r Σ_f), float64, ddof = 1. With no more samples
 * than dimensions it uses the exact low-rank route ({@link frechetDistanceLowRank}).
 */
export function featureSetFrechetDistance(real: FeatureMatrix, fake: FeatureMatrix, name: string): FeatureDistanceResult {
  if (real.cols !== fake.cols) throw new Error(`${name}: real features are ${real.cols}-d but fake features are ${fake.cols}-d`);
  let value: number;
  if (Math.min(real.rows, fake.rows) <= real.cols) {
    // few samples: exact low-rank route, O(d·n²) instead of O(d³)
    if (real.rows < 2 || fake.rows < 2) meanAndCovariance(real.rows < 2 ? real : fake, `${name}: ${real.rows < 2 ? "real" : "fake"} features`);
    value = frechetDistanceLowRank(real, fake).value;
  } else {
    const a = meanAndCovariance(real, `${name}: real features`);
    const b = meanAndCovariance(fake, `${name}: fake features`);
    value = frechetDistanceParts(a.mean, a.cov, b.mean, b.cov).value;
  }
  const warning = covarianceWarning(real.rows, fake.rows, real.cols);
  return { name, value, nReal: real.rows, nFake: fake.rows, dim: real.cols, ...(warning ? { warning } : {}) };
}

/**
 * FD on the features of a named classifier, e.g. FD-WRN (issue 5): runs `featureFn` over both
 * image sets (batches, no gradients) and returns the Fréchet distance of the feature Gaussians,
 * reported under `options.name` — never as FID, since the features are not the Inception pool3.
 */
export async function featureFrechetDistance(
  featureFn: FeatureFn,
  real: ImageSource,
  fake: ImageSource,
  options: { name: string; batchSize?: number; onProgress?: (p: MetricsProgress) => void },
): Promise<FeatureDistanceResult> {
  const name = options.name;
  if (!name || /^fid$/i.test(name)) throw new Error(`featureFrechetDistance: give the metric its own name (e.g. "FD-WRN"), not "${name}"`);
  const run = (src: ImageSource, which: string) =>
    collectFeatures(src, (x) => ({ f: featureFn(x) }), { batchSize: options.batchSize ?? 100, what: `${name} ${which}`, onProgress: options.onProgress });
  const r = (await run(real, "real")).get("f")!;
  const f = (await run(fake, "fake")).get("f")!;
  return featureSetFrechetDistance(r, f, name);
}
