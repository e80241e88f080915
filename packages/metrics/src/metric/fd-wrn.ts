import { frechetEntry } from "./frechet-entry";
import { defineMetric } from "./types";

/** `fd-wrn`: Fréchet distance (spec 8.1 formula) on the features of `featureModel`, reported under its name. */
export const fdWrn = defineMetric({
  name: "fd-wrn",
  summary: "Fréchet distance on the feature model's features (not FID)",
  needsReal: true,
  features: "fm",
  compute: (ctx) => frechetEntry(ctx, ctx.featureModelName!, `Fréchet distance on ${ctx.featureModelName} features (not FID)`),
});
