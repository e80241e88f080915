import * as tf from "@tensorflow/tfjs-core";
import type { NativeAddon } from "../native/addon";
import { heap } from "../native/conv2d-native";
import type { WasmBackendLike } from "./compose";

/** Name of the batch-moments kernel (native addon on wasm only). */
export const BATCH_NORM_MOMENTS = "EbjdatBatchNormMoments";
/** Name of the train-mode batch-norm (+ leaky ReLU) forward kernel (native addon on wasm only). */
export const BATCH_NORM_FORWARD = "EbjdatBatchNormForward";
/** Name of the train-mode batch-norm (+ leaky ReLU) backward kernel (native addon on wasm only). */
export const BATCH_NORM_GRAD = "EbjdatBatchNormGrad";

/** [B, H, W, C] of x, after checking that x is float32 NHWC and the per-channel operands hold C floats. */
function dims(kernel: string, x: tf.TensorInfo, perChannel: tf.TensorInfo[]): [number, number, number, number] {
  const [B, H, W, C] = x.shape;
  if (x.dtype !== "float32" || x.shape.length !== 4 || !(B! >= 1 && H! >= 1 && W! >= 1 && C! >= 1) || perChannel.some((t) => t.dtype !== "float32" || tf.util.sizeFromShape(t.shape) !== C)) {
    throw new Error(`${kernel}: expected float32 NHWC x [B, H, W, C] and per-channel float32 operands of C values; got x ${x.dtype}[${x.shape}], ${perChannel.map((t) => `[${t.shape}]`).join(", ")}.`);
  }
  return [B!, H!, W!, C!];
}

/**
 * [mean, variance] over N, H and W of an NHWC x (the biased batch moments of a train-mode batch
 * norm, spec 0.2): two passes, each sum staged over W, H, then N as `channelSum` stages it.
 */
export function batchNormMomentsKernel(addon: NativeAddon, args: { inputs: { x: tf.TensorInfo }; backend: WasmBackendLike }): tf.TensorInfo[] {
  const { x } = args.inputs;
  const d = dims(BATCH_NORM_MOMENTS, x, []);
  const mean = args.backend.makeOutput([d[3]], "float32");
  const variance = args.backend.makeOutput([d[3]], "float32");
  const { memory, offsets } = heap(args.backend, [x, mean, variance]);
  addon.bnMoments(memory, offsets, d);
  return [mean, variance];
}

/** The per-channel operands of the forward and backward kernels. */
interface Normalisation {
  x: tf.TensorInfo;
  mean: tf.TensorInfo;
  invstd: tf.TensorInfo;
  gamma: tf.TensorInfo;
  beta: tf.TensorInfo;
}

/**
 * y = LeakyReLU_α(x̂·γ + β), x̂ = (x − μ)·invstd, in one pass (each product and sum rounded as the
 * TF.js composition rounds it).
 */
export function batchNormForwardKernel(addon: NativeAddon, args: { inputs: Normalisation; backend: WasmBackendLike; attrs: { alpha: number } }): tf.TensorInfo {
  const { x, mean, invstd, gamma, beta } = args.inputs;
  const d = dims(BATCH_NORM_FORWARD, x, [mean, invstd, gamma, beta]);
  const y = args.backend.makeOutput(x.shape, "float32");
  const { memory, offsets } = heap(args.backend, [x, mean, invstd, gamma, beta, y]);
  addon.bnForward(memory, offsets, d, args.attrs.alpha);
  return y;
}

/**
 * [dx, dγ, dβ] of y = LeakyReLU_α(x̂·γ + β) through the batch statistics: dz = ∂y/∂z·dy,
 * dβ = Σdz, dγ = Σdz·x̂, dx = (dz − dβ/M − x̂·dγ/M)·γ·invstd (the PyTorch formula), in two passes
 * with the sums staged as `channelSum` stages them.
 */
export function batchNormGradKernel(addon: NativeAddon, args: { inputs: Normalisation & { dy: tf.TensorInfo }; backend: WasmBackendLike; attrs: { alpha: number } }): tf.TensorInfo[] {
  const { dy, x, mean, invstd, gamma, beta } = args.inputs;
  const d = dims(BATCH_NORM_GRAD, x, [mean, invstd, gamma, beta]);
  const C = d[3];
  if (dy.dtype !== "float32" || !tf.util.arraysEqual(dy.shape, x.shape)) throw new Error(`${BATCH_NORM_GRAD}: dy ${dy.dtype}[${dy.shape}]; expected float32 of x's shape [${x.shape}].`);
  const dx = args.backend.makeOutput(x.shape, "float32");
  const dgamma = args.backend.makeOutput([C], "float32");
  const dbeta = args.backend.makeOutput([C], "float32");
  const { memory, offsets } = heap(args.backend, [dy, x, mean, invstd, gamma, beta, dx, dgamma, dbeta]);
  addon.bnBackward(memory, offsets, d, args.attrs.alpha);
  return [dx, dgamma, dbeta];
}
