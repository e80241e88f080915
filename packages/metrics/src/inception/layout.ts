import { toFloat32, type RawTensor } from "@ebjdat/formats";
import { stateDictShapes } from "./architecture";

/** A float32 tensor in PyTorch layout, as the Inception loader keeps it. */
export interface Float32Raw {
  shape: number[];
  data: Float32Array;
}

/** Conv weight layout change (spec 0.3): PyTorch [out, in, kh, kw] → TF.js [kh, kw, in, out]. */
export function oihwToHwio(data: Float32Array, shape: number[]): { shape: [number, number, number, number]; data: Float32Array } {
  if (shape.length !== 4) throw new Error(`oihwToHwio: expected a 4-d [out, in, kh, kw] shape, got [${shape.join(", ")}]`);
  const [o, i, kh, kw] = shape;
  const out = new Float32Array(data.length);
  for (let a = 0; a < o; a++) for (let b = 0; b < i; b++) for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) {
    out[((y * kw + x) * i + b) * o + a] = data[((a * i + b) * kh + y) * kw + x];
  }
  return { shape: [kh, kw, i, o], data: out };
}

/** Linear weight layout change (spec 0.3): PyTorch [out, in] → TF.js matMul kernel [in, out]. */
export function linearToKernel(data: Float32Array, shape: number[]): { shape: [number, number]; data: Float32Array } {
  if (shape.length !== 2) throw new Error(`linearToKernel: expected a 2-d [out, in] shape, got [${shape.join(", ")}]`);
  const [o, i] = shape;
  const out = new Float32Array(data.length);
  for (let a = 0; a < o; a++) for (let b = 0; b < i; b++) out[b * o + a] = data[a * i + b];
  return { shape: [i, o], data: out };
}

/**
 * Normalises a state dict read from a `.pth` for the FID Inception (vectors README 1.1): maps by
 * key name (never by position), strips a `module.` prefix, drops `*.num_batches_tracked`, checks
 * every shape against the architecture, converts float16/float64 to float32. With `partial`
 * missing keys are allowed (for small test files); otherwise all 472 tensors are required.
 */
export function prepareInceptionStateDict(raw: Map<string, RawTensor>, options: { partial?: boolean; source?: string } = {}): Map<string, Float32Raw> {
  const src = options.source ?? "state dict";
  const shapes = stateDictShapes();
  const out = new Map<string, Float32Raw>();
  const unexpected: string[] = [];
  for (const [k0, t] of raw) {
    const key = k0.startsWith("module.") ? k0.slice(7) : k0;
    if (key.endsWith(".num_batches_tracked")) continue;
    const want = shapes.get(key);
    if (!want) {
      unexpected.push(key);
      continue;
    }
    if (t.shape.length !== want.length || t.shape.some((v, i) => v !== want[i])) {
      throw new Error(`FID Inception weights (${src}): "${key}" has shape [${t.shape.join(", ")}], expected [${want.join(", ")}]`);
    }
    if (!["float32", "float64", "float16", "bfloat16"].includes(t.dtype)) {
      throw new Error(`FID Inception weights (${src}): "${key}" has dtype ${t.dtype}, expected a float type`);
    }
    out.set(key, { shape: [...t.shape], data: t.dtype === "float32" ? (t.data as Float32Array) : toFloat32(t) });
  }
  if (unexpected.length) {
    throw new Error(`FID Inception weights (${src}): ${unexpected.length} unexpected keys (e.g. ${unexpected.slice(0, 3).join(", ")}); expected the pt_inception-2015-12-05 state dict (pytorch-fid / torch-fidelity)`);
  }
  if (!options.partial) {
    const missing = [...shapes.keys()].filter((k) => !out.has(k));
    if (missing.length) {
      throw new Error(`FID Inception weights (${src}): ${missing.length} of 472 tensors missing (e.g. ${missing.slice(0, 3).join(", ")}); is this the pt_inception-2015-12-05 file?`);
    }
  }
  return out;
}
