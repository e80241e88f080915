import { samplerConfig, type ReplayBuffer, type SamplerConfig } from "@ebjdat/samplers";
import type { TrainConfigOf } from "../config-types";
import { JemFamilyObjective } from "./jem-family";
import { ebjdatAdvSettings } from "./ebjdat";
import type { MethodEntry } from "./method-entry";
import { JEM_WEIGHTS, jemFamilyReduced } from "./preset-base";
import { jemFamilyBuffer } from "./replay-buffer";

/**
 * JEM++'s PYLD sampler (spec 3.2): n_steps outer × in_steps clipped steps of pyld_lr, clamp
 * [−1, 1], BN in **train** mode during sampling (spec 3.3), simplified form (equal to the
 * literal Hamiltonian form, spec 3.2).
 */
export function jemppSampler(c: TrainConfigOf["jem"]["sampler"]): SamplerConfig {
  return samplerConfig("jempp", { nSteps: c.nSteps, inSteps: c.inSteps, stepSize: c.stepSize, noiseStd: c.noiseStd, reinitFreq: c.reinitFreq });
}

/**
 * JEM++ (spec 3) and EB-JDAT-JEM++ (spec 5.4): informative initialisation, PYLD, fp computed
 * before sampling (`plc = alltrain1`, or as `jem.bnDuringPx` says).
 */
export function jemppObjective(config: TrainConfigOf, buffer?: ReplayBuffer): JemFamilyObjective {
  const j = config.jem;
  return new JemFamilyObjective({ name: config.method, weights: j.weights, advEnergyLoss: j.advEnergyLoss, bnDuringPx: j.bnDuringPx, adv: ebjdatAdvSettings(config), sampler: jemppSampler(j.sampler), buffer, sampleBatch: j.px.batchSize });
}

/**
 * The `jempp` method (spec 3; the official settings of spec 9.2): SGD lr 0.1 weight decay 4e-4,
 * batch 64, 150 epochs (warm-up 1000, ×0.2 at 50, 100, 125), σ-noise 0.03, PYLD 10×5 of lr 0.2,
 * a `gm-full` buffer of 10000; reduced: PYLD inner steps 2 (`smoke`) / 3 (`mini`), `gm-diag`.
 */
export const jempp: MethodEntry<"jempp"> = {
  name: "jempp",
  summary: "JEM++, the JEM loss with PYLD from a Gaussian-mixture replay buffer",
  base: "jempp",
  paper: (c) => ({
    ...c,
    optimizer: { name: "sgd", lr: 0.1, momentum: 0.9, weightDecay: 4e-4 },
    batchSize: 64,
    epochs: 150,
    schedule: { warmupIters: 1000, decayEpochs: [50, 100, 125], decayRate: 0.2 },
    data: { ...c.data, noiseSigma: 0.03 },
    jem: {
      ...c.jem,
      weights: { ...JEM_WEIGHTS },
      sampler: { nSteps: 10, inSteps: 5, stepSize: 0.2, noiseStd: 0, reinitFreq: 0.05 },
      buffer: { size: 10000, init: "gm-full" },
      px: { batchSize: 64, augment: true, noiseSigma: 0.03 },
    },
  }),
  reduced: (c, scale) => jemFamilyReduced(c, scale, scale === "smoke" ? 2 : 3, "gm-diag"),
  create: (config, train, rng) => jemppObjective(config, jemFamilyBuffer(config, train, rng)),
};
