import type { LogitsFn } from "@ebjdat/runtime";
import type { ProtocolName } from "./protocol";

/** The model under evaluation: images in [0, 1] to logits, and the content hash of its weights. */
export interface EvaluatedModel {
  logits: LogitsFn;
  /** `modelContentHash(model)`: part of the results' content key. */
  hash: string;
  /** Where it came from (a path), for people; not part of the key. */
  label?: string;
}

/** Everything a result depends on; a results file is resumed only under an equal key. */
export interface EvaluationKey {
  model: string;
  data: { name: string; hash: string; range: [number, number] };
  protocol: ProtocolName;
  attack: string;
  eps: number;
  norm: string;
  pgdStepSize: number;
  noiseSigma: number;
  batchSize: number;
  seed: number;
  energyGap: boolean;
  /** Per-attack option overrides (JSON of @ebjdat/attacks' `AttackOverrides`). */
  attackOptions: Record<string, Record<string, unknown>>;
}

/** Per-image outcome: `misclassified` (clean), the attack that first broke it, or `robust`. */
export type Outcome = string;

/** One finished chunk of images [start, end). */
export interface EvaluationChunk {
  start: number;
  end: number;
  outcome: Outcome[];
  predClean: number[];
  predAdv: number[];
  /** With `energyGap`: E(x) and E(x_adv) per image (marginal energy, spec 1.1). */
  energyClean?: number[];
  energyAdv?: number[];
  /** Sanity-check warnings of the attacks on this chunk. */
  warnings: string[];
  /** The TF.js backend that computed it. */
  backend: string;
  seconds: number;
}

/** Table 1 statistic (spec 1.1): d_i = E(x_adv,i) − E(x_i), mean and population variance. */
export interface EnergyGapSummary {
  mean: number;
  variance: number;
  std: number;
  meanAbs: number;
  n: number;
}

/** The results file, which is also what `evaluate` returns. */
export interface EvaluationFile {
  format: string;
  key: EvaluationKey;
  protocol: { name: ProtocolName; description: string };
  model: { hash: string; label?: string };
  data: { name: string; spec: string; range: [number, number] };
  /** Attack stages in order (`pgd20`, or the ensemble's attacks). */
  stages: string[];
  chunks: EvaluationChunk[];
  /** Images finished and in the range. */
  done: number;
  n: number;
  complete: boolean;
  /** Present when complete: per-image outcomes in image order and the accuracies they give. */
  outcome?: Outcome[];
  cleanAccuracy?: number;
  robustAccuracy?: number;
  /** `clean` and each stage in order: accuracy after it. */
  robustAccuracyAfter?: Record<string, number>;
  energyGap?: EnergyGapSummary;
  warnings: string[];
  backends: string[];
  versions: Record<string, string>;
  seconds: number;
  startedAt: string;
  finishedAt?: string;
}

/** Progress of an evaluation, in images. */
export interface EvaluationProgress {
  /** Images finished (whole chunks). */
  done: number;
  total: number;
  /** `images s-e: <stage>` */
  label: string;
  /** Estimated fraction of the whole range done, moving per attack step inside a chunk. */
  fraction?: number;
  /** Set on the event that ends a chunk: the seconds it took. */
  chunkSeconds?: number;
  metrics?: Record<string, number>;
}

/** How to run an evaluation (none of it changes the result). */
export interface EvaluateOptions {
  /** Resumable results file: written after every chunk; an equal-key file is continued. */
  resultsPath?: string;
  onProgress?: (event: EvaluationProgress) => void;
  onWarning?: (message: string) => void;
  /** Stops between chunks (the finished ones are saved): `evaluate` then throws EvaluationInterrupted. */
  signal?: AbortSignal;
  /** Backend name recorded with each chunk. */
  backend?: string;
  /** Versions recorded in the file. */
  versions?: Record<string, string>;
}
