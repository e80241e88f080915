import * as tf from "@tensorflow/tfjs-core";
import type { WasmBackendLike } from "./compose";

/**
 * Max-pool gradient with TF semantics: each dy goes to the first position of the maximum of
 * its window (dx[argmax_{window} x] += dy); windows wholly in padding pass nothing. Replaces
 * wasm's MaxPoolGrad, which routes wrongly when a window's maximum is ≤ 0.
 */
export function maxPoolGradJs(args: {
  inputs: { dy: tf.TensorInfo; input: tf.TensorInfo; output?: tf.TensorInfo };
  backend: WasmBackendLike;
  attrs: { filterSize: number | [number, number]; strides: number | [number, number]; pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding; dimRoundingMode?: "floor" | "round" | "ceil" };
}): tf.TensorInfo {
  const { inputs, backend, attrs } = args;
  const { dy, input } = inputs;
  const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
  const out = backend.makeOutput(input.shape, "float32");
  const dx = backend.typedArrayFromHeap(out) as Float32Array;
  const x = backend.typedArrayFromHeap(input) as Float32Array;
  const g = backend.typedArrayFromHeap(dy) as Float32Array;
  dx.fill(0);
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, strideHeight: sh, strideWidth: sw, filterHeight: KH, filterWidth: KW } = info;
  const { top, left } = info.padInfo;
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < OH; oh++) {
      const h0 = oh * sh - top;
      for (let ow = 0; ow < OW; ow++) {
        const w0 = ow * sw - left;
        const gBase = ((n * OH + oh) * OW + ow) * C;
        for (let ch = 0; ch < C; ch++) {
          let best = Number.NEGATIVE_INFINITY;
          let at = -1;
          for (let kh = 0; kh < KH; kh++) {
            const h = h0 + kh;
            if (h < 0 || h >= H) continue;
            for (let kw = 0; kw < KW; kw++) {
              const w = w0 + kw;
              if (w < 0 || w >= W) continue;
              const idx = ((n * H + h) * W + w) * C + ch;
              const v = x[idx]!;
              if (v > best || at < 0) {
                best = v;
                at = idx;
              }
            }
          }
          if (at >= 0) dx[at] = dx[at]! + g[gBase + ch]!;
        }
      }
    }
  }
  return out;
}

/**
 * out[s, ...] = Σ_{i: ids[i] = s} x[i, ...] (ids of shape x.shape[:k]; ids outside
 * [0, numSegments) are dropped). The gradient of gather needs it; wasm lacks it.
 */
export function unsortedSegmentSumJs(args: {
  inputs: { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
  backend: WasmBackendLike;
  attrs: { numSegments: number };
}): tf.TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x, segmentIds } = inputs;
  const m = tf.util.sizeFromShape(segmentIds.shape);
  const inner = m === 0 ? 0 : tf.util.sizeFromShape(x.shape) / m;
  const outShape = [attrs.numSegments, ...x.shape.slice(segmentIds.shape.length)];
  const out = backend.makeOutput(outShape, x.dtype);
  const o = backend.typedArrayFromHeap(out);
  const xv = backend.typedArrayFromHeap(x);
  const ids = backend.typedArrayFromHeap(segmentIds);
  o.fill(0);
  for (let i = 0; i < m; i++) {
    const s = ids[i]!;
    if (s < 0 || s >= attrs.numSegments) continue;
    const ob = s * inner;
    const xb = i * inner;
    for (let j = 0; j < inner; j++) o[ob + j] = o[ob + j]! + xv[xb + j]!;
  }
  return out;
}

/**
 * `Sign` on wasm: TF.js 4.22 wasm's kernel returns 0 for tiny magnitudes (e.g. sign(1e-30) = 0,
 * measured), which flips sign-gradient steps (PGD, EB-JDAT's sampler) where |∇| is tiny; the
 * official code (torch.sign) gives ±1 for any nonzero value. sign(x) = 1, -1, 0 for x > 0, < 0,
 * ±0 / NaN.
 */
export function signJs(args: { inputs: { x: tf.TensorInfo }; backend: WasmBackendLike }): tf.TensorInfo {
  const { inputs, backend } = args;
  const out = backend.makeOutput(inputs.x.shape, inputs.x.dtype);
  const o = backend.typedArrayFromHeap(out);
  const xv = backend.typedArrayFromHeap(inputs.x);
  for (let i = 0; i < xv.length; i++) {
    const v = xv[i]!;
    o[i] = v > 0 ? 1 : v < 0 ? -1 : 0;
  }
  return out;
}

type DwAttrs = {
  strides: number | [number, number];
  pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
  dilations: number | [number, number];
  dimRoundingMode?: "floor" | "round" | "ceil";
};

function dwInfo(xShape: number[], fShape: number[], attrs: DwAttrs): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(xShape as [number, number, number, number], fShape as [number, number, number, number], attrs.strides, attrs.dilations, attrs.pad, attrs.dimRoundingMode, true, "channelsLast");
}

/** Visits every (x index, filter index, dy index) triple of a depthwise convolution. */
function dwVisit(info: tf.backend_util.Conv2DInfo, f: (xi: number, fi: number, yi: number) => void): void {
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, outChannels: Co, strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw, filterHeight: KH, filterWidth: KW } = info;
  const mult = Co / C;
  const { top, left } = info.padInfo;
  for (let n = 0; n < N; n++)
    for (let oh = 0; oh < OH; oh++)
      for (let kh = 0; kh < KH; kh++) {
        const h = oh * sh - top + kh * dh;
        if (h < 0 || h >= H) continue;
        for (let ow = 0; ow < OW; ow++)
          for (let kw = 0; kw < KW; kw++) {
            const w = ow * sw - left + kw * dw;
            if (w < 0 || w >= W) continue;
            const xb = ((n * H + h) * W + w) * C;
            const yb = ((n * OH + oh) * OW + ow) * Co;
            const fb = (kh * KW + kw) * C * mult;
            for (let ch = 0; ch < C; ch++)
              for (let q = 0; q < mult; q++) f(xb + ch, fb + ch * mult + q, yb + ch * mult + q);
          }
      }
}

/** Depthwise filter gradient: dW[kh,kw,c,q] = Σ x[n, h, w, c] · dy[n, oh, ow, c·mult+q]. */
export function depthwiseBackpropFilterJs(args: {
  inputs: { x: tf.TensorInfo; dy: tf.TensorInfo };
  backend: WasmBackendLike;
  attrs: DwAttrs & { filterShape: [number, number, number, number] };
}): tf.TensorInfo {
  const { inputs, backend, attrs } = args;
  const info = dwInfo(inputs.x.shape, attrs.filterShape, attrs);
  const out = backend.makeOutput(attrs.filterShape, "float32");
  const o = backend.typedArrayFromHeap(out) as Float32Array;
  const x = backend.typedArrayFromHeap(inputs.x) as Float32Array;
  const g = backend.typedArrayFromHeap(inputs.dy) as Float32Array;
  o.fill(0);
  dwVisit(info, (xi, fi, yi) => {
    o[fi] = o[fi]! + x[xi]! * g[yi]!;
  });
  return out;
}

/** Depthwise input gradient: dx[n,h,w,c] = Σ W[kh,kw,c,q] · dy[n, oh, ow, c·mult+q]. */
export function depthwiseBackpropInputJs(args: {
  inputs: { dy: tf.TensorInfo; filter: tf.TensorInfo };
  backend: WasmBackendLike;
  attrs: DwAttrs & { inputShape: [number, number, number, number] };
}): tf.TensorInfo {
  const { inputs, backend, attrs } = args;
  const info = dwInfo(attrs.inputShape, inputs.filter.shape, attrs);
  const out = backend.makeOutput(attrs.inputShape, "float32");
  const o = backend.typedArrayFromHeap(out) as Float32Array;
  const f = backend.typedArrayFromHeap(inputs.filter) as Float32Array;
  const g = backend.typedArrayFromHeap(inputs.dy) as Float32Array;
  o.fill(0);
  dwVisit(info, (xi, fi, yi) => {
    o[xi] = o[xi]! + f[fi]! * g[yi]!;
  });
  return out;
}
