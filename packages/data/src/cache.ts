import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { writeFileAtomic } from "@ebjdat/runtime";
import { checkDataset, type Dataset } from "./dataset";

/** Bump when the decoding of any source changes, so old cache entries are not reused. */
export const CACHE_VERSION = 1;

/** The JSON header beside a cached dataset: the dataset's metadata plus the cache bookkeeping. */
type CacheHeader = Pick<Dataset, "name" | "spec" | "source" | "n" | "height" | "width" | "channels" | "numClasses" | "classNames" | "files"> & {
  format: "ebjdat-dataset-cache";
  version: number;
  key: string;
  hasExact: boolean;
  bytes: number;
};

/**
 * A fingerprint of a source: for a file its size and mtime; for a folder the sorted list of
 * every file's relative path, size and mtime (hashed), skipping `exclude` (a cache folder
 * that lives inside the source). Changing any input changes it.
 */
export function sourceFingerprint(path: string, exclude?: string): string {
  const st = statSync(path);
  if (!st.isDirectory()) return `file:${st.size}:${Math.round(st.mtimeMs)}`;
  const h = createHash("sha256");
  const walk = (dir: string): void => {
    const ents = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of ents) {
      const p = join(dir, e.name);
      if (exclude !== undefined && resolve(p) === exclude) continue;
      if (e.isDirectory()) {
        h.update(`${relative(path, p)}/\n`);
        walk(p);
      }
      else if (e.isFile()) {
        const s = statSync(p);
        h.update(`${relative(path, p)}\0${s.size}\0${Math.round(s.mtimeMs)}\n`);
      }
    }
  };
  walk(path);
  return `dir:${h.digest("hex")}`;
}

/** The cache key of a dataset: sha256 over the cache version, the spec, options and source fingerprint. */
export function cacheKey(spec: string, source: string, extra: Record<string, unknown> = {}, exclude?: string): string {
  const h = createHash("sha256");
  h.update(JSON.stringify({ v: CACHE_VERSION, spec, source, fp: sourceFingerprint(source, exclude), extra }));
  const safe = spec.replace(/[^A-Za-z0-9._-]+/g, "_").slice(0, 48);
  return `${safe}-${h.digest("hex").slice(0, 24)}`;
}

/**
 * Reads a cached dataset `<dir>/<key>.json` + `<dir>/<key>.u8` (images, then int32 labels,
 * then the exact flags). Returns undefined when absent or inconsistent (it is then rebuilt).
 */
export function readCache(dir: string, key: string): Dataset | undefined {
  const hp = join(dir, `${key}.json`);
  const bp = join(dir, `${key}.u8`);
  if (!existsSync(hp) || !existsSync(bp)) return undefined;
  let h: CacheHeader;
  try {
    h = JSON.parse(readFileSync(hp, "utf8")) as CacheHeader;
  } catch {
    return undefined;
  }
  if (h.format !== "ebjdat-dataset-cache" || h.version !== CACHE_VERSION || h.key !== key) return undefined;
  const imgBytes = h.n * h.height * h.width * h.channels;
  const total = imgBytes + 4 * h.n + (h.hasExact ? h.n : 0);
  if (h.bytes !== total || statSync(bp).size !== total) return undefined;
  const buf = readFileSync(bp);
  const images = new Uint8Array(buf.buffer, buf.byteOffset, imgBytes);
  const labels = new Int32Array(Uint8Array.prototype.slice.call(buf, imgBytes, imgBytes + 4 * h.n).buffer);
  const ds: Dataset = {
    name: h.name,
    spec: h.spec,
    images,
    labels,
    n: h.n,
    height: h.height,
    width: h.width,
    channels: h.channels,
    numClasses: h.numClasses,
    classNames: h.classNames,
    source: h.source,
    cache: { hit: true, path: bp },
  };
  if (h.hasExact) ds.exact = new Uint8Array(buf.buffer, buf.byteOffset + imgBytes + 4 * h.n, h.n);
  if (h.files) ds.files = h.files;
  try {
    return checkDataset(ds);
  } catch {
    return undefined;
  }
}

/** Writes `ds` to the cache atomically (data file first, header last; both via temp + rename). */
export function writeCache(dir: string, key: string, ds: Dataset): string {
  const bp = join(dir, `${key}.u8`);
  const lab = new Uint8Array(ds.labels.buffer, ds.labels.byteOffset, ds.labels.byteLength);
  const parts = [ds.images, lab, ...(ds.exact ? [ds.exact] : [])];
  const out = Buffer.concat(parts);
  const total = out.length;
  writeFileAtomic(bp, out);
  const h: CacheHeader = {
    format: "ebjdat-dataset-cache",
    version: CACHE_VERSION,
    key,
    name: ds.name,
    spec: ds.spec,
    source: ds.source,
    n: ds.n,
    height: ds.height,
    width: ds.width,
    channels: ds.channels,
    numClasses: ds.numClasses,
    classNames: ds.classNames,
    hasExact: ds.exact !== undefined,
    ...(ds.files ? { files: ds.files } : {}),
    bytes: total,
  };
  writeFileAtomic(join(dir, `${key}.json`), JSON.stringify(h));
  return bp;
}

/**
 * Returns the cached dataset for (`spec`, `source`, `extra`) when present, else runs `build`,
 * stores its result and returns it. `dir` undefined disables the cache.
 */
export function cached(dir: string | undefined, spec: string, source: string, extra: Record<string, unknown>, build: () => Dataset): Dataset {
  if (!dir) return build();
  const key = cacheKey(spec, source, extra, resolve(dir));
  const hit = readCache(dir, key);
  if (hit) return hit;
  const ds = build();
  const path = writeCache(dir, key, ds);
  ds.cache = { hit: false, path };
  return ds;
}
