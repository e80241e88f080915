import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";

/** The ebjdat repository root above `start` (a folder whose package.json is `ebjdat-monorepo`), if any. */
export function findRepoRoot(start: string = process.cwd()): string | undefined {
  let dir = resolve(start);
  for (;;) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg) && existsSync(join(dir, "pnpm-workspace.yaml"))) {
      try {
        if ((JSON.parse(readFileSync(pkg, "utf8")) as { name?: string }).name === "ebjdat-monorepo") return dir;
      } catch {
        // not ours
      }
    }
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/** `~/.cache/ebjdat` (or `$XDG_CACHE_HOME/ebjdat`). */
export function userCacheRoot(): string {
  const xdg = process.env["XDG_CACHE_HOME"];
  return join(xdg && xdg.length > 0 ? xdg : join(homedir(), ".cache"), "ebjdat");
}

/**
 * The data folder: `explicit` (a `--data-dir` flag), else `EBJDAT_DATA`, else
 * `<repo>/../shared/data` when that exists, else `~/.cache/ebjdat/data`.
 */
export function resolveDataDir(explicit?: string): string {
  if (explicit) return resolve(explicit);
  const env = process.env["EBJDAT_DATA"];
  if (env) return resolve(env);
  const repo = findRepoRoot();
  if (repo) {
    const shared = resolve(repo, "..", "shared", "data");
    if (existsSync(shared)) return shared;
  }
  return join(userCacheRoot(), "data");
}

/** Where downloads go: `explicit`, else `~/.cache/ebjdat/data`. */
export function resolveDownloadDir(explicit?: string): string {
  return explicit ? resolve(explicit) : join(userCacheRoot(), "data");
}

/**
 * The decoded-tensor cache folder: `explicit`, else `EBJDAT_CACHE`, else `<repo>/.cache/ebjdat`
 * inside the repository (git-ignored), else `~/.cache/ebjdat`.
 */
export function resolveCacheDir(explicit?: string): string {
  if (explicit) return resolve(explicit);
  const env = process.env["EBJDAT_CACHE"];
  if (env) return resolve(env);
  const repo = findRepoRoot();
  return repo ? join(repo, ".cache", "ebjdat") : userCacheRoot();
}
