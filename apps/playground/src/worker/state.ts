import * as tf from "@tensorflow/tfjs-core";
import type { WideResNet } from "@ebjdat/models";

/** What the worker holds between requests: the model, the test images and the last results. */
export interface WorkerState {
  model: WideResNet;
  /** NHWC float32 images in [0, 1] and their labels. */
  x: Float32Array;
  y: Int32Array;
  /** The last attack's adversarial images (same layout), if any. */
  xAdv?: Float32Array;
  /** The last SGLD samples in [0, 1], if any. */
  samples?: Float32Array;
}

let state: WorkerState | undefined;

/** The loaded state; throws naming `what` when nothing is loaded yet. */
export function loaded(what: string): WorkerState {
  if (!state) throw new Error(`${what}: load a model and the CIFAR-10 images first`);
  return state;
}

/** Replaces the state (disposing the previous model). */
export function setState(next: WorkerState): void {
  state?.model.dispose();
  state = next;
}

/** Predicted classes of NHWC images in [0, 1] (batches of 100). */
export function predict(model: WideResNet, x: Float32Array): Int32Array {
  const n = x.length / 3072;
  const out = new Int32Array(n);
  for (let s = 0; s < n; s += 100) {
    const m = Math.min(100, n - s);
    const p = tf.tidy(() => tf.argMax(model.logits(tf.tensor4d(x.subarray(s * 3072, (s + m) * 3072), [m, 32, 32, 3]), "eval"), 1));
    out.set(p.dataSync() as Int32Array, s);
    p.dispose();
  }
  return out;
}
