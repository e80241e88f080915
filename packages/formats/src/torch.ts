import { DTYPE_BYTES, allocData, decodeData, isRawTensor, numel, swapBytes } from "./dtype.js";
import { PyCallable, describe, unpickle, type PickleHooks } from "./pickle.js";
import type { DType, RawData, RawTensor, TorchValue } from "./types.js";
import { ZipArchive, isZip } from "./zip.js";

/** `torch.<X>Storage` class names → element dtype. */
const STORAGE_DTYPES: Readonly<Record<string, DType>> = {
  FloatStorage: "float32",
  DoubleStorage: "float64",
  HalfStorage: "float16",
  BFloat16Storage: "bfloat16",
  LongStorage: "int64",
  IntStorage: "int32",
  ShortStorage: "int16",
  CharStorage: "int8",
  ByteStorage: "uint8",
  BoolStorage: "bool",
  UntypedStorage: "uint8",
};

/** `torch.<dtype>` globals (used by `_rebuild_tensor_v3`) → dtype. */
const TORCH_DTYPES: Readonly<Record<string, DType>> = {
  float32: "float32",
  float: "float32",
  float64: "float64",
  double: "float64",
  float16: "float16",
  half: "float16",
  bfloat16: "bfloat16",
  int64: "int64",
  long: "int64",
  int32: "int32",
  int: "int32",
  int16: "int16",
  short: "int16",
  int8: "int8",
  uint8: "uint8",
  bool: "bool",
};

/** Magic number of the legacy (non-zip) `torch.save` format. */
const LEGACY_MAGIC = 0x1950a86a20f9469cfc6cn;
const LEGACY_PROTOCOL = 1001;

class StorageType {
  constructor(readonly name: string, readonly dtype: DType) {}
}

class TorchDType {
  constructor(readonly dtype: DType) {}
}

/** A storage referenced by a persistent id; its bytes are resolved after unpickling. */
class StorageRef {
  constructor(
    readonly key: string,
    readonly dtype: DType,
    /** Element offset into the root storage (legacy storage views), else 0. */
    readonly elemOffset = 0,
    /** Element count of a legacy view, else -1 (whole storage). */
    readonly viewNumel = -1
  ) {}
}

/** A tensor view on a storage, built by `_rebuild_tensor*`. */
class LazyTensor {
  constructor(readonly storage: StorageRef, readonly offset: number, readonly size: number[], readonly stride: number[], readonly dtype: DType) {}
}

const ALLOWED_GLOBALS = [
  "collections.OrderedDict",
  "torch._utils._rebuild_tensor",
  "torch._utils._rebuild_tensor_v2",
  "torch._utils._rebuild_tensor_v3",
  "torch._utils._rebuild_parameter",
  "torch._utils._rebuild_parameter_with_state",
  "torch.<Float|Double|Half|BFloat16|Long|Int|Short|Char|Byte|Bool>Storage",
  "torch.<dtype>",
  "torch.Size",
  "torch.device",
  "torch.serialization._get_layout",
  "_codecs.encode",
];

function intList(v: unknown, what: string): number[] {
  if (!Array.isArray(v) || v.some((x) => typeof x !== "number" || !Number.isInteger(x) || x < 0)) {
    throw new Error(`${what} must be a tuple of non-negative integers, got ${describe(v)}`);
  }
  return v as number[];
}

function rebuildTensor(fn: string, args: unknown[], dtypeOverride?: DType): LazyTensor {
  const [storage, offset, size, stride] = args;
  if (!(storage instanceof StorageRef)) throw new Error(`${fn}: first argument must be a storage, got ${describe(storage)}`);
  if (typeof offset !== "number" || !Number.isInteger(offset) || offset < 0) throw new Error(`${fn}: storage offset must be a non-negative integer`);
  const sz = intList(size, `${fn}: size`);
  const st = intList(stride, `${fn}: stride`);
  if (sz.length !== st.length) throw new Error(`${fn}: size [${sz.join(", ")}] and stride [${st.join(", ")}] differ in length`);
  return new LazyTensor(storage, offset, [...sz], [...st], dtypeOverride ?? storage.dtype);
}

/** Resolves the globals allowed in a checkpoint; anything else is an error naming it. */
function findGlobal(module: string, name: string): unknown {
  const q = `${module}.${name}`;
  switch (q) {
    case "collections.OrderedDict":
    case "builtins.dict":
      return new PyCallable(q, (args) => {
        const m = new Map<unknown, unknown>();
        const init = args[0];
        if (init instanceof Map) for (const [k, v] of init) m.set(k, v);
        else if (Array.isArray(init)) for (const kv of init) if (Array.isArray(kv) && kv.length === 2) m.set(kv[0], kv[1]);
        return m;
      });
    case "torch._utils._rebuild_tensor":
    case "torch._utils._rebuild_tensor_v2":
      return new PyCallable(q, (args) => rebuildTensor(name, args));
    case "torch._utils._rebuild_tensor_v3": {
      return new PyCallable(q, (args) => {
        const dt = args[6];
        if (!(dt instanceof TorchDType)) throw new Error(`${name}: 7th argument must be a torch dtype, got ${describe(dt)}`);
        return rebuildTensor(name, args, dt.dtype);
      });
    }
    case "torch._utils._rebuild_parameter":
    case "torch._utils._rebuild_parameter_with_state":
      return new PyCallable(q, (args) => args[0]);
    case "torch.Size":
      return new PyCallable(q, (args) => (Array.isArray(args[0]) ? [...args[0]] : []));
    case "torch.device":
      return new PyCallable(q, (args) => (args.length > 1 && args[1] !== null ? `${String(args[0])}:${String(args[1])}` : String(args[0])));
    case "torch.serialization._get_layout":
      return new PyCallable(q, (args) => String(args[0]));
    case "_codecs.encode":
      return new PyCallable(q, (args) => {
        const s = String(args[0]);
        const out = new Uint8Array(s.length);
        for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
        return out;
      });
  }
  if (module === "torch" && STORAGE_DTYPES[name]) return new StorageType(name, STORAGE_DTYPES[name]);
  if (module === "torch" && TORCH_DTYPES[name]) return new TorchDType(TORCH_DTYPES[name]);
  throw new Error(`unsupported pickle global "${q}" (a checkpoint may only use ${ALLOWED_GLOBALS.join(", ")})`);
}

/** Copies the view (offset, size, stride) of a storage into a contiguous C-order tensor. */
function materialize(t: LazyTensor, storageBytes: Uint8Array, what: string): RawTensor {
  const es = DTYPE_BYTES[t.dtype];
  const base = t.storage.elemOffset;
  const avail = t.storage.viewNumel >= 0 ? t.storage.viewNumel : Math.floor(storageBytes.length / es) - base;
  const n = numel(t.size);
  if (n > 0) {
    let last = t.offset;
    for (let d = 0; d < t.size.length; d++) last += (t.size[d]! - 1) * t.stride[d]!;
    if (last >= avail) {
      throw new Error(
        `${what}: view (offset ${t.offset}, size [${t.size.join(", ")}], stride [${t.stride.join(", ")}]) needs element ${last} but storage "${
          t.storage.key
        }" holds ${avail} ${t.dtype} elements`
      );
    }
  }
  let contiguous = true;
  let expect = 1;
  for (let d = t.size.length - 1; d >= 0; d--) {
    if (t.size[d]! !== 1 && t.stride[d]! !== expect) contiguous = false;
    expect *= t.size[d]!;
  }
  if (contiguous || n === 0) return { dtype: t.dtype, shape: [...t.size], data: decodeData(storageBytes, (base + t.offset) * es, t.dtype, n) };
  // Decode the span the view touches once, then gather element by element.
  let span = t.offset + 1;
  for (let d = 0; d < t.size.length; d++) span += (t.size[d]! - 1) * t.stride[d]!;
  const src = decodeData(storageBytes, base * es, t.dtype, span) as unknown as { [i: number]: number | bigint };
  const out = allocData(t.dtype, n) as unknown as { [i: number]: number | bigint };
  const nd = t.size.length;
  const idx = new Array<number>(nd).fill(0);
  let at = t.offset;
  for (let i = 0; i < n; i++) {
    out[i] = src[at]!;
    for (let d = nd - 1; d >= 0; d--) {
      at += t.stride[d]!;
      if (++idx[d]! < t.size[d]!) break;
      at -= t.stride[d]! * t.size[d]!;
      idx[d] = 0;
    }
  }
  return { dtype: t.dtype, shape: [...t.size], data: out as unknown as RawData };
}

/** Converts the VM's objects to {@link TorchValue}s, materializing tensors (shared views share one RawTensor). */
function finalize(root: unknown, bytesOf: (key: string) => Uint8Array, source: string): TorchValue {
  const seen = new Map<unknown, TorchValue>();
  const views = new Map<string, RawTensor>();
  const tensorOf = (t: LazyTensor): RawTensor => {
    const sig = `${t.storage.key}|${t.storage.elemOffset}|${t.dtype}|${t.offset}|${t.size.join(",")}|${t.stride.join(",")}`;
    let r = views.get(sig);
    if (!r) {
      r = materialize(t, bytesOf(t.storage.key), `torch ${source}: tensor on storage "${t.storage.key}"`);
      views.set(sig, r);
    }
    return r;
  };
  const conv = (v: unknown): TorchValue => {
    if (v === null || typeof v === "string" || typeof v === "number" || typeof v === "bigint" || typeof v === "boolean") return v;
    const done = seen.get(v);
    if (done !== undefined) return done;
    let out: TorchValue;
    if (v instanceof LazyTensor) out = tensorOf(v);
    else if (v instanceof StorageRef) {
      const n = v.viewNumel >= 0 ? v.viewNumel : Math.floor(bytesOf(v.key).length / DTYPE_BYTES[v.dtype]) - v.elemOffset;
      out = tensorOf(new LazyTensor(v, 0, [n], [1], v.dtype));
    } else if (v instanceof Uint8Array) out = v;
    else if (v instanceof TorchDType) out = `torch.${v.dtype}`;
    else if (v instanceof StorageType) out = `torch.${v.name}`;
    else if (Array.isArray(v)) {
      const arr: TorchValue[] = [];
      seen.set(v, arr);
      for (const x of v) arr.push(conv(x));
      return arr;
    } else if (v instanceof Map) {
      const m = new Map<string | number, TorchValue>();
      seen.set(v, m);
      for (const [k, x] of v) {
        let key: string | number;
        if (typeof k === "string" || typeof k === "number") key = k;
        else if (typeof k === "bigint") key = k.toString();
        else if (typeof k === "boolean") key = k ? 1 : 0;
        else throw new Error(`torch ${source}: dict key of type ${describe(k)} is not supported (only str and int keys)`);
        m.set(key, conv(x));
      }
      return m;
    } else throw new Error(`torch ${source}: cannot convert ${describe(v)} to a value`);
    seen.set(v, out);
    return out;
  };
  return conv(root);
}

function storageFromPid(pid: unknown, legacy: boolean, cache: Map<string, StorageRef>): StorageRef {
  if (!Array.isArray(pid) || pid[0] !== "storage") {
    const kind = Array.isArray(pid) ? String(pid[0]) : describe(pid);
    throw new Error(
      `unsupported persistent id "${kind}" (only tensor storages; whole modules saved with torch.save(model) are not supported, save model.state_dict() instead)`
    );
  }
  const [, type, key, , , view] = pid as unknown[];
  if (!(type instanceof StorageType)) throw new Error(`persistent id: storage type must be a torch.*Storage, got ${describe(type)}`);
  if (typeof key !== "string") throw new Error(`persistent id: storage key must be a string, got ${describe(key)}`);
  let elemOffset = 0;
  let viewNumel = -1;
  if (legacy && Array.isArray(view)) {
    const [, off, size] = view as unknown[];
    elemOffset = Number(off);
    viewNumel = Number(size);
  }
  const ck = `${key}|${type.dtype}|${elemOffset}|${viewNumel}`;
  let ref = cache.get(ck);
  if (!ref) {
    ref = new StorageRef(key, type.dtype, elemOffset, viewNumel);
    cache.set(ck, ref);
  }
  return ref;
}

function readZipTorch(bytes: Uint8Array, source: string): TorchValue {
  const zip = new ZipArchive(bytes, source);
  const names = [...zip.entries.keys()];
  const pkl = names.find((n) => n === "data.pkl" || n.endsWith("/data.pkl"));
  if (!pkl) throw new Error(`torch ${source}: zip archive has no entry ending in "/data.pkl" (entries: ${names.slice(0, 10).join(", ")})`);
  const prefix = pkl.slice(0, pkl.length - "data.pkl".length);
  let bigEndian = false;
  if (zip.entries.has(`${prefix}byteorder`)) {
    const order = new TextDecoder().decode(zip.read(`${prefix}byteorder`)).trim();
    if (order !== "little" && order !== "big") throw new Error(`torch ${source}: byteorder record is "${order}", expected "little" or "big"`);
    bigEndian = order === "big";
  }
  const cache = new Map<string, StorageRef>();
  const hooks: PickleHooks = { findGlobal, persistentLoad: (pid) => storageFromPid(pid, false, cache) };
  const { value } = unpickle(zip.read(pkl), hooks, `${source}:${pkl}`);
  const dtypeOf = new Map<string, DType>();
  for (const r of cache.values()) dtypeOf.set(r.key, r.dtype);
  const storages = new Map<string, Uint8Array>();
  const bytesOf = (key: string): Uint8Array => {
    let b = storages.get(key);
    if (!b) {
      const entry = `${prefix}data/${key}`;
      if (!zip.entries.has(entry)) throw new Error(`torch ${source}: storage "${key}" missing (no zip entry "${entry}")`);
      b = zip.read(entry);
      if (bigEndian) {
        b = b.slice();
        swapBytes(b, DTYPE_BYTES[dtypeOf.get(key) ?? "uint8"]);
      }
      storages.set(key, b);
    }
    return b;
  };
  return finalize(value, bytesOf, source);
}

function readLegacyTorch(bytes: Uint8Array, source: string): TorchValue {
  const plain: PickleHooks = { findGlobal };
  const magic = unpickle(bytes, plain, `${source} (magic number)`, 0);
  if (magic.value !== LEGACY_MAGIC) {
    throw new Error(
      `torch ${source}: wrong magic number ${
        typeof magic.value === "bigint" || typeof magic.value === "number" ? `0x${magic.value.toString(16)}` : describe(magic.value)
      } (expected 0x${LEGACY_MAGIC.toString(16)}); not a torch.save file`
    );
  }
  const proto = unpickle(bytes, plain, `${source} (protocol version)`, magic.end);
  if (proto.value !== LEGACY_PROTOCOL)
    throw new Error(`torch ${source}: legacy protocol version ${describe(proto.value)} is not supported (expected ${LEGACY_PROTOCOL})`);
  const sys = unpickle(bytes, plain, `${source} (sys info)`, proto.end);
  const littleEndian = !(sys.value instanceof Map) || sys.value.get("little_endian") !== false;
  const cache = new Map<string, StorageRef>();
  const obj = unpickle(bytes, { findGlobal, persistentLoad: (pid) => storageFromPid(pid, true, cache) }, source, sys.end);
  const keysP = unpickle(bytes, plain, `${source} (storage keys)`, obj.end);
  if (!Array.isArray(keysP.value) || keysP.value.some((k) => typeof k !== "string"))
    throw new Error(`torch ${source}: storage key list must be a list of strings`);
  const dtypeOf = new Map<string, DType>();
  for (const r of cache.values()) dtypeOf.set(r.key, r.dtype);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const storages = new Map<string, Uint8Array>();
  let pos = keysP.end;
  for (const key of keysP.value as string[]) {
    const dtype = dtypeOf.get(key);
    if (!dtype) throw new Error(`torch ${source}: storage "${key}" is listed but never referenced by a tensor`);
    if (pos + 8 > bytes.length) throw new Error(`torch ${source}: truncated before the size of storage "${key}" (byte ${pos}, file has ${bytes.length})`);
    const n = Number(dv.getBigInt64(pos, littleEndian));
    pos += 8;
    const len = n * DTYPE_BYTES[dtype];
    if (n < 0 || pos + len > bytes.length)
      throw new Error(
        `torch ${source}: storage "${key}" (${n} ${dtype} elements, ${len} bytes at byte ${pos}) runs past the end of the file (${bytes.length} bytes; truncated?)`
      );
    let b = bytes.subarray(pos, pos + len);
    if (!littleEndian) {
      b = b.slice();
      swapBytes(b, DTYPE_BYTES[dtype]);
    }
    storages.set(key, b);
    pos += len;
  }
  const bytesOf = (key: string): Uint8Array => {
    const b = storages.get(key);
    if (!b) throw new Error(`torch ${source}: storage "${key}" is not in the storage list`);
    return b;
  };
  return finalize(obj.value, bytesOf, source);
}

/**
 * Reads a PyTorch `torch.save` file: the zip format (torch ≥ 1.6: `<prefix>/data.pkl` plus one
 * entry `<prefix>/data/<key>` per storage, stored or deflated) or the legacy format (pickles of the
 * magic number 0x1950a86a20f9469cfc6c, protocol 1001, sys info, the object, the storage keys, then
 * each storage as int64 element count + raw bytes). Tensors are rebuilt from
 * `_rebuild_tensor_v2(storage, offset, size, stride, ...)`, honouring offset and strides (result is
 * contiguous); views with the same storage, offset, size and stride share one {@link RawTensor}.
 * Only the globals of tensors/state dicts are allowed; any other global is an error naming it.
 * See shared/vectors/README.md section 2.
 *
 * @param source a name for error messages (e.g. the file path)
 */
export function readTorch(bytes: Uint8Array, source = "<torch bytes>"): TorchValue {
  if (isZip(bytes)) return readZipTorch(bytes, source);
  if (bytes.length > 0 && bytes[0] === 0x80) return readLegacyTorch(bytes, source);
  if (bytes.length >= 262 && new TextDecoder("latin1").decode(bytes.subarray(257, 262)) === "ustar") {
    throw new Error(`torch ${source}: tar-based torch.save files (PyTorch < 0.4) are not supported`);
  }
  const head = [...bytes.subarray(0, 4)].map((b) => b.toString(16).padStart(2, "0")).join(" ");
  throw new Error(
    `torch ${source}: not a torch.save file: expected a zip archive (PK\\x03\\x04) or a legacy pickle (0x80), found bytes ${head || "(empty file)"}`
  );
}

/**
 * Finds the flat state dict (name → tensor) of a checkpoint: the value itself when it is a dict
 * of tensors, else its `model_state_dict` or `state_dict` entry.
 *
 * @throws when none of these is a dict whose values are all tensors; the message lists the keys seen.
 */
export function torchStateDict(value: TorchValue): Map<string, RawTensor> {
  const flat = (v: TorchValue | undefined): Map<string, RawTensor> | undefined => {
    if (!(v instanceof Map)) return undefined;
    for (const [k, x] of v) if (typeof k !== "string" || !isRawTensor(x)) return undefined;
    return v as Map<string, RawTensor>;
  };
  const top = flat(value);
  if (top) return top;
  if (value instanceof Map) {
    for (const key of ["model_state_dict", "state_dict"]) {
      const inner = flat(value.get(key));
      if (inner) return inner;
      if (value.has(key)) {
        const bad =
          value.get(key) instanceof Map
            ? [...(value.get(key) as Map<string | number, TorchValue>)].find(([k, x]) => typeof k !== "string" || !isRawTensor(x))
            : undefined;
        throw new Error(
          `torchStateDict: "${key}" is not a dict of name → tensor${
            bad ? ` (entry "${String(bad[0])}" is ${isRawTensor(bad[1]) ? "a tensor under a non-string key" : "not a tensor"})` : ""
          }`
        );
      }
    }
    const keys = [...value.keys()].slice(0, 20).map(String);
    throw new Error(
      `torchStateDict: no state dict found: expected a dict of name → tensor at the top level or under "model_state_dict" / "state_dict"; top-level keys: ${keys.join(
        ", "
      )}`
    );
  }
  throw new Error(`torchStateDict: expected a dict, got ${Array.isArray(value) ? "a list" : value === null ? "None" : typeof value}`);
}
