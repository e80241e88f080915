import * as tf from "@tensorflow/tfjs-core";
import type { AdvConfig } from "../config-types";
import { crossEntropy } from "@ebjdat/attacks";
import type { Objective } from "../objective";
import { adversarialObjective, pgdCeExamples } from "./adversarial";
import { klRows } from "./divergence";
import type { MethodEntry } from "./method-entry";
import { adversarialPaper, adversarialReduced } from "./preset-base";

/**
 * MART (Wang et al. 2020): with p̃ = softmax f(x̃) (x̃ from PGD-CE) and p = softmax f(x),
 * L = CE(f(x̃), y) − (1/B) Σ_i log(1.0001 − p̃_i[ŷ_i]) + β·(1/B) Σ_i KL(p_i ‖ p̃_i)·(1.0000001 − p_i[y_i]),
 * ŷ_i the most likely wrong class under p̃ (the BCE margin term of the paper).
 */
export function martObjective(adv: AdvConfig): Objective {
  return adversarialObjective("mart", adv, pgdCeExamples, (net, batch, xAdv) => {
    const advLogits = net(xAdv, "train");
    const cleanLogits = net(batch.xNet, "train");
    const k = advLogits.shape[1];
    const oh = tf.oneHot(batch.y, k);
    const pAdv = tf.softmax(advLogits);
    // most likely wrong class: mask the true class out (a constant, no gradient through argmax)
    const wrong = tf.oneHot(tf.argMax(tf.sub(pAdv, tf.mul(oh, 2)), 1), k);
    const bce = tf.add(crossEntropy(advLogits, batch.y, "mean"), tf.neg(tf.mean(tf.log(tf.sub(1.0001 + 1e-12, tf.sum(tf.mul(pAdv, wrong), 1)))))) as tf.Scalar;
    const pTrue = tf.sum(tf.mul(tf.softmax(cleanLogits), oh), 1);
    const kl = tf.mean(tf.mul(klRows(cleanLogits, advLogits), tf.sub(1.0000001, pTrue))) as tf.Scalar;
    return { loss: tf.add(bce, tf.mul(adv.beta, kl)) as tf.Scalar, terms: { bce, kl } };
  });
}

/** The `mart` method: MART with β = `adv.beta` (6); `paper` weight decay 3.5e-3 (see `adversarialPaper`). */
export const mart: MethodEntry<"mart"> = {
  name: "mart",
  summary: "MART, L = BCE(f(x̃), y) + β·KL(p(x) ‖ p(x̃))·(1 − p_y(x))",
  paper: (c) => adversarialPaper(c, 3.5e-3),
  reduced: adversarialReduced,
  create: (config) => martObjective(config.adv),
};
