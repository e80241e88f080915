import { DataError } from "./errors";

/** A numpy array rebuilt from a pickle (only the dtypes the CIFAR archives use, plus a few). */
export interface PickledArray {
  kind: "ndarray";
  dtype: string;
  shape: number[];
  /** Raw little-endian element bytes in C order. */
  bytes: Uint8Array;
}

/** Python `bytes` (and Python 2 `str`, which the official CIFAR pickles use). */
export interface PickledBytes {
  kind: "bytes";
  bytes: Uint8Array;
}

/** A tuple, kept apart from lists. */
export interface PickledTuple {
  kind: "tuple";
  items: PickleValue[];
}

/** A global or an object this minimal reader does not rebuild. */
export interface PickledOpaque {
  kind: "opaque";
  name: string;
  args?: PickleValue;
  state?: PickleValue;
}

/** The values `readPickle` produces. Dict keys are strings (bytes keys decoded as latin-1). */
export type PickleValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | PickleValue[]
  | Map<string, PickleValue>
  | PickledBytes
  | PickledTuple
  | PickledArray
  | PickledOpaque;

interface DtypeObj {
  kind: "dtype";
  name: string;
}

type Item = PickleValue | DtypeObj | typeof MARK;
const MARK = Symbol("mark");

function keyOf(k: Item, where: string): string {
  if (typeof k === "string") return k;
  if (typeof k === "number" || typeof k === "bigint") return String(k);
  if (k && typeof k === "object" && "kind" in k && k.kind === "bytes") return Buffer.from(k.bytes).toString("latin1");
  throw new DataError(where, "pickle dict key is not a string, bytes or number");
}

function latin1(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, "latin1"));
}

const RECONSTRUCT = new Set(["numpy.core.multiarray._reconstruct", "numpy._core.multiarray._reconstruct"]);
const DTYPE_SIZES: Record<string, number> = { u1: 1, i1: 1, b1: 1, u2: 2, i2: 2, f2: 2, u4: 4, i4: 4, f4: 4, u8: 8, i8: 8, f8: 8 };

/**
 * A minimal unpickler (protocols 0-4 for the opcodes plain data uses) that rebuilds dicts,
 * lists, tuples, ints, strings, bytes and numpy arrays (`numpy.core.multiarray._reconstruct`
 * with `numpy.dtype`), as found in the official CIFAR python archives (Python 2 pickles,
 * protocol 2, read like `pickle.load(f, encoding='bytes')`). Any other global is an error.
 * It executes no code.
 */
export function readPickle(bytes: Uint8Array, source = "<pickle>"): PickleValue {
  const b = bytes;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let pos = 0;
  const stack: Item[] = [];
  const memo = new Map<number, Item>();
  const fail = (msg: string): never => {
    throw new DataError(source, `cannot read pickle at byte ${pos}: ${msg}`);
  };
  const need = (n: number): void => {
    if (pos + n > b.length) fail(`truncated (needs ${n} more bytes, file has ${b.length})`);
  };
  const u8 = (): number => {
    need(1);
    return b[pos++]!;
  };
  const u16 = (): number => {
    need(2);
    const v = dv.getUint16(pos, true);
    pos += 2;
    return v;
  };
  const u32 = (): number => {
    need(4);
    const v = dv.getUint32(pos, true);
    pos += 4;
    return v;
  };
  const i32 = (): number => {
    need(4);
    const v = dv.getInt32(pos, true);
    pos += 4;
    return v;
  };
  const u64 = (): number => {
    need(8);
    const v = Number(dv.getBigUint64(pos, true));
    pos += 8;
    return v;
  };
  const take = (n: number): Uint8Array => {
    need(n);
    const s = b.subarray(pos, pos + n);
    pos += n;
    return s;
  };
  const line = (): string => {
    const start = pos;
    while (pos < b.length && b[pos] !== 0x0a) pos++;
    if (pos >= b.length) fail("unterminated text line");
    const s = Buffer.from(b.subarray(start, pos)).toString("latin1");
    pos++;
    return s;
  };
  const utf8 = (u: Uint8Array): string => Buffer.from(u).toString("utf8");
  const pop = (): Item => {
    if (stack.length === 0) fail("stack underflow");
    return stack.pop()!;
  };
  const popMark = (): Item[] => {
    let i = stack.length - 1;
    while (i >= 0 && stack[i] !== MARK) i--;
    if (i < 0) fail("no MARK on the stack");
    const items = stack.splice(i);
    items.shift();
    return items;
  };
  const top = (): Item => {
    if (stack.length === 0) fail("stack underflow");
    return stack[stack.length - 1]!;
  };
  const longFromBytes = (u: Uint8Array): number | bigint => {
    if (u.length === 0) return 0;
    let v = 0n;
    for (let i = u.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(u[i]!);
    if ((u[u.length - 1]! & 0x80) !== 0) v -= 1n << BigInt(8 * u.length);
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  };
  const global = (name: string): Item => ({ kind: "opaque", name });
  const reduce = (fn: Item, args: Item): Item => {
    if (!fn || typeof fn !== "object" || !("kind" in fn) || fn.kind !== "opaque") return fail("REDUCE on a non-callable");
    const a = args && typeof args === "object" && "kind" in args && args.kind === "tuple" ? args.items : [];
    if (RECONSTRUCT.has(fn.name)) return { kind: "ndarray", dtype: "", shape: [], bytes: new Uint8Array(0) };
    if (fn.name === "numpy.dtype") {
      const n = a[0];
      const name = typeof n === "string" ? n : n && typeof n === "object" && "kind" in n && n.kind === "bytes" ? Buffer.from(n.bytes).toString("latin1") : "";
      return { kind: "dtype", name };
    }
    if (fn.name === "_codecs.encode") {
      const s = a[0];
      if (typeof s !== "string") return fail("_codecs.encode expects a string");
      return { kind: "bytes", bytes: latin1(s) };
    }
    if (fn.name === "__builtin__.bytes" || fn.name === "builtins.bytes") {
      return { kind: "bytes", bytes: new Uint8Array(0) };
    }
    return fail(`unsupported global ${fn.name} (expected plain data or numpy arrays)`);
  };
  const build = (obj: Item, state: Item): void => {
    if (obj && typeof obj === "object" && "kind" in obj) {
      if (obj.kind === "dtype") return; // byte order/flags: only little-endian or 1-byte types are accepted below
      if (obj.kind === "ndarray") {
        const st = state && typeof state === "object" && "kind" in state && state.kind === "tuple" ? state.items : fail("ndarray state is not a tuple");
        const shapeItem = st[1];
        const dtypeItem = st[2] as Item;
        const raw = st[4];
        const shape = shapeItem && typeof shapeItem === "object" && "kind" in shapeItem && shapeItem.kind === "tuple" ? shapeItem.items.map((v) => Number(v)) : fail("ndarray shape is not a tuple");
        const dtype = dtypeItem && typeof dtypeItem === "object" && "kind" in dtypeItem && dtypeItem.kind === "dtype" ? dtypeItem.name : fail("ndarray dtype missing");
        if (st[3] === true) fail("Fortran-order arrays are not supported");
        const dt = dtype.replace(/^[<|=]/, "");
        const size = DTYPE_SIZES[dt];
        if (!size) fail(`unsupported numpy dtype ${dtype}`);
        let data: Uint8Array;
        if (typeof raw === "string") data = latin1(raw);
        else if (raw && typeof raw === "object" && "kind" in raw && raw.kind === "bytes") data = raw.bytes;
        else return fail("ndarray data is not bytes");
        const count = shape.reduce((x, y) => x * y, 1);
        if (data.length !== count * size!) fail(`ndarray data has ${data.length} bytes, expected ${count * size!} for shape [${shape.join(", ")}] ${dtype}`);
        obj.dtype = dt;
        obj.shape = shape;
        obj.bytes = data;
        return;
      }
      if (obj.kind === "opaque") {
        obj.state = state as PickleValue;
        return;
      }
    }
    if (obj instanceof Map && state instanceof Map) {
      for (const [k, v] of state) obj.set(k, v);
      return;
    }
    fail("BUILD on an unsupported object");
  };
  const setItems = (d: Item, items: Item[]): void => {
    if (!(d instanceof Map)) return fail("SETITEM(S) on a non-dict");
    for (let i = 0; i + 1 < items.length; i += 2) d.set(keyOf(items[i]!, source), items[i + 1] as PickleValue);
  };
  const append = (l: Item, items: Item[]): void => {
    if (!Array.isArray(l)) return fail("APPEND(S) on a non-list");
    for (const it of items) l.push(it as PickleValue);
  };

  for (;;) {
    const op = u8();
    switch (op) {
      case 0x80: u8(); break; // PROTO
      case 0x95: u64(); break; // FRAME
      case 0x2e: { // STOP
        const v = pop();
        if (v === MARK || (v && typeof v === "object" && "kind" in v && v.kind === "dtype")) fail("bad final value");
        return v as PickleValue;
      }
      case 0x28: stack.push(MARK); break; // MARK
      case 0x30: pop(); break; // POP
      case 0x31: popMark(); break; // POP_MARK
      case 0x32: stack.push(top()); break; // DUP
      case 0x4e: stack.push(null); break; // NONE
      case 0x88: stack.push(true); break; // NEWTRUE
      case 0x89: stack.push(false); break; // NEWFALSE
      case 0x4a: stack.push(i32()); break; // BININT
      case 0x4b: stack.push(u8()); break; // BININT1
      case 0x4d: stack.push(u16()); break; // BININT2
      case 0x8a: stack.push(longFromBytes(take(u8()))); break; // LONG1
      case 0x8b: stack.push(longFromBytes(take(u32()))); break; // LONG4
      case 0x49: { // INT
        const s = line();
        stack.push(s === "01" ? true : s === "00" ? false : parseInt(s, 10));
        break;
      }
      case 0x4c: stack.push(parseInt(line().replace(/L$/, ""), 10)); break; // LONG
      case 0x47: { // BINFLOAT
        need(8);
        stack.push(dv.getFloat64(pos, false));
        pos += 8;
        break;
      }
      case 0x46: stack.push(parseFloat(line())); break; // FLOAT
      case 0x55: stack.push({ kind: "bytes", bytes: take(u8()) }); break; // SHORT_BINSTRING
      case 0x54: stack.push({ kind: "bytes", bytes: take(u32()) }); break; // BINSTRING
      case 0x43: stack.push({ kind: "bytes", bytes: take(u8()) }); break; // SHORT_BINBYTES
      case 0x42: stack.push({ kind: "bytes", bytes: take(u32()) }); break; // BINBYTES
      case 0x8e: stack.push({ kind: "bytes", bytes: take(u64()) }); break; // BINBYTES8
      case 0x96: stack.push({ kind: "bytes", bytes: take(u64()) }); break; // BYTEARRAY8
      case 0x8c: stack.push(utf8(take(u8()))); break; // SHORT_BINUNICODE
      case 0x58: stack.push(utf8(take(u32()))); break; // BINUNICODE
      case 0x8d: stack.push(utf8(take(u64()))); break; // BINUNICODE8
      case 0x53: { // STRING (protocol 0, repr-quoted)
        const s = line().trim();
        stack.push({ kind: "bytes", bytes: latin1(s.slice(1, -1)) });
        break;
      }
      case 0x56: stack.push(line()); break; // UNICODE (raw-unicode-escape; ASCII assumed)
      case 0x7d: stack.push(new Map()); break; // EMPTY_DICT
      case 0x64: { // DICT
        const d = new Map<string, PickleValue>();
        setItems(d, popMark());
        stack.push(d);
        break;
      }
      case 0x5d: stack.push([]); break; // EMPTY_LIST
      case 0x6c: stack.push(popMark() as PickleValue[]); break; // LIST
      case 0x29: stack.push({ kind: "tuple", items: [] }); break; // EMPTY_TUPLE
      case 0x74: stack.push({ kind: "tuple", items: popMark() as PickleValue[] }); break; // TUPLE
      case 0x85: stack.push({ kind: "tuple", items: [pop() as PickleValue] }); break; // TUPLE1
      case 0x86: { // TUPLE2
        const y = pop();
        const x = pop();
        stack.push({ kind: "tuple", items: [x as PickleValue, y as PickleValue] });
        break;
      }
      case 0x87: { // TUPLE3
        const z = pop();
        const y = pop();
        const x = pop();
        stack.push({ kind: "tuple", items: [x as PickleValue, y as PickleValue, z as PickleValue] });
        break;
      }
      case 0x61: { // APPEND
        const v = pop();
        append(top(), [v]);
        break;
      }
      case 0x65: { // APPENDS
        const items = popMark();
        append(top(), items);
        break;
      }
      case 0x73: { // SETITEM
        const v = pop();
        const k = pop();
        setItems(top(), [k, v]);
        break;
      }
      case 0x75: { // SETITEMS
        const items = popMark();
        setItems(top(), items);
        break;
      }
      case 0x63: { // GLOBAL
        const mod = line();
        const name = line();
        stack.push(global(`${mod}.${name}`));
        break;
      }
      case 0x93: { // STACK_GLOBAL
        const name = pop();
        const mod = pop();
        stack.push(global(`${String(mod)}.${String(name)}`));
        break;
      }
      case 0x52: { // REDUCE
        const args = pop();
        const fn = pop();
        stack.push(reduce(fn, args));
        break;
      }
      case 0x62: { // BUILD
        const state = pop();
        build(top(), state);
        break;
      }
      case 0x71: memo.set(u8(), top()); break; // BINPUT
      case 0x72: memo.set(u32(), top()); break; // LONG_BINPUT
      case 0x70: memo.set(parseInt(line(), 10), top()); break; // PUT
      case 0x94: memo.set(memo.size, top()); break; // MEMOIZE
      case 0x68: case 0x6a: case 0x67: { // BINGET, LONG_BINGET, GET
        const idx = op === 0x68 ? u8() : op === 0x6a ? u32() : parseInt(line(), 10);
        if (!memo.has(idx)) fail(`memo key ${idx} missing`);
        stack.push(memo.get(idx)!);
        break;
      }
      default:
        fail(`unsupported opcode 0x${op.toString(16)} (expected a plain-data pickle)`);
    }
  }
}

/** The value at `key` of a pickled dict, or undefined. */
export function pickleGet(d: PickleValue, key: string): PickleValue | undefined {
  return d instanceof Map ? d.get(key) : undefined;
}
