import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { readTorch, torchStateDict, writeFileAtomic, type RawTensor } from "@ebjdat/formats";

/** File name of the official FID Inception weights (pytorch-fid); 6726825d = first 8 hex of its SHA-256. */
export const INCEPTION_WEIGHTS_FILE = "pt_inception-2015-12-05-6726825d.pth";
/** The first 8 hex digits of the official file's SHA-256. */
export const INCEPTION_WEIGHTS_SHA256_PREFIX = "6726825d";
/** pytorch-fid's release URL of the weights. */
export const INCEPTION_WEIGHTS_URL = "https://github.com/mseitzer/pytorch-fid/releases/download/fid_weights/pt_inception-2015-12-05-6726825d.pth";

/** Where to find (or put) the FID Inception weights. */
export interface InceptionWeightsOptions {
  /** A local `.pth` file (also `EBJDAT_INCEPTION_WEIGHTS`). Checked against the hash unless `checkHash: false`. */
  path?: string;
  /** Cache directory (default `EBJDAT_CACHE`, else `~/.cache/ebjdat`). */
  cacheDir?: string;
  /** Download into the cache when missing (default true; `EBJDAT_OFFLINE=1` turns it off). */
  download?: boolean;
  /** Download URL (default {@link INCEPTION_WEIGHTS_URL}). */
  url?: string;
  /** Verify the SHA-256 prefix (default true). Turn off only for your own, differently named files. */
  checkHash?: boolean;
  /** fetch implementation (default the global fetch); for tests and proxies. */
  fetch?: (url: string) => Promise<{ ok: boolean; status: number; statusText?: string; arrayBuffer(): Promise<ArrayBuffer> }>;
  /** Called with a one-line status ("downloading …"). */
  log?: (message: string) => void;
}

/** The cache directory: `EBJDAT_CACHE`, else `~/.cache/ebjdat`. */
export function cacheDir(): string {
  return process.env.EBJDAT_CACHE || join(homedir(), ".cache", "ebjdat");
}

/** Lower-case hex SHA-256 of bytes. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

function howToProvide(cachePath: string): string {
  return (
    `Provide them in one of these ways: pass a path (CLI \`--inception-weights <file>\`, API ` +
    `\`loadInceptionWeights({ path })\`), set EBJDAT_INCEPTION_WEIGHTS=<file>, or put ${INCEPTION_WEIGHTS_FILE} at ${cachePath} ` +
    `(cache directory from EBJDAT_CACHE, default ~/.cache/ebjdat). Get the file from ${INCEPTION_WEIGHTS_URL} ` +
    `(its SHA-256 starts with ${INCEPTION_WEIGHTS_SHA256_PREFIX}). Without the weights use FD-WRN (metric "fd-wrn"), which is not FID.`
  );
}

function checkHash(bytes: Uint8Array, where: string): void {
  const h = sha256Hex(bytes);
  if (!h.startsWith(INCEPTION_WEIGHTS_SHA256_PREFIX)) {
    throw new Error(
      `FID Inception weights at ${where} have the wrong hash: SHA-256 ${h.slice(0, 16)}…, expected it to start with ${INCEPTION_WEIGHTS_SHA256_PREFIX} ` +
        `(${INCEPTION_WEIGHTS_FILE}). The file is corrupt or a different model; delete it and download again from ${INCEPTION_WEIGHTS_URL}, ` +
        `or pass checkHash: false for a deliberately different file.`,
    );
  }
}

/**
 * Finds the official weights file and returns its bytes (spec 8.1): an explicit path (or
 * `EBJDAT_INCEPTION_WEIGHTS`), else `<cache>/pt_inception-2015-12-05-6726825d.pth`, else (when
 * downloads are allowed) downloads it from the pytorch-fid release to a temporary file in the cache,
 * checks that its SHA-256 starts with 6726825d and renames it into place. Offline, throws an error
 * saying how to provide the file.
 */
export async function fetchInceptionWeightsBytes(options: InceptionWeightsOptions = {}): Promise<{ bytes: Uint8Array; source: string }> {
  const verify = options.checkHash ?? true;
  const explicit = options.path ?? process.env.EBJDAT_INCEPTION_WEIGHTS;
  if (explicit) {
    if (!existsSync(explicit)) throw new Error(`FID Inception weights: no file at ${explicit}. ${howToProvide(join(options.cacheDir ?? cacheDir(), INCEPTION_WEIGHTS_FILE))}`);
    const bytes = new Uint8Array(readFileSync(explicit));
    if (verify) checkHash(bytes, explicit);
    return { bytes, source: explicit };
  }
  const dir = options.cacheDir ?? cacheDir();
  const target = join(dir, INCEPTION_WEIGHTS_FILE);
  if (existsSync(target)) {
    const bytes = new Uint8Array(readFileSync(target));
    if (verify) checkHash(bytes, target);
    return { bytes, source: target };
  }
  const allowDownload = options.download ?? process.env.EBJDAT_OFFLINE !== "1";
  if (!allowDownload) throw new Error(`FID Inception weights are missing: ${target} does not exist and downloads are off. ${howToProvide(target)}`);
  const url = options.url ?? INCEPTION_WEIGHTS_URL;
  const doFetch = options.fetch ?? (globalThis.fetch as unknown as InceptionWeightsOptions["fetch"]);
  if (!doFetch) throw new Error(`FID Inception weights are missing (${target}) and no fetch is available to download them. ${howToProvide(target)}`);
  options.log?.(`downloading ${url} → ${target}`);
  let bytes: Uint8Array;
  try {
    const res = await doFetch(url);
    if (!res.ok) throw new Error(`HTTP ${res.status} ${res.statusText ?? ""}`.trim());
    bytes = new Uint8Array(await res.arrayBuffer());
  } catch (e) {
    throw new Error(`FID Inception weights are missing: ${target} does not exist and the download from ${url} failed (${(e as Error).message}). ${howToProvide(target)}`);
  }
  if (verify) checkHash(bytes, url);
  writeFileAtomic(target, bytes);
  return { bytes, source: target };
}

/**
 * Loads the FID Inception state dict (PyTorch layout, keys as in pytorch-fid / torch-fidelity):
 * locates the file ({@link fetchInceptionWeightsBytes}) and parses it in TypeScript with
 * `@ebjdat/formats` (zip and legacy `torch.save`). A string argument is a path.
 */
export async function loadInceptionWeights(pathOrOptions?: string | InceptionWeightsOptions): Promise<Map<string, RawTensor>> {
  const options = typeof pathOrOptions === "string" ? { path: pathOrOptions } : pathOrOptions ?? {};
  const { bytes, source } = await fetchInceptionWeightsBytes(options);
  return readInceptionStateDict(bytes, source);
}

/** Parses `.pth` bytes (zip or legacy torch.save) into a state dict (spec 8.1). */
export function readInceptionStateDict(bytes: Uint8Array, source = "<bytes>"): Map<string, RawTensor> {
  try {
    return torchStateDict(readTorch(bytes, source));
  } catch (e) {
    throw new Error(`FID Inception weights: cannot parse ${source} as a PyTorch checkpoint: ${(e as Error).message}`);
  }
}
