import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, basename, join } from "node:path";

let counter = 0;

/** A temporary path beside `path` (same directory, so the final rename is atomic). */
export function tempPathFor(path: string): string {
  counter += 1;
  return join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.${counter}.tmp`);
}

/**
 * Writes a file atomically: the data goes to a temporary file beside `path`, which is then
 * renamed over `path`, so a reader never sees a half-written file.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = tempPathFor(path);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** `writeFileAtomic` for JSON (2-space indent, trailing newline). */
export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, JSON.stringify(value, null, 2) + "\n");
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
 * reader sees either the old directory or the complete new one.
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

/** `writeDirAtomic` with an asynchronous `fill`. */
export async function writeDirAtomicAsync(dir: string, fill: (tmpDir: string) => Promise<void>): Promise<void> {
  mkdirSync(dirname(dir), { recursive: true });
  const tmp = tempPathFor(dir);
  mkdirSync(tmp, { recursive: true });
  try {
    await fill(tmp);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  swapInDir(tmp, dir);
}
