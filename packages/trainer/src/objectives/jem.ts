import { samplerConfig, type ReplayBuffer, type SamplerConfig } from "@ebjdat/samplers";
import type { TrainConfigOf } from "../config-types";
import { JemFamilyObjective } from "./jem-family";
import { ebjdatAdvSettings } from "./ebjdat";
import type { MethodEntry } from "./method-entry";
import { JEM_WEIGHTS, jemFamilyReduced } from "./preset-base";
import { jemFamilyBuffer } from "./replay-buffer";

/** JEM's sampler (spec 2.3): SGLD x ← x + lr·∇LSE + std·ξ, no clip or clamp, BN eval. */
export function jemSampler(c: TrainConfigOf["jem"]["sampler"]): SamplerConfig {
  return samplerConfig("jem", { nSteps: c.nSteps, stepSize: c.stepSize, noiseStd: c.noiseStd, reinitFreq: c.reinitFreq });
}

/**
 * JEM (Grathwohl et al. 2020; spec 2.2-2.4) and EB-JDAT-JEM (spec 5.4) when the adversarial
 * weights are non-zero: the JEM-family step with the JEM sampler and a uniform buffer.
 */
export function jemObjective(config: TrainConfigOf, buffer?: ReplayBuffer): JemFamilyObjective {
  const j = config.jem;
  return new JemFamilyObjective({ name: config.method, weights: j.weights, advEnergyLoss: j.advEnergyLoss, adv: ebjdatAdvSettings(config), sampler: jemSampler(j.sampler), buffer, sampleBatch: j.px.batchSize });
}

/**
 * The `jem` method (spec 2; the official settings of spec 9.2): Adam lr 1e-5, no normalisation,
 * batch 128, 200 epochs (warm-up 1000, ×0.3 at 160 and 180), σ-noise 0.03, SGLD 10 steps of
 * step 1 and noise std 0.01, a uniform buffer of 10000; reduced: a uniform buffer.
 */
export const jem: MethodEntry<"jem"> = {
  name: "jem",
  summary: "JEM, L = −(fp − fq) + CE(f(x), y), SGLD from a uniform replay buffer",
  base: "jem",
  paper: (c) => ({
    ...c,
    optimizer: { name: "adam", lr: 1e-5, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 },
    model: { ...c.model, norm: "none" },
    batchSize: 128,
    epochs: 200,
    schedule: { warmupIters: 1000, decayEpochs: [160, 180], decayRate: 0.3 },
    data: { ...c.data, noiseSigma: 0.03 },
    jem: {
      ...c.jem,
      weights: { ...JEM_WEIGHTS },
      sampler: { nSteps: 10, inSteps: 1, stepSize: 1, noiseStd: 0.01, reinitFreq: 0.05 },
      buffer: { size: 10000, init: "uniform" },
      px: { batchSize: 128, augment: true, noiseSigma: 0.03 },
    },
  }),
  reduced: (c, scale) => jemFamilyReduced(c, scale, 1, "uniform"),
  create: (config, train, rng) => jemObjective(config, jemFamilyBuffer(config, train, rng)),
};
