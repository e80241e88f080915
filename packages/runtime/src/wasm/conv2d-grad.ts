import * as tf from "@tensorflow/tfjs-core";
import { KernelComposer, hwPaddings, type WasmBackendLike } from "./compose";

/**
 * How the wasm backend computes the two convolution gradients. `filter`: `im2col` (strided
 * slices of the padded input concatenated into patches, then one matMul with dy) or `conv`
 * (a forward convolution of the transposed input with the transposed dy, dilation = stride).
 * `input`: `conv` (a stride-1 forward convolution of the zero-dilated, padded dy with the
 * flipped, transposed filter) or `native` (TF.js wasm's own Conv2DBackpropInput kernel).
 */
export interface ConvGradStrategy {
  filter: "im2col" | "conv";
  input: "conv" | "native";
}

const strategy: ConvGradStrategy = { filter: "conv", input: "conv" };

/** Chooses the strategy of the wasm convolution gradients (for benchmarks; defaults are the fastest measured). */
export function setConvGradStrategy(s: Partial<ConvGradStrategy>): ConvGradStrategy {
  Object.assign(strategy, s);
  return { ...strategy };
}

/** The current strategy of the wasm convolution gradients. */
export function convGradStrategy(): ConvGradStrategy {
  return { ...strategy };
}

interface ConvGradAttrs {
  strides: number | [number, number];
  pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
  dataFormat: "NHWC" | "NCHW";
  dimRoundingMode?: "floor" | "round" | "ceil";
}

function checkFormat(kernel: string, attrs: ConvGradAttrs): void {
  if (attrs.dataFormat !== undefined && attrs.dataFormat !== "NHWC") {
    throw new Error(`${kernel} on wasm: dataFormat '${attrs.dataFormat}' is not supported; expected 'NHWC'.`);
  }
}

/**
 * Filter gradient of a 2-D convolution, NHWC, dilation 1:
 * dW[kh,kw,ci,co] = Σ_{n,oh,ow} xpad[n, oh·sh + kh, ow·sw + kw, ci] · dy[n, oh, ow, co].
 */
export function conv2DBackpropFilterWasm(args: {
  inputs: { x: tf.TensorInfo; dy: tf.TensorInfo };
  backend: WasmBackendLike;
  attrs: ConvGradAttrs & { filterShape: [number, number, number, number] };
}): tf.TensorInfo {
  const { inputs, backend, attrs } = args;
  checkFormat("Conv2DBackpropFilter", attrs);
  const { x, dy } = inputs;
  const [N, H, W, Ci] = x.shape as [number, number, number, number];
  const info = tf.backend_util.computeConv2DInfo(
    [N, H, W, Ci],
    attrs.filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    "channelsLast",
  );
  const { filterHeight: KH, filterWidth: KW, strideHeight: sh, strideWidth: sw, outHeight: OH, outWidth: OW, outChannels: Co } = info;
  const { top, left } = info.padInfo;
  const c = new KernelComposer(backend, "wasm");
  // Rows/columns of the padded input that some output reads: (OH-1)·s + K.
  const needH = (OH - 1) * sh + KH;
  const needW = (OW - 1) * sw + KW;
  const xp = padOrCrop(c, x, top, needH - top - H, left, needW - left - W);
  let dw: tf.TensorInfo;
  if (strategy.filter === "conv") {
    // [Ci, Hp, Wp, N] ⋆ [OH, OW, N, Co] with dilation s → [Ci, KH, KW, Co].
    const xt = c.transpose(xp, [3, 1, 2, 0]);
    const dyt = c.transpose(dy, [1, 2, 0, 3]);
    const g = c.run("Conv2D", { x: xt, filter: dyt }, { strides: [1, 1], pad: "valid", dataFormat: "NHWC", dilations: [sh, sw] });
    dw = c.transpose(g, [1, 2, 0, 3]);
  } else {
    const cols: tf.TensorInfo[] = [];
    for (let kh = 0; kh < KH; kh++) {
      for (let kw = 0; kw < KW; kw++) cols.push(stridedWindow(c, xp, kh, kw, OH, OW, sh, sw));
    }
    const patches = cols.length === 1 ? cols[0]! : c.run("Concat", cols, { axis: 3 });
    const P = N * OH * OW;
    const a = c.reshape(patches, [1, P, KH * KW * Ci]);
    const b = c.reshape(dy, [1, P, Co]);
    const g = c.run("BatchMatMul", { a, b }, { transposeA: true, transposeB: false });
    dw = c.reshape(g, [KH, KW, Ci, Co]);
  }
  return c.finish(dw);
}

/**
 * Input gradient of a 2-D convolution, NHWC, dilation 1:
 * dx = crop( zeroDilate_s(dy) ⋆ flip_hw(W)ᵀ ), a stride-1 forward convolution with
 * (K-1-pad_top) rows of zeros before the dilated dy (and what completes H after).
 */
export function conv2DBackpropInputWasm(args: {
  inputs: { dy: tf.TensorInfo; filter: tf.TensorInfo };
  backend: WasmBackendLike;
  attrs: ConvGradAttrs & { inputShape: [number, number, number, number] };
}): tf.TensorInfo {
  const { inputs, backend, attrs } = args;
  checkFormat("Conv2DBackpropInput", attrs);
  const { dy, filter } = inputs;
  const info = tf.backend_util.computeConv2DInfo(
    attrs.inputShape,
    filter.shape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    "channelsLast",
  );
  const { batchSize: N, inHeight: H, inWidth: W, filterHeight: KH, filterWidth: KW, strideHeight: sh, strideWidth: sw, outHeight: OH, outWidth: OW, outChannels: Co } = info;
  const { top, left } = info.padInfo;
  const c = new KernelComposer(backend, "wasm");
  const wf = c.transpose(c.run("Reverse", { x: filter }, { dims: [0, 1] }), [0, 1, 3, 2]);
  let d = dy;
  if (sh > 1 || sw > 1) {
    const d6 = c.reshape(dy, [N, OH, 1, OW, 1, Co]);
    const p6 = c.pad(d6, [
      [0, 0],
      [0, 0],
      [0, sh - 1],
      [0, 0],
      [0, sw - 1],
      [0, 0],
    ]);
    d = c.reshape(p6, [N, OH * sh, OW * sw, Co]);
  }
  // Full correlation index j = input row + top; rows of zeros: before = KH-1-top, after fills to H+KH-1.
  const before = KH - 1 - top;
  const after = H + top - OH * sh;
  const beforeW = KW - 1 - left;
  const afterW = W + left - OW * sw;
  const cropped = c.slice(
    d,
    [0, Math.max(0, -before), Math.max(0, -beforeW), 0],
    [N, d.shape[1]! - Math.max(0, -before) - Math.max(0, -after), d.shape[2]! - Math.max(0, -beforeW) - Math.max(0, -afterW), Co],
  );
  const dx = c.run(
    "Conv2D",
    { x: cropped, filter: wf },
    { strides: [1, 1], pad: hwPaddings(Math.max(0, before), Math.max(0, after), Math.max(0, beforeW), Math.max(0, afterW)), dataFormat: "NHWC", dilations: [1, 1] },
  );
  return c.finish(dx);
}

function padOrCrop(c: KernelComposer, x: tf.TensorInfo, top: number, bottom: number, left: number, right: number): tf.TensorInfo {
  const [N, H, W, C] = x.shape as [number, number, number, number];
  const cropped = c.slice(x, [0, 0, 0, 0], [N, H + Math.min(0, bottom), W + Math.min(0, right), C]);
  return c.pad(cropped, hwPaddings(top, Math.max(0, bottom), left, Math.max(0, right)));
}

function stridedWindow(c: KernelComposer, xp: tf.TensorInfo, kh: number, kw: number, OH: number, OW: number, sh: number, sw: number): tf.TensorInfo {
  const [N, , , C] = xp.shape as [number, number, number, number];
  if (sh === 1 && sw === 1) return c.slice(xp, [0, kh, kw, 0], [N, OH, OW, C]);
  return c.run(
    "StridedSlice",
    { x: xp },
    {
      begin: [0, kh, kw, 0],
      end: [N, kh + (OH - 1) * sh + 1, kw + (OW - 1) * sw + 1, C],
      strides: [1, sh, sw, 1],
      beginMask: 0,
      endMask: 0,
      ellipsisMask: 0,
      newAxisMask: 0,
      shrinkAxisMask: 0,
    },
  );
}
