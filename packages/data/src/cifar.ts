import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { checkDataset, type Dataset } from "./dataset";
import { DataError } from "./errors";
import { md5Hex } from "./md5";
import { PickledArray, readPickle, pickleGet, type PickleValue } from "./pickle";
import { readTarFile } from "./tar";
import { CIFAR10_CLASSES, CIFAR100_COARSE_CLASSES, CIFAR100_FINE_CLASSES } from "./classnames";

/** Which CIFAR: 10 classes (3073-byte records) or 100 (3074-byte records, coarse + fine). */
export type CifarKind = "cifar10" | "cifar100";
/** CIFAR-100 label mode: the 100 fine classes or the 20 coarse superclasses. */
export type LabelMode = "fine" | "coarse";
export type CifarSplit = "train" | "test";

const PIXELS = 3072;
const PLANE = 1024;

/** Record size in bytes: 1 label byte + 3072 pixels (CIFAR-10), 2 label bytes + 3072 (CIFAR-100). */
export function cifarRecordSize(kind: CifarKind): number {
  return kind === "cifar10" ? 3073 : 3074;
}

/** Class names of a CIFAR kind and label mode. */
export function cifarClassNames(kind: CifarKind, labelMode: LabelMode = "fine"): string[] {
  if (kind === "cifar10") return CIFAR10_CLASSES.slice();
  return (labelMode === "coarse" ? CIFAR100_COARSE_CLASSES : CIFAR100_FINE_CLASSES).slice();
}

/**
 * Copies planar CHW pixels (R plane, G plane, B plane of 32x32, as in the CIFAR records) to
 * interleaved HWC: `out[(y*32 + x)*3 + c] = src[c*1024 + y*32 + x]`.
 */
export function planarToHwc(src: Uint8Array, srcOff: number, dst: Uint8Array, dstOff: number): void {
  for (let p = 0; p < PLANE; p++) {
    const o = dstOff + p * 3;
    dst[o] = src[srcOff + p]!;
    dst[o + 1] = src[srcOff + PLANE + p]!;
    dst[o + 2] = src[srcOff + 2 * PLANE + p]!;
  }
}

export interface CifarRecords {
  images: Uint8Array;
  labels: Int32Array;
  n: number;
}

/**
 * Parses back-to-back CIFAR binary records (data README "Record format"): CIFAR-10 records are
 * `label, R[1024], G[1024], B[1024]` (3073 bytes); CIFAR-100 records are `coarse, fine,
 * R, G, B` (3074 bytes), and `labelMode` picks the label. Output is NHWC uint8. A size that is
 * not a whole number of records, or a label out of range, is a `DataError` naming `source`.
 */
export function parseCifarRecords(bytes: Uint8Array, kind: CifarKind, labelMode: LabelMode = "fine", source = "<cifar records>"): CifarRecords {
  const rs = cifarRecordSize(kind);
  if (bytes.length % rs !== 0) {
    throw new DataError(source, `truncated or wrong-size file: ${bytes.length} bytes is not a whole number of ${rs}-byte ${kind === "cifar10" ? "CIFAR-10" : "CIFAR-100"} records (${Math.floor(bytes.length / rs)} whole records and ${bytes.length % rs} bytes left over)`);
  }
  const n = bytes.length / rs;
  const labelBytes = rs - PIXELS;
  const numClasses = kind === "cifar10" ? 10 : labelMode === "coarse" ? 20 : 100;
  const labelOffset = kind === "cifar10" ? 0 : labelMode === "coarse" ? 0 : 1;
  const images = new Uint8Array(n * PIXELS);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const off = i * rs;
    const l = bytes[off + labelOffset]!;
    if (l >= numClasses) throw new DataError(source, `record ${i} has label ${l}, expected 0-${numClasses - 1} (is this a ${kind} file?)`);
    labels[i] = l;
    planarToHwc(bytes, off + labelBytes, images, i * PIXELS);
  }
  return { images, labels, n };
}

/** Concatenates record sets. */
function concatRecords(parts: CifarRecords[]): CifarRecords {
  const n = parts.reduce((a, p) => a + p.n, 0);
  const images = new Uint8Array(n * PIXELS);
  const labels = new Int32Array(n);
  let o = 0;
  for (const p of parts) {
    images.set(p.images, o * PIXELS);
    labels.set(p.labels, o);
    o += p.n;
  }
  return { images, labels, n };
}

function makeCifarDataset(rec: CifarRecords, kind: CifarKind, labelMode: LabelMode, name: string, spec: string, source: string, classNames?: string[]): Dataset {
  const names = classNames ?? cifarClassNames(kind, labelMode);
  return checkDataset({ name, spec, images: rec.images, labels: rec.labels, n: rec.n, height: 32, width: 32, channels: 3, numClasses: names.length, classNames: names, source });
}

export interface CifarBinaryFileOptions {
  kind?: CifarKind;
  labelMode?: LabelMode;
  name?: string;
  spec?: string;
  /** Expected md5 of the file; a mismatch is a `DataError`. */
  md5?: string;
  /** Expected number of records; another count is a `DataError`. */
  expectedRecords?: number;
  classNames?: string[];
}

/** Reads one CIFAR binary record file (`*.bin`) into a `Dataset` (see `parseCifarRecords`). */
export function readCifarBinaryFile(path: string, opts: CifarBinaryFileOptions = {}): Dataset {
  if (!existsSync(path)) throw new DataError(path, "file not found (expected a CIFAR binary record file)");
  const kind = opts.kind ?? "cifar10";
  const labelMode = opts.labelMode ?? "fine";
  const bytes = readFileSync(path);
  if (opts.expectedRecords !== undefined && bytes.length !== opts.expectedRecords * cifarRecordSize(kind)) {
    throw new DataError(path, `expected ${opts.expectedRecords} records = ${opts.expectedRecords * cifarRecordSize(kind)} bytes, found ${bytes.length} bytes (truncated or wrong file)`);
  }
  if (opts.md5) {
    const got = md5Hex(bytes);
    if (got !== opts.md5) throw new DataError(path, `checksum mismatch: expected md5 ${opts.md5}, got ${got} (corrupt or modified file)`);
  }
  const rec = parseCifarRecords(bytes, kind, labelMode, path);
  return makeCifarDataset(rec, kind, labelMode, opts.name ?? basename(path), opts.spec ?? path, path, opts.classNames);
}

/** Per-member md5s of the official python archives (torchvision, data README). */
export const CIFAR_PYTHON_MEMBER_MD5: Readonly<Record<string, string>> = {
  "cifar-10-batches-py/data_batch_1": "c99cafc152244af753f735de768cd75f",
  "cifar-10-batches-py/data_batch_2": "d4bba439e000b95fd0a9bffe97cbabec",
  "cifar-10-batches-py/data_batch_3": "54ebc095f3ab1f0389bbae665268c751",
  "cifar-10-batches-py/data_batch_4": "634d18415352ddfa80567beed471001a",
  "cifar-10-batches-py/data_batch_5": "482c414d41f54cd18b22e5b47cb7c3cb",
  "cifar-10-batches-py/test_batch": "40351d587109b95175f43aff81a1287e",
  "cifar-10-batches-py/batches.meta": "5ff9c542aee3614f3951f8cda6e48888",
  "cifar-100-python/train": "16019d7e3df5f24257cddd939b257f8d",
  "cifar-100-python/test": "f0ef6b0ae62326f3e7ffdfab6717acfc",
  "cifar-100-python/meta": "7973b15100ade9c7d40fb424638fde48",
};

/** The layouts of the official archives (folder inside the archive, member names). */
type Layout = { kind: CifarKind; format: "binary" | "python"; folder: string; train: string[]; test: string[] };
const LAYOUTS: Layout[] = [
  { kind: "cifar10", format: "binary", folder: "cifar-10-batches-bin", train: [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`), test: ["test_batch.bin"] },
  { kind: "cifar10", format: "python", folder: "cifar-10-batches-py", train: [1, 2, 3, 4, 5].map((i) => `data_batch_${i}`), test: ["test_batch"] },
  { kind: "cifar100", format: "binary", folder: "cifar-100-binary", train: ["train.bin"], test: ["test.bin"] },
  { kind: "cifar100", format: "python", folder: "cifar-100-python", train: ["train"], test: ["test"] },
];

/** A way to fetch the members of an archive or extracted folder by file name. */
interface MemberSource {
  where: string;
  names: Set<string>;
  get(name: string): Uint8Array;
  /** Display path of a member. */
  label(name: string): string;
}

function detectLayout(src: MemberSource, kind?: CifarKind): Layout {
  for (const l of LAYOUTS) {
    if (kind && l.kind !== kind) continue;
    if (l.test.every((m) => src.names.has(m)) || l.train.every((m) => src.names.has(m))) return l;
  }
  const expected = LAYOUTS.filter((l) => !kind || l.kind === kind)
    .map((l) => `${l.folder}/{${[...l.train, ...l.test].join(",")}}`)
    .join(" or ");
  throw new DataError(src.where, `not a CIFAR archive or folder: expected ${expected}; found ${[...src.names].slice(0, 12).join(", ") || "nothing"}`);
}

function pyBytesToString(v: PickleValue | undefined): string {
  if (typeof v === "string") return v;
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("utf8");
  return String(v);
}

function pickleRecords(bytes: Uint8Array, kind: CifarKind, labelMode: LabelMode, where: string): CifarRecords {
  const d = readPickle(bytes, where);
  const data = pickleGet(d, "data");
  if (!(data instanceof PickledArray)) {
    throw new DataError(where, "expected a pickled dict with key 'data' holding a uint8 numpy array [N, 3072]");
  }
  if (data.dtype !== "u1" || data.shape.length !== 2 || data.shape[1] !== PIXELS) {
    throw new DataError(where, `'data' is ${data.dtype}[${data.shape.join(", ")}], expected uint8 [N, 3072]`);
  }
  const key = kind === "cifar10" ? "labels" : labelMode === "coarse" ? "coarse_labels" : "fine_labels";
  const lab = pickleGet(d, key);
  const n = data.shape[0]!;
  if (!Array.isArray(lab) || lab.length !== n) {
    throw new DataError(where, `expected key '${key}' with ${n} labels, found ${Array.isArray(lab) ? lab.length + " labels" : "none"}`);
  }
  const numClasses = kind === "cifar10" ? 10 : labelMode === "coarse" ? 20 : 100;
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const l = Number(lab[i]);
    if (!Number.isInteger(l) || l < 0 || l >= numClasses) throw new DataError(where, `label ${String(lab[i])} of record ${i} is outside 0-${numClasses - 1}`);
    labels[i] = l;
  }
  const images = new Uint8Array(n * PIXELS);
  for (let i = 0; i < n; i++) planarToHwc(data.bytes, i * PIXELS, images, i * PIXELS);
  return { images, labels, n };
}

function readClassNames(src: MemberSource, layout: Layout, labelMode: LabelMode): string[] {
  const fallback = cifarClassNames(layout.kind, labelMode);
  const textLines = (name: string): string[] | undefined => {
    if (!src.names.has(name)) return undefined;
    return Buffer.from(src.get(name)).toString("utf8").split(/\r?\n/).map((s) => s.trim()).filter((s) => s.length > 0);
  };
  let names: string[] | undefined;
  if (layout.format === "binary") {
    names = textLines(layout.kind === "cifar10" ? "batches.meta.txt" : labelMode === "coarse" ? "coarse_label_names.txt" : "fine_label_names.txt");
  } else {
    const meta = layout.kind === "cifar10" ? "batches.meta" : "meta";
    if (src.names.has(meta)) {
      const d = readPickle(src.get(meta), src.label(meta));
      const key = layout.kind === "cifar10" ? "label_names" : labelMode === "coarse" ? "coarse_label_names" : "fine_label_names";
      const v = pickleGet(d, key);
      if (Array.isArray(v)) names = v.map(pyBytesToString);
    }
  }
  if (!names) return fallback;
  if (names.length !== fallback.length) throw new DataError(src.where, `class-name file lists ${names.length} names, expected ${fallback.length}`);
  return names;
}

export interface CifarLoadOptions {
  split: CifarSplit;
  /** Restrict detection to one kind (default: whatever the archive holds). */
  kind?: CifarKind;
  /** CIFAR-100 only: fine (default) or coarse labels. */
  labelMode?: LabelMode;
  /** Check the python members' md5s against `CIFAR_PYTHON_MEMBER_MD5` (official data only). */
  verifyMembers?: boolean;
  /** Archive only: expected md5 of the whole archive file (checked on the bytes read). */
  md5?: string;
  name?: string;
  spec?: string;
}

function loadFromMembers(src: MemberSource, opts: CifarLoadOptions): Dataset {
  const layout = detectLayout(src, opts.kind);
  const labelMode = opts.labelMode ?? "fine";
  const members = opts.split === "train" ? layout.train : layout.test;
  const parts: CifarRecords[] = [];
  for (const m of members) {
    if (!src.names.has(m)) throw new DataError(src.label(m), `missing archive member (expected ${layout.folder}/${m} for the ${opts.split} split)`);
    const bytes = src.get(m);
    const where = src.label(m);
    if (opts.verifyMembers && layout.format === "python") {
      const want = CIFAR_PYTHON_MEMBER_MD5[`${layout.folder}/${m}`];
      const got = md5Hex(bytes);
      if (want && got !== want) throw new DataError(where, `checksum mismatch: expected md5 ${want}, got ${got}`);
    }
    parts.push(layout.format === "binary" ? parseCifarRecords(bytes, layout.kind, labelMode, where) : pickleRecords(bytes, layout.kind, labelMode, where));
  }
  const rec = parts.length === 1 ? parts[0]! : concatRecords(parts);
  const classNames = readClassNames(src, layout, labelMode);
  const name = opts.name ?? `${layout.kind}:${opts.split}`;
  return makeCifarDataset(rec, layout.kind, labelMode, name, opts.spec ?? name, src.where, classNames);
}

/**
 * Reads CIFAR-10/100 straight from an official archive (`cifar-10-binary.tar.gz`,
 * `cifar-100-binary.tar.gz`, `cifar-10-python.tar.gz`, `cifar-100-python.tar.gz`, or the same
 * uncompressed `.tar`). The format is detected from the member names; `split: 'train'`
 * concatenates the training batches in official order.
 */
export function readCifarArchive(path: string, opts: CifarLoadOptions): Dataset {
  if (!existsSync(path)) throw new DataError(path, "archive not found (expected an official CIFAR .tar.gz)");
  const raw = readFileSync(path);
  if (opts.md5) {
    const got = md5Hex(raw);
    if (got !== opts.md5) throw new DataError(path, `checksum mismatch: expected md5 ${opts.md5}, got ${got} (corrupt, partial or not the official archive)`);
  }
  const entries = readTarFile(path, raw);
  const byName = new Map<string, Uint8Array>();
  const full = new Map<string, string>();
  for (const e of entries) {
    if (e.type !== "file") continue;
    const b = e.path.split("/").pop()!;
    if (!byName.has(b)) {
      byName.set(b, e.data);
      full.set(b, e.path);
    }
  }
  return loadFromMembers(
    {
      where: path,
      names: new Set(byName.keys()),
      get: (n) => byName.get(n)!,
      label: (n) => `${path}:${full.get(n) ?? n}`,
    },
    opts,
  );
}

/**
 * Reads an extracted official CIFAR folder (`cifar-10-batches-bin/`, `cifar-10-batches-py/`,
 * `cifar-100-binary/`, `cifar-100-python/`), or a folder that contains one of them.
 */
export function readCifarDirectory(dir: string, opts: CifarLoadOptions): Dataset {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new DataError(dir, "folder not found (expected an extracted CIFAR archive)");
  let root = dir;
  for (const l of LAYOUTS) {
    if (opts.kind && l.kind !== opts.kind) continue;
    const sub = join(dir, l.folder);
    if (existsSync(sub) && statSync(sub).isDirectory()) {
      root = sub;
      break;
    }
  }
  const names = new Set<string>();
  for (const l of LAYOUTS) {
    for (const m of [...l.train, ...l.test, "batches.meta.txt", "batches.meta", "meta", "fine_label_names.txt", "coarse_label_names.txt"]) {
      if (existsSync(join(root, m))) names.add(m);
    }
  }
  return loadFromMembers({ where: root, names, get: (n) => readFileSync(join(root, n)), label: (n) => join(root, n) }, opts);
}
