import * as tf from "@tensorflow/tfjs-core";
import type { BnMode } from "@ebjdat/models";

/** What an objective sees of the model: model-space logits in a batch-norm mode (spec 0.1, 0.2). */
export type NetLogits = (xNet: tf.Tensor4D, mode: BnMode) => tf.Tensor2D;

/** One labelled training batch in model space ([-1, 1], after augmentation and noise). */
export interface TrainBatch {
  xNet: tf.Tensor4D;
  /** Integer labels `[B]`. */
  y: tf.Tensor1D;
}

/** A loss to minimise and the named terms that make it up (logged per step). */
export interface ObjectiveOutput {
  loss: tf.Scalar;
  terms: Record<string, tf.Scalar>;
}

/**
 * A training objective: builds its loss from the model and a batch. It is called inside
 * `tf.variableGrads`, so every tensor it creates is freed by the caller's `tf.tidy`.
 */
export interface Objective {
  readonly name: string;
  loss(net: NetLogits, batch: TrainBatch): ObjectiveOutput;
}

/** Mean cross-entropy of logits against integer labels: −(1/B) Σ log softmax(f(x_i))[y_i] (spec 9.1). */
export function crossEntropy(logits: tf.Tensor2D, y: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const logp = tf.logSoftmax(logits);
    const picked = tf.sum(tf.mul(logp, tf.oneHot(y, logits.shape[1])), 1);
    return tf.neg(tf.mean(picked)) as tf.Scalar;
  });
}

/** The `standard` objective: L = CE(f(x), y) with train-mode batch norm (the paper's "Standard" row). */
export const standardObjective: Objective = {
  name: "standard",
  loss(net, batch) {
    const ce = crossEntropy(net(batch.xNet, "train"), batch.y);
    return { loss: ce, terms: { ce } };
  },
};
