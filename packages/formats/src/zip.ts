import { inflateRaw } from "./inflate.js";

/** One file of a zip archive. */
export interface ZipEntry {
  name: string;
  /** 0 = stored, 8 = deflate. */
  method: number;
  compressedSize: number;
  size: number;
  /** Offset of the local file header. */
  localOffset: number;
}

const EOCD_SIG = 0x06054b50;
const ZIP64_EOCD_LOCATOR_SIG = 0x07064b50;
const ZIP64_EOCD_SIG = 0x06064b50;
const CDH_SIG = 0x02014b50;
const LFH_SIG = 0x04034b50;

/** True when `bytes` starts with a zip local file header (`PK\x03\x04`). */
export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

/**
 * A minimal zip reader (APPNOTE 6.3): end-of-central-directory record (and its zip64 form),
 * the central directory, local headers; entries stored (method 0) or deflated (method 8).
 */
export class ZipArchive {
  readonly entries = new Map<string, ZipEntry>();
  private readonly dv: DataView;

  constructor(private readonly bytes: Uint8Array, private readonly source = "<zip bytes>") {
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.readDirectory();
  }

  private fail(msg: string): never {
    throw new Error(`zip ${this.source}: ${msg}`);
  }

  private u16(p: number): number {
    if (p + 2 > this.bytes.length) this.fail(`truncated at byte ${p}`);
    return this.dv.getUint16(p, true);
  }

  private u32(p: number): number {
    if (p + 4 > this.bytes.length) this.fail(`truncated at byte ${p}`);
    return this.dv.getUint32(p, true);
  }

  private u64(p: number): number {
    if (p + 8 > this.bytes.length) this.fail(`truncated at byte ${p}`);
    const v = this.dv.getBigUint64(p, true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) this.fail(`64-bit value ${v} at byte ${p} is too large`);
    return Number(v);
  }

  private readDirectory(): void {
    const b = this.bytes;
    if (b.length < 22) this.fail(`file is ${b.length} bytes, too short for a zip archive (truncated?)`);
    let eocd = -1;
    const lowest = Math.max(0, b.length - 22 - 0xffff);
    for (let p = b.length - 22; p >= lowest; p--) {
      if (this.dv.getUint32(p, true) === EOCD_SIG) {
        eocd = p;
        break;
      }
    }
    if (eocd < 0) this.fail("end of central directory not found (file truncated or not a zip archive)");
    let count = this.u16(eocd + 10);
    let cdSize = this.u32(eocd + 12);
    let cdOffset = this.u32(eocd + 16);
    if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
      const loc = eocd - 20;
      if (loc < 0 || this.u32(loc) !== ZIP64_EOCD_LOCATOR_SIG) this.fail("zip64 end-of-central-directory locator missing");
      const z = this.u64(loc + 8);
      if (this.u32(z) !== ZIP64_EOCD_SIG) this.fail("zip64 end-of-central-directory record missing");
      count = this.u64(z + 32);
      cdSize = this.u64(z + 40);
      cdOffset = this.u64(z + 48);
    }
    if (cdOffset + cdSize > b.length) this.fail(`central directory [${cdOffset}, ${cdOffset + cdSize}) runs past the end of the file (${b.length} bytes)`);
    const dec = new TextDecoder("utf-8");
    let p = cdOffset;
    for (let i = 0; i < count; i++) {
      if (this.u32(p) !== CDH_SIG) this.fail(`central directory entry ${i} has a bad signature at byte ${p}`);
      const method = this.u16(p + 10);
      let compressedSize = this.u32(p + 20);
      let size = this.u32(p + 24);
      const nameLen = this.u16(p + 28);
      const extraLen = this.u16(p + 30);
      const commentLen = this.u16(p + 32);
      let localOffset = this.u32(p + 42);
      if (p + 46 + nameLen > b.length) this.fail(`central directory entry ${i} is truncated`);
      const name = dec.decode(b.subarray(p + 46, p + 46 + nameLen));
      // zip64 extended information (header id 1): present fields are those set to 0xffffffff.
      let e = p + 46 + nameLen;
      const eEnd = e + extraLen;
      while (e + 4 <= eEnd) {
        const id = this.u16(e);
        const len = this.u16(e + 2);
        if (id === 1) {
          let q = e + 4;
          if (size === 0xffffffff) {
            size = this.u64(q);
            q += 8;
          }
          if (compressedSize === 0xffffffff) {
            compressedSize = this.u64(q);
            q += 8;
          }
          if (localOffset === 0xffffffff) localOffset = this.u64(q);
        }
        e += 4 + len;
      }
      this.entries.set(name, { name, method, compressedSize, size, localOffset });
      p = eEnd + commentLen;
    }
  }

  /** The uncompressed bytes of entry `name` (a view for stored entries). */
  read(name: string): Uint8Array {
    const e = this.entries.get(name);
    if (!e) this.fail(`entry "${name}" not found`);
    const p = e!.localOffset;
    if (this.u32(p) !== LFH_SIG) this.fail(`entry "${name}": bad local header signature at byte ${p}`);
    const start = p + 30 + this.u16(p + 26) + this.u16(p + 28);
    const end = start + e!.compressedSize;
    if (end > this.bytes.length) this.fail(`entry "${name}": data [${start}, ${end}) runs past the end of the file (${this.bytes.length} bytes; truncated?)`);
    const raw = this.bytes.subarray(start, end);
    if (e!.method === 0) return raw;
    if (e!.method === 8) {
      let out: Uint8Array;
      try {
        out = inflateRaw(raw, e!.size);
      } catch (err) {
        this.fail(`entry "${name}": deflate data is corrupt (${(err as Error).message})`);
      }
      if (out!.length !== e!.size) this.fail(`entry "${name}": inflated to ${out!.length} bytes, expected ${e!.size}`);
      return out!;
    }
    this.fail(`entry "${name}": compression method ${e!.method} is not supported (only stored and deflate)`);
  }
}
