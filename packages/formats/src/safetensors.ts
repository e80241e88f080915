import { DTYPE_BYTES, checkRawTensor, decodeData, encodeData, isDType, numel } from "./dtype.js";
import type { DType, RawTensor, Safetensors } from "./types.js";

/** safetensors dtype codes ↔ {@link DType}. */
const CODE_TO_DTYPE: Readonly<Record<string, DType>> = {
  F32: "float32",
  F64: "float64",
  F16: "float16",
  BF16: "bfloat16",
  I64: "int64",
  I32: "int32",
  I16: "int16",
  I8: "int8",
  U8: "uint8",
  BOOL: "bool",
};
const DTYPE_TO_CODE: Readonly<Record<DType, string>> = Object.fromEntries(Object.entries(CODE_TO_DTYPE).map(([code, dtype]) => [dtype, code])) as Record<
  DType,
  string
>;

/** Largest header accepted (the reference implementation uses 100 MB). */
const MAX_HEADER_BYTES = 100_000_000;

interface HeaderEntry {
  name: string;
  dtype: DType;
  shape: number[];
  begin: number;
  end: number;
  order: number;
}

/**
 * Reads a safetensors file (format: shared/vectors/README.md section 2):
 * `u64le N | N bytes of UTF-8 JSON header | data`, header entries
 * `{dtype, shape, data_offsets: [begin, end]}` relative to the first data byte, optional
 * `__metadata__` (string → string). Tensors are returned in data order (= header order for
 * files written contiguously) as fresh, aligned copies.
 *
 * @param bytes the whole file
 * @param source a name for error messages (e.g. the file path)
 * @throws when the header length, JSON, a dtype, shape or offset range is invalid; the message
 *   names `source` and the tensor.
 */
export function readSafetensors(bytes: Uint8Array, source = "<safetensors bytes>"): Safetensors {
  const where = `safetensors ${source}`;
  if (bytes.length < 8) throw new Error(`${where}: file is ${bytes.length} bytes, too short for the 8-byte header length`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n64 = dv.getBigUint64(0, true);
  if (n64 > BigInt(Math.min(MAX_HEADER_BYTES, bytes.length - 8))) {
    throw new Error(
      `${where}: header length ${n64} exceeds the file (${bytes.length} bytes) or the ${MAX_HEADER_BYTES}-byte limit (truncated or not a safetensors file?)`
    );
  }
  const n = Number(n64);
  const headerStart = 8;
  const dataStart = headerStart + n;
  const dataLen = bytes.length - dataStart;
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(headerStart, dataStart)));
  } catch (e) {
    throw new Error(`${where}: header is not valid UTF-8 JSON (${(e as Error).message})`);
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) {
    throw new Error(`${where}: header must be a JSON object, got ${Array.isArray(header) ? "an array" : typeof header}`);
  }
  const metadata: Record<string, string> = {};
  const entries: HeaderEntry[] = [];
  let order = 0;
  for (const [name, value] of Object.entries(header as Record<string, unknown>)) {
    if (name === "__metadata__") {
      if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error(`${where}: __metadata__ must be an object of strings`);
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (typeof v !== "string") throw new Error(`${where}: __metadata__.${k} must be a string, got ${typeof v}`);
        metadata[k] = v;
      }
      continue;
    }
    const what = `${where}: tensor "${name}"`;
    if (typeof value !== "object" || value === null) throw new Error(`${what}: entry must be an object with dtype, shape, data_offsets`);
    const { dtype: code, shape, data_offsets: offs } = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const dtype = typeof code === "string" ? CODE_TO_DTYPE[code] : undefined;
    if (!dtype) throw new Error(`${what}: unsupported dtype ${JSON.stringify(code)}; expected one of ${Object.keys(CODE_TO_DTYPE).join(", ")}`);
    if (!Array.isArray(shape) || shape.some((d) => !Number.isSafeInteger(d) || d < 0)) {
      throw new Error(`${what}: shape ${JSON.stringify(shape)} must be an array of non-negative integers`);
    }
    if (!Array.isArray(offs) || offs.length !== 2 || offs.some((o) => !Number.isSafeInteger(o) || o < 0)) {
      throw new Error(`${what}: data_offsets ${JSON.stringify(offs)} must be [begin, end] with non-negative integers`);
    }
    const [begin, end] = offs as [number, number];
    const expected = numel(shape as number[]) * DTYPE_BYTES[dtype];
    if (end < begin || end - begin !== expected) {
      throw new Error(
        `${what}: data_offsets [${begin}, ${end}] span ${end - begin} bytes but ${dtype} shape [${(shape as number[]).join(", ")}] needs ${expected}`
      );
    }
    if (end > dataLen) {
      throw new Error(`${what}: data_offsets [${begin}, ${end}] run past the end of the data (${dataLen} bytes; file truncated?)`);
    }
    entries.push({ name, dtype, shape: [...(shape as number[])], begin, end, order: order++ });
  }
  entries.sort((a, b) => a.begin - b.begin || a.order - b.order);
  for (let i = 1; i < entries.length; i++) {
    const prev = entries[i - 1]!;
    const cur = entries[i]!;
    if (cur.begin < prev.end) throw new Error(`${where}: tensors "${prev.name}" and "${cur.name}" overlap in the data section`);
  }
  const tensors = new Map<string, RawTensor>();
  for (const e of entries) {
    tensors.set(e.name, { dtype: e.dtype, shape: e.shape, data: decodeData(bytes, dataStart + e.begin, e.dtype, numel(e.shape)) });
  }
  return { tensors, metadata };
}

/**
 * Writes tensors as safetensors (shared/vectors/README.md section 2): header entries in the
 * given order, data contiguous in the same order without gaps, header padded with spaces to a
 * multiple of 8 bytes, `__metadata__` included when non-empty.
 *
 * @throws when a tensor's data does not match its dtype/shape or a metadata value is not a string.
 */
export function writeSafetensors(tensors: Map<string, RawTensor> | Record<string, RawTensor>, metadata: Record<string, string> = {}): Uint8Array {
  const list = tensors instanceof Map ? [...tensors.entries()] : Object.entries(tensors);
  const header: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(metadata)) {
    if (typeof v !== "string") throw new Error(`writeSafetensors: metadata "${k}" must be a string, got ${typeof v}`);
  }
  if (Object.keys(metadata).length > 0) header.__metadata__ = { ...metadata };
  let offset = 0;
  for (const [name, t] of list) {
    if (name === "__metadata__") throw new Error(`writeSafetensors: "__metadata__" is reserved and cannot name a tensor`);
    checkRawTensor(t, `writeSafetensors: tensor "${name}"`);
    if (!isDType(t.dtype)) throw new Error(`writeSafetensors: tensor "${name}" has unknown dtype`);
    const size = t.data.byteLength;
    header[name] = { dtype: DTYPE_TO_CODE[t.dtype], shape: t.shape, data_offsets: [offset, offset + size] };
    offset += size;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const p = new Uint8Array(padded).fill(0x20);
    p.set(json);
    json = p;
  }
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let pos = 8 + json.length;
  for (const [, t] of list) {
    out.set(encodeData(t.data), pos);
    pos += t.data.byteLength;
  }
  return out;
}
