/**
 * A raw DEFLATE decoder (RFC 1951) in plain TypeScript, so the zip reader needs no `node:zlib`
 * and `readTorch` runs in a browser. Stored, fixed-Huffman and dynamic-Huffman blocks.
 */

/** Base lengths and extra bits of the length codes 257..285 (RFC 1951 3.2.5). */
const LENGTH_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
/** Base distances and extra bits of the distance codes 0..29. */
const DIST_BASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];
const DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
/** The order in which code-length code lengths are sent in a dynamic block header. */
const CLEN_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

/** A canonical Huffman code: symbol counts per length and the symbols sorted by code. */
interface Huffman {
  counts: Uint16Array;
  symbols: Uint16Array;
}

function buildHuffman(lengths: ArrayLike<number>): Huffman {
  const counts = new Uint16Array(16);
  for (let i = 0; i < lengths.length; i++) counts[lengths[i]!]! += 1;
  counts[0] = 0;
  const offsets = new Uint16Array(16);
  for (let len = 1; len < 16; len++) offsets[len] = offsets[len - 1]! + counts[len - 1]!;
  const symbols = new Uint16Array(lengths.length);
  for (let i = 0; i < lengths.length; i++) {
    const len = lengths[i]!;
    if (len !== 0) symbols[offsets[len]!++] = i;
  }
  return { counts, symbols };
}

let fixedCodes: { lit: Huffman; dist: Huffman } | undefined;

function fixed(): { lit: Huffman; dist: Huffman } {
  if (!fixedCodes) {
    const lit = new Uint8Array(288);
    lit.fill(8, 0, 144).fill(9, 144, 256).fill(7, 256, 280).fill(8, 280, 288);
    fixedCodes = { lit: buildHuffman(lit), dist: buildHuffman(new Uint8Array(30).fill(5)) };
  }
  return fixedCodes;
}

/** Bit reader (LSB first) and growable output. */
class Inflater {
  private pos = 0;
  private bitBuf = 0;
  private bitCount = 0;
  out: Uint8Array;
  outLen = 0;

  constructor(private readonly input: Uint8Array, sizeHint: number) {
    this.out = new Uint8Array(Math.max(sizeHint, 1024));
  }

  bits(n: number): number {
    while (this.bitCount < n) {
      if (this.pos >= this.input.length) throw new Error("unexpected end of deflate data");
      this.bitBuf |= this.input[this.pos++]! << this.bitCount;
      this.bitCount += 8;
    }
    const v = this.bitBuf & ((1 << n) - 1);
    this.bitBuf >>>= n;
    this.bitCount -= n;
    return v;
  }

  decode(h: Huffman): number {
    let code = 0;
    let first = 0;
    let index = 0;
    for (let len = 1; len < 16; len++) {
      code |= this.bits(1);
      const count = h.counts[len]!;
      if (code - first < count) return h.symbols[index + code - first]!;
      index += count;
      first = (first + count) << 1;
      code <<= 1;
    }
    throw new Error("invalid Huffman code");
  }

  private ensure(extra: number): void {
    if (this.outLen + extra <= this.out.length) return;
    const grown = new Uint8Array(Math.max(this.out.length * 2, this.outLen + extra));
    grown.set(this.out.subarray(0, this.outLen));
    this.out = grown;
  }

  push(byte: number): void {
    this.ensure(1);
    this.out[this.outLen++] = byte;
  }

  stored(): void {
    this.bitBuf = 0;
    this.bitCount = 0;
    if (this.pos + 4 > this.input.length) throw new Error("unexpected end of deflate data");
    const len = this.input[this.pos]! | (this.input[this.pos + 1]! << 8);
    const nlen = this.input[this.pos + 2]! | (this.input[this.pos + 3]! << 8);
    if (len !== (~nlen & 0xffff)) throw new Error("stored block length check failed");
    this.pos += 4;
    if (this.pos + len > this.input.length) throw new Error("unexpected end of deflate data");
    this.ensure(len);
    this.out.set(this.input.subarray(this.pos, this.pos + len), this.outLen);
    this.outLen += len;
    this.pos += len;
  }

  codes(lit: Huffman, dist: Huffman): void {
    for (;;) {
      const sym = this.decode(lit);
      if (sym < 256) {
        this.push(sym);
      } else if (sym === 256) {
        return;
      } else {
        const li = sym - 257;
        if (li >= 29) throw new Error(`invalid length symbol ${sym}`);
        const length = LENGTH_BASE[li]! + this.bits(LENGTH_EXTRA[li]!);
        const di = this.decode(dist);
        if (di >= 30) throw new Error(`invalid distance symbol ${di}`);
        const distance = DIST_BASE[di]! + this.bits(DIST_EXTRA[di]!);
        if (distance > this.outLen) throw new Error(`distance ${distance} reaches before the start of the output`);
        this.ensure(length);
        for (let k = 0; k < length; k++, this.outLen++) this.out[this.outLen] = this.out[this.outLen - distance]!;
      }
    }
  }

  dynamic(): void {
    const nlen = this.bits(5) + 257;
    const ndist = this.bits(5) + 1;
    const ncode = this.bits(4) + 4;
    const clen = new Uint8Array(19);
    for (let i = 0; i < ncode; i++) clen[CLEN_ORDER[i]!] = this.bits(3);
    const clenCode = buildHuffman(clen);
    const lengths = new Uint8Array(nlen + ndist);
    for (let i = 0; i < nlen + ndist; ) {
      const sym = this.decode(clenCode);
      if (sym < 16) {
        lengths[i++] = sym;
        continue;
      }
      let repeat: number;
      let value = 0;
      if (sym === 16) {
        if (i === 0) throw new Error("length repeat with no previous length");
        value = lengths[i - 1]!;
        repeat = 3 + this.bits(2);
      } else if (sym === 17) {
        repeat = 3 + this.bits(3);
      } else {
        repeat = 11 + this.bits(7);
      }
      if (i + repeat > nlen + ndist) throw new Error("code lengths overrun the header");
      lengths.fill(value, i, i + repeat);
      i += repeat;
    }
    this.codes(buildHuffman(lengths.subarray(0, nlen)), buildHuffman(lengths.subarray(nlen)));
  }
}

/**
 * Decompresses raw DEFLATE data (RFC 1951, no zlib or gzip wrapper), as zip entries of method 8
 * hold it (APPNOTE 6.3 section 4.4.5). `sizeHint` (the expected output size) only presizes the
 * output buffer. Throws on malformed data.
 */
export function inflateRaw(input: Uint8Array, sizeHint = 0): Uint8Array {
  const s = new Inflater(input, sizeHint);
  let last = 0;
  while (!last) {
    last = s.bits(1);
    const type = s.bits(2);
    if (type === 0) s.stored();
    else if (type === 1) s.codes(fixed().lit, fixed().dist);
    else if (type === 2) s.dynamic();
    else throw new Error("invalid block type 3");
  }
  return s.out.subarray(0, s.outLen);
}
