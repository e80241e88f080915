import { mkdirSync, renameSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import { tempPathFor, writeFileAtomic } from "@ebjdat/formats";

export { tempPathFor, writeFileAtomic };

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
