import { samplerConfig, type ReplayBuffer, type SamplerConfig } from "@ebjdat/samplers";
import type { TrainConfig } from "../config";
import { JemFamilyObjective } from "./jem-family";
import { ebjdatAdvSettings } from "./ebjdat";

/**
 * JEM++'s PYLD sampler (spec 3.2): n_steps outer × in_steps clipped steps of pyld_lr, clamp
 * [−1, 1], BN in **train** mode during sampling (spec 3.3), simplified form (equal to the
 * literal Hamiltonian form, spec 3.2).
 */
export function jemppSampler(c: TrainConfig["jem"]["sampler"]): SamplerConfig {
  return samplerConfig("jempp", { nSteps: c.nSteps, inSteps: c.inSteps, stepSize: c.stepSize, noiseStd: c.noiseStd, reinitFreq: c.reinitFreq });
}

/**
 * JEM++ (spec 3) and EB-JDAT-JEM++ (spec 5.4): informative initialisation, PYLD, fp computed
 * before sampling (`plc = alltrain1`, or as `jem.bnDuringPx` says).
 */
export function jemppObjective(config: TrainConfig, buffer?: ReplayBuffer): JemFamilyObjective {
  const j = config.jem;
  return new JemFamilyObjective({ name: config.method, weights: j.weights, advEnergyLoss: j.advEnergyLoss, bnDuringPx: j.bnDuringPx, adv: ebjdatAdvSettings(config), sampler: jemppSampler(j.sampler), buffer, sampleBatch: j.px.batchSize });
}
