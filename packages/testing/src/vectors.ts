import { existsSync, readFileSync } from "node:fs";
import { isAbsolute } from "node:path";
import { loadSafetensorsFile, type Safetensors } from "@ebjdat/formats";
import { sharedPath } from "./shared.js";

function resolveShared(relPath: string, what: string): string {
  const path = sharedPath(relPath);
  if (!existsSync(path)) throw new Error(`${what}: ${path} does not exist (relPath "${relPath}" is relative to the shared folder)`);
  return path;
}

/**
 * Loads a safetensors file under the shared folder, e.g.
 * `loadVectors("vectors/models/input_batch.safetensors")` → `{tensors, metadata}`.
 */
export function loadVectors(relPath: string): Safetensors {
  return loadSafetensorsFile(resolveShared(relPath, "loadVectors"));
}

function readRaw(relOrAbs: string, bytesPer: number, what: string): ArrayBuffer {
  const path = isAbsolute(relOrAbs) ? relOrAbs : resolveShared(relOrAbs, what);
  const buf = readFileSync(path);
  if (buf.byteLength % bytesPer !== 0) throw new Error(`${what}: ${path} has ${buf.byteLength} bytes, not a multiple of ${bytesPer}`);
  // Copy into a fresh, aligned ArrayBuffer (a Buffer's byteOffset may be unaligned).
  return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
}

/** Reads a raw little-endian float32 file (e.g. `vectors/metrics/*.f32`); absolute or shared-relative path. */
export function readF32(path: string): Float32Array {
  return new Float32Array(readRaw(path, 4, "readF32"));
}

/** Reads a raw little-endian float64 file (`*.f64`); absolute or shared-relative path. */
export function readF64(path: string): Float64Array {
  return new Float64Array(readRaw(path, 8, "readF64"));
}

/** Reads a raw little-endian int32 file (`*.i32`); absolute or shared-relative path. */
export function readI32(path: string): Int32Array {
  return new Int32Array(readRaw(path, 4, "readI32"));
}

/** Reads a raw uint8 file (`*.u8`); absolute or shared-relative path. */
export function readU8(path: string): Uint8Array {
  return new Uint8Array(readRaw(path, 1, "readU8"));
}

/**
 * Reads a raw float32 image file stored NCHW (PyTorch's layout, e.g. `vectors/autoattack/adv_standard.bin`
 * `[K, 3, 32, 32]`) and returns it NHWC (`[K, height, width, channels]`, the layout of every image
 * tensor here, spec 0.3). `chw` = `[channels, height, width]`; absolute or shared-relative path.
 */
export function readF32NchwAsNhwc(path: string, chw: readonly [number, number, number]): Float32Array {
  const [c, h, w] = chw;
  if (![c, h, w].every((d) => Number.isInteger(d) && d > 0)) throw new Error(`readF32NchwAsNhwc: chw must be three positive integers, got [${chw.join(", ")}]`);
  const src = readF32(path);
  const size = c * h * w;
  if (src.length % size !== 0) throw new Error(`readF32NchwAsNhwc: ${path} holds ${src.length} float32 values, not a multiple of ${c}*${h}*${w} = ${size}`);
  const out = new Float32Array(src.length);
  const plane = h * w;
  for (let k = 0; k < src.length / size; k++) {
    const o = k * size;
    for (let ch = 0; ch < c; ch++) for (let p = 0; p < plane; p++) out[o + p * c + ch] = src[o + ch * plane + p]!;
  }
  return out;
}
