import type { Tensor4D } from "@tensorflow/tfjs-core";
import type { LogitsFn, ProgressFn } from "@ebjdat/runtime";

/** Threat model norm (spec 7: l∞ everywhere, l2 for PGD/FGSM/APGD). */
export type Norm = "linf" | "l2";

/** Input box `[lo, hi]` the attack clamps to; API space is `[0, 1]` (spec 0.1). */
export type Box = readonly [number, number];

/** Names accepted by `runAttack` and the ensembles. */
export type AttackName = "fgsm" | "pgd" | "apgd-ce" | "apgd-dlr" | "apgd-t" | "fab" | "fab-t" | "square";

/** Every attack name, in a stable order. */
export const ATTACK_NAMES: readonly AttackName[] = ["fgsm", "pgd", "apgd-ce", "apgd-dlr", "apgd-t", "fab", "fab-t", "square"];

/** Loss maximised by PGD/APGD (spec 7.3). `*-targeted` need a target class. */
export type LossName = "ce" | "dlr" | "ce-targeted" | "dlr-targeted";

/** Options shared by every attack. */
export interface AttackOptions {
  /** Perturbation budget on the API scale (e.g. 8/255). Must lie in (0, 1). */
  eps: number;
  /** Threat model, default `linf`. */
  norm?: Norm;
  /** Iterations (PGD/APGD/FAB) or queries (Square). Defaults per attack (spec 7.3-7.5). */
  steps?: number;
  /** Restarts (APGD/FAB/Square), default 1. */
  restarts?: number;
  /** Seed for every random draw (drawn in JS, backend independent). Default 0. */
  seed?: number;
  /** Images per model call, default 250 (fra31 `bs`). */
  batchSize?: number;
  /** Box the perturbed images are clamped to, default `[0, 1]`. */
  box?: Box;
  /** Progress callback (batches done). */
  onProgress?: ProgressFn;
  /** Warnings (sanity checks); default `console.warn`. */
  onWarning?: (message: string) => void;
  /** PGD/APGD loss (default `ce`; APGD-T and `dlr` attacks fix it). */
  loss?: LossName;
  /** PGD: step size α (default eps/4: 2/255 at eps 8/255, spec 7.7). */
  stepSize?: number;
  /** PGD: random start (default true). */
  randomStart?: boolean;
  /** PGD: `paper` = the bundled-torchattacks PGD (batch-mean CE, spec 7.1/7.9). */
  paper?: boolean;
  /** PGD targeted losses: explicit targets, or the rank of the target among the clean logits (2 = second highest). */
  targets?: Int32Array | number;
  /** APGD-T / FAB-T: number of target classes (default 9, at most K-1). */
  targetClasses?: number;
  /** APGD: expectation over transformation iterations (default 1; 20 in the `rand` ensemble). */
  eotIter?: number;
  /** APGD: rho of the oscillation check (default 0.75). */
  rho?: number;
  /** Square: initial fraction p_init (default 0.8). */
  pInit?: number;
  /** Square: rescale the p schedule to 10000 queries (torchattacks default true; fra31 false). */
  rescaleSchedule?: boolean;
  /** FAB: alpha_max, eta, beta (defaults 0.1, 1.05, 0.9). */
  fab?: { alphaMax?: number; eta?: number; beta?: number };
  /** Accept clean inputs outside `box` (the paper protocol's unclamped test noise, spec 7.9); iterates are still clamped to `box`. */
  inputsOutsideBox?: boolean;
  /** Clamp box used by FAB only (the `paper` preset reproduces the official [0,1]-in-model-space bug). */
  fabBox?: Box;
}

/** Outcome of one attack on a set of images. */
export interface AttackResult {
  attack: AttackName;
  /** Adversarial images (clean image where the attack failed). Caller disposes. */
  xAdv: Tensor4D;
  /** 1 where the model still predicts the true label on `xAdv`. */
  robust: Uint8Array;
  /** 1 where the image was correctly classified clean and `xAdv` is misclassified. */
  success: Uint8Array;
  /** 1 where the clean image is correctly classified. */
  cleanCorrect: Uint8Array;
  predClean: Int32Array;
  predAdv: Int32Array;
  cleanAccuracy: number;
  robustAccuracy: number;
  /** Largest perturbation norm over the returned images (verified ≤ eps). */
  maxPerturbation: number;
  seconds: number;
}

/** What an attack needs to know about the model and the run (internal). */
export interface AttackContext {
  model: LogitsFn;
  /** [H, W, C] of one image. */
  dims: readonly [number, number, number];
  numClasses: number;
  box: Box;
  warn: (message: string) => void;
}
