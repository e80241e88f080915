import * as tf from "@tensorflow/tfjs-core";
import type { AdvConfig } from "../config";
import { crossEntropy, type Objective, type StepContext, type StepValues, type TrainBatch } from "../objective";
import { tradesExamples } from "./adversarial";
import { klRows } from "./divergence";

/**
 * TRADES (Zhang et al. 2019): L = CE(f(x), y) + β·(1/B) Σ_i KL(p(x_i) ‖ p(x̃_i)), x̃ from the KL
 * inner maximisation (`tradesExamples`); train-mode BN, clean forward first.
 */
export function tradesObjective(adv: AdvConfig): Objective {
  let xa: tf.Tensor4D | null = null;
  return {
    name: "trades",
    run(ctx: StepContext, batch: TrainBatch): StepValues {
      if (ctx.pass === 1 || !xa) {
        xa?.dispose();
        xa = tradesExamples(ctx.net, batch, adv, ctx.rng.fork("adv"));
      }
      const x = xa;
      return ctx.accumulate(() => {
        const clean = ctx.net(batch.xNet, "train");
        const ce = crossEntropy(clean, batch.y);
        const kl = tf.mean(klRows(clean, ctx.net(x, "train"))) as tf.Scalar;
        return { loss: tf.add(ce, tf.mul(adv.beta, kl)) as tf.Scalar, terms: { ce, kl } };
      });
    },
    dispose(): void {
      xa?.dispose();
      xa = null;
    },
  };
}
