import { deflateRawSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { inflateRaw } from "./inflate.js";

function bytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    // a small alphabet with runs, so the encoder uses literals, lengths and distances
    out[i] = i % 97 < 40 ? (s >>> 24) % 7 : out[Math.max(0, i - 300)]!;
  }
  return out;
}

describe("inflateRaw", () => {
  it("undoes node:zlib's raw deflate at every level (stored, fixed and dynamic blocks)", () => {
    for (const level of [0, 1, 6, 9]) {
      for (const n of [0, 1, 100, 70_000]) {
        const data = bytes(n, n + level);
        const packed = new Uint8Array(deflateRawSync(data, { level }));
        expect(Buffer.from(inflateRaw(packed, n)).equals(Buffer.from(data))).toBe(true);
      }
    }
  });

  it("decodes fixed-Huffman blocks (short inputs)", () => {
    const data = new TextEncoder().encode("abcabcabcabcabc hello hello hello");
    const packed = new Uint8Array(deflateRawSync(data, { strategy: 4 /* Z_FIXED */ }));
    expect(new TextDecoder().decode(inflateRaw(packed))).toBe("abcabcabcabcabc hello hello hello");
  });

  it("throws on truncated or invalid data", () => {
    const packed = new Uint8Array(deflateRawSync(bytes(5000, 3)));
    expect(() => inflateRaw(packed.subarray(0, packed.length >> 1))).toThrow(/end of deflate data|invalid/);
    expect(() => inflateRaw(new Uint8Array([0xff, 0xff]))).toThrow(/invalid block type 3/);
  });
});
