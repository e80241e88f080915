import { ebjdatMethod } from "./ebjdat";
import { jempp } from "./jempp";
import type { MethodEntry } from "./method-entry";

/** EB-JDAT-JEM++ (spec 5.4): JEM++'s settings with lr 0.01, ×0.2 at 40, 80, 120 and weights (1, 1, 0.1, 1) (spec 9.2). */
export const ebjdatJempp: MethodEntry<"ebjdat-jempp"> = ebjdatMethod(jempp, "EB-JDAT on JEM++: the JEM++ loss + adversarial energy and robust CE terms", (c) => ({
  ...c,
  optimizer: { ...c.optimizer, lr: 0.01 },
  schedule: { ...c.schedule, decayEpochs: [40, 80, 120] },
  jem: { ...c.jem, weights: { px: 1, pyx: 1, adv: 0.1, ceAdv: 1 } },
}));
