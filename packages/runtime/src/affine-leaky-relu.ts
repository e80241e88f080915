import * as tf from "@tensorflow/tfjs-core";
import { AFFINE_LEAKY_RELU, AFFINE_LEAKY_RELU_GRAD } from "./wasm/affine";
import { leakyReluBackward } from "./leaky-relu-gradient";
import { nativeAddon } from "./native/addon";

/** Whether the fused kernels run: wasm with the native addon active (elsewhere, browsers included, wasm's own SIMD kernels compose the op). */
function fused(): boolean {
  return tf.getBackend() === "wasm" && nativeAddon() !== undefined && tf.getKernel(AFFINE_LEAKY_RELU, "wasm") !== undefined;
}

/** The axes of x before its last (channel) axis. */
function leadingAxes(x: tf.Tensor): number[] {
  return Array.from({ length: x.rank - 1 }, (_, i) => i);
}

/** z = x·scale + shift (per channel). */
function affine(x: tf.Tensor, scale: tf.Tensor, shift: tf.Tensor): tf.Tensor {
  return tf.add(tf.mul(x, scale), shift);
}

/**
 * y = LeakyReLU_α(x·γ̂ + β̂) per channel of the last axis: an eval-mode batch norm written as its
 * affine map (γ̂ = γ/√(σ²_run + ε), β̂ = β − μ_run·γ̂; spec 0.2) and the WideResNet's leaky ReLU
 * after it (spec 2.1), α = 1 for the affine map alone. On wasm one fused kernel (forward and input
 * gradient; issue 21: the separate `Multiply`, `Add` and `LeakyRelu` passes were a third of an
 * attack's model pass), elsewhere the composition of TF.js ops. Differentiable in x, scale and
 * shift. `scale` and `shift` hold one value per channel.
 */
export function affineLeakyRelu<R extends tf.Rank>(x: tf.Tensor<R>, scale: tf.Tensor, shift: tf.Tensor, alpha: number): tf.Tensor<R> {
  const C = x.shape[x.rank - 1];
  if (x.rank < 1 || C === undefined || scale.size !== C || shift.size !== C) {
    throw new Error(`affineLeakyRelu: expected x [..., C] and scale, shift of C values; got x [${x.shape}], scale [${scale.shape}], shift [${shift.shape}].`);
  }
  if (!Number.isFinite(alpha)) throw new Error(`affineLeakyRelu: alpha ${alpha}; expected a finite number.`);
  if (fused() && x.dtype === "float32") {
    return tf.engine().runKernel(AFFINE_LEAKY_RELU, { x, scale: tf.reshape(scale, [C]), shift: tf.reshape(shift, [C]) }, { alpha }) as tf.Tensor<R>;
  }
  return tf.tidy(() => {
    const z = affine(x, scale, shift);
    return (alpha === 1 ? z : tf.leakyRelu(z, alpha)) as tf.Tensor<R>;
  });
}

/** dz = ∂y/∂z · dy for y = LeakyReLU_α(z). */
function slopeTimes(dy: tf.Tensor, x: tf.Tensor, scale: tf.Tensor, shift: tf.Tensor, alpha: number): tf.Tensor {
  return alpha === 1 ? dy : leakyReluBackward(dy, affine(x, scale, shift), alpha);
}

/** dx = ∂y/∂z·dy·scale: the fused gradient kernel, or its composition when the addon was turned off since the forward pass. */
function inputGradient(dy: tf.Tensor, x: tf.Tensor, scale: tf.Tensor, shift: tf.Tensor, alpha: number): tf.Tensor {
  if (fused()) return tf.engine().runKernel(AFFINE_LEAKY_RELU_GRAD, { dy, x, scale, shift }, { alpha }) as tf.Tensor;
  return tf.mul(slopeTimes(dy, x, scale, shift, alpha), scale);
}

/**
 * Gradients of the fused kernels: ∂/∂x through the fused gradient kernel, ∂/∂scale = Σ dz·x and
 * ∂/∂shift = Σ dz over the leading axes (composed; attacks and samplers never ask for them).
 * The gradient kernel is linear in dy, so second-order gradients through it keep working.
 */
export function registerAffineLeakyReluGradient(): void {
  tf.registerGradient({
    kernelName: AFFINE_LEAKY_RELU,
    inputsToSave: ["x", "scale", "shift"],
    gradFunc: (dy, saved, attrs) => {
      const [x, scale, shift] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
      const alpha = (attrs as { alpha: number }).alpha;
      const g = dy as tf.Tensor;
      return {
        x: () => inputGradient(g, x, scale, shift, alpha),
        scale: () => tf.sum(tf.mul(slopeTimes(g, x, scale, shift, alpha), x), leadingAxes(x)),
        shift: () => tf.sum(slopeTimes(g, x, scale, shift, alpha), leadingAxes(x)),
      };
    },
  });
  tf.registerGradient({
    kernelName: AFFINE_LEAKY_RELU_GRAD,
    inputsToSave: ["dy", "x", "scale", "shift"],
    gradFunc: (ddx, saved, attrs) => {
      const [dy, x, scale, shift] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
      const alpha = (attrs as { alpha: number }).alpha;
      const g = ddx as tf.Tensor;
      return {
        dy: () => inputGradient(g, x, scale, shift, alpha),
        x: () => tf.zerosLike(x),
        scale: () => tf.sum(tf.mul(slopeTimes(dy, x, scale, shift, alpha), g), leadingAxes(x)),
        shift: () => tf.zerosLike(shift),
      };
    },
  });
}
