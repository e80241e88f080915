import { ebjdatMethod } from "./ebjdat";
import { sadajem } from "./sadajem";
import type { MethodEntry } from "./method-entry";

/**
 * EB-JDAT-SADAJEM (spec 5.4): SADA-JEM's settings with lr 0.01, ×0.2 at 50, 100, 150, 10 sampler
 * steps, σ-noise 0.03 on the p(x) batch and weights (1, 1, 0.1, 1) (spec 9.2).
 */
export const ebjdatSadajem: MethodEntry<"ebjdat-sadajem"> = ebjdatMethod(sadajem, "EB-JDAT on SADA-JEM: the SADA-JEM loss + adversarial energy and robust CE terms", (c) => ({
  ...c,
  optimizer: { ...c.optimizer, lr: 0.01 },
  schedule: { ...c.schedule, decayEpochs: [50, 100, 150] },
  jem: { ...c.jem, weights: { px: 1, pyx: 1, adv: 0.1, ceAdv: 1 }, sampler: { ...c.jem.sampler, nSteps: 10 }, px: { ...c.jem.px, noiseSigma: 0.03 } },
}));
