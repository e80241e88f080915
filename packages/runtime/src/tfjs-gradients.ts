import * as tf from "@tensorflow/tfjs-core";
import { installCoreEsmHooks } from "./core-esm-hooks";

let loading: Promise<void> | undefined;

/**
 * Registers TF.js core's gradient functions (`tf.grad`, `tf.grads`, `tf.variableGrads` need
 * them). `@tensorflow/tfjs-core` alone does not register them, and its `register_all_gradients`
 * module is ES-module source that plain Node cannot load, so Node gets resolution hooks for it
 * (bundlers and vitest load it directly). Idempotent; does nothing when gradients are present
 * (e.g. after `@tensorflow/tfjs-node` loaded the union package).
 */
export async function registerCoreGradients(): Promise<void> {
  if (tf.getGradient("Sum") !== undefined && tf.getGradient("Conv2D") !== undefined) return;
  loading ??= (async () => {
    await installCoreEsmHooks();
    await import("@tensorflow/tfjs-core/dist/register_all_gradients.js");
    if (tf.getGradient("Sum") === undefined) throw new Error("TF.js gradients could not be registered (register_all_gradients loaded but Sum has no gradient).");
  })();
  try {
    await loading;
  } catch (e) {
    loading = undefined;
    throw e;
  }
}
