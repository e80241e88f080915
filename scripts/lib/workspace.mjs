/**
 * The workspace packages, listed in one place for every script: the folders named by the
 * `packages:` globs of pnpm-workspace.yaml that hold a package.json.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (two folders above this file). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

/**
 * The `packages:` globs of `<root>/pnpm-workspace.yaml`, in file order. Only the forms this
 * repository uses are read: `dir`, `dir/*` and their `!` negations; anything else throws.
 */
export function workspaceGlobs(root = REPO_ROOT) {
  const file = join(root, "pnpm-workspace.yaml");
  if (!existsSync(file)) throw new Error(`workspace: ${file} not found (expected the pnpm workspace file at the repository root)`);
  const globs = [];
  let inPackages = false;
  for (const raw of readFileSync(file, "utf8").split(/\r?\n/)) {
    const line = raw.replace(/\s+#.*$/, "").replace(/^#.*$/, "");
    if (line.trim() === "") continue;
    if (/^\S/.test(line)) {
      inPackages = /^packages\s*:\s*$/.test(line);
      continue;
    }
    const m = /^\s+-\s*(["']?)([^"']+)\1\s*$/.exec(line);
    if (!inPackages) continue;
    if (!m) throw new Error(`workspace: cannot read the line "${raw.trim()}" of ${file} (expected - "<glob>")`);
    const glob = m[2].replace(/\/+$/, "");
    if (!/^!?[\w.@-]+(\/[\w.@-]+)*(\/\*)?$/.test(glob)) throw new Error(`workspace: unsupported glob "${glob}" in ${file} (expected "dir" or "dir/*")`);
    globs.push(glob);
  }
  if (globs.length === 0) throw new Error(`workspace: ${file} lists no packages`);
  return globs;
}

/** Folder names matched by one positive glob, relative to root, "/"-separated. */
function expand(root, glob) {
  if (!glob.endsWith("/*")) return [glob];
  const base = glob.slice(0, -2);
  const abs = join(root, base);
  if (!existsSync(abs)) return [];
  return readdirSync(abs)
    .sort()
    .filter((name) => statSync(join(abs, name)).isDirectory())
    .map((name) => `${base}/${name}`);
}

/**
 * The workspace packages of `root`, in glob order and by folder name within a glob:
 * `[{ dir, rel, manifest }]` with `dir` absolute, `rel` relative to root ("packages/data") and
 * `manifest` the parsed package.json. `{ publicOnly: true }` leaves out `"private": true` ones.
 */
export function workspacePackages(root = REPO_ROOT, { publicOnly = false } = {}) {
  const globs = workspaceGlobs(root);
  const excluded = new Set(globs.filter((g) => g.startsWith("!")).flatMap((g) => expand(root, g.slice(1))));
  const out = [];
  const seen = new Set();
  for (const glob of globs.filter((g) => !g.startsWith("!"))) {
    for (const rel of expand(root, glob)) {
      if (excluded.has(rel) || seen.has(rel)) continue;
      seen.add(rel);
      const dir = join(root, rel);
      const file = join(dir, "package.json");
      if (!existsSync(file)) continue;
      let manifest;
      try {
        manifest = JSON.parse(readFileSync(file, "utf8"));
      } catch (e) {
        throw new Error(`workspace: ${file} is not valid JSON (${e instanceof Error ? e.message : String(e)})`);
      }
      if (publicOnly && manifest.private === true) continue;
      out.push({ dir, rel, manifest });
    }
  }
  return out;
}

/** The published files (ESM/CJS entry and declarations, bins) missing from `packages`' build output: ["<name>: <file>", ...]. */
export function missingBuildOutput(packages) {
  const missing = [];
  for (const { dir, manifest } of packages) {
    for (const f of ["dist/index.js", "dist/index.cjs", "dist/index.d.ts", "dist/index.d.cts", ...Object.values(manifest.bin ?? {})]) {
      if (!existsSync(join(dir, f))) missing.push(`${manifest.name}: ${f}`);
    }
  }
  return missing;
}
