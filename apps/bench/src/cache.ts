import { createHash } from "node:crypto";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { writeJsonAtomic } from "@ebjdat/runtime";

/** Canonical JSON: object keys sorted at every level, so equal settings give equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v && typeof v === "object" && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return v;
  });
}

/**
 * Content key of a job: sha256 of its canonical settings (model config, data, seed, evaluation
 * sizes) and the code version (the versions of the @ebjdat packages), first 12 hex digits.
 */
export function contentKey(settings: unknown, codeVersion: string): string {
  return createHash("sha256").update(canonicalJson({ settings, codeVersion })).digest("hex").slice(0, 12);
}

/** Where a job keeps its files: `<cacheRoot>/<kind>/<name>-<key>/`. */
export function jobDir(cacheRoot: string, kind: string, name: string, key: string): string {
  return join(cacheRoot, kind, `${name.replace(/[^A-Za-z0-9_.-]+/g, "_")}-${key}`);
}

/** The finished result of a job, or undefined when it has not finished. */
export function readDone<T>(dir: string): T | undefined {
  const f = join(dir, "done.json");
  if (!existsSync(f)) return undefined;
  try {
    return JSON.parse(readFileSync(f, "utf8")) as T;
  } catch {
    return undefined;
  }
}

/** Marks a job finished with its result (atomic: a crash never leaves a half-written result). */
export function writeDone(dir: string, result: unknown): void {
  writeJsonAtomic(join(dir, "done.json"), result);
}

/** Forgets a job (`--force`). */
export function clearJob(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** A cached part of a job (each evaluation stage is one part, so an interrupted evaluation resumes). */
export async function cachedPart<T>(dir: string, part: string, compute: () => Promise<T>): Promise<T> {
  const f = join(dir, "parts", `${part}.json`);
  if (existsSync(f)) return JSON.parse(readFileSync(f, "utf8")) as T;
  const v = await compute();
  writeJsonAtomic(f, v);
  return v;
}
