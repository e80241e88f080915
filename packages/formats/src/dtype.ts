import type { DType, RawData, RawTensor } from "./types.js";

/** Bytes per element of each dtype. */
export const DTYPE_BYTES: Readonly<Record<DType, number>> = {
  float32: 4,
  float64: 8,
  float16: 2,
  bfloat16: 2,
  int64: 8,
  int32: 4,
  int16: 2,
  int8: 1,
  uint8: 1,
  bool: 1,
};

const ALL_DTYPES = Object.keys(DTYPE_BYTES) as DType[];

/** True when `x` names a supported {@link DType}. */
export function isDType(x: unknown): x is DType {
  return typeof x === "string" && (ALL_DTYPES as string[]).includes(x);
}

/** Number of elements of a shape: prod(shape), 1 for `[]`. */
export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Allocates a zero-filled typed array of `n` elements for `dtype`. */
export function allocData(dtype: DType, n: number): RawData {
  switch (dtype) {
    case "float32":
      return new Float32Array(n);
    case "float64":
      return new Float64Array(n);
    case "float16":
    case "bfloat16":
      return new Uint16Array(n);
    case "int64":
      return new BigInt64Array(n);
    case "int32":
      return new Int32Array(n);
    case "int16":
      return new Int16Array(n);
    case "int8":
      return new Int8Array(n);
    case "uint8":
    case "bool":
      return new Uint8Array(n);
  }
}

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Copies `numel * DTYPE_BYTES[dtype]` little-endian bytes starting at `bytes[offset]` into a new,
 * aligned typed array of `dtype`. The caller checks bounds.
 */
export function decodeData(bytes: Uint8Array, offset: number, dtype: DType, n: number): RawData {
  const out = allocData(dtype, n);
  const size = DTYPE_BYTES[dtype];
  const dst = new Uint8Array(out.buffer, out.byteOffset, n * size);
  dst.set(bytes.subarray(offset, offset + n * size));
  if (!HOST_LITTLE_ENDIAN) swapBytes(dst, size);
  return out;
}

/** The little-endian bytes of a tensor's data (a view when the host is little-endian). */
export function encodeData(data: RawData): Uint8Array {
  const view = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (HOST_LITTLE_ENDIAN) return view;
  const copy = view.slice();
  swapBytes(copy, data.BYTES_PER_ELEMENT);
  return copy;
}

/** Reverses the byte order of every `size`-byte element of `bytes` in place. */
export function swapBytes(bytes: Uint8Array, size: number): void {
  if (size === 1) return;
  for (let i = 0; i + size <= bytes.length; i += size) {
    for (let a = i, b = i + size - 1; a < b; a++, b--) {
      const t = bytes[a]!;
      bytes[a] = bytes[b]!;
      bytes[b] = t;
    }
  }
}

function expectedArrayName(dtype: DType): string {
  return allocData(dtype, 0).constructor.name;
}

/**
 * Checks that a tensor is well formed: known dtype, shape of non-negative integers, data of the
 * dtype's typed-array class holding exactly prod(shape) elements. Throws an error naming `what`.
 */
export function checkRawTensor(t: RawTensor, what: string): void {
  if (!isDType(t.dtype)) throw new Error(`${what}: unknown dtype ${JSON.stringify(t.dtype)}; expected one of ${ALL_DTYPES.join(", ")}`);
  if (!Array.isArray(t.shape) || t.shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new Error(`${what}: shape ${JSON.stringify(t.shape)} must be an array of non-negative integers`);
  }
  const want = expectedArrayName(t.dtype);
  if (!t.data || t.data.constructor.name !== want) {
    throw new Error(`${what}: dtype ${t.dtype} needs a ${want}, got ${t.data?.constructor?.name ?? typeof t.data}`);
  }
  const n = numel(t.shape);
  if (t.data.length !== n) {
    throw new Error(`${what}: shape [${t.shape.join(", ")}] holds ${n} elements but data has ${t.data.length}`);
  }
}

/**
 * Builds a {@link RawTensor}, checking that `data` matches `dtype` and `shape`
 * (length = prod(shape)).
 */
export function rawTensor(dtype: DType, shape: number[], data: RawData): RawTensor {
  const t: RawTensor = { dtype, shape: [...shape], data };
  checkRawTensor(t, "rawTensor");
  return t;
}

/** True when `v` looks like a {@link RawTensor} (has dtype, shape and a typed-array data). */
export function isRawTensor(v: unknown): v is RawTensor {
  if (typeof v !== "object" || v === null || v instanceof Map || Array.isArray(v) || ArrayBuffer.isView(v)) return false;
  const o = v as Partial<RawTensor>;
  return isDType(o.dtype) && Array.isArray(o.shape) && ArrayBuffer.isView(o.data);
}
