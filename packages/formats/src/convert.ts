import type { RawTensor } from "./types.js";

const f32buf = new Float32Array(1);
const u32buf = new Uint32Array(f32buf.buffer);

/** IEEE-754 half (binary16) bits → number: (-1)^s · 2^(e-15) · (1 + m/1024), subnormals 2^-14 · m/1024. */
export function float16ToNumber(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

/** bfloat16 bits → number: the upper 16 bits of a float32. */
export function bfloat16ToNumber(b: number): number {
  u32buf[0] = (b & 0xffff) << 16;
  return f32buf[0]!;
}

/**
 * Converts any tensor to a new Float32Array in the same C order: floats are rounded to float32
 * (float16/bfloat16 decoded exactly), integers converted with `Number` then rounded to float32,
 * bool → 0/1. Always returns a fresh array (never aliases `raw.data`).
 */
export function toFloat32(raw: RawTensor): Float32Array {
  const { data, dtype } = raw;
  const n = data.length;
  const out = new Float32Array(n);
  switch (dtype) {
    case "float16":
      for (let i = 0; i < n; i++) out[i] = float16ToNumber(data[i] as number);
      return out;
    case "bfloat16":
      for (let i = 0; i < n; i++) out[i] = bfloat16ToNumber(data[i] as number);
      return out;
    case "int64": {
      const d = data as BigInt64Array;
      for (let i = 0; i < n; i++) out[i] = Number(d[i]!);
      return out;
    }
    default:
      out.set(data as ArrayLike<number>);
      return out;
  }
}
