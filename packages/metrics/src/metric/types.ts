import type { FeatureMatrix } from "@ebjdat/linalg";
import type { FeatureKey } from "../feature/table";

/** One computed metric, JSON-serialisable, saying which protocol and pipeline produced it. */
export interface MetricEntry {
  /** Display name (e.g. `FID`, `IS`, `KID`, `FD-WRN`, `FID (paper protocol)`). */
  name: string;
  /** FID/FD value, or the mean for IS/KID. */
  value?: number;
  /** IS/KID standard deviation over splits/subsets (population, ddof = 0). */
  std?: number;
  /** Which reference implementation this reproduces. */
  protocol: string;
  /** Preprocessing and features. */
  pipeline: string;
  nReal?: number;
  nFake?: number;
  /** Extra settings (splits, subsets, …). */
  settings?: Record<string, number | string | boolean | null>;
  warning?: string;
  /** Set instead of `value` when the metric could not be computed and `onMissingWeights: 'skip'`. */
  skipped?: string;
}

/** The settings of the IS and KID computations (options of `computeMetrics`). */
export interface MetricSettings {
  /** IS splits (default 10). */
  isSplits?: number;
  /** Shuffle fakes before the IS splits with numpy RandomState(seed) (torch-fidelity: 2020); default none (spec 8.2). */
  isShuffleSeed?: number | null;
  /** KID subsets (default 100) and subset size (default min(1000, N_real, N_fake)). */
  kidSubsets?: number;
  kidSubsetSize?: number;
  /** Seed of numpy RandomState for the KID subsets (default 2020, as torch-fidelity). */
  kidSeed?: number;
}

/** What a metric's `compute` receives: the features of its pipeline and the settings. */
export interface MetricContext {
  /** Features of the real images (present when the metric `needsReal`). */
  real?: FeatureMatrix;
  /** Features of the generated images. */
  fake: FeatureMatrix;
  /** The pipeline's text for the entry's `pipeline` field. */
  pipeline: string;
  settings: MetricSettings;
  /** `featureModel.name` of `computeMetrics` (e.g. `FD-WRN`), when given. */
  featureModelName?: string;
  /** Reports the start of the metric's own computation as a progress stage. */
  stage(label: string): void;
}

/**
 * One metric of `computeMetrics`: one entry (in its own file) plus one line in `METRICS`. The
 * requirement checks, the features to extract and the CLI's `--metrics` help derive from it.
 */
export interface MetricDefinition<N extends string = string> {
  /** The name requested in `metrics` and the key of the report. */
  name: N;
  /** One line for help texts. */
  summary: string;
  /** Compares with the real images (so `real` is required). */
  needsReal: boolean;
  /** The feature pipeline it reads (which decides whether it needs the Inception or a feature model). */
  features: FeatureKey;
  /** The report entry. */
  compute(ctx: MetricContext): MetricEntry | Promise<MetricEntry>;
}

/** Declares a metric, keeping its name as a literal type. */
export function defineMetric<N extends string>(metric: MetricDefinition<N>): MetricDefinition<N> {
  return metric;
}
