/** Element types of a {@link RawTensor} (PyTorch / safetensors names mapped to lower-case words). */
export type DType = "float32" | "float64" | "float16" | "bfloat16" | "int64" | "int32" | "int16" | "int8" | "uint8" | "bool";

/**
 * Typed-array storage of a {@link RawTensor}: float32 → Float32Array, float64 → Float64Array,
 * float16 / bfloat16 → Uint16Array (raw bits), int64 → BigInt64Array, int32 → Int32Array,
 * int16 → Int16Array, int8 → Int8Array, uint8 / bool → Uint8Array.
 */
export type RawData = Float32Array | Float64Array | Uint16Array | BigInt64Array | Int32Array | Int16Array | Int8Array | Uint8Array;

/** A dense, contiguous, row-major (C order) little-endian tensor with no TF.js dependency. */
export interface RawTensor {
  dtype: DType;
  /** Dimensions; `[]` is a 0-d scalar holding one element. */
  shape: number[];
  /** Exactly `prod(shape)` elements, in C order. */
  data: RawData;
}

/**
 * A value unpickled from a `torch.save` file. Python dicts (and `OrderedDict`) become `Map`s
 * (insertion order kept), tuples and lists become arrays, `bytes` become `Uint8Array`, ints become
 * `number` (or `bigint` when outside ±2^53), `None` becomes `null`, tensors become {@link RawTensor}.
 */
export type TorchValue = RawTensor | Map<string | number, TorchValue> | TorchValue[] | Uint8Array | string | number | bigint | boolean | null;

/** Result of reading a safetensors file. */
export interface Safetensors {
  /** Tensors in file order. */
  tensors: Map<string, RawTensor>;
  /** The `__metadata__` object (string → string); `{}` when absent. */
  metadata: Record<string, string>;
}
