import { isEntry } from "./is-entry";
import { defineMetric } from "./types";

/** `is-paper`: IS under the official EB-JDAT evaluation (spec 8.4, colour-negated inputs). */
export const isPaper = defineMetric({
  name: "is-paper",
  summary: "IS of the EB-JDAT paper's evaluation (colour-negated inputs; not comparable to is)",
  needsReal: false,
  features: "paperLogits",
  compute: (ctx) =>
    isEntry(
      ctx,
      "IS (paper protocol)",
      "EB-JDAT official eval, spec 8.4 (NOT standard IS: colour-negated inputs; torchmetrics also shuffles unseeded and reports the ddof-1 std, here the splits/std settings below apply)",
    ),
});
