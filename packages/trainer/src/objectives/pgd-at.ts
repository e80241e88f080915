import * as tf from "@tensorflow/tfjs-core";
import type { AdvConfig } from "../config";
import { crossEntropy, type Objective, type StepContext, type StepValues, type TrainBatch } from "../objective";
import { pgdCeExamples } from "./adversarial";

/**
 * PGD adversarial training (Madry et al. 2018; the paper's "PGD-AT" row): L = CE(f(x̃), y) with
 * x̃ from PGD-K on CE (spec 5.3 `pgd-ce`), train-mode BN for the loss. In SAM pass 2 the
 * examples of pass 1 are reused.
 */
export function pgdAtObjective(adv: AdvConfig): Objective {
  let xa: tf.Tensor4D | null = null;
  return {
    name: "pgd-at",
    run(ctx: StepContext, batch: TrainBatch): StepValues {
      if (ctx.pass === 1 || !xa) {
        xa?.dispose();
        xa = pgdCeExamples(ctx.net, batch, adv, ctx.rng.fork("adv"));
      }
      const x = xa;
      return ctx.accumulate(() => {
        const ce_adv = crossEntropy(ctx.net(x, "train"), batch.y);
        return { loss: ce_adv, terms: { ce_adv } };
      });
    },
    dispose(): void {
      xa?.dispose();
      xa = null;
    },
  };
}
