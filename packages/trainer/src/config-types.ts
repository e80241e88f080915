import type { ModelEps } from "@ebjdat/runtime";
import type { OptimizerConfig } from "./optimizer";
import type { ScheduleConfig } from "./schedule";

/** Adversarial example generation in training, model space [-1, 1] (spec 0.1, 5.3). */
export interface AdvConfig {
  /** `code` (official sampleXadv), `code-ce`, `paper` (ascend E, projected), `pgd-ce` (Madry PGD). */
  mode: "code" | "code-ce" | "paper" | "pgd-ce";
  steps: number;
  /** ε in model space (JSON: a number, e.g. 8/255 = 0.0314 the official value). */
  eps: ModelEps;
  /** Step size α in model space. */
  alpha: ModelEps;
  /** Project onto B∞(x, ε) after each step. */
  project: boolean;
  /** TRADES/MART/EB-JDAT loss weight β (TRADES KL weight, MART KL weight). */
  beta: number;
}

/** The JEM-family and EB-JDAT settings (spec 2-5). */
export interface JemConfig {
  /** (w_px, w_pyx, w_adv, w_ce_adv) = (w1, clean CE, w2, w3) (spec 5.2, 5.3). */
  weights: { px: number; pyx: number; adv: number; ceAdv: number };
  advEnergyLoss: "contrastive" | "gap" | "abs-gap";
  /** SADA-JEM l2_coeff (spec 2.2). */
  l2Coeff: number;
  /** JEM++ `plc` (spec 3.3). */
  bnDuringPx: "alltrain1" | "alltrain2" | "eval";
  /** The base sampler's settings (update rule and BN mode come from the base, spec 6.1). */
  sampler: { nSteps: number; inSteps: number; stepSize: number; noiseStd: number; reinitFreq: number };
  buffer: { size: number; init: "uniform" | "gm-diag" | "gm-full" };
  /** The p(x) batch x_d (spec 4.2: SADA-JEM un-augmented; σ-noise in model space). */
  px: { batchSize: number; augment: boolean; noiseSigma: number };
}

/**
 * A complete training configuration for a method named `M`: `TrainConfig` is
 * `TrainConfigOf<Method>` (a name of the method table); method entries and objectives read the
 * wider `TrainConfigOf<string>`, which keeps this file free of the table.
 */
export interface TrainConfigOf<M extends string = string> {
  method: M;
  seed: number;
  model: { depth: number; width: number; norm: "none" | "batch"; bnMomentum: number };
  data: {
    /** Dataset spec of `@ebjdat/data` (e.g. `cifar10-train-balanced`, `cifar10:train`). */
    train: string;
    /** Keep this many images per class (class-balanced, first in file order); 0 keeps all. */
    perClass: number;
    /** reflect-pad-4 random crop + horizontal flip. */
    augment: boolean;
    /** Gaussian noise σ added in model space ([-1, 1]) after normalisation (spec 0.1: 0.03 official). */
    noiseSigma: number;
  };
  batchSize: number;
  /** Length of the run: whole epochs, or a fixed number of iterations when `iterations` > 0. */
  epochs: number;
  iterations: number;
  optimizer: OptimizerConfig;
  schedule: ScheduleConfig;
  /** Sharpness-aware minimisation around the optimiser (spec 4.1); rho 0 = off. */
  sam: { rho: number };
  adv: AdvConfig;
  jem: JemConfig;
  /** Divergence guard (issue 7): non-finite loss, |loss| > lossLimit or |energy| > energyLimit. */
  guard: { maxRetries: number; lrFactor: number; lossLimit: number; energyLimit: number };
  eval: { data: string; n: number };
  /** Save a checkpoint every this many iterations (0: at the end of each epoch only). */
  checkpointEvery: number;
}
