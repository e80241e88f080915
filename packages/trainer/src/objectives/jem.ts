import { samplerConfig, type ReplayBuffer, type SamplerConfig } from "@ebjdat/samplers";
import type { TrainConfig } from "../config";
import { JemFamilyObjective } from "./jem-family";
import { ebjdatAdvSettings } from "./ebjdat";

/** JEM's sampler (spec 2.3): SGLD x ← x + lr·∇LSE + std·ξ, no clip or clamp, BN eval. */
export function jemSampler(c: TrainConfig["jem"]["sampler"]): SamplerConfig {
  return samplerConfig("jem", { nSteps: c.nSteps, stepSize: c.stepSize, noiseStd: c.noiseStd, reinitFreq: c.reinitFreq });
}

/**
 * JEM (Grathwohl et al. 2020; spec 2.2-2.4) and EB-JDAT-JEM (spec 5.4) when the adversarial
 * weights are non-zero: the JEM-family step with the JEM sampler and a uniform buffer.
 */
export function jemObjective(config: TrainConfig, buffer?: ReplayBuffer): JemFamilyObjective {
  const j = config.jem;
  return new JemFamilyObjective({ name: config.method, weights: j.weights, advEnergyLoss: j.advEnergyLoss, adv: ebjdatAdvSettings(config), sampler: jemSampler(j.sampler), buffer, sampleBatch: j.px.batchSize });
}
