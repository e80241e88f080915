import { frechetEntry } from "./frechet-entry";
import { defineMetric } from "./types";

/** `fid-paper`: FID under the official EB-JDAT evaluation (spec 8.4, colour-negated inputs). */
export const fidPaper = defineMetric({
  name: "fid-paper",
  summary: "FID of the EB-JDAT paper's evaluation (colour-negated inputs; not comparable to fid)",
  needsReal: true,
  features: "paper",
  compute: (ctx) => frechetEntry(ctx, "FID (paper protocol)", "EB-JDAT official eval, spec 8.4 (NOT standard FID: colour-negated inputs)"),
});
