// Helpers for this package's tests only (not exported from the index).
import { sharedPath } from "@ebjdat/testing";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A path under the shared offline data folder (`sharedDir()/data/...` of `@ebjdat/testing`). */
export function sharedData(...parts: string[]): string {
  return sharedPath("data", ...parts);
}

/** A fresh temporary folder and its cleanup. */
export function tempDir(prefix = "ebjdat-data-"): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
