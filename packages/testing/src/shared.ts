import { existsSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/** Walks up from `start` to the folder holding `pnpm-workspace.yaml` (the repository root). */
export function findRepoRoot(start: string = process.cwd()): string | undefined {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, "pnpm-workspace.yaml"))) return dir;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/**
 * The shared reference folder (data, spec, vectors): `$EBJDAT_SHARED` when set, otherwise
 * `<repo root>/../shared`, the repo root being the nearest folder above `process.cwd()` that holds
 * `pnpm-workspace.yaml`.
 *
 * @throws when the folder does not exist; the message says where it looked and how to set
 *   `EBJDAT_SHARED`.
 */
export function sharedDir(): string {
  const env = process.env.EBJDAT_SHARED;
  if (env) {
    const dir = resolve(env);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw new Error(`sharedDir: EBJDAT_SHARED=${env} is not a folder; point it at the shared reference folder (holding data/, spec/, vectors/)`);
    }
    return dir;
  }
  const root = findRepoRoot();
  if (!root) {
    throw new Error(
      `sharedDir: no pnpm-workspace.yaml found above ${process.cwd()}, so ../shared beside the repository cannot be located; set EBJDAT_SHARED=/path/to/shared`
    );
  }
  const dir = resolve(root, "..", "shared");
  if (!existsSync(dir)) {
    throw new Error(
      `sharedDir: the shared reference folder was not found at ${dir} (../shared beside the repository root ${root}); set EBJDAT_SHARED=/path/to/shared`
    );
  }
  return dir;
}

/** `join(sharedDir(), ...parts)`, e.g. `sharedPath("vectors", "models", "input_batch.safetensors")`. */
export function sharedPath(...parts: string[]): string {
  return join(sharedDir(), ...parts);
}
