#!/usr/bin/env node
/**
 * Browser bundle check (issue 19; DEVELOPING.md, "Browser builds"): bundles the browser entry of
 * every portable package with esbuild (platform browser, bundle, only @tensorflow/* external)
 * from the sources, and fails naming the package and the importing file when
 *   - a Node built-in (`node:*`, fs, path, crypto, os, child_process, ...) or a `.node` addon is
 *     imported by anything the entry reaches (statically or by a literal dynamic import),
 *   - the bundled code names a Node-only global (`process`, `Buffer`, `__dirname`, `__filename`,
 *     `require`, `setImmediate`): portable code reads `globalThis.process` (runtime/src/env.ts),
 *   - esbuild cannot bundle the entry (a missing export, an unresolvable import),
 *   - a package with src/index.browser.ts does not point `exports["."].browser` (and its
 *     publishConfig copy) at dist/index.browser.js.
 * Workspace imports (`@ebjdat/x`) resolve to that package's browser source entry, and relative
 * imports to their `.browser.ts` siblings (scripts/lib/browser-build.mjs), as the browser builds do.
 *
 * With --dist (CI, after the build), the built browser entries are bundled too, through the
 * package.json `browser` conditions, as an application's bundler reaches them.
 *
 *   node scripts/browser-bundle-check.mjs [--self-test] [--dist] [package ...]
 */
import { existsSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { build } from "esbuild";
import { browserSubstitutes } from "./lib/browser-build.mjs";
import { REPO_ROOT, workspacePackages } from "./lib/workspace.mjs";

/** The packages that must load in a browser (issue 19, part 1). */
export const PORTABLE_PACKAGES = ["formats", "runtime", "linalg", "models", "energy", "samplers", "attacks", "metrics", "figures"];

const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const NODE_GLOBALS = ["process", "Buffer", "__dirname", "__filename", "require", "setImmediate"];
const MARK = "__EBJDAT_NODE_GLOBAL_";

/** The browser source entry of a package folder: src/index.browser.ts, else src/index.ts. */
export function browserEntry(dir) {
  const browser = join(dir, "src", "index.browser.ts");
  return existsSync(browser) ? browser : join(dir, "src", "index.ts");
}

function isBuiltin(spec) {
  return spec.startsWith("node:") || BUILTINS.has(spec) || BUILTINS.has(spec.split("/")[0]);
}

/**
 * Bundles `entry` for the browser and returns the problems found (strings naming the importing
 * file), [] when clean. `workspace` maps package names to folders (for `@ebjdat/*` imports).
 */
export async function checkEntry(entry, { workspace = new Map(), root = REPO_ROOT, substitutes = true } = {}) {
  const problems = [];
  const rel = (p) => relative(root, p) || p;
  const plugin = {
    name: "ebjdat-browser-check",
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind === "entry-point") return undefined;
        if (isBuiltin(args.path)) {
          problems.push(`Node built-in "${args.path}" imported by ${rel(args.importer)}`);
          return { path: args.path, external: true };
        }
        if (/\.node$/.test(args.path)) {
          problems.push(`native addon "${args.path}" imported by ${rel(args.importer)}`);
          return { path: args.path, external: true };
        }
        const ws = /^(@ebjdat\/[^/]+)(\/.*)?$/.exec(args.path);
        if (ws && workspace.has(ws[1])) {
          if (ws[2]) problems.push(`deep import "${args.path}" by ${rel(args.importer)} (use the package entry)`);
          return { path: browserEntry(workspace.get(ws[1])) };
        }
        return undefined;
      });
    },
  };
  let text = "";
  try {
    const out = await build({
      entryPoints: [entry],
      absWorkingDir: root,
      bundle: true,
      write: false,
      platform: "browser",
      format: "esm",
      target: "es2022",
      external: ["@tensorflow/*"],
      // Node-only globals become a marker the output scan below finds (bound names are untouched).
      define: Object.fromEntries(NODE_GLOBALS.map((g) => [g, `${MARK}${g}__`])),
      plugins: substitutes ? [browserSubstitutes(), plugin] : [plugin],
      logLevel: "silent",
    });
    text = out.outputFiles.map((f) => f.text).join("\n");
  } catch (e) {
    for (const m of e.errors ?? [{ text: e.message }]) problems.push(`esbuild: ${m.text}${m.location ? ` (${m.location.file}:${m.location.line})` : ""}`);
    return problems;
  }
  // esbuild heads each module's code with a `// path/of/the/module.ts` comment.
  let current = "<bundle>";
  for (const line of text.split("\n")) {
    const head = /^\/\/ (\S+\.[cm]?[jt]sx?)$/.exec(line);
    if (head) current = head[1];
    for (const m of line.matchAll(new RegExp(`${MARK}(\\w+?)__`, "g"))) {
      const msg = `Node global "${m[1]}" used in ${current}`;
      if (!problems.includes(msg)) problems.push(msg);
    }
  }
  return problems;
}

/** The package.json `browser` condition a package with src/index.browser.ts must have. */
export function checkManifest(dir, manifest) {
  if (!existsSync(join(dir, "src", "index.browser.ts"))) return [];
  const problems = [];
  for (const [where, exp] of [["exports", manifest.exports], ["publishConfig.exports", manifest.publishConfig?.exports]]) {
    const dot = exp?.["."];
    const b = dot?.browser;
    const keys = dot ? Object.keys(dot).filter((k) => k !== "source") : [];
    if (b?.default !== "./dist/index.browser.js" || b?.types !== "./dist/index.browser.d.ts") {
      problems.push(`${where}["."].browser must be { types: "./dist/index.browser.d.ts", default: "./dist/index.browser.js" }`);
    } else if (keys[0] !== "browser") {
      problems.push(`${where}["."]: "browser" must come before ${keys[0]} (bundlers take the first matching condition)`);
    }
  }
  if (!/tsup-browser\.config\.mjs/.test(manifest.scripts?.build ?? "")) problems.push(`scripts.build must also build the browser entry (tsup --config ../../scripts/lib/tsup-browser.config.mjs)`);
  return problems;
}

/**
 * The built entry a browser bundler picks for a package (its `exports["."].browser`, else the
 * ES module entry), or undefined when it is not built.
 */
export function builtBrowserEntry(dir, manifest) {
  const dot = manifest.exports?.["."];
  const target = dot?.browser?.default ?? dot?.import?.default ?? manifest.module;
  const file = target ? join(dir, target) : undefined;
  return file && existsSync(file) ? file : undefined;
}

/**
 * Checks the named portable packages; returns { name: problems[] }. With `dist`, also bundles
 * each package's built browser entry as a bundler would reach it (workspace imports resolved by
 * esbuild through the packages' `browser` conditions, no substitutes): the published wiring.
 */
export async function checkPackages(names = PORTABLE_PACKAGES, { dist = false } = {}) {
  const all = workspacePackages();
  const workspace = new Map(all.map(({ dir, manifest }) => [manifest.name, dir]));
  const results = {};
  for (const short of names) {
    const pkg = all.find(({ manifest }) => manifest.name === `@ebjdat/${short}`);
    if (!pkg) {
      results[`@ebjdat/${short}`] = ["no such workspace package"];
      continue;
    }
    const problems = [...checkManifest(pkg.dir, pkg.manifest), ...(await checkEntry(browserEntry(pkg.dir), { workspace }))];
    if (dist) {
      const built = builtBrowserEntry(pkg.dir, pkg.manifest);
      if (!built) problems.push("not built (run the build first, or leave out --dist)");
      else problems.push(...(await checkEntry(built, { substitutes: false })).map((p) => `built: ${p}`));
    }
    results[pkg.manifest.name] = problems;
  }
  return results;
}

/** The check must be able to fail: fixtures importing node:fs, a bare builtin, an addon, `process`. */
async function selfTest() {
  const dir = mkdtempSync(join(tmpdir(), "ebjdat-browser-check-"));
  try {
    mkdirSync(join(dir, "src"));
    const write = (name, text) => writeFileSync(join(dir, "src", name), text);
    write("uses-fs.ts", `import { readFileSync } from "node:fs";\nexport const read = (p: string) => readFileSync(p);\n`);
    write("uses-path.ts", `import { join } from "path";\nexport const j = join;\n`);
    write("uses-addon.ts", `// @ts-nocheck\nimport addon from "./x.node";\nexport const a = addon;\n`);
    write("uses-process.ts", `export const env = () => process.env.X;\n`);
    write("clean.ts", `export const env = () => (globalThis as { process?: { env: Record<string, string> } }).process?.env.X;\nexport function f(process: number) { return process + 1; }\n`);
    write("index.ts", `export * from "./uses-fs";\n`);
    write("index.browser.ts", `export { env } from "./clean";\nexport { helper } from "./helper";\n`);
    write("helper.ts", `import { hostname } from "node:os";\nexport const helper = () => hostname();\n`);
    write("helper.browser.ts", `export const helper = () => "browser";\n`);
    const expectations = [
      ["uses-fs.ts", /Node built-in "node:fs" imported by .*uses-fs\.ts/],
      ["uses-path.ts", /Node built-in "path" imported by .*uses-path\.ts/],
      ["uses-addon.ts", /native addon "\.\/x\.node" imported by .*uses-addon\.ts/],
      ["uses-process.ts", /Node global "process" used in .*uses-process\.ts/],
    ];
    for (const [file, pattern] of expectations) {
      const problems = await checkEntry(join(dir, "src", file), { root: dir });
      if (!problems.some((p) => pattern.test(p))) throw new Error(`self-test: ${file} should fail with ${pattern}, got ${JSON.stringify(problems)}`);
    }
    const clean = await checkEntry(join(dir, "src", "index.browser.ts"), { root: dir });
    if (clean.length > 0) throw new Error(`self-test: the clean fixture (with a .browser.ts substitute) should pass, got ${JSON.stringify(clean)}`);
    const manifest = { exports: { ".": { source: "./src/index.ts", import: "./dist/index.js" } }, scripts: { build: "tsup" } };
    if (checkManifest(dir, manifest).length < 2) throw new Error("self-test: a package.json without the browser condition should fail");
    // A real Node entry (runtime's file helpers) must fail too.
    const nodeEntry = await checkEntry(join(REPO_ROOT, "packages", "runtime", "src", "index.ts"));
    if (!nodeEntry.some((p) => /"node:fs" imported by packages\/runtime\/src\/atomic\.ts/.test(p))) throw new Error(`self-test: @ebjdat/runtime's Node entry should fail on atomic.ts, got ${JSON.stringify(nodeEntry)}`);
    console.log("browser-bundle-check self-test: ok (node:fs, path, .node addon, process fixtures and runtime's Node entry fail; substitutes pass)");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(argv) {
  const args = argv.filter((a) => !a.startsWith("--"));
  if (argv.includes("--self-test")) await selfTest();
  const results = await checkPackages(args.length > 0 ? args : PORTABLE_PACKAGES, { dist: argv.includes("--dist") });
  let failed = 0;
  for (const [name, problems] of Object.entries(results)) {
    if (problems.length === 0) {
      console.log(`browser bundle ok: ${name}${argv.includes("--dist") ? " (sources and built entry)" : ""}`);
      continue;
    }
    failed += 1;
    console.error(`browser bundle FAILED: ${name}`);
    for (const p of problems) console.error(`  - ${p}`);
  }
  if (failed > 0) {
    console.error(`browser-bundle-check: ${failed} package(s) do not bundle for the browser (see DEVELOPING.md, "Browser builds")`);
    process.exit(1);
  }
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  main(process.argv.slice(2)).catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
