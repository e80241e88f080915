import { gunzipSync } from "node:zlib";
import { readFileSync } from "node:fs";
import { DataError } from "./errors";

/** One member of a tar archive. Paths use `/`, without a leading `./` or trailing `/`. */
export interface TarEntry {
  path: string;
  type: "file" | "directory" | "other";
  /** Content (a view into the archive buffer) for files; empty otherwise. */
  data: Uint8Array;
}

const BLOCK = 512;

function cString(b: Uint8Array, off: number, len: number): string {
  let end = off;
  while (end < off + len && b[end] !== 0) end++;
  return Buffer.from(b.buffer, b.byteOffset + off, end - off).toString("utf8");
}

function octal(b: Uint8Array, off: number, len: number, archive: string, field: string): number {
  // GNU base-256 encoding for large values: first byte has the high bit set.
  if ((b[off]! & 0x80) !== 0) {
    let v = b[off]! & 0x7f;
    for (let i = 1; i < len; i++) v = v * 256 + b[off + i]!;
    return v;
  }
  const s = cString(b, off, len).trim();
  if (s === "") return 0;
  if (!/^[0-7]+$/.test(s)) throw new DataError(archive, `corrupt tar header: ${field} field "${s}" is not an octal number`);
  return parseInt(s, 8);
}

function isZeroBlock(b: Uint8Array, off: number): boolean {
  for (let i = off; i < off + BLOCK; i++) if (b[i] !== 0) return false;
  return true;
}

function normalisePath(p: string): string {
  let s = p.replace(/\\/g, "/");
  while (s.startsWith("./")) s = s.slice(2);
  while (s.endsWith("/")) s = s.slice(0, -1);
  return s;
}

function paxRecords(data: Uint8Array): Map<string, string> {
  const out = new Map<string, string>();
  const text = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("utf8");
  let i = 0;
  while (i < text.length) {
    const sp = text.indexOf(" ", i);
    if (sp < 0) break;
    const len = parseInt(text.slice(i, sp), 10);
    if (!(len > 0)) break;
    const rec = text.slice(sp + 1, i + len - 1);
    const eq = rec.indexOf("=");
    if (eq > 0) out.set(rec.slice(0, eq), rec.slice(eq + 1));
    i += len;
  }
  return out;
}

/**
 * Parses an uncompressed tar archive (POSIX ustar, GNU long names `L`, pax `x` headers).
 * Header checksums are verified; a member that runs past the end of the buffer is an error
 * naming the archive and the member. Member data are views into `bytes` (no copy).
 */
export function readTar(bytes: Uint8Array, archive = "<tar>"): TarEntry[] {
  const entries: TarEntry[] = [];
  let off = 0;
  let longName: string | undefined;
  let paxPath: string | undefined;
  let sawEnd = false;
  while (off + BLOCK <= bytes.length) {
    if (isZeroBlock(bytes, off)) {
      sawEnd = true;
      break;
    }
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : bytes[off + i]!;
    const stored = octal(bytes, off + 148, 8, archive, "checksum");
    if (stored !== sum) {
      throw new DataError(archive, `corrupt tar header at byte ${off}: checksum ${stored} stored, ${sum} computed (expected a ustar/GNU tar archive)`);
    }
    const name = cString(bytes, off, 100);
    const size = octal(bytes, off + 124, 12, archive, "size");
    const flag = String.fromCharCode(bytes[off + 156]!);
    const magic = cString(bytes, off + 257, 6);
    const prefix = magic.startsWith("ustar") && magic !== "ustar " ? cString(bytes, off + 345, 155) : "";
    const dataStart = off + BLOCK;
    const dataEnd = dataStart + size;
    const fullName = prefix ? `${prefix}/${name}` : name;
    if (dataEnd > bytes.length) {
      throw new DataError(archive, `truncated tar archive: member "${longName ?? paxPath ?? fullName}" needs ${size} bytes at offset ${dataStart}, but the archive has ${bytes.length} bytes`);
    }
    const data = bytes.subarray(dataStart, dataEnd);
    off = dataStart + Math.ceil(size / BLOCK) * BLOCK;
    if (flag === "L") {
      longName = cString(data, 0, data.length);
      continue;
    }
    if (flag === "x") {
      paxPath = paxRecords(data).get("path");
      continue;
    }
    if (flag === "g" || flag === "K") continue;
    const path = normalisePath(paxPath ?? longName ?? fullName);
    longName = undefined;
    paxPath = undefined;
    const type = flag === "0" || flag === "\0" || flag === "7" ? "file" : flag === "5" ? "directory" : "other";
    entries.push({ path, type, data: type === "file" ? data : new Uint8Array(0) });
  }
  if (!sawEnd && off !== bytes.length) {
    throw new DataError(archive, `truncated tar archive: ${bytes.length} bytes end inside a ${BLOCK}-byte block at offset ${Math.min(off, bytes.length)} (expected whole blocks and an end-of-archive marker)`);
  }
  return entries;
}

/** True when the bytes start with the gzip magic number. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Gunzips `bytes`, turning zlib's errors into a `DataError` naming `file`. */
export function gunzip(bytes: Uint8Array, file: string): Uint8Array {
  try {
    return gunzipSync(bytes);
  } catch (e) {
    throw new DataError(file, `cannot gunzip (expected a complete gzip stream): ${(e as Error).message}`);
  }
}

/** Reads a `.tar`, `.tar.gz` or `.tgz` file (compression detected from the bytes). */
export function readTarFile(path: string, bytes?: Uint8Array): TarEntry[] {
  let b: Uint8Array = bytes ?? readFileSync(path);
  if (isGzip(b)) b = gunzip(b, path);
  return readTar(b, path);
}

/**
 * Writes a minimal POSIX ustar archive (files and directories, mode 0644/0755, mtime 0).
 * Used by tests and tools to make small archives; paths must fit ustar's 100+155 bytes.
 */
export function writeTar(members: { path: string; data?: Uint8Array; directory?: boolean }[]): Uint8Array {
  const chunks: Uint8Array[] = [];
  const enc = new TextEncoder();
  for (const m of members) {
    const header = new Uint8Array(BLOCK);
    let name = m.path + (m.directory && !m.path.endsWith("/") ? "/" : "");
    let prefix = "";
    if (enc.encode(name).length > 100) {
      const cut = name.lastIndexOf("/", name.length - 2);
      prefix = name.slice(0, cut);
      name = name.slice(cut + 1);
      if (enc.encode(name).length > 100 || enc.encode(prefix).length > 155) throw new Error(`writeTar: path too long for ustar: ${m.path}`);
    }
    const data = m.directory ? new Uint8Array(0) : (m.data ?? new Uint8Array(0));
    const put = (s: string, off: number, len: number): void => {
      const b = enc.encode(s);
      header.set(b.subarray(0, len), off);
    };
    put(name, 0, 100);
    put(m.directory ? "0000755\0" : "0000644\0", 100, 8);
    put("0000000\0", 108, 8);
    put("0000000\0", 116, 8);
    put(data.length.toString(8).padStart(11, "0") + "\0", 124, 12);
    put("00000000000\0", 136, 12);
    header[156] = (m.directory ? "5" : "0").charCodeAt(0);
    put("ustar\0", 257, 6);
    put("00", 263, 2);
    put(prefix, 345, 155);
    for (let i = 148; i < 156; i++) header[i] = 32;
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += header[i]!;
    put(sum.toString(8).padStart(6, "0") + "\0 ", 148, 8);
    chunks.push(header);
    if (data.length > 0) {
      const padded = new Uint8Array(Math.ceil(data.length / BLOCK) * BLOCK);
      padded.set(data);
      chunks.push(padded);
    }
  }
  chunks.push(new Uint8Array(BLOCK * 2));
  const out = Buffer.concat(chunks);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}
