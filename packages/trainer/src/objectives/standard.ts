import { standardObjective } from "../objective";
import type { MethodEntry } from "./method-entry";

/**
 * The `standard` method (the paper's "Standard" row): CE training, L = CE(f(x), y) (spec 9.1).
 * `paper` (a project choice): SGD lr 0.1, batch 128, 200 epochs ×0.2 at 60/120/160; `smoke` runs
 * 12 iterations.
 */
export const standard: MethodEntry<"standard"> = {
  name: "standard",
  summary: "cross-entropy training, L = CE(f(x), y)",
  paper: (c) => ({ ...c, batchSize: 128, optimizer: { name: "sgd", lr: 0.1, momentum: 0.9, weightDecay: 5e-4 }, epochs: 200, schedule: { warmupIters: 0, decayEpochs: [60, 120, 160], decayRate: 0.2 } }),
  reduced: (c, scale) => (scale === "smoke" ? { ...c, iterations: 12 } : c),
  create: () => standardObjective,
};
