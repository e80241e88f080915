/**
 * A small pickle virtual machine (protocols 0–5, the opcodes `torch.save` and Python's pickler emit
 * for plain data). It never executes code: every GLOBAL is resolved through the caller's
 * `findGlobal`, which returns a {@link PyCallable} or a plain value, or throws.
 */

/** A callable resolved from a pickle GLOBAL (used by REDUCE and NEWOBJ). */
export class PyCallable {
  constructor(readonly qualname: string, readonly call: (args: unknown[]) => unknown) {}
}

/** Hooks that give meaning to GLOBAL and PERSID opcodes. */
export interface PickleHooks {
  /** Resolves `module.name`; throws for a global that is not allowed. */
  findGlobal(module: string, name: string): unknown;
  /** Resolves a persistent id (PERSID / BINPERSID); throws when unsupported. */
  persistentLoad?(pid: unknown): unknown;
  /**
   * How Python 2 `str` (STRING, BINSTRING, SHORT_BINSTRING) is returned, as Python's
   * `pickle.load(f, encoding=...)`: `"latin1"` (default) gives a string with one character per
   * byte, `"bytes"` gives a Uint8Array (what Python 2 pickles of binary data, such as numpy array
   * buffers, need).
   */
  encoding?: "latin1" | "bytes";
}

const MARK = Symbol("mark");

/** Decodes bytes as ISO-8859-1, one character per byte (TextDecoder("latin1") is windows-1252 in browsers). */
function latin1Decode(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i += 8192) s += String.fromCharCode(...b.subarray(i, i + 8192));
  return s;
}

/** Converts a Python int (as bigint) to a number when exactly representable. */
function pyInt(v: bigint): number | bigint {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/** Decodes a Python string literal body as written by protocol-0 STRING (`'abc\n'`). */
function unescapePyString(s: string): string {
  return s.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|[\\'"nrt0])/g, (_m, e: string) => {
    switch (e[0]) {
      case "x":
      case "u":
        return String.fromCharCode(parseInt(e.slice(1), 16));
      case "n":
        return "\n";
      case "r":
        return "\r";
      case "t":
        return "\t";
      case "0":
        return "\0";
      default:
        return e;
    }
  });
}

/**
 * Runs one pickle from `bytes[start]` to its STOP opcode.
 *
 * @returns the unpickled object (internal representation: Map for dicts, arrays for
 *   tuples/lists/sets, Uint8Array for bytes, number/bigint for ints) and the position after STOP.
 * @throws on truncated input, an unknown opcode, or anything the hooks reject; the message names
 *   `source`, the opcode and its byte offset.
 */
export function unpickle(input: Uint8Array, hooks: PickleHooks, source = "<pickle>", start = 0): { value: unknown; end: number } {
  // A plain Uint8Array view, so that `.slice()` copies even when the input is a Node Buffer.
  const bytes = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const utf8 = new TextDecoder("utf-8");
  let pos = start;
  let stack: unknown[] = [];
  const metastack: unknown[][] = [];
  const memo = new Map<number, unknown>();
  let opPos = start;
  let op = 0;
  const py2Bytes = hooks.encoding === "bytes";
  if (hooks.encoding !== undefined && hooks.encoding !== "latin1" && !py2Bytes) {
    throw new Error(`pickle ${source}: encoding must be "latin1" or "bytes", got ${JSON.stringify(hooks.encoding)}`);
  }
  /** A Python 2 `str` of raw bytes, returned per `hooks.encoding`. */
  const py2Str = (b: Uint8Array): string | Uint8Array => (py2Bytes ? b.slice() : latin1Decode(b));

  const fail = (msg: string): never => {
    throw new Error(`pickle ${source}: ${msg} (opcode 0x${op.toString(16).padStart(2, "0")} at byte ${opPos})`);
  };
  const need = (n: number): void => {
    if (n < 0 || pos + n > bytes.length) fail(`truncated data: needs ${n} more bytes at ${pos}, file has ${bytes.length}`);
  };
  const u8 = (): number => {
    need(1);
    return bytes[pos++]!;
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
    const v = dv.getBigUint64(pos, true);
    pos += 8;
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) fail(`length ${v} too large`);
    return Number(v);
  };
  const take = (n: number): Uint8Array => {
    need(n);
    const s = bytes.subarray(pos, pos + n);
    pos += n;
    return s;
  };
  const line = (): string => {
    const nl = bytes.indexOf(0x0a, pos);
    if (nl < 0) fail("truncated data: missing newline");
    const s = latin1Decode(bytes.subarray(pos, nl));
    pos = nl + 1;
    return s;
  };
  const pop = (): unknown => {
    if (stack.length === 0) fail("stack underflow");
    return stack.pop();
  };
  const top = (): unknown => {
    if (stack.length === 0) fail("stack underflow");
    return stack[stack.length - 1];
  };
  const popMark = (): unknown[] => {
    const items = stack;
    const prev = metastack.pop();
    if (!prev) fail("MARK missing");
    stack = prev!;
    return items;
  };
  const memoGet = (i: number): unknown => {
    if (!memo.has(i)) fail(`memo key ${i} not found`);
    return memo.get(i);
  };
  const asMap = (d: unknown): Map<unknown, unknown> => {
    if (!(d instanceof Map)) fail(`expected a dict, got ${describe(d)}`);
    return d as Map<unknown, unknown>;
  };
  const asList = (d: unknown): unknown[] => {
    if (!Array.isArray(d)) fail(`expected a list, got ${describe(d)}`);
    return d as unknown[];
  };
  const call = (fn: unknown, args: unknown): unknown => {
    if (!(fn instanceof PyCallable)) fail(`cannot call ${describe(fn)}`);
    if (!Array.isArray(args)) fail(`arguments must be a tuple, got ${describe(args)}`);
    return (fn as PyCallable).call(args as unknown[]);
  };
  const global = (module: string, name: string): unknown => {
    try {
      return hooks.findGlobal(module, name);
    } catch (e) {
      throw new Error(`pickle ${source}: ${(e as Error).message}`);
    }
  };
  const persistent = (pid: unknown): unknown => {
    if (!hooks.persistentLoad) fail("persistent id found but no persistent_load hook was given");
    try {
      return hooks.persistentLoad!(pid);
    } catch (e) {
      throw new Error(`pickle ${source}: ${(e as Error).message}`);
    }
  };

  for (;;) {
    opPos = pos;
    op = u8();
    switch (op) {
      case 0x80: {
        // PROTO
        const p = u8();
        if (p > 5) fail(`unsupported pickle protocol ${p}`);
        break;
      }
      case 0x95: // FRAME
        u64();
        break;
      case 0x2e: // STOP '.'
        return { value: pop(), end: pos };
      case 0x28: // MARK '('
        metastack.push(stack);
        stack = [];
        break;
      case 0x30: // POP '0'
        pop();
        break;
      case 0x31: // POP_MARK '1'
        popMark();
        break;
      case 0x32: // DUP '2'
        stack.push(top());
        break;
      case 0x4e: // NONE 'N'
        stack.push(null);
        break;
      case 0x88: // NEWTRUE
        stack.push(true);
        break;
      case 0x89: // NEWFALSE
        stack.push(false);
        break;
      case 0x4a: // BININT 'J'
        stack.push(i32());
        break;
      case 0x4b: // BININT1 'K'
        stack.push(u8());
        break;
      case 0x4d: // BININT2 'M'
        stack.push(u16());
        break;
      case 0x8a: // LONG1
      case 0x8b: {
        // LONG4
        const n = op === 0x8a ? u8() : i32();
        if (n < 0) fail("negative LONG4 length");
        const b = take(n);
        let v = 0n;
        for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
        if (n > 0 && b[n - 1]! & 0x80) v -= 1n << BigInt(8 * n);
        stack.push(pyInt(v));
        break;
      }
      case 0x49: {
        // INT 'I'
        const s = line().trim();
        if (s === "01") stack.push(true);
        else if (s === "00") stack.push(false);
        else {
          if (!/^[-+]?\d+$/.test(s)) fail(`bad INT literal ${JSON.stringify(s)}`);
          stack.push(pyInt(BigInt(s)));
        }
        break;
      }
      case 0x4c: {
        // LONG 'L'
        const s = line().trim().replace(/L$/, "");
        if (!/^[-+]?\d+$/.test(s)) fail(`bad LONG literal ${JSON.stringify(s)}`);
        stack.push(pyInt(BigInt(s)));
        break;
      }
      case 0x47: {
        // BINFLOAT 'G' (big-endian float64)
        need(8);
        stack.push(dv.getFloat64(pos, false));
        pos += 8;
        break;
      }
      case 0x46: // FLOAT 'F'
        stack.push(parseFloat(line()));
        break;
      case 0x58: // BINUNICODE 'X'
        stack.push(utf8.decode(take(u32())));
        break;
      case 0x8c: // SHORT_BINUNICODE
        stack.push(utf8.decode(take(u8())));
        break;
      case 0x8d: // BINUNICODE8
        stack.push(utf8.decode(take(u64())));
        break;
      case 0x56: // UNICODE 'V' (raw-unicode-escape)
        stack.push(line().replace(/\\u([0-9a-fA-F]{4})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))));
        break;
      case 0x54: // BINSTRING 'T'
        stack.push(py2Str(take(i32())));
        break;
      case 0x55: // SHORT_BINSTRING 'U'
        stack.push(py2Str(take(u8())));
        break;
      case 0x53: {
        // STRING 'S'
        const s = line().trim();
        const q = s[0];
        if ((q !== "'" && q !== '"') || s[s.length - 1] !== q) fail(`bad STRING literal ${JSON.stringify(s)}`);
        const body = unescapePyString(s.slice(1, -1));
        stack.push(py2Bytes ? Uint8Array.from(body, (c) => c.charCodeAt(0) & 0xff) : body);
        break;
      }
      case 0x42: // BINBYTES 'B'
        stack.push(take(u32()).slice());
        break;
      case 0x43: // SHORT_BINBYTES 'C'
        stack.push(take(u8()).slice());
        break;
      case 0x8e: // BINBYTES8
      case 0x96: // BYTEARRAY8
        stack.push(take(u64()).slice());
        break;
      case 0x29: // EMPTY_TUPLE ')'
        stack.push([]);
        break;
      case 0x74: {
        // TUPLE 't'
        const items = popMark();
        stack.push(items);
        break;
      }
      case 0x85: // TUPLE1
        stack.push([pop()]);
        break;
      case 0x86: {
        // TUPLE2
        const b = pop();
        const a = pop();
        stack.push([a, b]);
        break;
      }
      case 0x87: {
        // TUPLE3
        const c = pop();
        const b = pop();
        const a = pop();
        stack.push([a, b, c]);
        break;
      }
      case 0x5d: // EMPTY_LIST ']'
        stack.push([]);
        break;
      case 0x6c: {
        // LIST 'l'
        const items = popMark();
        stack.push(items);
        break;
      }
      case 0x61: {
        // APPEND 'a'
        const v = pop();
        asList(top()).push(v);
        break;
      }
      case 0x65: {
        // APPENDS 'e'
        const items = popMark();
        asList(top()).push(...items);
        break;
      }
      case 0x7d: // EMPTY_DICT '}'
        stack.push(new Map());
        break;
      case 0x64: {
        // DICT 'd'
        const items = popMark();
        const m = new Map<unknown, unknown>();
        for (let i = 0; i + 1 < items.length; i += 2) m.set(items[i], items[i + 1]);
        stack.push(m);
        break;
      }
      case 0x73: {
        // SETITEM 's'
        const v = pop();
        const k = pop();
        asMap(top()).set(k, v);
        break;
      }
      case 0x75: {
        // SETITEMS 'u'
        const items = popMark();
        const m = asMap(top());
        for (let i = 0; i + 1 < items.length; i += 2) m.set(items[i], items[i + 1]);
        break;
      }
      case 0x8f: // EMPTY_SET
        stack.push([]);
        break;
      case 0x90: {
        // ADDITEMS
        const items = popMark();
        asList(top()).push(...items);
        break;
      }
      case 0x91: {
        // FROZENSET
        const items = popMark();
        stack.push(items);
        break;
      }
      case 0x63: {
        // GLOBAL 'c'
        const module = line();
        const name = line();
        stack.push(global(module, name));
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== "string" || typeof name !== "string") fail("STACK_GLOBAL needs two strings");
        stack.push(global(module as string, name as string));
        break;
      }
      case 0x52: {
        // REDUCE 'R'
        const args = pop();
        const fn = pop();
        stack.push(call(fn, args));
        break;
      }
      case 0x81: {
        // NEWOBJ
        const args = pop();
        const cls = pop();
        stack.push(call(cls, args));
        break;
      }
      case 0x92: {
        // NEWOBJ_EX
        const kwargs = pop();
        const args = pop();
        const cls = pop();
        if (kwargs instanceof Map && kwargs.size > 0) fail("NEWOBJ_EX with keyword arguments is not supported");
        stack.push(call(cls, args));
        break;
      }
      case 0x62: {
        // BUILD 'b'
        const state = pop();
        const obj = top();
        // OrderedDict state (e.g. a state dict's `_metadata`) and other dict state is dropped.
        if (!(obj instanceof Map) && !(obj !== null && typeof obj === "object" && "setState" in obj)) {
          fail(`BUILD on ${describe(obj)} is not supported`);
        }
        if (!(obj instanceof Map)) (obj as { setState(s: unknown): void }).setState(state);
        break;
      }
      case 0x70: // PUT 'p'
        memo.set(parseInt(line(), 10), top());
        break;
      case 0x71: // BINPUT 'q'
        memo.set(u8(), top());
        break;
      case 0x72: // LONG_BINPUT 'r'
        memo.set(u32(), top());
        break;
      case 0x94: // MEMOIZE
        memo.set(memo.size, top());
        break;
      case 0x67: // GET 'g'
        stack.push(memoGet(parseInt(line(), 10)));
        break;
      case 0x68: // BINGET 'h'
        stack.push(memoGet(u8()));
        break;
      case 0x6a: // LONG_BINGET 'j'
        stack.push(memoGet(u32()));
        break;
      case 0x50: // PERSID 'P'
        stack.push(persistent(line()));
        break;
      case 0x51: // BINPERSID 'Q'
        stack.push(persistent(pop()));
        break;
      default:
        fail(`unsupported or invalid pickle opcode`);
    }
  }
}

/** Short description of an unpickled value for error messages. */
export function describe(v: unknown): string {
  if (v === null) return "None";
  if (v === MARK) return "MARK";
  if (v instanceof PyCallable) return `global ${v.qualname}`;
  if (v instanceof Map) return "a dict";
  if (Array.isArray(v)) return "a tuple/list";
  if (v instanceof Uint8Array) return "bytes";
  if (typeof v === "object") return (v as object).constructor?.name ?? "an object";
  return `${typeof v} ${String(v)}`;
}
