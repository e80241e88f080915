import { kidEntry } from "./kid-entry";
import { defineMetric } from "./types";

/** `kid-wrn`: KID (spec 8.3 estimator) on the features of `featureModel`, e.g. `KID-WRN`. */
export const kidWrn = defineMetric({
  name: "kid-wrn",
  summary: "KID on the feature model's features (not Inception KID)",
  needsReal: true,
  features: "fm",
  compute: (ctx) => kidEntry(ctx, `KID-${ctx.featureModelName!.replace(/^FD-/, "")}`, `KID on ${ctx.featureModelName} features (not Inception KID)`),
});
