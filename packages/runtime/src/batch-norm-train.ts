import * as tf from "@tensorflow/tfjs-core";
import { nativeAddon } from "./native/addon";
import { BATCH_NORM_FORWARD, BATCH_NORM_GRAD, BATCH_NORM_MOMENTS } from "./wasm/batch-norm";

/** A train-mode batch norm's output and the batch moments it normalised with. */
export interface BatchNormTrainResult<R extends tf.Rank> {
  /** LeakyReLU_α(BN(x)), differentiable in x, γ and β through the batch statistics */
  y: tf.Tensor<R>;
  /** per-channel batch mean μ (not differentiated) */
  mean: tf.Tensor1D;
  /** per-channel biased batch variance σ² (not differentiated) */
  variance: tf.Tensor1D;
}

/**
 * Per-channel sum of an NHWC tensor, reduced in stages: first over W, then over H, then over
 * the batch. Each float32 reduction therefore covers at most max(W, H, B) values (32 for
 * CIFAR) instead of B·H·W = 8192, which keeps the rounding error of the BN statistics near
 * float32 unit round-off (README of the vectors, section 5: a naive float32 sum can drift by
 * ~1e-5 relative, the running-stat tolerance). Stays on the device and differentiable.
 * Spec 0.2 (batch statistics).
 */
export function channelSum(x: tf.Tensor4D): tf.Tensor1D {
  return tf.tidy(() => tf.sum(tf.sum(tf.sum(x, 2), 1), 0)) as tf.Tensor1D;
}

/** Whether the native kernels run: wasm with the addon active. */
function native(): boolean {
  return tf.getBackend() === "wasm" && nativeAddon() !== undefined && tf.getKernel(BATCH_NORM_GRAD, "wasm") !== undefined;
}

/**
 * Train-mode batch norm with the batch statistics, then a leaky ReLU (spec 0.2 and 2.1):
 * y = LeakyReLU_α((x − μ)/√(σ² + ε)·γ + β), μ and the biased σ² over N, H, W; α = 1 for the
 * batch norm alone. Gradients in x, γ and β are the analytic PyTorch formula through the batch
 * statistics (dβ = Σdz, dγ = Σ dz·x̂, dx = γ/√(σ² + ε)·(dz − Σdz/n − x̂·Σ(dz·x̂)/n), dz the
 * gradient at the batch norm's output). On wasm with the native addon: the moments in one
 * kernel, the normalisation and the leaky ReLU in one pass, the backward in one two-pass kernel,
 * each summing and rounding as the composition does, so both give the same floats (issue 21);
 * elsewhere TF.js ops with staged channel sums.
 * The running-statistics update is the caller's (it gets μ and σ²).
 */
export function batchNormTrain<R extends tf.Rank>(x: tf.Tensor<R>, gamma: tf.Tensor1D, beta: tf.Tensor1D, options: { eps: number; alpha: number }): BatchNormTrainResult<R> {
  const C = x.shape[x.rank - 1];
  if (x.rank !== 4 || C === undefined || gamma.size !== C || beta.size !== C) {
    throw new Error(`batchNormTrain: expected NHWC x [B, H, W, C] and gamma, beta of C values; got x [${x.shape}], gamma [${gamma.shape}], beta [${beta.shape}].`);
  }
  const count = x.size / C;
  if (count < 1) throw new Error(`batchNormTrain: needs at least 1 value per channel (got input [${x.shape}]).`);
  const { eps, alpha } = options;
  if (!(eps > 0) || !Number.isFinite(alpha)) throw new Error(`batchNormTrain: eps ${eps}, alpha ${alpha}; expected eps > 0 and a finite alpha.`);
  let mean: tf.Tensor1D | undefined;
  let variance: tf.Tensor1D | undefined;
  const fused = native();
  const op = tf.customGrad((xIn: tf.Tensor | tf.GradSaveFunc, gIn: tf.Tensor | tf.GradSaveFunc, bIn: tf.Tensor | tf.GradSaveFunc, saveIn: tf.Tensor | tf.GradSaveFunc) => {
    const xx = xIn as tf.Tensor4D;
    const g = gIn as tf.Tensor1D;
    const b = bIn as tf.Tensor1D;
    const save = saveIn as tf.GradSaveFunc;
    if (fused) {
      const [mu, v] = tf.engine().runKernel(BATCH_NORM_MOMENTS, { x: xx }, {}) as [tf.Tensor1D, tf.Tensor1D];
      mean = tf.keep(mu);
      variance = tf.keep(v);
      const invstd = tf.rsqrt(tf.add(v, eps));
      save([xx, mu, invstd, g, b]);
      const value = tf.engine().runKernel(BATCH_NORM_FORWARD, { x: xx, mean: mu, invstd, gamma: g, beta: b }, { alpha }) as tf.Tensor4D;
      const gradFunc = (dy: tf.Tensor4D, saved: tf.Tensor[]): tf.Tensor[] => {
        const [sx, smu, sinv, sg, sb] = saved as tf.Tensor[];
        const [dx, dgamma, dbeta] = tf.engine().runKernel(BATCH_NORM_GRAD, { dy, x: sx!, mean: smu!, invstd: sinv!, gamma: sg!, beta: sb! }, { alpha }) as tf.Tensor[];
        return [dx!, dgamma!, dbeta!];
      };
      return { value, gradFunc };
    }
    const mu = tf.div(channelSum(xx), count) as tf.Tensor1D;
    const centred = tf.sub(xx, mu);
    const v = tf.div(channelSum(tf.square(centred) as tf.Tensor4D), count) as tf.Tensor1D;
    mean = tf.keep(mu);
    variance = tf.keep(v);
    const invstd = tf.rsqrt(tf.add(v, eps));
    const xhat = tf.mul(centred, invstd) as tf.Tensor4D;
    const scale = tf.mul(g, invstd) as tf.Tensor1D;
    save([xhat, scale]);
    const value = tf.add(tf.mul(xhat, g), b) as tf.Tensor4D;
    // Analytic backward with the staged channel sums: autodiff of the forward graph would reduce
    // 8·32·32 values per channel in one float32 sum on wasm, and the cancellation in dy − mean(dy)
    // turns that rounding into ~1e-3 relative gradient error.
    const gradFunc = (dy: tf.Tensor4D, saved: tf.Tensor[]): tf.Tensor[] => {
      const [sxhat, sscale] = saved as [tf.Tensor4D, tf.Tensor1D];
      const sumDy = channelSum(dy);
      const sumDyXhat = channelSum(tf.mul(dy, sxhat) as tf.Tensor4D);
      const inner = tf.sub(tf.sub(dy, tf.div(sumDy, count)), tf.mul(sxhat, tf.div(sumDyXhat, count)));
      return [tf.mul(inner, sscale), sumDyXhat, sumDy];
    };
    return { value, gradFunc };
  });
  const bn = op(x as unknown as tf.Tensor4D, gamma, beta);
  // the composition applies the leaky ReLU outside the custom gradient (autodiff of tf.leakyRelu)
  const y = (fused || alpha === 1 ? bn : tf.tidy(() => { const r = tf.leakyRelu(bn, alpha); bn.dispose(); return r; })) as unknown as tf.Tensor<R>;
  return { y, mean: mean!, variance: variance! };
}
