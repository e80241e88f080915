/**
 * Global CLI install from packed tarballs, used by ../consumer-test.mjs.
 *
 * The problem: `npm i -g a.tgz b.tgz` installs every tarball as its own isolated global package
 * (npm's "shallow" global install strategy: a global package never resolves dependencies through
 * a sibling global package), so the CLI's `@ebjdat/*@^x.y.z` dependencies would be fetched from
 * the registry, where they are not (yet) published. Bundling them (bundleDependencies) does not
 * work either: npm then leaves the bundled packages' own dependencies uninstalled and the peer
 * folders empty (npm 10).
 *
 * The solution, for this test only: a copy of the packed CLI tarball whose `@ebjdat/*`
 * dependency ranges are replaced by `file:` paths to the sibling packed tarballs, plus a `file:`
 * dependency on each @ebjdat package that only its dependencies need (e.g. `@ebjdat/linalg`
 * through `@ebjdat/metrics`), so that npm places it beside them; nothing else in the tarball
 * changes (checked here). `npm i -g --prefix <dir> <that tarball>` then installs the
 * CLI as a global package with exactly the layout a registry install gives: the @ebjdat packages,
 * their third-party dependencies (from the registry) and the peer `@tensorflow/tfjs-core`
 * (installed automatically by npm) under `<prefix>/lib/node_modules/@ebjdat/cli/node_modules`,
 * and the `ebjdat` bin linked into `<prefix>/bin`. The install runs with the @ebjdat scope pointed
 * at an unreachable registry, so any attempt to fetch an @ebjdat package from a registry fails
 * instead of silently installing something else. No `workspace:` ranges are involved: the input
 * tarballs are the pnpm-packed ones, whose ranges are already plain semver.
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** An unreachable registry for the @ebjdat scope: installs must resolve @ebjdat locally. */
// npm still asks the registry about the @ebjdat ranges of file: packages it has already placed and
// ignores a failure (a 404 today); without retries that failure is immediate.
export const NO_EBJDAT_REGISTRY = ["--@ebjdat:registry=http://127.0.0.1:9/", "--fetch-retries=0"];

/**
 * Writes `<outDir>/<cli tarball name>`: the CLI tarball with its @ebjdat dependencies as `file:`
 * paths to the packed tarballs. `run(cmd, args, opts)` runs a command and returns stdout.
 * Returns { file, original, rewritten } (the two manifests).
 */
export function globalCliTarball({ cli, tarballs, outDir, run, fail }) {
  const stage = join(outDir, "stage");
  mkdirSync(stage, { recursive: true });
  run("tar", ["-xzf", cli.file, "-C", stage]);
  const manifestFile = join(stage, "package", "package.json");
  const original = JSON.parse(readFileSync(manifestFile, "utf8"));
  const rewritten = structuredClone(original);
  // the @ebjdat dependencies of the CLI and, transitively, of those packages
  const queue = [[cli.name, original.dependencies ?? {}]];
  while (queue.length > 0) {
    const [from, deps] = queue.shift();
    for (const [dep, range] of Object.entries(deps)) {
      if (!dep.startsWith("@ebjdat/")) continue;
      const t = tarballs.find((x) => x.name === dep);
      if (!t) fail(`${from} depends on ${dep}@${range}, which is not one of the packed public packages`);
      const manifest = JSON.parse(run("tar", ["-xzOf", t.file, "package/package.json"]));
      if (!satisfiesCaret(manifest.version, range)) fail(`${from} depends on ${dep}@${range}, but the packed ${dep} is ${manifest.version}`);
      if (rewritten.dependencies[dep]?.startsWith("file:")) continue;
      rewritten.dependencies[dep] = `file:${t.file}`;
      queue.push([dep, manifest.dependencies ?? {}]);
    }
  }
  writeFileSync(manifestFile, JSON.stringify(rewritten, null, 2) + "\n");
  const file = join(outDir, cli.file.split(/[\\/]/).pop());
  run("tar", ["-czf", file, "-C", stage, "package"]);
  // the rewritten tarball differs from the packed one in the @ebjdat dependency ranges only
  const list = (f) => run("tar", ["-tzf", f]).split("\n").filter((e) => e && !e.endsWith("/")).sort().join("\n");
  if (list(file) !== list(cli.file)) fail("the rewritten CLI tarball's file list differs from the packed one");
  const strip = (m) => JSON.stringify({ ...m, dependencies: Object.fromEntries(Object.entries(m.dependencies ?? {}).filter(([d]) => !d.startsWith("@ebjdat/"))) });
  if (strip(original) !== strip(rewritten)) fail("the rewritten CLI manifest differs in more than its @ebjdat dependencies");
  return { file, original, rewritten };
}

/** `version` satisfies a `^x.y.z` / `x.y.z` / `>=x.y.z` range (the forms pnpm pack writes). */
export function satisfiesCaret(version, range) {
  const v = parse(version);
  const m = /^(\^|~|>=)?\s*(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)$/.exec(range.trim());
  if (!v || !m) return false;
  const r = parse(m[2]);
  const cmp = compare(v, r);
  if (m[1] === undefined) return cmp === 0;
  if (cmp < 0) return false;
  if (m[1] === ">=") return true;
  if (m[1] === "~") return v[0] === r[0] && v[1] === r[1];
  // caret: the left-most non-zero component must match
  if (r[0] > 0) return v[0] === r[0];
  if (r[1] > 0) return v[0] === 0 && v[1] === r[1];
  return v[0] === 0 && v[1] === 0 && v[2] === r[2];
}

function parse(s) {
  const m = /^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?/.exec(s);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3]), m[4]] : undefined;
}

function compare(a, b) {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] - b[i];
  if (a[3] === b[3]) return 0;
  if (a[3] === undefined) return 1;
  if (b[3] === undefined) return -1;
  return a[3] < b[3] ? -1 : 1;
}

/** Every `<dir>/**\/node_modules/<name>/package.json` below `dir` (to count copies of a package). */
export function installedCopies(dir, name) {
  const out = [];
  const walk = (d, depth) => {
    if (depth > 12) return;
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (!e.isDirectory()) continue;
      const p = join(d, e.name);
      if (e.name === "node_modules") {
        try {
          const m = JSON.parse(readFileSync(join(p, ...name.split("/"), "package.json"), "utf8"));
          out.push({ path: join(p, ...name.split("/")), version: m.version });
        } catch {
          // not installed at this level
        }
      }
      walk(p, depth + 1);
    }
  };
  walk(dir, 0);
  return out;
}
