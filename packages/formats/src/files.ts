import { mkdirSync, readFileSync, renameSync, writeFileSync, rmSync } from "node:fs";
import { dirname, basename, join } from "node:path";
import { readSafetensors, writeSafetensors } from "./safetensors.js";
import { readTorch } from "./torch.js";
import type { RawTensor, Safetensors, TorchValue } from "./types.js";

function readFile(path: string, what: string): Uint8Array {
  try {
    const buf = readFileSync(path);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (e) {
    throw new Error(`${what}: cannot read ${path} (${(e as Error).message})`);
  }
}

/** Reads a safetensors file from disk; see {@link readSafetensors}. */
export function loadSafetensorsFile(path: string): Safetensors {
  return readSafetensors(readFile(path, "loadSafetensorsFile"), path);
}

/** Reads a `torch.save` file (zip or legacy) from disk; see {@link readTorch}. */
export function loadTorchFile(path: string): TorchValue {
  return readTorch(readFile(path, "loadTorchFile"), path);
}

let tempCounter = 0;

/** A unique temporary path beside `path` (same folder, so the final rename is atomic). */
export function tempPathFor(path: string): string {
  tempCounter += 1;
  return join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.${tempCounter}.tmp`);
}

/**
 * Writes `data` to `path` atomically: to a temporary name in the same folder (created if
 * missing), then renamed, so that a reader never sees a half-written file. This is the one
 * atomic writer of the project; `@ebjdat/runtime` re-exports it.
 */
export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = tempPathFor(path);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new Error(`writeFileAtomic: cannot write ${path} (${(e as Error).message})`);
  }
}

/** Writes tensors to a safetensors file atomically; see {@link writeSafetensors}. */
export function saveSafetensorsFile(path: string, tensors: Map<string, RawTensor> | Record<string, RawTensor>, metadata: Record<string, string> = {}): void {
  writeFileAtomic(path, writeSafetensors(tensors, metadata));
}
