import * as tf from "@tensorflow/tfjs-core";
import type { AdvConfig } from "../config-types";
import { crossEntropy } from "@ebjdat/attacks";
import type { Objective } from "../objective";
import { adversarialObjective, tradesExamples } from "./adversarial";
import { klRows } from "./divergence";
import type { MethodEntry } from "./method-entry";
import { adversarialPaper, adversarialReduced } from "./preset-base";

/**
 * TRADES (Zhang et al. 2019): L = CE(f(x), y) + β·(1/B) Σ_i KL(p(x_i) ‖ p(x̃_i)), x̃ from the KL
 * inner maximisation (`tradesExamples`); train-mode BN, clean forward first.
 */
export function tradesObjective(adv: AdvConfig): Objective {
  return adversarialObjective("trades", adv, tradesExamples, (net, batch, xAdv) => {
    const clean = net(batch.xNet, "train");
    const ce = crossEntropy(clean, batch.y, "mean");
    const kl = tf.mean(klRows(clean, net(xAdv, "train"))) as tf.Scalar;
    return { loss: tf.add(ce, tf.mul(adv.beta, kl)) as tf.Scalar, terms: { ce, kl } };
  });
}

/** The `trades` method: TRADES with β = `adv.beta` (6); `paper` weight decay 2e-4 (see `adversarialPaper`). */
export const trades: MethodEntry<"trades"> = {
  name: "trades",
  summary: "TRADES, L = CE(f(x), y) + β·KL(p(x) ‖ p(x̃))",
  paper: (c) => adversarialPaper(c, 2e-4),
  reduced: adversarialReduced,
  create: (config) => tradesObjective(config.adv),
};
