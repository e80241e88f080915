import { PyCallable, unpickle, type PickleHooks } from "@ebjdat/formats";
import { DataError } from "./errors";

const DTYPE_SIZES: Record<string, number> = { u1: 1, i1: 1, b1: 1, u2: 2, i2: 2, f2: 2, u4: 4, i4: 4, f4: 4, u8: 8, i8: 8, f8: 8 };

/** A `numpy.dtype` rebuilt from a pickle: its name (`u1`, `<f4`, ...) and byte order from BUILD. */
class PickledDtype {
  byteOrder = "|";
  constructor(readonly name: string) {}

  /** numpy's dtype state: `(version, byteorder, subarray, names, fields, elsize, alignment, flags)`. */
  setState(state: unknown): void {
    if (Array.isArray(state) && typeof state[1] === "string") this.byteOrder = state[1];
  }
}

/**
 * A numpy array rebuilt from a pickle (`numpy.core.multiarray._reconstruct` then BUILD), for the
 * dtypes plain numeric data uses; multi-byte dtypes must be little-endian.
 */
export class PickledArray {
  readonly kind = "ndarray";
  /** numpy dtype without its byte-order mark: `u1`, `i4`, `f4`, ... */
  dtype = "";
  shape: number[] = [];
  /** Raw little-endian element bytes in C order. */
  bytes: Uint8Array = new Uint8Array(0);

  /** numpy's ndarray state: `(version, shape, dtype, is_fortran, raw_data)`. */
  setState(state: unknown): void {
    if (!Array.isArray(state) || state.length < 5) throw new Error("ndarray state is not a 5-tuple (version, shape, dtype, fortran, data)");
    const [, shape, dtype, fortran, raw] = state as unknown[];
    if (!Array.isArray(shape) || !shape.every((d) => (typeof d === "number" && Number.isInteger(d) && d >= 0))) throw new Error("ndarray shape is not a tuple of sizes");
    if (!(dtype instanceof PickledDtype)) throw new Error("ndarray dtype is not a numpy.dtype");
    if (fortran === true) throw new Error("Fortran-order arrays are not supported");
    const dt = dtype.name.replace(/^[<>|=]/, "");
    const size = DTYPE_SIZES[dt];
    if (!size) throw new Error(`unsupported numpy dtype ${dtype.name} (expected one of ${Object.keys(DTYPE_SIZES).join(", ")})`);
    if (size > 1 && (dtype.byteOrder === ">" || dtype.name.startsWith(">"))) throw new Error(`big-endian numpy dtype ${dtype.name} is not supported`);
    const data = raw instanceof Uint8Array ? raw : typeof raw === "string" ? latin1Bytes(raw) : undefined;
    if (!data) throw new Error("ndarray data is not bytes");
    const count = (shape as number[]).reduce((x, y) => x * y, 1);
    if (data.length !== count * size) throw new Error(`ndarray data has ${data.length} bytes, expected ${count * size} for shape [${shape.join(", ")}] ${dtype.name}`);
    this.dtype = dt;
    this.shape = shape as number[];
    this.bytes = data;
  }
}

/**
 * The values `readPickle` produces: dicts as Maps with string keys (bytes keys decoded as
 * latin-1), tuples and lists as arrays, Python 2 `str` and Python 3 `bytes` as Uint8Array.
 */
export type PickleValue = null | boolean | number | bigint | string | Uint8Array | PickledArray | PickleValue[] | Map<string, PickleValue>;

function latin1Bytes(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);
}

function latin1String(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("latin1");
}

const RECONSTRUCT = new PyCallable("numpy.core.multiarray._reconstruct", () => new PickledArray());
const NDARRAY = new PyCallable("numpy.ndarray", () => {
  throw new Error("numpy.ndarray can only be passed to _reconstruct");
});
const DTYPE = new PyCallable("numpy.dtype", (args) => {
  const n = args[0];
  if (typeof n === "string") return new PickledDtype(n);
  if (n instanceof Uint8Array) return new PickledDtype(latin1String(n));
  throw new Error("numpy.dtype expects a type name");
});
/** `_codecs.encode(text, 'latin1')`: how Python 3 pickles `bytes` at protocol 2. */
const CODECS_ENCODE = new PyCallable("_codecs.encode", (args) => {
  const [s, enc] = args;
  if (typeof s !== "string") throw new Error("_codecs.encode expects a string");
  if (enc !== undefined && enc !== "latin1" && enc !== "latin-1") throw new Error(`_codecs.encode with encoding ${String(enc)} is not supported (expected latin1)`);
  return latin1Bytes(s);
});
/** `bytes()`: how Python 3 pickles an empty `bytes` at protocol 2. */
const BYTES = new PyCallable("builtins.bytes", (args) => {
  if (args.length === 0) return new Uint8Array(0);
  throw new Error("bytes(...) with arguments is not supported");
});

const GLOBALS = new Map<string, PyCallable>([
  ["numpy.core.multiarray._reconstruct", RECONSTRUCT],
  ["numpy._core.multiarray._reconstruct", RECONSTRUCT],
  ["numpy.ndarray", NDARRAY],
  ["numpy.dtype", DTYPE],
  ["_codecs.encode", CODECS_ENCODE],
  ["builtins.bytes", BYTES],
  ["__builtin__.bytes", BYTES],
]);

const HOOKS: PickleHooks = {
  encoding: "bytes",
  findGlobal(module: string, name: string): unknown {
    const g = GLOBALS.get(`${module}.${name}`);
    if (!g) throw new Error(`unsupported global ${module}.${name} (expected plain data or numpy arrays)`);
    return g;
  },
};

/** Turns the VM's tree into a PickleValue: dict keys to strings; rejects objects it cannot hold. */
function normalize(v: unknown, where: string, seen: Map<unknown, PickleValue>): PickleValue {
  if (v === null || typeof v === "boolean" || typeof v === "number" || typeof v === "bigint" || typeof v === "string") return v;
  if (v instanceof Uint8Array || v instanceof PickledArray) return v;
  const done = seen.get(v);
  if (done !== undefined) return done;
  if (Array.isArray(v)) {
    const out: PickleValue[] = [];
    seen.set(v, out);
    for (const x of v) out.push(normalize(x, where, seen));
    return out;
  }
  if (v instanceof Map) {
    const out = new Map<string, PickleValue>();
    seen.set(v, out);
    for (const [k, x] of v) out.set(keyOf(k, where), normalize(x, where, seen));
    return out;
  }
  throw new DataError(where, `pickle holds ${v instanceof PickledDtype ? "a bare numpy.dtype" : "an unsupported object"} (expected plain data or numpy arrays)`);
}

function keyOf(k: unknown, where: string): string {
  if (typeof k === "string") return k;
  if (typeof k === "number" || typeof k === "bigint") return String(k);
  if (k instanceof Uint8Array) return latin1String(k);
  throw new DataError(where, "pickle dict key is not a string, bytes or number");
}

/**
 * Reads a pickle of plain data and numpy arrays (`numpy.core.multiarray._reconstruct` with
 * `numpy.dtype`), as found in the official CIFAR python archives (Python 2 pickles, protocol 2,
 * read like `pickle.load(f, encoding='bytes')`) and Python 3 numpy pickles (protocols 2-5).
 * A thin layer over the pickle VM of `@ebjdat/formats`; any other global is an error and no
 * code is executed.
 */
export function readPickle(bytes: Uint8Array, source = "<pickle>"): PickleValue {
  let value: unknown;
  try {
    value = unpickle(bytes, HOOKS, source).value;
  } catch (e) {
    const msg = (e as Error).message;
    const prefix = `pickle ${source}: `;
    throw new DataError(source, `cannot read pickle: ${msg.startsWith(prefix) ? msg.slice(prefix.length) : msg}`);
  }
  return normalize(value, source, new Map());
}

/** The value at `key` of a pickled dict, or undefined. */
export function pickleGet(d: PickleValue, key: string): PickleValue | undefined {
  return d instanceof Map ? d.get(key) : undefined;
}
