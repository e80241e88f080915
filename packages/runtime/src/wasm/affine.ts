import * as tf from "@tensorflow/tfjs-core";
import type { NativeAddon } from "../native/addon";
import { heap } from "../native/conv2d-native";
import type { WasmBackendLike } from "./compose";

/** Name of the affine + leaky-ReLU kernel (native addon on wasm only; elsewhere the op is composed). */
export const AFFINE_LEAKY_RELU = "EbjdatAffineLeakyRelu";
/** Name of its input-gradient kernel. */
export const AFFINE_LEAKY_RELU_GRAD = "EbjdatAffineLeakyReluGrad";

interface AffineInputs {
  x: tf.TensorInfo;
  scale: tf.TensorInfo;
  shift: tf.TensorInfo;
}

/** [M rows, C channels] of x, after checking that scale and shift are per-channel float32 vectors. */
function rowsAndChannels(kernel: string, { x, scale, shift }: AffineInputs, dy?: tf.TensorInfo): [number, number] {
  const C = x.shape[x.shape.length - 1] ?? 0;
  const ok =
    x.dtype === "float32" && scale.dtype === "float32" && shift.dtype === "float32" && x.shape.length >= 1 && C > 0 &&
    tf.util.sizeFromShape(scale.shape) === C && tf.util.sizeFromShape(shift.shape) === C &&
    (dy === undefined || (dy.dtype === "float32" && tf.util.arraysEqual(dy.shape, x.shape)));
  if (!ok) {
    throw new Error(
      `${kernel}: expected float32 x [..., C] with C > 0, scale and shift of C values${dy ? " and dy of x's shape" : ""}; got x ${x.dtype}[${x.shape}], scale [${scale.shape}], shift [${shift.shape}]${dy ? `, dy ${dy.dtype}[${dy.shape}]` : ""}.`,
    );
  }
  return [tf.util.sizeFromShape(x.shape) / C, C];
}

/**
 * y = z < 0 ? α·z : z with z = x·scale[c] + shift[c] (one rounding) per channel c of the last
 * axis: an eval-mode batch norm and the leaky ReLU after it in one threaded pass of the native addon.
 */
export function affineLeakyReluKernel(addon: NativeAddon, args: { inputs: AffineInputs; backend: WasmBackendLike; attrs: { alpha: number } }): tf.TensorInfo {
  const { inputs, backend, attrs } = args;
  const [M, C] = rowsAndChannels(AFFINE_LEAKY_RELU, inputs);
  const y = backend.makeOutput(inputs.x.shape, "float32");
  const { memory, offsets } = heap(backend, [inputs.x, inputs.scale, inputs.shift, y]);
  addon.affineLeakyRelu(memory, offsets, [M, C], attrs.alpha);
  return y;
}

/** dx = (z > 0 ? dy : α·dy)·scale[c], z as in {@link affineLeakyReluKernel}: its input gradient in one pass. */
export function affineLeakyReluGradKernel(addon: NativeAddon, args: { inputs: AffineInputs & { dy: tf.TensorInfo }; backend: WasmBackendLike; attrs: { alpha: number } }): tf.TensorInfo {
  const { inputs, backend, attrs } = args;
  const [M, C] = rowsAndChannels(AFFINE_LEAKY_RELU_GRAD, inputs, inputs.dy);
  const dx = backend.makeOutput(inputs.x.shape, "float32");
  const { memory, offsets } = heap(backend, [inputs.dy, inputs.x, inputs.scale, inputs.shift, dx]);
  addon.affineLeakyReluGrad(memory, offsets, [M, C], attrs.alpha);
  return dx;
}
