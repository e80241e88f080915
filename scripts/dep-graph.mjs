#!/usr/bin/env node
/**
 * The map of the workspace (issue 16): the internal dependency graph of every workspace package,
 * generated from the package.json files, and checks that the graph is true.
 *
 *   pnpm deps:write    # node scripts/dep-graph.mjs --write: regenerate the graph in README.md and DEVELOPING.md
 *   pnpm deps:check    # node scripts/dep-graph.mjs --self-test --check
 *   node scripts/dep-graph.mjs [--root <dir>]   # print the generated graph and any problem
 *
 * The packages are the workspace packages (scripts/lib/workspace.mjs); an internal dependency is
 * an entry of `dependencies`, `peerDependencies`, `optionalDependencies` (library dependencies) or
 * `devDependencies` that names another workspace package. Checks (each problem names the package
 * and the dependency or files; exit 1 when there is any):
 * 1. the graph: the text between `<!-- dep-graph:start -->` and `<!-- dep-graph:end -->` in
 *    README.md and DEVELOPING.md is the generated one (a Mermaid graph and a list of each
 *    package's direct internal dependencies); `--write` rewrites it;
 * 2. declarations: every internal library dependency is imported by a library file of the
 *    package's src/ and every internal devDependency by some file of src/; every import of a
 *    workspace package is declared (a library file's in the library dependencies, a test file's in
 *    either); no file imports its own package by name; no relative import leaves the package;
 * 3. cycles: no cycle of relative imports between the files of one package's src/ (type-only
 *    imports count: they tie the files together as much), and no cycle between packages.
 * Test files are `*.test.*` and the `test-*` helpers (test-helpers.ts, test-utils.ts); every
 * other file under src/ is library code. Imports are read with the TypeScript compiler's
 * `preProcessFile` (import/export ... from, import(), require(); comments and strings ignored).
 * `--root <dir>` checks another repository root (the self-test uses it); `--self-test` first
 * breaks temporary fixture workspaces in each way above and expects every break to be reported.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { REPO_ROOT, workspacePackages } from "./lib/workspace.mjs";

const self = fileURLToPath(import.meta.url);
const ts = createRequire(import.meta.url)("typescript");

export const START = "<!-- dep-graph:start -->";
export const END = "<!-- dep-graph:end -->";
/** The files holding the generated graph, relative to the root. */
export const GRAPH_FILES = ["README.md", "DEVELOPING.md"];
const WRITE_COMMAND = "pnpm deps:write";


const SOURCE = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;
const TEST_FILE = /(^|\/)(test-[^/]*|[^/]*\.test\.[^/]+)$/;
const LIBRARY_FIELDS = ["dependencies", "peerDependencies", "optionalDependencies"];
const RESOLVE_EXTENSIONS = [".ts", ".tsx", ".mts", ".cts", ".js", ".mjs", ".cjs", ".json"];

/** Files under `dir` (recursive, no node_modules), relative to `dir` with "/". */
function listFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (e.name === "node_modules") continue;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.push(relative(dir, p).split(sep).join("/"));
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

/** The package a bare import specifier names (`@scope/name/sub` → `@scope/name`), or undefined for relative/absolute/builtin ones. */
function packageOf(spec) {
  if (spec.startsWith(".") || spec.startsWith("/") || spec.startsWith("node:")) return undefined;
  const parts = spec.split("/");
  return spec.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

/** The file a relative import resolves to (TypeScript's rules: extensions, index files, `.js` → `.ts`), or undefined. */
function resolveRelative(fromFile, spec) {
  const base = resolve(dirname(fromFile), spec);
  const candidates = [base, ...RESOLVE_EXTENSIONS.map((e) => base + e), ...RESOLVE_EXTENSIONS.map((e) => join(base, `index${e}`))];
  const js = /\.(m|c)?jsx?$/.exec(base);
  if (js) candidates.unshift(base.slice(0, -js[0].length) + `.${js[1] ?? ""}ts`, base.slice(0, -js[0].length) + ".tsx");
  return candidates.find((c) => existsSync(c) && statSync(c).isFile());
}

/** Internal dependencies of a manifest: { lib: Set, dev: Set } (dev excludes what lib has). */
function declaredInternal(manifest, names) {
  const lib = new Set(LIBRARY_FIELDS.flatMap((f) => Object.keys(manifest[f] ?? {})).filter((d) => names.has(d)));
  const dev = new Set(Object.keys(manifest.devDependencies ?? {}).filter((d) => names.has(d) && !lib.has(d)));
  return { lib, dev };
}

/** Every cycle of a directed graph (Map node → Set of nodes), one per strongly connected component, as a closed path. */
export function findCycles(graph) {
  let index = 0;
  const idx = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const components = [];
  const connect = (v) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const c = [];
      let w;
      do {
        w = stack.pop();
        onStack.delete(w);
        c.push(w);
      } while (w !== v);
      if (c.length > 1 || (graph.get(v) ?? new Set()).has(v)) components.push(new Set(c));
    }
  };
  for (const v of [...graph.keys()].sort()) if (!idx.has(v)) connect(v);
  // a readable closed path through each component: breadth-first from its first node back to it
  return components.map((comp) => {
    const start = [...comp].sort()[0];
    const prev = new Map();
    const queue = [start];
    while (queue.length > 0) {
      const v = queue.shift();
      for (const w of [...(graph.get(v) ?? [])].sort()) {
        if (!comp.has(w)) continue;
        if (w === start) {
          const path = [start];
          for (let u = v; u !== start; u = prev.get(u)) path.splice(1, 0, u);
          return [...path, start];
        }
        if (!prev.has(w)) {
          prev.set(w, v);
          queue.push(w);
        }
      }
    }
    return [...comp, start];
  });
}

/**
 * Reads the workspace at `root`: `{ packages, problems, notes }`, `packages` = [{ name, rel, lib,
 * dev }] (declared internal dependencies), `problems` = the declaration and cycle problems (checks
 * 2 and 3), `notes` = remarks that are not problems (none today).
 */
export function analyze(root) {
  const ws = workspacePackages(root);
  const names = new Set(ws.map((p) => p.manifest.name));
  const scopes = new Set([...names].filter((n) => n.startsWith("@")).map((n) => n.split("/")[0]));
  const problems = [];
  const notes = [];
  const packages = [];
  const pkgGraph = new Map();
  for (const { dir, rel, manifest } of ws) {
    const name = manifest.name;
    const { lib, dev } = declaredInternal(manifest, names);
    packages.push({ name, rel, lib, dev });
    const src = join(dir, "src");
    const files = listFiles(src).filter((f) => SOURCE.test(f));
    const usedByLib = new Set();
    const usedByAny = new Set();
    const fileGraph = new Map();
    for (const f of files) {
      const abs = join(src, f);
      const where = `${rel}/src/${f}`;
      const isTest = TEST_FILE.test(f);
      const edges = new Set();
      fileGraph.set(f, edges);
      for (const { fileName: spec } of ts.preProcessFile(readFileSync(abs, "utf8"), true, true).importedFiles) {
        if (spec.startsWith(".")) {
          const target = resolveRelative(abs, spec);
          if (!target) continue;
          const fromPkg = relative(dir, target);
          if (fromPkg.startsWith("..")) problems.push(`${name}: ${where} imports "${spec}", a file outside the package (import other packages by name)`);
          const fromSrc = relative(src, target).split(sep).join("/");
          if (!fromSrc.startsWith("..") && SOURCE.test(fromSrc)) edges.add(fromSrc);
          continue;
        }
        const dep = packageOf(spec);
        if (!dep) continue;
        if (dep === name) {
          problems.push(`${name}: ${where} imports its own package "${spec}" (use a relative import)`);
          continue;
        }
        if (!names.has(dep)) {
          if (scopes.has(dep.split("/")[0])) problems.push(`${name}: ${where} imports ${dep}, which is not a workspace package`);
          continue;
        }
        usedByAny.add(dep);
        if (!isTest) usedByLib.add(dep);
        if (!isTest && !lib.has(dep)) {
          problems.push(
            dev.has(dep)
              ? `${name}: library file ${where} imports ${dep}, which is declared only in devDependencies (move it to dependencies)`
              : `${name}: ${where} imports ${dep}, which is not declared in dependencies`,
          );
        } else if (isTest && !lib.has(dep) && !dev.has(dep)) {
          problems.push(`${name}: test file ${where} imports ${dep}, which is not declared in devDependencies`);
        }
      }
    }
    for (const dep of [...lib].sort()) {
      if (usedByLib.has(dep)) continue;
      problems.push(
        usedByAny.has(dep)
          ? `${name}: dependency ${dep} is imported only by test files under ${rel}/src (move it to devDependencies)`
          : `${name}: dependency ${dep} is declared but no file under ${rel}/src imports it (drop it)`,
      );
    }
    for (const dep of [...dev].sort()) {
      if (!usedByAny.has(dep)) problems.push(`${name}: devDependency ${dep} is declared but no file under ${rel}/src imports it (drop it)`);
    }
    for (const cycle of findCycles(fileGraph)) problems.push(`${name}: import cycle between files of ${rel}/src: ${cycle.join(" -> ")}`);
    pkgGraph.set(name, new Set([...lib, ...dev, ...usedByAny]));
  }
  for (const cycle of findCycles(pkgGraph)) problems.push(`dependency cycle between packages: ${cycle.join(" -> ")}`);
  return { packages, problems, notes };
}

const shortName = (name) => name.replace(/^@[^/]+\//, "");
const nodeId = (name) => shortName(name).replace(/[^A-Za-z0-9_]/g, "_");

/** Packages ordered by depth in the graph (those without internal dependencies first), then by name. */
function layered(packages) {
  const byName = new Map(packages.map((p) => [p.name, p]));
  const depth = new Map();
  const visiting = new Set();
  const depthOf = (name) => {
    if (depth.has(name)) return depth.get(name);
    if (visiting.has(name)) return 0; // a cycle: reported by analyze(); any order will do here
    visiting.add(name);
    const p = byName.get(name);
    const d = Math.max(-1, ...[...p.lib, ...p.dev].map(depthOf)) + 1;
    visiting.delete(name);
    depth.set(name, d);
    return d;
  };
  return [...packages].sort((a, b) => depthOf(a.name) - depthOf(b.name) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The generated text between the markers (check 1). */
export function graphText(packages) {
  const ordered = layered(packages);
  const sorted = (set) => [...set].sort();
  const lines = [
    "<!-- generated by scripts/dep-graph.mjs from the package.json files: run `pnpm deps:write`, do not edit by hand -->",
    "",
    "An arrow points from a package to one it depends on: solid for `dependencies`, dotted for",
    "`devDependencies` (used by tests only).",
    "",
    "```mermaid",
    "graph TD",
  ];
  for (const p of ordered) lines.push(`  ${nodeId(p.name)}["${p.name}"]`);
  for (const p of ordered) {
    for (const d of sorted(p.lib)) lines.push(`  ${nodeId(p.name)} --> ${nodeId(d)}`);
    for (const d of sorted(p.dev)) lines.push(`  ${nodeId(p.name)} -.-> ${nodeId(d)}`);
  }
  lines.push("```", "");
  for (const p of ordered) {
    const lib = p.lib.size > 0 ? sorted(p.lib).map(shortName).join(", ") : "none";
    const dev = p.dev.size > 0 ? `; tests also: ${sorted(p.dev).map(shortName).join(", ")}` : "";
    lines.push(`- \`${p.name}\` (${p.rel}): ${lib}${dev}`);
  }
  return lines.join("\n");
}

/** The marked region of `text`: { before, inside, after } or undefined when the markers are missing or out of order. */
function region(text) {
  const a = text.indexOf(START);
  const b = text.indexOf(END);
  if (a < 0 || b < a || text.indexOf(START, a + 1) >= 0) return undefined;
  return { before: text.slice(0, a + START.length), inside: text.slice(a + START.length, b), after: text.slice(b) };
}

/** Check 1: problems of the graph files against `generated`; with `write`, rewrites them instead. */
export function graphFileProblems(root, generated, { write = false, log = console.log } = {}) {
  const problems = [];
  const want = `\n${generated}\n`;
  for (const f of GRAPH_FILES) {
    const file = join(root, f);
    if (!existsSync(file)) {
      problems.push(`${f}: not found (expected the generated dependency graph between ${START} and ${END})`);
      continue;
    }
    const text = readFileSync(file, "utf8");
    const r = region(text);
    if (!r) {
      problems.push(`${f}: no ${START} ... ${END} markers (once each, in that order) around the dependency graph`);
      continue;
    }
    if (r.inside === want) continue;
    if (write) {
      const tmp = `${file}.tmp-${process.pid}`;
      writeFileSync(tmp, r.before + want + r.after);
      renameSync(tmp, file);
      log(`dep-graph: wrote the dependency graph in ${f}`);
    } else problems.push(`${f}: the dependency graph is out of date; run \`${WRITE_COMMAND}\` and commit the result`);
  }
  return problems;
}

/**
 * Runs every check on `root` (with `write`, rewrites the graph files instead of checking them):
 * `{ packages, generated, problems, notes }`.
 */
export function checkRoot(root, { write = false, log = console.log } = {}) {
  const { packages, problems, notes } = analyze(root);
  const generated = graphText(packages);
  return { packages, generated, problems: [...graphFileProblems(root, generated, { write, log }), ...problems], notes };
}

// ---------------------------------------------------------------------------------------------
// self-test

function writeJson(file, value) {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

function writeText(file, text) {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

/**
 * A small workspace that passes every check: fa (no dependencies; two files, b.ts imports a.ts),
 * fb (depends on fa; its test imports fc, a devDependency), fc (depends on fa), fd (standalone).
 */
function fixture(root) {
  writeText(join(root, "pnpm-workspace.yaml"), 'packages:\n  - "packages/*"\n');
  const pkg = (n, deps = {}, devDeps = {}) => writeJson(join(root, "packages", n, "package.json"), { name: `@ebjdat/${n}`, version: "0.0.0", dependencies: deps, devDependencies: devDeps });
  pkg("fa");
  writeText(join(root, "packages/fa/src/a.ts"), "export type A = number;\n");
  writeText(join(root, "packages/fa/src/b.ts"), 'import type { A } from "./a.js";\nexport const b: A = 1;\n');
  // imports named in comments and strings do not count
  writeText(join(root, "packages/fa/src/index.ts"), '// import { c } from "@ebjdat/fc";\nexport { b } from "./b";\nexport const s = "import x from \'@ebjdat/fb\'";\n');
  pkg("fb", { "@ebjdat/fa": "workspace:^" }, { "@ebjdat/fc": "workspace:^" });
  writeText(join(root, "packages/fb/src/index.ts"), 'import { b } from "@ebjdat/fa";\nexport const fb = b + 1;\n');
  writeText(join(root, "packages/fb/src/index.test.ts"), 'import { fc } from "@ebjdat/fc";\nimport { fb } from "./index";\nexport const t = fc + fb;\n');
  pkg("fc", { "@ebjdat/fa": "workspace:^" });
  writeText(join(root, "packages/fc/src/index.ts"), 'import type { A } from "@ebjdat/fa";\nexport const fc: A = 3;\n');
  pkg("fd");
  writeText(join(root, "packages/fd/src/index.ts"), "export const fd = 4;\n");
  for (const f of GRAPH_FILES) writeText(join(root, f), `# ${f}\n\n${START}\n${END}\n\nafter\n`);
}

function editJson(file, f) {
  const m = JSON.parse(readFileSync(file, "utf8"));
  f(m);
  writeJson(file, m);
}

/** Breaks fresh fixtures in every way the check knows and expects each break to be reported. */
function selfTest() {
  const tmp = mkdtempSync(join(tmpdir(), "ebjdat-dep-graph-"));
  let n = 0;
  const fresh = () => {
    const root = join(tmp, String(n++));
    fixture(root);
    const { problems } = checkRoot(root, { write: true, log: () => {} });
    if (problems.length > 0) throw new Error(`self-test: the clean fixture has problems: ${problems.join("; ")}`);
    return root;
  };
  const pkgJson = (root, p) => join(root, "packages", p, "package.json");
  const cases = [
    ["a stale graph (a dependency added and used without deps:write)", (r) => {
      editJson(pkgJson(r, "fd"), (m) => (m.dependencies = { "@ebjdat/fa": "workspace:^" }));
      writeText(join(r, "packages/fd/src/index.ts"), 'import { b } from "@ebjdat/fa";\nexport const fd = b;\n');
    }, ["README.md: the dependency graph is out of date", "DEVELOPING.md: the dependency graph is out of date", WRITE_COMMAND]],
    ["a hand edit inside the markers", (r) => writeText(join(r, "README.md"), readFileSync(join(r, "README.md"), "utf8").replace("fb --> fa", "fb --> fd")), ["README.md: the dependency graph is out of date"]],
    ["missing markers", (r) => writeText(join(r, "DEVELOPING.md"), "# no graph\n"), [`DEVELOPING.md: no ${START}`]],
    ["a declared dependency nothing imports", (r) => editJson(pkgJson(r, "fb"), (m) => (m.dependencies["@ebjdat/fd"] = "workspace:^")), ["@ebjdat/fb: dependency @ebjdat/fd is declared but no file under packages/fb/src imports it"]],
    ["a declared devDependency nothing imports", (r) => editJson(pkgJson(r, "fc"), (m) => (m.devDependencies = { "@ebjdat/fd": "workspace:^" })), ["@ebjdat/fc: devDependency @ebjdat/fd is declared but no file"]],
    ["a dependency only tests import", (r) => {
      editJson(pkgJson(r, "fb"), (m) => (m.dependencies["@ebjdat/fd"] = "workspace:^"));
      writeText(join(r, "packages/fb/src/extra.test.ts"), 'import { fd } from "@ebjdat/fd";\nexport const x = fd;\n');
    }, ["@ebjdat/fb: dependency @ebjdat/fd is imported only by test files", "move it to devDependencies"]],
    ["an undeclared import in library code", (r) => writeText(join(r, "packages/fb/src/more.ts"), 'export { fd } from "@ebjdat/fd";\n'), ["@ebjdat/fb: packages/fb/src/more.ts imports @ebjdat/fd, which is not declared in dependencies"]],
    ["an undeclared import in a test helper", (r) => writeText(join(r, "packages/fc/src/test-helpers.ts"), 'export { fd } from "@ebjdat/fd";\n'), ["@ebjdat/fc: test file packages/fc/src/test-helpers.ts imports @ebjdat/fd, which is not declared in devDependencies"]],
    ["library code importing a devDependency", (r) => writeText(join(r, "packages/fb/src/lib.ts"), 'export const l = import("@ebjdat/fc");\n'), ["@ebjdat/fb: library file packages/fb/src/lib.ts imports @ebjdat/fc, which is declared only in devDependencies"]],
    ["an import of a package that does not exist", (r) => writeText(join(r, "packages/fd/src/x.ts"), 'export * from "@ebjdat/nope";\n'), ["@ebjdat/fd: packages/fd/src/x.ts imports @ebjdat/nope, which is not a workspace package"]],
    ["a package importing itself by name", (r) => writeText(join(r, "packages/fd/src/y.ts"), 'export { fd } from "@ebjdat/fd";\n'), ['@ebjdat/fd: packages/fd/src/y.ts imports its own package "@ebjdat/fd"']],
    ["a relative import into another package", (r) => writeText(join(r, "packages/fd/src/z.ts"), 'export { b } from "../../fa/src/b";\n'), ['@ebjdat/fd: packages/fd/src/z.ts imports "../../fa/src/b", a file outside the package']],
    ["a type-only import cycle between files", (r) => writeText(join(r, "packages/fa/src/a.ts"), 'import type { b } from "./b";\nexport type A = typeof b extends number ? number : never;\n'), ["@ebjdat/fa: import cycle between files of packages/fa/src: a.ts -> b.ts -> a.ts"]],
    ["a cycle between packages", (r) => {
      editJson(pkgJson(r, "fa"), (m) => (m.devDependencies = { "@ebjdat/fc": "workspace:^" }));
      writeText(join(r, "packages/fa/src/a.test.ts"), 'import { fc } from "@ebjdat/fc";\nexport const t = fc;\n');
    }, ["dependency cycle between packages: @ebjdat/fa -> @ebjdat/fc -> @ebjdat/fa"]],
  ];
  try {
    const clean = fresh();
    const text = readFileSync(join(clean, "README.md"), "utf8");
    for (const s of ['fb["@ebjdat/fb"]', "fb --> fa", "fb -.-> fc", "- `@ebjdat/fb` (packages/fb): fa; tests also: fc", "- `@ebjdat/fd` (packages/fd): none"]) {
      if (!text.includes(s)) throw new Error(`self-test: the generated graph lacks "${s}":\n${text}`);
    }
    const ok = spawnSync(process.execPath, [self, "--check", "--root", clean], { encoding: "utf8" });
    if (ok.status !== 0) throw new Error(`self-test: --check on the clean fixture exited ${ok.status}:\n${ok.stdout}${ok.stderr}`);
    console.log("self-test: clean fixture: --check exited 0");
    let stale;
    for (const [what, breakIt, expected] of cases) {
      const root = fresh();
      stale ??= root; // the first case: a stale graph
      breakIt(root);
      const { problems } = checkRoot(root);
      const missing = expected.filter((e) => !problems.some((p) => p.includes(e)));
      if (missing.length > 0) throw new Error(`self-test (${what}): not reported: "${missing.join('", "')}"; problems: ${problems.join("; ") || "none"}`);
      console.log(`self-test: ${what}: reported`);
    }
    const bad = spawnSync(process.execPath, [self, "--check", "--root", stale], { encoding: "utf8" });
    if (bad.status !== 1 || !`${bad.stdout}${bad.stderr}`.includes("out of date")) throw new Error(`self-test: --check on a stale fixture exited ${bad.status}, expected 1 naming the stale graph:\n${bad.stdout}${bad.stderr}`);
    console.log("self-test: stale fixture: --check exited 1");
    console.log("self-test: passed");
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function main() {
  const args = process.argv.slice(2);
  const ri = args.indexOf("--root");
  const root = ri >= 0 ? resolve(args[ri + 1] ?? ".") : REPO_ROOT;
  const flags = ri >= 0 ? args.filter((_, i) => i !== ri && i !== ri + 1) : args;
  const unknown = flags.filter((a) => !["--check", "--write", "--self-test"].includes(a));
  if (unknown.length > 0 || (ri >= 0 && !args[ri + 1])) {
    console.error(`dep-graph: unknown option(s) ${unknown.join(" ") || "--root without a folder"}; expected --check, --write, --self-test, --root <dir>`);
    return 2;
  }
  if (flags.includes("--self-test")) selfTest();
  const write = flags.includes("--write");
  const { packages, generated, problems, notes } = checkRoot(root, { write });
  if (!flags.includes("--check") && !write) console.log(`${generated}\n`);
  for (const n of notes) console.log(`dep-graph: note: ${n}`);
  if (problems.length > 0) {
    console.error(`dep-graph: ${problems.length} problem(s) in ${root}:\n  ${problems.join("\n  ")}`);
    return 1;
  }
  console.log(`dep-graph: ${packages.length} packages, graph up to date, every internal dependency declared and used, no import cycles`);
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === self) {
  try {
    process.exitCode = main();
  } catch (e) {
    console.error(`dep-graph: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exitCode = 1;
  }
}
