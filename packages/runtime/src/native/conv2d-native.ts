import * as tf from "@tensorflow/tfjs-core";
import type { WasmBackendLike } from "../wasm/compose";
import type { NativeAddon } from "./addon";


interface ConvAttrs {
  strides: number | [number, number];
  pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
  dataFormat?: "NHWC" | "NCHW";
  dilations?: number | [number, number];
  dimRoundingMode?: "floor" | "round" | "ceil";
}

function supported(attrs: ConvAttrs, ...infos: tf.TensorInfo[]): boolean {
  if (attrs.dataFormat !== undefined && attrs.dataFormat !== "NHWC") return false;
  const d = attrs.dilations ?? 1;
  if (!(d === 1 || (Array.isArray(d) && d[0] === 1 && d[1] === 1))) return false;
  return infos.every((i) => i.dtype === "float32");
}

function geometry(info: tf.backend_util.Conv2DInfo): number[] {
  return [
    info.batchSize, info.inHeight, info.inWidth, info.inChannels,
    info.filterHeight, info.filterWidth, info.outChannels, info.outHeight, info.outWidth,
    info.strideHeight, info.strideWidth, info.padInfo.top, info.padInfo.left,
  ];
}

/** The heap, and each operand's byte offset in it (read after every allocation: the heap can grow). */
export function heap(backend: WasmBackendLike, infos: tf.TensorInfo[]): { memory: ArrayBuffer; offsets: number[] } {
  const views = infos.map((i) => backend.typedArrayFromHeap(i));
  return { memory: views[0]!.buffer as ArrayBuffer, offsets: views.map((v) => v.byteOffset) };
}

/**
 * y = conv2d(x, W): y[n,oh,ow,co] = Σ_{kh,kw,ci} xpad[n, oh·sh+kh, ow·sw+kw, ci] · W[kh,kw,ci,co],
 * computed as im2col(x) · W[K,Co] with one SGEMM (NHWC, dilation 1). Returns undefined when the
 * attributes are outside what the native kernel does (the caller falls back).
 */
export function conv2dNative(addon: NativeAddon, args: { inputs: { x: tf.TensorInfo; filter: tf.TensorInfo }; backend: WasmBackendLike; attrs: ConvAttrs }): tf.TensorInfo | undefined {
  const { inputs: { x, filter }, backend, attrs } = args;
  if (!supported(attrs, x, filter)) return undefined;
  const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filter.shape as [number, number, number, number], attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false, "channelsLast");
  const out = backend.makeOutput(info.outShape, "float32");
  if (tf.util.sizeFromShape(info.outShape) === 0) return out;
  const { memory, offsets } = heap(backend, [x, filter, out]);
  addon.conv2d(memory, offsets, geometry(info));
  return out;
}

const ACTIVATIONS: Record<string, number> = { linear: 0, relu: 1, relu6: 2, leakyrelu: 3 };

/**
 * y = act(conv2d(x, W) + b) (TF.js `FusedConv2D`): the native convolution, then bias and
 * activation in one pass (linear, relu, relu6, leakyrelu). Returns undefined (the caller falls
 * back) for prelu, other activations, or a bias that is not one value per output channel.
 */
export function fusedConv2dNative(
  addon: NativeAddon,
  args: {
    inputs: { x: tf.TensorInfo; filter: tf.TensorInfo; bias?: tf.TensorInfo; preluActivationWeights?: tf.TensorInfo };
    backend: WasmBackendLike;
    attrs: ConvAttrs & { activation?: string; leakyreluAlpha?: number };
  },
): tf.TensorInfo | undefined {
  const { inputs: { x, filter, bias, preluActivationWeights }, backend, attrs } = args;
  const act = ACTIVATIONS[attrs.activation ?? "linear"];
  if (act === undefined || preluActivationWeights !== undefined) return undefined;
  const co = filter.shape[3]!;
  if (bias !== undefined && (bias.dtype !== "float32" || tf.util.sizeFromShape(bias.shape) !== co || (bias.shape.length > 1 && bias.shape[bias.shape.length - 1] !== co))) return undefined;
  const out = conv2dNative(addon, { inputs: { x, filter }, backend, attrs });
  if (!out || tf.util.sizeFromShape(out.shape) === 0) return out;
  const infos = bias ? [out, bias] : [out];
  const { memory, offsets } = heap(backend, infos);
  addon.biasActivation(memory, [offsets[0]!, bias ? offsets[1]! : -1], [tf.util.sizeFromShape(out.shape) / co, co, act], attrs.leakyreluAlpha ?? 0.2);
  return out;
}

/** dx = col2im(dy · Wᵀ): the input gradient of `conv2dNative` (spec of `Conv2DBackpropInput`). */
export function conv2dBackpropInputNative(addon: NativeAddon, args: { inputs: { dy: tf.TensorInfo; filter: tf.TensorInfo }; backend: WasmBackendLike; attrs: ConvAttrs & { inputShape: [number, number, number, number] } }): tf.TensorInfo | undefined {
  const { inputs: { dy, filter }, backend, attrs } = args;
  if (!supported(attrs, dy, filter)) return undefined;
  const info = tf.backend_util.computeConv2DInfo(attrs.inputShape, filter.shape as [number, number, number, number], attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false, "channelsLast");
  const out = backend.makeOutput(attrs.inputShape, "float32");
  if (tf.util.sizeFromShape(attrs.inputShape) === 0) return out;
  const { memory, offsets } = heap(backend, [dy, filter, out]);
  addon.conv2dBackpropInput(memory, offsets, geometry(info));
  return out;
}

/** dW[K,Co] = im2col(x)ᵀ · dy: the filter gradient of `conv2dNative` (spec of `Conv2DBackpropFilter`). */
export function conv2dBackpropFilterNative(addon: NativeAddon, args: { inputs: { x: tf.TensorInfo; dy: tf.TensorInfo }; backend: WasmBackendLike; attrs: ConvAttrs & { filterShape: [number, number, number, number] } }): tf.TensorInfo | undefined {
  const { inputs: { x, dy }, backend, attrs } = args;
  if (!supported(attrs, x, dy)) return undefined;
  const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], attrs.filterShape, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false, "channelsLast");
  const out = backend.makeOutput(attrs.filterShape, "float32");
  if (tf.util.sizeFromShape(attrs.filterShape) === 0) return out;
  if (tf.util.sizeFromShape(x.shape) === 0 || tf.util.sizeFromShape(dy.shape) === 0) {
    (backend.typedArrayFromHeap(out) as Float32Array).fill(0);
    return out;
  }
  const { memory, offsets } = heap(backend, [x, dy, out]);
  addon.conv2dBackpropFilter(memory, offsets, geometry(info));
  return out;
}
