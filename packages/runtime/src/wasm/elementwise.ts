import * as tf from "@tensorflow/tfjs-core";
import { nativeAddon } from "../native/addon";
import { heap } from "../native/conv2d-native";
import type { WasmBackendLike } from "./compose";

/** The wasm backend's reference counting (as its `Reshape` kernel uses it). */
interface RefCounting {
  incRef(dataId: object): void;
}

/**
 * y = x, sharing x's buffer (reference-counted, as the cpu backend does). TF.js's engine clones
 * every tensor it saves for the backward pass through `Identity`; wasm's own kernel copies the
 * buffer each time (about 7% of a WRN input-gradient step). Kernels never write their inputs,
 * so sharing is safe. Strings keep wasm's own kernel (the caller falls back).
 */
export function identityShared(args: { inputs: { x: tf.TensorInfo }; backend: WasmBackendLike }): tf.TensorInfo | undefined {
  const { x } = args.inputs;
  if (x.dtype === "string") return undefined;
  (args.backend as unknown as RefCounting).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/**
 * y = x ≥ 0 ? x : α·x (TF.js `LeakyRelu`) in the native addon's threads; undefined without the
 * addon or for other dtypes (wasm's own kernel is then faster than a JavaScript loop).
 */
export function leakyReluNative(args: { inputs: { x: tf.TensorInfo }; backend: WasmBackendLike; attrs: { alpha: number } }): tf.TensorInfo | undefined {
  const { inputs: { x }, backend, attrs } = args;
  if (x.dtype !== "float32" || !nativeAddon()) return undefined;
  const out = backend.makeOutput(x.shape, "float32");
  const { memory, offsets } = heap(backend, [x, out]);
  nativeAddon()!.leakyRelu(memory, offsets, [tf.util.sizeFromShape(x.shape)], attrs.alpha);
  return out;
}

/** Name of the fused leaky-ReLU backward kernel (installed on wasm; other backends compose it). */
export const LEAKY_RELU_GRAD = "EbjdatLeakyReluGrad";

/**
 * dx = x > 0 ? dy : α·dy: the leaky-ReLU gradient in one pass instead of TF.js's
 * `Greater` + `Multiply` + `Select` (three full-size kernels and two temporaries).
 */
export function leakyReluGradJs(args: { inputs: { dy: tf.TensorInfo; x: tf.TensorInfo }; backend: WasmBackendLike; attrs: { alpha: number } }): tf.TensorInfo {
  const { inputs: { dy, x }, backend, attrs } = args;
  if (dy.dtype !== "float32" || x.dtype !== "float32" || !tf.util.arraysEqual(dy.shape, x.shape)) {
    throw new Error(`${LEAKY_RELU_GRAD}: expected float32 dy and x of one shape, got ${dy.dtype}[${dy.shape}] and ${x.dtype}[${x.shape}]`);
  }
  const out = backend.makeOutput(x.shape, "float32");
  const g = backend.typedArrayFromHeap(dy) as Float32Array;
  const xv = backend.typedArrayFromHeap(x) as Float32Array;
  const dx = backend.typedArrayFromHeap(out) as Float32Array;
  const addon = nativeAddon();
  if (addon) {
    const { memory, offsets } = heap(backend, [dy, x, out]);
    addon.leakyReluGrad(memory, offsets, [xv.length], attrs.alpha);
    return out;
  }
  const a = Math.fround(attrs.alpha);
  for (let i = 0; i < xv.length; i++) dx[i] = xv[i]! > 0 ? g[i]! : a * g[i]!;
  return out;
}

/**
 * out[o, c] = Σ_r x[o, r, c]: TF.js `Sum` over a run of axes that ends just before the last one
 * (batch-norm statistics and their staged channel sums, bias gradients), in the native addon
 * (float32 sums of 256 rows, added in float64). wasm's own `Sum` transposes the reduced axes
 * innermost first: 20% of a WRN training step. Other reductions, other dtypes, or no addon:
 * undefined (the caller falls back).
 */
export function sumInnerAxesNative(args: { inputs: { x: tf.TensorInfo }; backend: WasmBackendLike; attrs: { axis: number | number[]; keepDims: boolean } }): tf.TensorInfo | undefined {
  const { inputs: { x }, backend, attrs } = args;
  const addon = nativeAddon();
  const rank = x.shape.length;
  if (!addon || x.dtype !== "float32" || rank < 2) return undefined;
  const axes = tf.util.parseAxisParam(attrs.axis, x.shape).sort((a, b) => a - b);
  const first = axes[0];
  if (first === undefined || axes[axes.length - 1] !== rank - 2 || axes.some((a, i) => a !== first + i)) return undefined;
  const C = x.shape[rank - 1]!;
  const R = x.shape.slice(first, rank - 1).reduce((a, b) => a * b, 1);
  const O = x.shape.slice(0, first).reduce((a, b) => a * b, 1);
  if (C === 0 || R === 0 || O === 0) return undefined;
  const outShape = attrs.keepDims ? x.shape.map((s, i) => (i >= first && i < rank - 1 ? 1 : s)) : [...x.shape.slice(0, first), C];
  const out = backend.makeOutput(outShape, "float32");
  const { memory, offsets } = heap(backend, [x, out]);
  addon.columnSum(memory, offsets, [O, R, C]);
  return out;
}
