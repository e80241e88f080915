import { isEntry } from "./is-entry";
import { defineMetric } from "./types";

/** `is`: Inception Score (spec 8.2) as torch-fidelity, on the logits without bias. */
export const is = defineMetric({
  name: "is",
  summary: "Inception Score (torch-fidelity)",
  needsReal: false,
  features: "tfidLogits",
  compute: (ctx) => isEntry(ctx, "IS", "torch-fidelity (logits_unbiased, 10 splits)"),
});
