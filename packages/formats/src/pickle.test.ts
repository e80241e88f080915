import { describe, expect, it } from "vitest";
import { PyCallable, unpickle } from "./pickle.js";

const noGlobals = {
  findGlobal(module: string, name: string): unknown {
    throw new Error(`unsupported pickle global "${module}.${name}"`);
  },
};

function hex(s: string): Uint8Array {
  return Uint8Array.from(s.match(/../g)!.map((b) => parseInt(b, 16)));
}

describe("unpickle", () => {
  it("reads protocol-0 text opcodes", () => {
    // pickle.dumps({'a': [1, 2.5, 'x', None, True]}, protocol=0)
    const p = new TextEncoder().encode("(dp0\nVa\np1\n(lp2\nI1\naF2.5\naVx\np3\naNaI01\nas.");
    const { value, end } = unpickle(p, noGlobals, "p0");
    expect(value).toEqual(new Map([["a", [1, 2.5, "x", null, true]]]));
    expect(end).toBe(p.length);
  });

  it("reads protocol-4 framing, memoize, STACK_GLOBAL and LONG1", () => {
    // pickle.dumps((2**64, -1, 1.5, b'ab', 'é'), protocol=4)
    const p = hex("8004952700000000000000288a090000000000000000014affffffff473ff800000000000043026162948c02c3a99474942e");
    const { value } = unpickle(p, noGlobals, "p4");
    expect(value).toEqual([2n ** 64n, -1, 1.5, Uint8Array.from([97, 98]), "é"]);
  });

  it("calls resolved globals through REDUCE", () => {
    // GLOBAL 'm f', (1, 2) REDUCE, STOP
    const p = new Uint8Array([0x80, 0x02, ...new TextEncoder().encode("cm\nf\n"), 0x4b, 1, 0x4b, 2, 0x86, 0x52, 0x2e]);
    const hooks = { findGlobal: (m: string, n: string) => new PyCallable(`${m}.${n}`, (args) => (args[0] as number) + (args[1] as number)) };
    expect(unpickle(p, hooks).value).toBe(3);
  });

  it("names truncation, unknown opcodes and bad memo references", () => {
    expect(() => unpickle(hex("8002580a000000616263"), noGlobals, "t.pkl")).toThrow(/pickle t\.pkl: truncated data.*opcode 0x58 at byte 2/);
    expect(() => unpickle(hex("8002ff"), noGlobals, "u.pkl")).toThrow(/u\.pkl: unsupported or invalid pickle opcode \(opcode 0xff at byte 2\)/);
    expect(() => unpickle(hex("800268052e"), noGlobals, "m.pkl")).toThrow(/m\.pkl: memo key 5 not found/);
    expect(() => unpickle(hex("8006"), noGlobals, "v.pkl")).toThrow(/unsupported pickle protocol 6/);
    expect(() => unpickle(hex("8002512e"), noGlobals, "q.pkl")).toThrow(/q\.pkl: stack underflow/);
  });

  it("reads Python 2 str as latin-1 text or, with encoding 'bytes', as raw bytes", () => {
    // Python 2 cPickle.dumps('\x80\x9f\xff', 2): SHORT_BINSTRING; cPickle.dumps('a\x80\n', 0): STRING.
    const bin = hex("80025503809fff71002e");
    const text = new Uint8Array([...new TextEncoder().encode("S'a\\x80\\n'\np0\n.")]);
    expect(unpickle(bin, noGlobals).value).toBe("\u0080\u009f\u00ff");
    expect(unpickle(bin, { ...noGlobals, encoding: "bytes" }).value).toEqual(Uint8Array.from([0x80, 0x9f, 0xff]));
    expect(unpickle(text, noGlobals).value).toBe("a\u0080\n");
    expect(unpickle(text, { ...noGlobals, encoding: "bytes" }).value).toEqual(Uint8Array.from([0x61, 0x80, 0x0a]));
    const fromBuffer = unpickle(Buffer.from(bin), { ...noGlobals, encoding: "bytes" }).value;
    expect(Object.getPrototypeOf(fromBuffer)).toBe(Uint8Array.prototype); // a copy, not a Buffer view
    expect(() => unpickle(bin, { ...noGlobals, encoding: "utf8" as "bytes" }, "e.pkl")).toThrow(/e\.pkl: encoding must be "latin1" or "bytes"/);
  });
});
