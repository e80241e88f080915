import { frechetEntry } from "./frechet-entry";
import { defineMetric } from "./types";

/** `fid`: standard FID (spec 8.1), pytorch-fid 0.3.0: Fréchet distance of the Inception pool3 Gaussians. */
export const fid = defineMetric({
  name: "fid",
  summary: "standard FID (pytorch-fid 0.3.0)",
  needsReal: true,
  features: "pfid",
  compute: (ctx) => frechetEntry(ctx, "FID", "pytorch-fid 0.3.0 (standard FID)"),
});
