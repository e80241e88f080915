import * as tf from "@tensorflow/tfjs-core";
import { computeEnergies } from "@ebjdat/energy";
import type { WorkerMessage } from "../messages";
import { loaded } from "./state";

function energiesOf(f: (x: tf.Tensor4D) => tf.Tensor2D, x: Float32Array | undefined): number[] {
  if (!x || x.length === 0) return [];
  const xt = tf.tensor4d(x, [x.length / 3072, 32, 32, 3]);
  try {
    return Array.from(computeEnergies(f, xt));
  } finally {
    xt.dispose();
  }
}

/**
 * The `energies` request: E(x) = -logsumexp f(x) (spec 1, 6.3) of the clean images, of the last
 * attack's adversarial images and of the last SGLD samples (empty when not computed yet).
 */
export function energies(post: (m: WorkerMessage) => void): void {
  const s = loaded("energies");
  const f = s.model.toLogitsFn("eval");
  post({ kind: "energies-done", clean: energiesOf(f, s.x), adversarial: energiesOf(f, s.xAdv), sampled: energiesOf(f, s.samples) });
}
