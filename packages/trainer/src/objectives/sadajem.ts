import { samplerConfig, type ReplayBuffer, type SamplerConfig } from "@ebjdat/samplers";
import type { TrainConfig } from "../config";
import { JemFamilyObjective } from "./jem-family";
import { ebjdatAdvSettings } from "./ebjdat";

/** SADA-JEM's sampler (spec 4.3): x ← clamp(x + lr·clamp(∇LSE, −1, 1) + std·ξ, −1, 1), BN train. */
export function sadajemSampler(c: TrainConfig["jem"]["sampler"]): SamplerConfig {
  return samplerConfig("sadajem", { nSteps: c.nSteps, stepSize: c.stepSize, noiseStd: c.noiseStd, reinitFreq: c.reinitFreq });
}

/**
 * SADA-JEM (spec 4) and EB-JDAT-SADAJEM (spec 5.4): the JEM-family step with the l2 energy
 * regulariser in SAM pass 1; the loop wraps it in adaptive SAM (`config.sam.rho`, BN frozen in
 * pass 2) and feeds an un-augmented p(x) batch (`jem.px.augment = false`, spec 4.2).
 */
export function sadajemObjective(config: TrainConfig, buffer?: ReplayBuffer): JemFamilyObjective {
  const j = config.jem;
  return new JemFamilyObjective({ name: config.method, weights: j.weights, advEnergyLoss: j.advEnergyLoss, l2Coeff: j.l2Coeff, adv: ebjdatAdvSettings(config), sampler: sadajemSampler(j.sampler), buffer, sampleBatch: j.px.batchSize });
}
