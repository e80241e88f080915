import type * as tf from "@tensorflow/tfjs-core";
import { computeEnergies, type ComputeEnergiesOptions, type EnergyKind } from "./energy";

/** Options of the Table 1 statistic (spec 1.1). */
export interface GapStatsOptions {
  /** `signed` (default) uses d_i, `absolute` uses |d_i|. */
  diff?: "signed" | "absolute";
  /** `population` (default, divide by N) or `sample` (divide by N - 1). */
  variance?: "population" | "sample";
}

/** The Table 1 statistic: mean and variance of the one-to-one energy differences. */
export interface GapStats {
  /** (1/N) Σ d_i. */
  mean: number;
  /** Population or sample variance of d_i, per the option. */
  variance: number;
  /** sqrt(variance). */
  std: number;
  /** Number of pairs. */
  n: number;
  /** The differences d_i = E(x̃_i) - E(x_i) (or their absolute values). */
  diffs: Float64Array;
}

/**
 * Energy-gap statistic of the paper's Table 1 (spec 1.1) from paired energies:
 * d_i = E(x̃_i) - E(x_i) (positive when the adversarial example has the higher energy),
 * mean = (1/N) Σ d_i, variance = (1/N) Σ (d_i - mean)² (population; `sample` divides by N - 1).
 * Two-pass, float64 accumulation.
 */
export function energyGapStats(
  cleanEnergies: ArrayLike<number>,
  advEnergies: ArrayLike<number>,
  options: GapStatsOptions = {},
): GapStats {
  const n = cleanEnergies.length;
  if (advEnergies.length !== n) {
    throw new Error(`energyGapStats: clean and adversarial energies must pair one-to-one, got ${n} and ${advEnergies.length}`);
  }
  if (n === 0) throw new Error("energyGapStats: need at least one pair of energies");
  const variance = options.variance ?? "population";
  if (variance === "sample" && n < 2) throw new Error("energyGapStats: the sample variance needs at least 2 pairs");
  const abs = (options.diff ?? "signed") === "absolute";
  const diffs = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const d = advEnergies[i]! - cleanEnergies[i]!;
    diffs[i] = abs ? Math.abs(d) : d;
    sum += diffs[i]!;
  }
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (diffs[i]! - mean) ** 2;
  const v = ss / (variance === "sample" ? n - 1 : n);
  return { mean, variance: v, std: Math.sqrt(v), n, diffs };
}

/** Options of {@link energyGap}. */
export interface EnergyGapOptions extends GapStatsOptions, Pick<ComputeEnergiesOptions, "y" | "batchSize"> {
  /** `marginal` (default) E(x) = -LSE f(x), or `joint` E(x, y) = -f(x)[y] with the true label `y`. */
  energy?: EnergyKind;
}

/**
 * Table 1 statistic (spec 1.1) through a logits function: energies of the clean set and of
 * its paired adversarial set, then {@link energyGapStats}. Returns the energies too.
 */
export function energyGap(
  logitsFn: (x: tf.Tensor4D) => tf.Tensor2D,
  clean: tf.Tensor4D,
  adversarial: tf.Tensor4D,
  options: EnergyGapOptions = {},
): GapStats & { cleanEnergies: Float32Array; advEnergies: Float32Array } {
  if (clean.shape.join() !== adversarial.shape.join()) {
    throw new Error(
      `energyGap: clean [${clean.shape.join(", ")}] and adversarial [${adversarial.shape.join(", ")}] must have the same shape`,
    );
  }
  const opts = { kind: options.energy ?? "marginal", batchSize: options.batchSize, y: options.y };
  const cleanEnergies = computeEnergies(logitsFn, clean, opts);
  const advEnergies = computeEnergies(logitsFn, adversarial, opts);
  return { ...energyGapStats(cleanEnergies, advEnergies, options), cleanEnergies, advEnergies };
}
