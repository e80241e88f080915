#!/usr/bin/env node
/**
 * README examples (issue 10: "a new user can follow a package README alone and run its example
 * in an empty project"). Each public package's README marks one runnable block: the line
 *
 *   <!-- example: runs in scripts/consumer/readme-examples.mjs -->
 *
 * directly before a ```js (or ```ts, if it is also valid JavaScript) fence. For every README this
 *   1. extracts the block (a README without exactly one marked block fails);
 *   2. checks that every package the block imports (other than `node:` built-ins and the
 *      package itself) is named on an install line of the README (`npm i ...`, `pnpm add ...`):
 *      with pnpm's strict node_modules a dependency of a dependency cannot be imported, so the
 *      README must tell the user to install it;
 *   3. writes it as `readme-<pkg>.mjs` into the consumer project (where the packed tarballs and
 *      @tensorflow/tfjs-core are installed) and runs it with node there: ES module, top-level
 *      await, EBJDAT_BACKEND=wasm unless set, no EBJDAT_SHARED / EBJDAT_DATA (the example must
 *      make its own inputs), EBJDAT_CACHE inside the project, a timeout per example.
 * It fails naming each package whose example is missing, imports an uninstalled package, exits
 * non-zero or times out, with the tail of its output.
 *
 * Each run's output (stdout and stderr in order) stays in the project as `readme-<pkg>.log`.
 *
 * Called by ../consumer-test.mjs with the READMEs shipped in the tarballs (the installed copies).
 * Standalone, with the repository's READMEs, against a project kept with `--keep` (its `app/`):
 *   node scripts/consumer/readme-examples.mjs <project dir> [package name or folder ...]
 */
import { spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { basename, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { workspacePackages } from "../lib/workspace.mjs";

export const MARKER = "<!-- example: runs in scripts/consumer/readme-examples.mjs -->";
export const DEFAULT_TIMEOUT_S = 120;
const TAIL_LINES = 40;

/** The marked block of a README: `{ code, line }` (1-based line of the code's first line); throws with the reason. */
export function extractExample(text) {
  const lines = text.split(/\r?\n/);
  const marks = [];
  lines.forEach((l, i) => {
    if (l.trim() === MARKER) marks.push(i);
  });
  if (marks.length === 0) throw new Error(`no marked example (a line \`${MARKER}\` before a \`\`\`js block)`);
  if (marks.length > 1) throw new Error(`${marks.length} marked examples (lines ${marks.map((i) => i + 1).join(", ")}); mark exactly one`);
  const at = marks[0];
  const fence = lines[at + 1] ?? "";
  if (!/^```(js|javascript|mjs|ts)\s*$/.test(fence)) throw new Error(`line ${at + 2} after the marker must open a \`\`\`js block, found ${JSON.stringify(fence)}`);
  const end = lines.findIndex((l, i) => i > at + 1 && /^```\s*$/.test(l));
  if (end < 0) throw new Error(`the marked block opened on line ${at + 2} is never closed`);
  const code = lines.slice(at + 2, end).join("\n") + "\n";
  if (code.trim() === "") throw new Error(`the marked block on line ${at + 2} is empty`);
  return { code, line: at + 3 };
}

/** Package names (`@scope/name` or `name`) of the static and dynamic imports and requires in `code`. */
export function importedPackages(code) {
  const specs = new Set();
  const patterns = [
    /\bimport\s+(?:[^'"`;]*?\s+from\s+)?["']([^"']+)["']/g, // import x from "m", import "m"
    /\bexport\s+[^'"`;]*?\s+from\s+["']([^"']+)["']/g,
    /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
    /\brequire\s*\(\s*["']([^"']+)["']\s*\)/g,
  ];
  for (const re of patterns) for (const m of code.matchAll(re)) specs.add(m[1]);
  const out = new Set();
  for (const s of specs) {
    if (s.startsWith(".") || s.startsWith("/") || s.startsWith("node:") || builtinModules.includes(s.split("/")[0])) continue;
    const parts = s.split("/");
    out.add(s.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]);
  }
  return [...out].sort();
}

/** Packages a README tells the user to install: every package named on an `npm i|install` / `pnpm add|i` / `yarn add` line. */
export function installedByReadme(text) {
  const out = new Set();
  for (const line of text.split(/\r?\n/)) {
    const m = /\b(?:npm\s+(?:i|install|add)|pnpm\s+(?:add|i|install)|yarn\s+add)\s+(.*)$/.exec(line);
    if (!m) continue;
    const args = m[1].split("#")[0].replace(/`.*$/, "");
    for (const a of args.split(/\s+/)) {
      if (!a || a.startsWith("-")) continue;
      const name = a.startsWith("@") ? a.split("@").slice(0, 2).join("@") : a.split("@")[0];
      if (/^(@[\w.-]+\/)?[\w.-]+$/.test(name)) out.add(name);
    }
  }
  return out;
}

function tail(text, n = TAIL_LINES) {
  const lines = text.replace(/\s+$/, "").split("\n");
  return (lines.length > n ? [`... (${lines.length - n} lines above)`, ...lines.slice(-n)] : lines).map((l) => `    | ${l}`).join("\n");
}

/**
 * Runs the marked README example of every package in `packages` (`[{ name, readme, source? }]`:
 * the README file to read, e.g. the installed copy from the tarball, and the path to name in
 * messages, e.g. the README in the repository) in the consumer project `app`, one after the
 * other. Returns `[{ name, seconds }]`; after running them all, calls `fail(message)` (default:
 * throws an Error) once with every failure.
 */
export function runReadmeExamples({ app, packages, env = process.env, timeoutS = DEFAULT_TIMEOUT_S, log = console.log, fail = (message) => { throw new Error(message); } }) {
  const runEnv = { ...env, EBJDAT_BACKEND: env.EBJDAT_BACKEND || "wasm", EBJDAT_CACHE: join(app, ".ebjdat-cache") };
  // the examples must make their own inputs: no reference folder, no data folder
  delete runEnv.EBJDAT_SHARED;
  delete runEnv.EBJDAT_DATA;
  const failures = [];
  const results = [];
  for (const { name, readme, source = readme } of packages) {
    const where = relative(process.cwd(), source) || source;
    if (!existsSync(readme)) {
      failures.push(`${name}: ${where} is missing`);
      continue;
    }
    const text = readFileSync(readme, "utf8");
    let example;
    try {
      example = extractExample(text);
    } catch (e) {
      failures.push(`${name}: ${where}: ${e.message}`);
      continue;
    }
    const installed = installedByReadme(text);
    const missing = importedPackages(example.code).filter((p) => p !== name && !installed.has(p));
    if (missing.length > 0) {
      failures.push(`${name}: the example in ${where} imports ${missing.join(", ")}, which no install line of the README names (found: ${[...installed].join(", ") || "none"})`);
      continue;
    }
    const base = `readme-${name.split("/").pop()}`;
    const file = `${base}.mjs`;
    writeFileSync(join(app, file), example.code);
    // stdout and stderr into one file through one descriptor, so the log keeps their order
    const logFile = join(app, `${base}.log`);
    const fd = openSync(logFile, "w");
    const t0 = Date.now();
    let r;
    try {
      r = spawnSync(process.execPath, [file], { cwd: app, env: runEnv, timeout: timeoutS * 1000, killSignal: "SIGKILL", stdio: ["ignore", fd, fd] });
    } finally {
      closeSync(fd);
    }
    const s = (Date.now() - t0) / 1000;
    const output = readFileSync(logFile, "utf8");
    const timedOut = r.error?.code === "ETIMEDOUT" || (r.signal === "SIGKILL" && s >= timeoutS);
    if (timedOut || r.error || r.status !== 0) {
      const why = timedOut ? `timed out after ${timeoutS} s` : r.error ? r.error.message : `exited with ${r.status ?? r.signal}`;
      failures.push(`${name}: the example in ${where} (line ${example.line}, run as ${join(app, file)}) ${why}; output (${logFile}):\n${tail(output)}`);
      log(`  FAIL ${name} (${s.toFixed(1)} s): ${why}`);
      continue;
    }
    results.push({ name, seconds: s });
    log(`  ok  ${name} (${s.toFixed(1)} s)\n${tail(output, 4)}`);
  }
  if (failures.length > 0) fail(`${failures.length} README example(s) failed:\n${failures.join("\n")}`);
  return results;
}

// standalone use
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [appArg, ...only] = process.argv.slice(2);
  if (!appArg || !existsSync(join(appArg, "node_modules"))) {
    console.error("usage: node scripts/consumer/readme-examples.mjs <consumer project with node_modules> [package ...]");
    process.exit(2);
  }
  const packages = workspacePackages(undefined, { publicOnly: true })
    .filter(({ dir, manifest }) => only.length === 0 || only.includes(manifest.name) || only.includes(basename(dir)))
    .map(({ dir, manifest }) => ({ name: manifest.name, readme: join(dir, "README.md") }));
  const app = resolve(appArg);
  mkdirSync(app, { recursive: true });
  try {
    const t0 = Date.now();
    const res = runReadmeExamples({ app, packages });
    console.log(`${res.length} README examples ran in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  }
}
