import { convertLength, modelEps, type ModelEps } from "@ebjdat/runtime";
import { PAPER_EPS, STANDARD_EPS, STANDARD_PGD_STEP } from "@ebjdat/attacks";
import type { AdvConfig, JemConfig, TrainConfigOf } from "../config-types";
import type { ReducedScale } from "./method-entry";

/** The official ε of the adversarial sampler, 8/255 in model space (= PAPER_EPS, 4/255 on [0, 1]; spec 0.1, 5.2). */
const MODEL_EPS: ModelEps = convertLength(PAPER_EPS, "model");
/** The official sampler step α = 2/255 in model space (spec 5.2). */
const MODEL_ALPHA: ModelEps = modelEps(2 / 255);

/**
 * The defaults every preset starts from (spec 9.3 `mini` numbers; `adv` is the official
 * EB-JDAT sampler `code`, K 5, ε 8/255, α 2/255 in model space, spec 5.2). Method entries
 * change what their method needs.
 */
export const BASE_CONFIG: TrainConfigOf = {
  method: "standard",
  seed: 1,
  model: { depth: 10, width: 1, norm: "batch", bnMomentum: 0.9 },
  data: { train: "cifar10-train-balanced", perClass: 0, augment: true, noiseSigma: 0 },
  batchSize: 32,
  epochs: 3,
  iterations: 0,
  optimizer: { name: "sgd", lr: 0.05, momentum: 0.9, weightDecay: 5e-4 },
  schedule: { warmupIters: 100, decayEpochs: [2], decayRate: 0.2 },
  sam: { rho: 0 },
  adv: { mode: "code", steps: 5, eps: MODEL_EPS, alpha: MODEL_ALPHA, project: false, beta: 6 },
  jem: {
    weights: { px: 0, pyx: 1, adv: 0, ceAdv: 0 },
    advEnergyLoss: "contrastive",
    l2Coeff: 0,
    bnDuringPx: "alltrain1",
    sampler: { nSteps: 10, inSteps: 5, stepSize: 1, noiseStd: 0, reinitFreq: 0.05 },
    buffer: { size: 10000, init: "uniform" },
    px: { batchSize: 32, augment: true, noiseSigma: 0 },
  },
  guard: { maxRetries: 3, lrFactor: 0.5, lossLimit: 1e8, energyLimit: 1e5 },
  eval: { data: "cifar10-exact-test", n: 1000 },
  checkpointEvery: 0,
};

/** Madry-style PGD in training at the standard [0, 1]-scale budget 8/255, step 2/255 (= 16/255, 4/255 in model space), 10 steps, β 6. */
const PGD_TRAIN: AdvConfig = { mode: "pgd-ce", steps: 10, eps: convertLength(STANDARD_EPS, "model"), alpha: convertLength(STANDARD_PGD_STEP, "model"), project: true, beta: 6 };

/**
 * The `paper` settings of the adversarial-training baselines (PGD-AT, TRADES, MART; project
 * choices, the paper quotes these rows): SGD lr 0.1 momentum 0.9 with `weightDecay`, batch 128,
 * 100 epochs ×0.1 at 75 and 90, PGD-10 at 8/255, step 2/255 on the [0, 1] scale.
 */
export function adversarialPaper(c: TrainConfigOf, weightDecay: number): TrainConfigOf {
  return { ...c, batchSize: 128, optimizer: { name: "sgd", lr: 0.1, momentum: 0.9, weightDecay }, epochs: 100, schedule: { warmupIters: 0, decayEpochs: [75, 90], decayRate: 0.1 }, adv: { ...PGD_TRAIN } };
}

/** The reduced adversarial baselines (spec 9.3): PGD with 2 (`smoke`) or 5 (`mini`) steps. */
export function adversarialReduced(c: TrainConfigOf, scale: ReducedScale): TrainConfigOf {
  return { ...c, adv: { ...c.adv, steps: scale === "smoke" ? 2 : 5 } };
}

/** The loss weights of a JEM base without EB-JDAT: w_px = w_pyx = 1, no adversarial terms (spec 2.2). */
export const JEM_WEIGHTS: JemConfig["weights"] = { px: 1, pyx: 1, adv: 0, ceAdv: 0 };

/**
 * The reduced JEM family (spec 9.3): sampler n_steps 2 (`smoke`) / 5 (`mini`) with `inSteps`
 * inner steps, adversarial sampler K 2 / 3, a buffer of 256 / 1000 images initialised with
 * `init`, p(x) batch 16 / 32.
 */
export function jemFamilyReduced(c: TrainConfigOf, scale: ReducedScale, inSteps: number, init: JemConfig["buffer"]["init"]): TrainConfigOf {
  const smoke = scale === "smoke";
  return {
    ...c,
    adv: { ...c.adv, steps: smoke ? 2 : 3 },
    jem: {
      ...c.jem,
      sampler: { ...c.jem.sampler, nSteps: smoke ? 2 : 5, inSteps },
      buffer: { size: smoke ? 256 : 1000, init },
      px: { ...c.jem.px, batchSize: smoke ? 16 : 32 },
    },
  };
}
