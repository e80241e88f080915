import { kidEntry } from "./kid-entry";
import { defineMetric } from "./types";

/** `kid`: Kernel Inception Distance (spec 8.3) as torch-fidelity, on the Inception pool3. */
export const kid = defineMetric({
  name: "kid",
  summary: "Kernel Inception Distance (torch-fidelity)",
  needsReal: true,
  features: "tfid",
  compute: (ctx) => kidEntry(ctx, "KID", "torch-fidelity (poly kernel deg 3, unbiased MMD²)"),
});
