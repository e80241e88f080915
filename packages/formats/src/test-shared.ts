// Test-only helper (not exported). @ebjdat/testing depends on this package, so this package's
// tests cannot import it without a dependency cycle; this mirrors its sharedDir() rule:
// $EBJDAT_SHARED, else <folder holding pnpm-workspace.yaml>/../shared.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The shared reference folder, resolved as @ebjdat/testing's `sharedDir()` does. */
export function sharedDir(): string {
  if (process.env.EBJDAT_SHARED) return resolve(process.env.EBJDAT_SHARED);
  let dir = process.cwd();
  while (!existsSync(join(dir, "pnpm-workspace.yaml"))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no pnpm-workspace.yaml above ${process.cwd()}; set EBJDAT_SHARED=/path/to/shared`);
    dir = up;
  }
  const shared = resolve(dir, "..", "shared");
  if (!existsSync(shared)) throw new Error(`shared folder not found at ${shared}; set EBJDAT_SHARED=/path/to/shared`);
  return shared;
}

/** `join(sharedDir(), ...parts)`. */
export function sharedPath(...parts: string[]): string {
  return join(sharedDir(), ...parts);
}

/** A file of this package's test-fixtures/ folder (written by scripts/make-fixtures.py). */
export function fixturePath(name: string): string {
  return join(dirname(fileURLToPath(import.meta.url)), "..", "test-fixtures", name);
}

let packed: Record<string, string> | undefined;

/** The bytes of a binary fixture, stored base64 in test-fixtures/pickles.json (no binaries in git). */
export function fixtureBytes(name: string): Uint8Array {
  packed ??= JSON.parse(readFileSync(fixturePath("pickles.json"), "utf8")) as Record<string, string>;
  const b64 = packed[name];
  if (b64 === undefined) throw new Error(`no fixture '${name}' in test-fixtures/pickles.json`);
  return new Uint8Array(Buffer.from(b64, "base64"));
}
