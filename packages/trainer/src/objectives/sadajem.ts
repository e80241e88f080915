import { samplerConfig, type ReplayBuffer, type SamplerConfig } from "@ebjdat/samplers";
import type { TrainConfigOf } from "../config-types";
import { JemFamilyObjective } from "./jem-family";
import { ebjdatAdvSettings } from "./ebjdat";
import type { MethodEntry } from "./method-entry";
import { JEM_WEIGHTS, jemFamilyReduced } from "./preset-base";
import { jemFamilyBuffer } from "./replay-buffer";

/** SADA-JEM's sampler (spec 4.3): x ← clamp(x + lr·clamp(∇LSE, −1, 1) + std·ξ, −1, 1), BN train. */
export function sadajemSampler(c: TrainConfigOf["jem"]["sampler"]): SamplerConfig {
  return samplerConfig("sadajem", { nSteps: c.nSteps, stepSize: c.stepSize, noiseStd: c.noiseStd, reinitFreq: c.reinitFreq });
}

/**
 * SADA-JEM (spec 4) and EB-JDAT-SADAJEM (spec 5.4): the JEM-family step with the l2 energy
 * regulariser in SAM pass 1; the loop wraps it in adaptive SAM (`config.sam.rho`, BN frozen in
 * pass 2) and feeds an un-augmented p(x) batch (`jem.px.augment = false`, spec 4.2).
 */
export function sadajemObjective(config: TrainConfigOf, buffer?: ReplayBuffer): JemFamilyObjective {
  const j = config.jem;
  return new JemFamilyObjective({ name: config.method, weights: j.weights, advEnergyLoss: j.advEnergyLoss, l2Coeff: j.l2Coeff, adv: ebjdatAdvSettings(config), sampler: sadajemSampler(j.sampler), buffer, sampleBatch: j.px.batchSize });
}

/**
 * The `sadajem` method (spec 4; the official settings of spec 9.2): SGD lr 0.1 with adaptive SAM
 * ρ 2, batch 128, 200 epochs (warm-up 1000, ×0.2 at 60, 120, 180), 5 clipped SGLD steps, a
 * `gm-full` buffer of 10000, an un-augmented p(x) batch of 64 without σ-noise, loss limit 1e5;
 * reduced: a `gm-diag` buffer.
 */
export const sadajem: MethodEntry<"sadajem"> = {
  name: "sadajem",
  summary: "SADA-JEM, the JEM loss with adaptive SAM and clipped SGLD",
  base: "sadajem",
  paper: (c) => ({
    ...c,
    optimizer: { name: "sgd", lr: 0.1, momentum: 0.9, weightDecay: 5e-4 },
    sam: { rho: 2 },
    batchSize: 128,
    epochs: 200,
    schedule: { warmupIters: 1000, decayEpochs: [60, 120, 180], decayRate: 0.2 },
    jem: {
      ...c.jem,
      weights: { ...JEM_WEIGHTS },
      sampler: { nSteps: 5, inSteps: 1, stepSize: 1, noiseStd: 0, reinitFreq: 0.05 },
      buffer: { size: 10000, init: "gm-full" },
      px: { batchSize: 64, augment: false, noiseSigma: 0 },
    },
    guard: { ...c.guard, lossLimit: 1e5 },
  }),
  reduced: (c, scale) => jemFamilyReduced(c, scale, 1, "gm-diag"),
  create: (config, train, rng) => sadajemObjective(config, jemFamilyBuffer(config, train, rng)),
};
