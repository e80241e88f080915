import type { RawTensor } from "@ebjdat/formats";
import { stateDictShapes } from "./architecture";

/** lowbias32 integer hash (Chris Wellons): the mixing function of the deterministic weights. */
export function lowbias32(x: number): number {
  x >>>= 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d) >>> 0;
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b) >>> 0;
  x ^= x >>> 16;
  return x >>> 0;
}

/** The formula's parameters for one key: value = float32(offset + scale·r), r = |r| if abs. */
export function deterministicParams(key: string, shape: number[]): { scale: number; offset: number; abs: boolean } {
  if (key.endsWith("conv.weight")) return { scale: Math.SQRT2 * Math.sqrt(3 / (shape[1] * shape[2] * shape[3])), offset: 0, abs: false };
  if (key.endsWith("bn.weight")) return { scale: 0.1, offset: 1, abs: false };
  if (key.endsWith("bn.running_var")) return { scale: 0.1, offset: 1, abs: true };
  if (key === "fc.weight") return { scale: 8 * Math.sqrt(3 / 2048), offset: 0, abs: false };
  return { scale: 0.1, offset: 0, abs: false };
}

/**
 * Deterministic stand-in weights for the FID Inception (vectors/metrics README section 1.2), so
 * that tests need no download: keys sorted by code point (k = position), and element i of tensor k is
 * float32(offset + scale·r), r = lowbias32((i + k·0x9E3779B9) mod 2³²)/2³¹ − 1 (|r| for running_var).
 * Returns the 472 float tensors in PyTorch layout (conv OIHW, fc [out, in]); ~24 M values.
 */
export function deterministicInceptionWeights(): Map<string, RawTensor> {
  const shapes = stateDictShapes();
  const keys = [...shapes.keys()].sort();
  const out = new Map<string, RawTensor>();
  keys.forEach((key, k) => {
    const shape = shapes.get(key)!;
    const n = shape.reduce((a, b) => a * b, 1);
    const { scale, offset, abs } = deterministicParams(key, shape);
    const seed = Math.imul(k, 0x9e3779b9) >>> 0;
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      let r = lowbias32((i + seed) >>> 0) / 2147483648 - 1;
      if (abs) r = Math.abs(r);
      data[i] = offset + scale * r;
    }
    out.set(key, { dtype: "float32", shape, data });
  });
  return out;
}
