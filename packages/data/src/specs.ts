import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { cached } from "./cache";
import { readCifarArchive, readCifarBinaryFile, readCifarDirectory, type CifarKind, type CifarSplit, type LabelMode } from "./cifar";
import { subset, type Dataset } from "./dataset";
import { downloadFile } from "./download";
import { DataError } from "./errors";
import { loadImageFolder } from "./imagefolder";
import { md5Hex } from "./md5";
import { resolveCacheDir, resolveDataDir, resolveDownloadDir } from "./paths";
import { loadTinyImageNet } from "./tinyimagenet";

/** md5s of the offline files in the shared data folder (data README, file table). */
export const SHARED_FILE_MD5: Readonly<Record<string, string>> = {
  "cifar10/test.bin": "371f65da31ad652f5e24b3699a3e6515",
  "cifar10/test-jpeg.bin": "14d86923751a9a0acae6bc1707f94fb7",
  "cifar10/train-balanced.bin": "bc55c85d266368795840333145b61700",
  "cifar10/train-balanced.index.txt": "5fd55e1df9718081282e5b05ed54c103",
  "cifar10/batches.meta.txt": "40a0b180e208fe03a63ecc891b2555ad",
  "cifar100/fine_label_names.txt": "b517b835c830bc54413daa4cf904aad9",
  "cifar100/coarse_label_names.txt": "50d7751bb0bc2085059b59e23eb6f789",
  /** md5 of the concatenation of the 120 PNGs in sorted path order. */
  "imagefolder/cifar10-mini": "d01cfd324d833abf11cf5d0a16c25767",
  "imagefolder/cifar10-mini.tar": "aeda78ee4f9444c6184cc53218bf64b2",
};

/** The official archives, their published md5s and the folder they extract to. */
export const CIFAR_ARCHIVES: Readonly<Record<CifarKind, readonly { file: string; md5: string; folder: string }[]>> = {
  cifar10: [
    { file: "cifar-10-binary.tar.gz", md5: "c32a1d4ab5d03f1284b67883e8d87530", folder: "cifar-10-batches-bin" },
    { file: "cifar-10-python.tar.gz", md5: "c58f30108f718f92721af3b95e74349a", folder: "cifar-10-batches-py" },
  ],
  cifar100: [
    { file: "cifar-100-binary.tar.gz", md5: "03b5dce01913d631647c71ecec9e9cb8", folder: "cifar-100-binary" },
    { file: "cifar-100-python.tar.gz", md5: "eb9058c3a382ffc7106e4002c42a8d85", folder: "cifar-100-python" },
  ],
};

/** Where the official archives are served. */
export const CIFAR_BASE_URL = "https://www.cs.toronto.edu/~kriz/";

/** One documented dataset spec (the README's table is this list). */
export interface DatasetSpecInfo {
  spec: string;
  source: string;
  records: string;
  pixels: string;
}

/** Every dataset spec `loadDataset` understands. */
export const DATASET_SPECS: readonly DatasetSpecInfo[] = [
  { spec: "cifar10-exact-test", source: "cifar10/test.bin", records: "1000 (official test 0-999)", pixels: "bit-exact" },
  { spec: "cifar10-jpeg-test", source: "cifar10/test-jpeg.bin (alias cifar10-jpeg)", records: "2000 (official test 0-1999)", pixels: "lossy (JPEG q75)" },
  { spec: "cifar10-train-balanced", source: "cifar10/train-balanced.bin + .index.txt", records: "5000 (500 per class)", pixels: "0-3999 bit-exact, 4000-4999 lossy (`exact` flags)" },
  { spec: "cifar10-train-exact", source: "cifar10/train-balanced.bin records 0-3999", records: "4000 (official train 0-3999)", pixels: "bit-exact" },
  { spec: "cifar10-mini", source: "imagefolder/cifar10-mini/ (PNG ImageFolder)", records: "120 (12 per class)", pixels: "bit-exact" },
  { spec: "cifar10-mini-tar", source: "imagefolder/cifar10-mini.tar", records: "120", pixels: "bit-exact" },
  { spec: "cifar10:train | cifar10:test", source: "cifar-10-binary.tar.gz, cifar-10-python.tar.gz or the extracted folders", records: "50000 | 10000", pixels: "bit-exact (official)" },
  { spec: "cifar100:train | cifar100:test [:coarse]", source: "cifar-100-binary.tar.gz, cifar-100-python.tar.gz or the extracted folders", records: "50000 | 10000, fine (100) or coarse (20) labels", pixels: "bit-exact (official)" },
  { spec: "imagefolder:<path>", source: "<path>: folder or .tar(.gz) of <class>/<image>.png|jpg", records: "all images", pixels: "as decoded" },
  { spec: "tiny-imagenet[-K][-val][:<path>]", source: "<path> (default <dataDir>/tiny-imagenet-200): train/<wnid>/images/*.JPEG, val/", records: "first K wnids (e.g. tiny-imagenet-100), area-resized to 32x32", pixels: "JPEG, resized" },
];

export interface LoadDatasetOptions {
  /** Data folder (flag `--data-dir`); default `EBJDAT_DATA`, `<repo>/../shared/data`, `~/.cache/ebjdat/data`. */
  dataDir?: string;
  /** Decoded-tensor cache folder; default `EBJDAT_CACHE`, `<repo>/.cache/ebjdat`, `~/.cache/ebjdat`. */
  cacheDir?: string;
  /** Use the decoded-tensor cache (default true). */
  cache?: boolean;
  /** Download missing official archives (default false). */
  download?: boolean;
  /** Where downloads go (default `~/.cache/ebjdat/data`); also searched for archives. */
  downloadDir?: string;
  /** Base URL of the official archives (default `CIFAR_BASE_URL`). */
  baseUrl?: string;
  /** Verify md5s of shared files and official archives (default true). */
  verify?: boolean;
  /** CIFAR-100 label mode when the spec does not say (default fine). */
  labelMode?: LabelMode;
  /** Tiny-ImageNet output size (default 32). */
  size?: number;
  /** Download progress. */
  onProgress?: (received: number, total: number | undefined) => void;
}

function knownSpecsMessage(): string {
  return DATASET_SPECS.map((s) => s.spec).join(", ");
}

function sharedFile(dataDir: string, rel: string): string {
  const p = join(dataDir, rel);
  if (!existsSync(p)) throw new DataError(p, `missing file (expected the offline CIFAR data, see the data README; set the data folder with dataDir / --data-dir or EBJDAT_DATA)`);
  return p;
}

function verifyTreeMd5(dir: string, expected: string): void {
  const parts: Buffer[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) parts.push(readFileSync(p));
    }
  };
  walk(dir);
  const got = md5Hex(Buffer.concat(parts));
  if (got !== expected) throw new DataError(dir, `checksum mismatch: the files in sorted path order have md5 ${got}, expected ${expected}`);
}

function verifyFileMd5(path: string, expected: string): void {
  const got = md5Hex(readFileSync(path));
  if (got !== expected) throw new DataError(path, `checksum mismatch: expected md5 ${expected}, got ${got} (corrupt or modified file)`);
}

/** Reads `train-balanced.index.txt`: per record the official index, label and exact flag. */
function readBalancedIndex(path: string, ds: Dataset): Uint8Array {
  const lines = readFileSync(path, "utf8").split(/\r?\n/).filter((l) => l.trim() !== "" && !l.startsWith("#"));
  if (lines.length !== ds.n) throw new DataError(path, `has ${lines.length} records, expected ${ds.n} (one line per record of train-balanced.bin)`);
  const exact = new Uint8Array(ds.n);
  lines.forEach((l, i) => {
    const [rec, , label, ex] = l.trim().split(/\s+/).map(Number);
    if (rec !== i || label !== ds.labels[i] || (ex !== 0 && ex !== 1)) throw new DataError(path, `line for record ${i} is "${l}", expected "<record> <official index> <label ${ds.labels[i]}> <0|1>"`);
    exact[i] = ex;
  });
  return exact;
}

function resolveUserPath(p: string, dataDir: string): string {
  if (isAbsolute(p)) return p;
  const cwdPath = resolve(p);
  if (existsSync(cwdPath)) return cwdPath;
  const inData = join(dataDir, p);
  return existsSync(inData) ? inData : cwdPath;
}

function renamed(ds: Dataset, name: string, spec: string): Dataset {
  ds.name = name;
  ds.spec = spec;
  return ds;
}

async function loadOfficial(kind: CifarKind, split: CifarSplit, labelMode: LabelMode, spec: string, o: LoadDatasetOptions, dataDir: string, cacheDir: string | undefined): Promise<Dataset> {
  const downloadDir = resolveDownloadDir(o.downloadDir);
  const dirs = [...new Set([dataDir, join(dataDir, kind), downloadDir])];
  const verify = o.verify !== false;
  const expectN = split === "train" ? 50000 : 10000;
  const name = `${kind}:${split}${kind === "cifar100" && labelMode === "coarse" ? ":coarse" : ""}`;
  const finish = (ds: Dataset): Dataset => {
    if (ds.n !== expectN) throw new DataError(ds.source, `${name} has ${ds.n} records, expected ${expectN} (incomplete or not the official data)`);
    ds.exact = new Uint8Array(ds.n).fill(1);
    return renamed(ds, name, spec);
  };
  for (const d of dirs) {
    for (const a of CIFAR_ARCHIVES[kind]) {
      const folder = join(d, a.folder);
      if (existsSync(folder) && statSync(folder).isDirectory()) {
        return cached(cacheDir, name, folder, {}, () => finish(readCifarDirectory(folder, { split, kind, labelMode, verifyMembers: verify })));
      }
      const file = join(d, a.file);
      if (existsSync(file)) {
        return cached(cacheDir, name, file, {}, () => finish(readCifarArchive(file, { split, kind, labelMode, ...(verify ? { md5: a.md5 } : {}) })));
      }
    }
  }
  const main = CIFAR_ARCHIVES[kind][0]!;
  const url = (o.baseUrl ?? CIFAR_BASE_URL).replace(/\/?$/, "/") + main.file;
  if (!o.download) {
    throw new DataError(
      main.file,
      `${name} needs the official archive, not found in ${dirs.join(", ")} (looked for ${CIFAR_ARCHIVES[kind].flatMap((a) => [a.file, a.folder + "/"]).join(", ")}). ` +
        `Download ${url} (md5 ${main.md5}) into ${dataDir}, or pass download: true (CLI --download) to fetch it into ${downloadDir}.`,
    );
  }
  const dest = join(downloadDir, main.file);
  await downloadFile(url, dest, { md5: main.md5, ...(o.onProgress ? { onProgress: o.onProgress } : {}) });
  return cached(cacheDir, name, dest, {}, () => finish(readCifarArchive(dest, { split, kind, labelMode })));
}

/**
 * Loads a dataset by spec (see `DATASET_SPECS` and the README table) from the data folder
 * (`dataDir`, `EBJDAT_DATA`, `<repo>/../shared/data`, `~/.cache/ebjdat/data`). Shared files are
 * md5-checked against the data README; official archives against their published md5s; decoded
 * image sources go through the decoded-tensor cache. Unknown specs are an error listing the
 * known ones; missing files an error naming the file and where to put it.
 */
export async function loadDataset(spec: string, opts: LoadDatasetOptions = {}): Promise<Dataset> {
  const dataDir = resolveDataDir(opts.dataDir);
  const cacheDir = opts.cache === false ? undefined : resolveCacheDir(opts.cacheDir);
  const verify = opts.verify !== false;
  const bin = (rel: string, records: number, name: string): Dataset => {
    const p = sharedFile(dataDir, rel);
    return readCifarBinaryFile(p, { name, spec, expectedRecords: records, ...(verify ? { md5: SHARED_FILE_MD5[rel]! } : {}) });
  };
  switch (spec) {
    case "cifar10-exact-test": {
      const ds = bin("cifar10/test.bin", 1000, spec);
      ds.exact = new Uint8Array(ds.n).fill(1);
      return ds;
    }
    case "cifar10-jpeg":
    case "cifar10-jpeg-test": {
      const ds = bin("cifar10/test-jpeg.bin", 2000, "cifar10-jpeg-test");
      ds.exact = new Uint8Array(ds.n);
      return ds;
    }
    case "cifar10-train-balanced":
    case "cifar10-train-exact": {
      const ds = bin("cifar10/train-balanced.bin", 5000, "cifar10-train-balanced");
      const idx = sharedFile(dataDir, "cifar10/train-balanced.index.txt");
      if (verify) verifyFileMd5(idx, SHARED_FILE_MD5["cifar10/train-balanced.index.txt"]!);
      ds.exact = readBalancedIndex(idx, ds);
      if (spec === "cifar10-train-balanced") return ds;
      const keep = Array.from({ length: 4000 }, (_, i) => i);
      if (!keep.every((i) => ds.exact![i] === 1)) throw new DataError(idx, "records 0-3999 are expected to be bit-exact");
      return subset(ds, keep, spec);
    }
    case "cifar10-mini":
    case "cifar10-mini-tar": {
      const rel = spec === "cifar10-mini" ? "imagefolder/cifar10-mini" : "imagefolder/cifar10-mini.tar";
      const p = sharedFile(dataDir, rel);
      return cached(cacheDir, spec, p, {}, () => {
        if (verify) (spec === "cifar10-mini" ? verifyTreeMd5 : verifyFileMd5)(p, SHARED_FILE_MD5[rel]!);
        const ds = loadImageFolder(p, { name: spec, spec });
        if (ds.n !== 120 || ds.height !== 32 || ds.width !== 32) throw new DataError(p, `expected 120 images of 32x32, found ${ds.n} of ${ds.width}x${ds.height}`);
        ds.exact = new Uint8Array(ds.n).fill(1);
        return ds;
      });
    }
  }
  const official = /^(cifar10|cifar100):(train|test)(?::(fine|coarse))?$/.exec(spec);
  if (official) {
    const kind = official[1] as CifarKind;
    if (kind === "cifar10" && official[3]) throw new DataError(spec, "CIFAR-10 has one label set; :fine/:coarse apply to cifar100 only");
    const labelMode = (official[3] as LabelMode | undefined) ?? opts.labelMode ?? "fine";
    return loadOfficial(kind, official[2] as CifarSplit, labelMode, spec, opts, dataDir, cacheDir);
  }
  if (spec.startsWith("imagefolder:")) {
    const raw = spec.slice("imagefolder:".length);
    if (!raw) throw new DataError(spec, "expected imagefolder:<path to a folder or .tar>");
    const p = resolveUserPath(raw, dataDir);
    if (!existsSync(p)) throw new DataError(p, `not found (spec ${spec}; relative paths are tried against the working folder, then ${dataDir})`);
    return cached(cacheDir, spec, p, {}, () => loadImageFolder(p, { spec }));
  }
  const tiny = /^tiny-imagenet(?:-(\d+))?(-val)?(?::(.+))?$/.exec(spec);
  if (tiny) {
    const numClasses = tiny[1] ? parseInt(tiny[1], 10) : undefined;
    const split = tiny[2] ? "val" : "train";
    const p = resolveUserPath(tiny[3] ?? "tiny-imagenet-200", dataDir);
    if (!existsSync(p)) {
      throw new DataError(p, `not found (spec ${spec}): download http://cs231n.stanford.edu/tiny-imagenet-200.zip, extract it into ${dataDir} or give the path as ${spec.split(":")[0]}:<path>`);
    }
    const size = opts.size ?? 32;
    return cached(cacheDir, spec, p, { size, split, numClasses: numClasses ?? null }, () =>
      loadTinyImageNet(p, { split, size, spec, ...(numClasses !== undefined ? { numClasses } : {}) }),
    );
  }
  throw new DataError(spec, `unknown dataset spec; known specs: ${knownSpecsMessage()}`);
}

/** One line per spec that can be loaded from `dataDir` right now (for `ebjdat info`). */
export interface AvailableDataset {
  spec: string;
  path: string;
  bytes: number;
}

/** Lists the specs whose files are present in the data folder (and the download folder). */
export function listAvailableDatasets(opts: Pick<LoadDatasetOptions, "dataDir" | "downloadDir"> = {}): AvailableDataset[] {
  const dataDir = resolveDataDir(opts.dataDir);
  const out: AvailableDataset[] = [];
  const size = (p: string): number => {
    const st = statSync(p);
    if (!st.isDirectory()) return st.size;
    return readdirSync(p, { withFileTypes: true }).reduce((a, e) => a + size(join(p, e.name)), 0);
  };
  const add = (spec: string, p: string) => {
    if (existsSync(p)) out.push({ spec, path: p, bytes: size(p) });
  };
  add("cifar10-exact-test", join(dataDir, "cifar10/test.bin"));
  add("cifar10-jpeg-test", join(dataDir, "cifar10/test-jpeg.bin"));
  add("cifar10-train-balanced", join(dataDir, "cifar10/train-balanced.bin"));
  add("cifar10-mini", join(dataDir, "imagefolder/cifar10-mini"));
  add("cifar10-mini-tar", join(dataDir, "imagefolder/cifar10-mini.tar"));
  const dirs = [...new Set([dataDir, resolveDownloadDir(opts.downloadDir)])];
  for (const kind of ["cifar10", "cifar100"] as const) {
    let found: string | undefined;
    for (const d of dirs) for (const a of CIFAR_ARCHIVES[kind]) for (const p of [join(d, a.folder), join(d, a.file), join(d, kind, a.folder), join(d, kind, a.file)]) if (!found && existsSync(p)) found = p;
    if (found) out.push({ spec: `${kind}:train|test`, path: found, bytes: size(found) });
  }
  add("tiny-imagenet", join(dataDir, "tiny-imagenet-200"));
  return out;
}

