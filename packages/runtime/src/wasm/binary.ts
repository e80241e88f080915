import * as tf from "@tensorflow/tfjs-core";
import { nativeAddon } from "../native/addon";
import { heap } from "../native/conv2d-native";
import type { WasmBackendLike } from "./compose";

/** The native addon's codes of `Add`, `Sub`, `Multiply` (native/binary.h). */
const OPS = { Add: 0, Sub: 1, Multiply: 2 } as const;

/** How an operand is indexed in an [M, C] view of the output (native/binary.h). */
const FULL = 0;
const ROW = 1;
const SCALAR = 2;

/** Below this many output elements wasm's own kernel is as fast (no threads, no N-API call). */
const MIN_ELEMENTS = 4096;

/** The operand's mode against the output shape, or undefined when the broadcast is not one the kernel does. */
function modeOf(shape: number[], out: number[]): number | undefined {
  if (tf.util.arraysEqual(shape, out)) return FULL;
  const size = tf.util.sizeFromShape(shape);
  if (size === 1) return SCALAR;
  const C = out[out.length - 1]!;
  // a per-channel vector: [C] or [1, ..., 1, C]
  if (shape[shape.length - 1] === C && size === C) return ROW;
  return undefined;
}

/**
 * out = a ∘ b for ∘ in {+, −, ×} (TF.js `Add`, `Sub`, `Multiply`) in the native addon's threads,
 * for float32 operands that are equal-shaped, a per-channel vector (`[C]` against an `[..., C]`
 * tensor: batch-norm scale and shift, biases) or a scalar; undefined otherwise (other
 * broadcasts, other dtypes, small outputs, no addon: wasm's own kernel runs). wasm's own kernels
 * are single-threaded broadcasting loops: 30% of a WRN input-gradient step (issue 21).
 */
export function binaryNative(op: keyof typeof OPS) {
  return (args: { inputs: { a: tf.TensorInfo; b: tf.TensorInfo }; backend: WasmBackendLike }): tf.TensorInfo | undefined => {
    const addon = nativeAddon();
    const { a, b } = args.inputs;
    if (!addon || a.dtype !== "float32" || b.dtype !== "float32") return undefined;
    const out = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
    const n = tf.util.sizeFromShape(out);
    if (n < MIN_ELEMENTS) return undefined;
    const aMode = modeOf(a.shape, out);
    const bMode = modeOf(b.shape, out);
    if (aMode === undefined || bMode === undefined) return undefined;
    // [M, C] view: rows of channels when an operand is per-channel, else one flat range
    const C = aMode === ROW || bMode === ROW ? out[out.length - 1]! : 1;
    const y = args.backend.makeOutput(out, "float32");
    const { memory, offsets } = heap(args.backend, [a, b, y]);
    addon.binary(memory, offsets, [OPS[op], aMode, bMode, n / C, C]);
    return y;
  };
}
