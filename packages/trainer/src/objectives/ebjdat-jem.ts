import { ebjdatMethod } from "./ebjdat";
import { jem } from "./jem";
import type { MethodEntry } from "./method-entry";

/** EB-JDAT-JEM (spec 5.4): JEM's settings with (w_px, w_pyx, w_adv, w_ce_adv) = (0.45, 0.45, 0.05, 0.45) (spec 9.2). */
export const ebjdatJem: MethodEntry<"ebjdat-jem"> = ebjdatMethod(jem, "EB-JDAT on JEM: the JEM loss + adversarial energy and robust CE terms", (c) => ({
  ...c,
  jem: { ...c.jem, weights: { px: 0.45, pyx: 0.45, adv: 0.05, ceAdv: 0.45 } },
}));
