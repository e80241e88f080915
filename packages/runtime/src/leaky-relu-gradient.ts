import * as tf from "@tensorflow/tfjs-core";
import { LEAKY_RELU_GRAD } from "./wasm/elementwise";

/** dx = x > 0 ? dy : α·dy, through the fused kernel where the backend has it (wasm), else TF.js's own composition. */
export function leakyReluBackward(dy: tf.Tensor, x: tf.Tensor, alpha: number): tf.Tensor {
  if (tf.getKernel(LEAKY_RELU_GRAD, tf.getBackend()) !== undefined && dy.dtype === "float32" && x.dtype === "float32" && tf.util.arraysEqual(dy.shape, x.shape)) {
    return tf.engine().runKernel(LEAKY_RELU_GRAD, { dy, x }, { alpha }) as tf.Tensor;
  }
  return tf.where(tf.greater(x, 0), dy, tf.mul(dy, alpha));
}

/**
 * The `LeakyRelu` gradient, ∂y/∂x = 1 if x > 0 else α (the same values as TF.js's own), computed
 * by one fused kernel on wasm (issue 6: `Greater` + `Select` + `Multiply` were 25% of a WRN
 * input-gradient step). The fused kernel is itself differentiable (linear in dy, zero in x), so
 * second-order gradients keep working.
 */
export function registerLeakyReluGradient(): void {
  tf.registerGradient({
    kernelName: "LeakyRelu",
    inputsToSave: ["x"],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved as [tf.Tensor];
      const alpha = (attrs as { alpha: number }).alpha;
      return { x: () => leakyReluBackward(dy as tf.Tensor, x, alpha) };
    },
  });
  tf.registerGradient({
    kernelName: LEAKY_RELU_GRAD,
    inputsToSave: ["x"],
    gradFunc: (ddx, saved, attrs) => {
      const [x] = saved as [tf.Tensor];
      const alpha = (attrs as { alpha: number }).alpha;
      return { dy: () => leakyReluBackward(ddx as tf.Tensor, x, alpha), x: () => tf.zerosLike(x) };
    },
  });
}
