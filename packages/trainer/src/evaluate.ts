import { yieldToEventLoop } from "@ebjdat/runtime";
import * as tf from "@tensorflow/tfjs-core";
import { batchTensor, type Dataset } from "@ebjdat/data";
import type { WideResNet } from "@ebjdat/models";

/** Correct predictions (argmax logit, eval-mode BN) among images [start, start + size) of `ds`. */
function correctInBatch(model: WideResNet, ds: Dataset, start: number, size: number): number {
  const idx = Array.from({ length: size }, (_, i) => start + i);
  const { x, y } = batchTensor(ds, idx);
  const pred = tf.tidy(() => tf.argMax(model.logits(x, "eval"), 1).dataSync());
  x.dispose();
  let correct = 0;
  for (let i = 0; i < pred.length; i++) if (pred[i] === y[i]) correct += 1;
  return correct;
}

/** Clean accuracy (spec 8.6): the fraction of images whose argmax logit (eval-mode BN) is the label. */
export function evaluateAccuracy(model: WideResNet, ds: Dataset, batchSize = 100): number {
  let correct = 0;
  for (let start = 0; start < ds.n; start += batchSize) correct += correctInBatch(model, ds, start, Math.min(batchSize, ds.n - start));
  return correct / ds.n;
}

/**
 * {@link evaluateAccuracy} (spec 8.6) that yields to the event loop between batches, so a signal
 * handler runs; returns undefined when `signal` is aborted before the end.
 */
export async function evaluateAccuracyAsync(model: WideResNet, ds: Dataset, options: { batchSize?: number; signal?: AbortSignal } = {}): Promise<number | undefined> {
  const batchSize = options.batchSize ?? 100;
  let correct = 0;
  for (let start = 0; start < ds.n; start += batchSize) {
    await yieldToEventLoop();
    if (options.signal?.aborted) return undefined;
    correct += correctInBatch(model, ds, start, Math.min(batchSize, ds.n - start));
  }
  return correct / ds.n;
}
