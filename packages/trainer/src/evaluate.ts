import * as tf from "@tensorflow/tfjs-core";
import { batchTensor, type Dataset } from "@ebjdat/data";
import type { WideResNet } from "@ebjdat/models";

/** Clean accuracy (spec 8.6): the fraction of images whose argmax logit (eval-mode BN) is the label. */
export function evaluateAccuracy(model: WideResNet, ds: Dataset, batchSize = 100): number {
  let correct = 0;
  for (let start = 0; start < ds.n; start += batchSize) {
    const idx = Array.from({ length: Math.min(batchSize, ds.n - start) }, (_, i) => start + i);
    const { x, y } = batchTensor(ds, idx);
    const pred = tf.tidy(() => tf.argMax(model.logits(x, "eval"), 1).dataSync());
    x.dispose();
    for (let i = 0; i < pred.length; i++) if (pred[i] === y[i]) correct += 1;
  }
  return correct / ds.n;
}
