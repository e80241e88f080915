#!/usr/bin/env node
/**
 * Consumer test (issue 10): proves the public packages work outside this workspace.
 *
 *   pnpm build && node scripts/consumer-test.mjs [--keep]
 *
 * 1. packs every public package with `pnpm pack` into a temporary folder outside the workspace
 *    and checks each tarball: the publish manifest (semver version, exports with ESM + CJS +
 *    types, engines, peer @tensorflow/tfjs-core, license, publishConfig, repository, no
 *    `workspace:` ranges), its file list (dist, README.md, LICENSE, package.json and nothing else);
 * 2. creates a fresh npm project there and installs all tarballs plus @tensorflow/tfjs-core with
 *    plain npm; checks every installed @ebjdat package came from a tarball;
 * 3. scans every shipped .js/.cjs/.d.ts/.d.cts file for bare imports/requires and fails on any
 *    package not declared in dependencies/peerDependencies (npm hoisting would hide such a bug
 *    at run time);
 * 4. runs an ESM and a CommonJS consumer (scripts/consumer/): PGD and APGD-CE on a linear TF.js
 *    model, KID on random features, loadModel + one forward pass of the shared reference
 *    checkpoint compared with the PyTorch logits;
 * 5. runs the installed CLI: `npx ebjdat --help`, `ebjdat info`.
 *
 * Needs: Node >= 20, npm, the registry (for tfjs-core and third-party deps), pnpm (or npx), the
 * shared reference folder (EBJDAT_SHARED, default ../shared beside the repository).
 * Exits non-zero with a message naming the failed step. `--keep` keeps the temporary folder.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { manifestProblems, undeclaredImports } from "./consumer/manifest-checks.mjs";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const shared = resolve(process.env.EBJDAT_SHARED ?? join(repo, "..", "shared"));
const keep = process.argv.includes("--keep");
const TFJS_CORE = "@tensorflow/tfjs-core@4.22.0";
const t00 = Date.now();
const timings = [];

class StepError extends Error {}

function fail(message) {
  throw new StepError(message);
}

async function step(name, fn) {
  const t0 = Date.now();
  console.log(`\n== ${name}`);
  try {
    const out = await fn();
    const s = (Date.now() - t0) / 1000;
    timings.push([name, s]);
    console.log(`-- ${name}: ok (${s.toFixed(1)} s)`);
    return out;
  } catch (e) {
    const msg = e instanceof StepError ? e.message : e instanceof Error ? e.stack ?? e.message : String(e);
    throw new StepError(`step "${name}" failed:\n${msg}`);
  }
}

/** Runs a command; throws with its output when it fails. Output is streamed when `show`. */
function run(cmd, args, { cwd, env, show = false, input } = {}) {
  const r = spawnSync(cmd, args, { cwd, env: env ?? process.env, encoding: "utf8", stdio: [input === undefined ? "ignore" : "pipe", show ? "inherit" : "pipe", show ? "inherit" : "pipe"], input, maxBuffer: 64 << 20 });
  if (r.error) fail(`${cmd} ${args.join(" ")}: ${r.error.message}`);
  if (r.status !== 0) {
    fail(`${cmd} ${args.join(" ")} (in ${cwd ?? process.cwd()}) exited with ${r.status ?? r.signal}${show ? "" : `\n${r.stdout ?? ""}${r.stderr ?? ""}`}`);
  }
  return r.stdout ?? "";
}

/** pnpm from PATH, else the pinned one fetched once by npx (CI has only Node and npm). */
function pnpmCommand() {
  const r = spawnSync("pnpm", ["--version"], { encoding: "utf8" });
  if (r.status === 0) return ["pnpm", []];
  const found = spawnSync("npx", ["-y", "-p", "pnpm@9.15.9", "-c", "command -v pnpm"], { encoding: "utf8" });
  const bin = (found.stdout ?? "").trim().split("\n").pop();
  if (found.status === 0 && bin && existsSync(bin)) return [bin, []];
  return ["npx", ["-y", "pnpm@9.15.9"]];
}

/** Public packages of the workspace (packages/* and apps/* without "private": true). */
function publicPackages() {
  const out = [];
  for (const group of ["packages", "apps"]) {
    const root = join(repo, group);
    if (!existsSync(root)) continue;
    for (const name of readdirSync(root).sort()) {
      const file = join(root, name, "package.json");
      if (!existsSync(file)) continue;
      const manifest = JSON.parse(readFileSync(file, "utf8"));
      if (manifest.private !== true) out.push({ dir: join(root, name), manifest });
    }
  }
  return out;
}

async function main() {
  const packages = await step("find the public packages and their build output", () => {
    const pkgs = publicPackages();
    if (pkgs.length === 0) fail("no public packages found");
    const missing = [];
    for (const { dir, manifest } of pkgs) {
      for (const f of ["dist/index.js", "dist/index.cjs", "dist/index.d.ts", "dist/index.d.cts", ...Object.values(manifest.bin ?? {})]) {
        if (!existsSync(join(dir, f))) missing.push(`${manifest.name}: ${f}`);
      }
    }
    if (missing.length > 0) fail(`build output missing (run \`pnpm build\` first):\n  ${missing.join("\n  ")}`);
    if (!existsSync(join(shared, "vectors", "models", "sadajem_wrn10_1_bn_stats.safetensors"))) {
      fail(`shared reference folder not found at ${shared} (set EBJDAT_SHARED)`);
    }
    console.log(`${pkgs.length} public packages: ${pkgs.map((p) => `${p.manifest.name}@${p.manifest.version}`).join(", ")}`);
    return pkgs;
  });

  const work = realpathSync(mkdtempSync(join(tmpdir(), "ebjdat-consumer-")));
  if (!relative(repo, work).startsWith("..")) fail(`temporary folder ${work} lies inside the workspace ${repo}`);
  const tarDir = join(work, "tarballs");
  const app = join(work, "app");
  mkdirSync(tarDir);
  mkdirSync(app);
  console.log(`temporary folder: ${work}`);
  try {
    const tarballs = await step("pack every public package (pnpm pack)", () => {
      const [pnpm, pre] = pnpmCommand();
      const out = [];
      for (const { dir, manifest } of packages) {
        const before = new Set(readdirSync(tarDir));
        run(pnpm, [...pre, "pack", "--pack-destination", tarDir], { cwd: dir });
        const made = readdirSync(tarDir).filter((f) => !before.has(f) && f.endsWith(".tgz"));
        if (made.length !== 1) fail(`${manifest.name}: pnpm pack made ${made.length} tarballs`);
        out.push({ name: manifest.name, file: join(tarDir, made[0]), usesTf: manifest.peerDependencies?.["@tensorflow/tfjs-core"] !== undefined || manifest.devDependencies?.["@tensorflow/tfjs-core"] !== undefined });
        console.log(`${made[0]} (${(statSync(join(tarDir, made[0])).size / 1024).toFixed(0)} KiB)`);
      }
      return out;
    });

    await step("check each tarball's publish manifest and file list", () => {
      const problems = [];
      for (const t of tarballs) {
        const list = run("tar", ["-tzf", t.file]).split("\n").filter(Boolean).map((f) => f.replace(/^package\//, ""));
        const manifest = JSON.parse(run("tar", ["-xzOf", t.file, "package/package.json"]));
        for (const p of manifestProblems(manifest, new Set(list), t.usesTf)) problems.push(`${t.name}: ${p}`);
      }
      if (problems.length > 0) fail(problems.join("\n"));
    });

    await step(`npm install the tarballs and ${TFJS_CORE} into a fresh project`, () => {
      writeFileSync(join(app, "package.json"), JSON.stringify({ name: "ebjdat-consumer", version: "0.0.0", private: true, description: "consumer test" }, null, 2) + "\n");
      run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", ...tarballs.map((t) => t.file), TFJS_CORE], { cwd: app, show: true });
      const lock = JSON.parse(readFileSync(join(app, "package-lock.json"), "utf8"));
      const wrong = [];
      for (const [path, entry] of Object.entries(lock.packages ?? {})) {
        if (/(^|\/)node_modules\/@ebjdat\//.test(path) && !(entry.resolved ?? "").startsWith("file:")) wrong.push(`${path} (resolved ${entry.resolved ?? "?"})`);
      }
      if (wrong.length > 0) fail(`these @ebjdat packages were not taken from the local tarballs:\n  ${wrong.join("\n  ")}`);
      for (const t of tarballs) if (!existsSync(join(app, "node_modules", ...t.name.split("/"), "package.json"))) fail(`${t.name} is not installed`);
    });

    await step("every import in the shipped files is declared (dependencies/peerDependencies)", () => {
      const problems = [];
      for (const t of tarballs) {
        for (const u of undeclaredImports(join(app, "node_modules", ...t.name.split("/")))) problems.push(`${t.name} imports undeclared ${u}`);
      }
      if (problems.length > 0) fail(problems.join("\n"));
    });

    const env = { ...process.env, EBJDAT_SHARED: shared };
    for (const f of ["checks.cjs", "consumer.mjs", "consumer.cjs"]) cpSync(join(repo, "scripts", "consumer", f), join(app, f));
    await step("ESM consumer (import): attacks, metrics, models", () => {
      run(process.execPath, ["consumer.mjs"], { cwd: app, env, show: true });
    });
    await step("CommonJS consumer (require): attacks, metrics, models", () => {
      run(process.execPath, ["consumer.cjs"], { cwd: app, env, show: true });
    });

    await step("installed CLI: npx ebjdat --help, ebjdat info", () => {
      const help = run("npx", ["--no-install", "ebjdat", "--help"], { cwd: app, env });
      if (!/Usage: ebjdat/.test(help)) fail(`ebjdat --help printed no usage:\n${help}`);
      console.log(help.split("\n")[0]);
      const bin = join(app, "node_modules", ".bin", process.platform === "win32" ? "ebjdat.cmd" : "ebjdat");
      const info = run(bin, ["info"], { cwd: app, env });
      if (!/backend/.test(info) || !/@tensorflow\/tfjs-core 4\.22\.0/.test(info)) fail(`ebjdat info printed unexpected output:\n${info}`);
      process.stdout.write(info);
    });
  } finally {
    if (keep) console.log(`\nkept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
}

try {
  await main();
  console.log("\n== timings");
  for (const [name, s] of timings) console.log(`${s.toFixed(1).padStart(7)} s  ${name}`);
  console.log(`consumer test passed in ${((Date.now() - t00) / 1000).toFixed(1)} s`);
} catch (e) {
  console.error(`\nconsumer test FAILED after ${((Date.now() - t00) / 1000).toFixed(1)} s: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
