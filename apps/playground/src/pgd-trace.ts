import * as tf from "@tensorflow/tfjs-core";
import { runAttack } from "@ebjdat/attacks";
import { readSafetensors } from "@ebjdat/formats";
import { modelFromStateDict } from "@ebjdat/models";
import { imageEps, type LogitsFn } from "@ebjdat/runtime";

/** What the worker reports (and the Node side of the browser test computes). */
export interface PgdTrace {
  /** Accuracy on the iterate of every forward pass of the attack, in order (clean check, then one per step). */
  accuracyPerPass: number[];
  cleanAccuracy: number;
  robustAccuracy: number;
  steps: number;
}

/**
 * PGD-k (spec 7.1, 7.7; ε = 8/255, α = 2/255, random start, `seed`) on NHWC images in [0, 1]
 * with the model of a `.safetensors` state dict, through `runAttack` of @ebjdat/attacks; the
 * accuracy of each forward pass is recorded by wrapping the logits function, so the robust
 * accuracy can be watched falling step by step. Shared by the page's worker and the test's Node run.
 */
export async function pgdTrace(modelBytes: Uint8Array, x: Float32Array, y: Int32Array, steps: number, seed: number, onPass?: (accuracy: number, pass: number) => void): Promise<PgdTrace> {
  const { tensors } = readSafetensors(modelBytes, "model.safetensors");
  const model = modelFromStateDict(tensors, "model.safetensors");
  const n = y.length;
  const accuracyPerPass: number[] = [];
  const f = model.toLogitsFn("eval");
  const traced: LogitsFn = (xb) => {
    const z = f(xb);
    if (xb.shape[0] === n) {
      const pred = tf.tidy(() => tf.argMax(z, 1)).dataSync() as Int32Array;
      let ok = 0;
      for (let i = 0; i < n; i++) ok += pred[i] === y[i] ? 1 : 0;
      accuracyPerPass.push(ok / n);
      onPass?.(ok / n, accuracyPerPass.length);
    }
    return z;
  };
  const xt = tf.tensor4d(x, [n, 32, 32, 3]);
  try {
    const r = await runAttack(`pgd${steps}`, traced, xt, y, { eps: imageEps(8 / 255), stepSize: imageEps(2 / 255), randomStart: true, seed, batchSize: n });
    r.xAdv.dispose();
    return { accuracyPerPass, cleanAccuracy: r.cleanAccuracy, robustAccuracy: r.robustAccuracy, steps };
  } finally {
    xt.dispose();
    model.dispose();
  }
}
