import type { TrainConfig } from "../config";
import type { AdvTrainSettings } from "./jem-family";

/**
 * EB-JDAT's adversarial sampler settings from a config (spec 5.3 `advSampler`, model space):
 * `code` = the official sampleXadv (K 5, ε 8/255, α 2/255, no projection), `paper` = ascend E in
 * B∞(x, ε), `pgd-ce` = Madry PGD. EB-JDAT on a base is that base's step with w_adv/w_ce_adv > 0
 * (spec 5.2); the weights, `advEnergyLoss` (`contrastive` = code, `gap` = paper) and w_pyx come
 * from `config.jem`.
 */
export function ebjdatAdvSettings(config: TrainConfig): AdvTrainSettings {
  const a = config.adv;
  return { mode: a.mode, steps: a.steps, eps: a.eps, alpha: a.alpha, project: a.project };
}
