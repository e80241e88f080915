import * as tf from "@tensorflow/tfjs-core";

/**
 * Per-sample KL(p ‖ q) = Σ_k p_k (log p_k − log q_k) between the softmax distributions of two
 * logit batches (TRADES / MART, PyTorch `KLDivLoss(log q, p)` summed over classes). `[B]`.
 */
export function klRows(pLogits: tf.Tensor2D, qLogits: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => {
    const logP = tf.logSoftmax(pLogits);
    const logQ = tf.logSoftmax(qLogits);
    return tf.sum(tf.mul(tf.exp(logP), tf.sub(logP, logQ)), 1) as tf.Tensor1D;
  });
}
