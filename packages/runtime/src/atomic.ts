import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { tempPathFor, writeFileAtomic } from "@ebjdat/formats";

export { tempPathFor, writeFileAtomic };

/** `writeFileAtomic` for JSON (2-space indent, trailing newline). */
export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, JSON.stringify(value, null, 2) + "\n");
}

/** A JSON file that is missing, not JSON, or not of the expected shape; the message names the file and what was expected. */
export class JsonFileError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = "JsonFileError";
  }
}

/** `s` with control characters and undecodable bytes as `?`: the parser quotes a damaged file's bytes, which would garble a terminal. */
function printable(s: string): string {
  return Array.from(s, (c) => {
    const code = c.codePointAt(0)!;
    return code < 0x20 || (code >= 0x7f && code < 0xa0) || code === 0xfffd ? "?" : c;
  }).join("");
}

/**
 * Reads and parses the JSON file `path`. A missing file, invalid JSON or a value that `check`
 * rejects (it returns what is wrong) throws a `JsonFileError` naming the file and `expected`
 * (e.g. `a training config object`), never a bare parser message.
 */
export function readJsonFile<T>(path: string, expected: string, check?: (value: unknown) => string | undefined): T {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new JsonFileError(path, code === "ENOENT" ? `'${path}' does not exist; expected ${expected}.` : `cannot read '${path}' (${(e as Error).message}); expected ${expected}.`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const what = text.trim() === "" ? "is empty" : `is not valid JSON (${printable((e as Error).message)})`;
    throw new JsonFileError(path, `'${path}' ${what}; expected ${expected}.`);
  }
  const problem = check?.(value);
  if (problem !== undefined) throw new JsonFileError(path, `'${path}': ${problem}; expected ${expected}.`);
  return value as T;
}

function swapInDir(tmp: string, dir: string): void {
  const old = tempPathFor(dir) + ".old";
  let moved = false;
  try {
    renameSync(dir, old);
    moved = true;
  } catch {
    // no previous directory
  }
  renameSync(tmp, dir);
  if (moved) rmSync(old, { recursive: true, force: true });
}

/**
 * Replaces directory `dir` atomically with the contents produced by `fill(tmpDir)`: the
 * content is written into a temporary sibling directory, then swapped in by renames, so a
 * reader sees either the old directory or the complete new one. Between the two renames `dir`
 * is briefly absent (the old copy is beside it); state that must exist at every instant, such
 * as checkpoints, uses {@link writeVersionedDirAsync}.
 */
export function writeDirAtomic(dir: string, fill: (tmpDir: string) => void): void {
  mkdirSync(dirname(dir), { recursive: true });
  const tmp = tempPathFor(dir);
  mkdirSync(tmp, { recursive: true });
  try {
    fill(tmp);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  swapInDir(tmp, dir);
}

/** A temporary folder beside `path` filled by `fill` (removed again when `fill` throws). */
async function filledTemp(path: string, fill: (tmpDir: string) => Promise<void>): Promise<string> {
  const tmp = tempPathFor(path);
  mkdirSync(tmp, { recursive: true });
  try {
    await fill(tmp);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  return tmp;
}

/** `writeDirAtomic` with an asynchronous `fill`. */
export async function writeDirAtomicAsync(dir: string, fill: (tmpDir: string) => Promise<void>): Promise<void> {
  mkdirSync(dirname(dir), { recursive: true });
  swapInDir(await filledTemp(dir, fill), dir);
}

/** The pointer file of a versioned directory: the name of the current version, written last. */
export const LATEST_FILE = "latest";
/** Where a version kept from a pre-versioned (plain directory) layout goes. */
const LEGACY_VERSION = "legacy";

/** The versions folder of the versioned directory `path` (`<path>.versions`). */
export function versionsFolder(path: string): string {
  return `${path}.versions`;
}

function readPointer(store: string): string | undefined {
  try {
    const name = readFileSync(join(store, LATEST_FILE), "utf8").trim();
    return name && !name.includes("/") && !name.includes("\\") && !name.startsWith(".") ? name : undefined;
  } catch {
    return undefined;
  }
}

function isRealDir(path: string): boolean {
  try {
    const s = lstatSync(path);
    return s.isDirectory() && !s.isSymbolicLink();
  } catch {
    return false;
  }
}

/** Points the convenience link `path` at `target` (atomically: a new link renamed over the old). Best effort: the pointer file is what readers trust. */
function relink(path: string, target: string): void {
  const tmp = tempPathFor(path);
  try {
    symlinkSync(relative(dirname(path), target), tmp, "junction");
    renameSync(tmp, path);
  } catch {
    rmSync(tmp, { force: true });
    try {
      if (!isRealDir(path)) {
        rmSync(path, { force: true });
        symlinkSync(relative(dirname(path), target), path, "junction");
      }
    } catch {
      // no links on this file system: readers follow the pointer file
    }
  }
}

/**
 * Publishes a new version of the directory `path` so that a complete version is on disk at
 * every instant, whatever moment the process is killed: `fill(tmp)` writes into a temporary
 * folder inside `<path>.versions/`, which is renamed to `<path>.versions/<version>` (a fresh
 * name); then the pointer file `<path>.versions/latest` is replaced atomically (the commit
 * point); then `path` becomes a symbolic link to the new version (for tools that open `path`
 * directly); last, versions other than the new and the previous one, and leftovers of killed
 * writers, are removed. A plain directory at `path` (the layout before versions) is moved into
 * the versions folder as `legacy` once the pointer names the new version. Returns the new
 * version's folder. One writer at a time (see `acquireLock`).
 */
export async function writeVersionedDirAsync(path: string, version: string, fill: (tmpDir: string) => Promise<void>): Promise<string> {
  if (!version || version.includes("/") || version.includes("\\") || version.startsWith(".") || version === LATEST_FILE) throw new Error(`writeVersionedDirAsync: bad version name '${version}'`);
  const store = versionsFolder(path);
  mkdirSync(store, { recursive: true });
  const current = readPointer(store);
  let name = version;
  for (let i = 1; name === current; i++) name = `${version}.${i}`;
  const target = join(store, name);
  rmSync(target, { recursive: true, force: true }); // a leftover of a killed writer, never the current version
  renameSync(await filledTemp(target, fill), target);
  writeFileAtomic(join(store, LATEST_FILE), name + "\n");
  let previous = current;
  if (isRealDir(path)) {
    rmSync(join(store, LEGACY_VERSION), { recursive: true, force: true });
    renameSync(path, join(store, LEGACY_VERSION));
    previous ??= LEGACY_VERSION;
  }
  relink(path, target);
  for (const entry of readdirSync(store)) {
    if (entry === LATEST_FILE || entry === name || entry === previous) continue;
    rmSync(join(store, entry), { recursive: true, force: true });
  }
  return target;
}

/**
 * The folders of the versioned directory `path` that may hold a complete version, best first:
 * the one the pointer names, the other kept versions (newest name first), then `path` itself
 * for a plain directory of the layout before versions. Empty when there is none.
 */
export function versionCandidates(path: string): string[] {
  const store = versionsFolder(path);
  const out: string[] = [];
  const current = readPointer(store);
  if (current && existsSync(join(store, current))) out.push(join(store, current));
  if (existsSync(store)) {
    const others = readdirSync(store)
      .filter((e) => e !== LATEST_FILE && e !== current && !e.startsWith("."))
      .sort()
      .reverse();
    for (const e of others) out.push(join(store, e));
  }
  if (isRealDir(path) || (out.length === 0 && existsSync(path))) out.push(path);
  return out;
}

/** The current version of the versioned directory `path` (see {@link writeVersionedDirAsync}), or undefined. */
export function resolveVersionedDir(path: string): string | undefined {
  return versionCandidates(path)[0];
}


