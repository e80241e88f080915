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
 *    checkpoint compared with the PyTorch logits; then every public package's README example
 *    (the block marked for scripts/consumer/readme-examples.mjs) as an ES module in that project;
 * 5. runs the installed CLI: `npx ebjdat --help`, `ebjdat info`;
 * 6. type-checks a TypeScript consumer (scripts/consumer/consumer-types.ts) with the repository's
 *    TypeScript version installed from the registry, `tsc --noEmit` with module/moduleResolution
 *    `node16` (as consumer.mts: ESM, the `import` types; as consumer.cts: CommonJS, the `require`
 *    types) and `bundler`, skipLibCheck off so the shipped declarations are checked too;
 * 7. installs the CLI globally, `npm i -g --prefix <tmp>/global`, and runs `<prefix>/bin/ebjdat
 *    --help` and `ebjdat info` (see scripts/consumer/global-cli.mjs for how the unpublished
 *    @ebjdat dependencies are resolved from the packed tarballs).
 * The local install proves its @ebjdat packages came from the tarballs through package-lock.json;
 * the global install (no lockfile) runs with the @ebjdat scope pointed at an unreachable registry.
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
import { globalCliTarball, installedCopies, NO_EBJDAT_REGISTRY } from "./consumer/global-cli.mjs";
import { manifestProblems, undeclaredImports } from "./consumer/manifest-checks.mjs";
import { runReadmeExamples } from "./consumer/readme-examples.mjs";
import { pnpmCommand } from "./lib/pnpm.mjs";
import { missingBuildOutput, workspacePackages } from "./lib/workspace.mjs";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const shared = resolve(process.env.EBJDAT_SHARED ?? join(repo, "..", "shared"));
const keep = process.argv.includes("--keep");
const TFJS_CORE = "@tensorflow/tfjs-core@4.22.0";
/** The versions the repository builds with (pinned for the TypeScript consumer). */
const repoVersion = (name) => JSON.parse(readFileSync(join(repo, "node_modules", ...name.split("/"), "package.json"), "utf8")).version;
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

async function main() {
  const packages = await step("find the public packages and their build output", () => {
    const pkgs = workspacePackages(repo, { publicOnly: true });
    if (pkgs.length === 0) fail("no public packages found");
    const missing = missingBuildOutput(pkgs);
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

    await step("@ebjdat/runtime's install script compiled the native kernels in the project, and they run", () => {
      const probe = `import { initBackend, nativeKernels } from "@ebjdat/runtime";
await initBackend({ backend: "wasm", quiet: true });
console.log(JSON.stringify(nativeKernels()));`;
      writeFileSync(join(app, "native-probe.mjs"), probe);
      const k = JSON.parse(run(process.execPath, ["native-probe.mjs"], { cwd: app, env: { ...process.env, EBJDAT_NATIVE: "" } }).trim().split("\n").pop());
      const hasCc = spawnSync(process.env.CC || "cc", ["--version"], { stdio: "ignore" }).status === 0;
      if (hasCc && !k.active) fail(`a C compiler is present but the native kernels are not active in the installed package: ${k.reason}`);
      console.log(k.active ? `native kernels active: ${k.blas}, ${k.threads} threads (${k.path})` : `native kernels off (no C compiler): ${k.reason}`);
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
    await step("README examples: each public package's marked example runs as an ES module in the project", () => {
      const readmes = packages.map((p) => ({ name: p.manifest.name, readme: join(app, "node_modules", ...p.manifest.name.split("/"), "README.md"), source: join(p.dir, "README.md") }));
      runReadmeExamples({ app, packages: readmes, env, fail });
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

    await step("TypeScript consumer: tsc --noEmit with node16 (ESM .mts + CommonJS .cts) and bundler resolution", () => {
      const typescript = `typescript@${repoVersion("typescript")}`;
      const typesNode = `@types/node@${repoVersion("@types/node")}`;
      run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", "--save-dev", typescript, typesNode], { cwd: app, show: true });
      const source = readFileSync(join(repo, "scripts", "consumer", "consumer-types.ts"), "utf8");
      // lib "dom": @tensorflow/tfjs-core's own declarations name browser types (ImageData, WebGLTexture)
      const common = { target: "es2022", lib: ["es2022", "dom"], strict: true, noEmit: true, skipLibCheck: false, isolatedModules: true };
      const configs = {
        node16: { files: { "consumer.mts": source, "consumer.cts": source }, options: { module: "node16", moduleResolution: "node16" } },
        bundler: { files: { "consumer.ts": source }, options: { module: "esnext", moduleResolution: "bundler" } },
      };
      const tsc = join(app, "node_modules", "typescript", "bin", "tsc");
      for (const [name, { files, options }] of Object.entries(configs)) {
        const dir = join(app, `ts-${name}`);
        mkdirSync(dir);
        for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
        writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { ...common, ...options }, files: Object.keys(files) }, null, 2) + "\n");
        const r = spawnSync(process.execPath, [tsc, "-p", dir, "--listFiles", "--pretty", "false"], { cwd: app, encoding: "utf8", maxBuffer: 64 << 20 });
        const listed = `${r.stdout}`.split("\n");
        if (r.status !== 0) fail(`tsc -p ${dir} (${name}) exited with ${r.status}:\n${listed.filter((l) => l && !l.startsWith("/")).join("\n")}${r.stderr ?? ""}`);
        // the shipped declarations really were used (not `any` from an unresolved import)
        const used = (pkg, f) => listed.some((l) => l.replace(/\\/g, "/").endsWith(`node_modules/@ebjdat/${pkg}/dist/${f}`));
        const want = name === "node16" ? ["index.d.ts", "index.d.cts"] : ["index.d.ts"];
        for (const pkg of ["attacks", "metrics", "models", "runtime"]) {
          for (const f of want) if (!used(pkg, f)) fail(`tsc (${name}) did not load @ebjdat/${pkg}/dist/${f}`);
        }
        console.log(`${typescript} ${name}: ${Object.keys(files).join(" + ")} type-check against ${want.join(" and ")}`);
      }
    });

    await step("global CLI install from the packed tarballs: npm i -g --prefix, <prefix>/bin/ebjdat --help, ebjdat info", () => {
      const cli = tarballs.find((t) => t.name === "@ebjdat/cli");
      if (!cli) fail("no @ebjdat/cli tarball");
      const { file } = globalCliTarball({ cli, tarballs, outDir: join(work, "global-cli"), run, fail });
      const prefix = join(work, "global");
      // cwd outside the app so that no local project influences the global install
      run("npm", ["install", "--global", "--prefix", prefix, "--no-audit", "--no-fund", "--loglevel=error", ...NO_EBJDAT_REGISTRY, file], { cwd: work, show: true });
      const bin = process.platform === "win32" ? join(prefix, "ebjdat.cmd") : join(prefix, "bin", "ebjdat");
      if (!existsSync(bin)) fail(`npm i -g did not link the bin: ${bin} is missing`);
      const lib = process.platform === "win32" ? join(prefix, "node_modules") : join(prefix, "lib", "node_modules");
      const cores = installedCopies(join(lib, "@ebjdat", "cli"), "@tensorflow/tfjs-core");
      if (cores.length !== 1) fail(`expected one @tensorflow/tfjs-core in the global install (the peer), found ${cores.length}: ${cores.map((c) => c.path).join(", ")}`);
      // every @ebjdat package the CLI depends on (transitively) is installed once; others (e.g. @ebjdat/figures) are not its dependencies
      const manifests = new Map(packages.map(({ manifest }) => [manifest.name, manifest]));
      const needed = new Set();
      const walk = (name) => {
        for (const dep of Object.keys(manifests.get(name)?.dependencies ?? {})) {
          if (manifests.has(dep) && !needed.has(dep)) {
            needed.add(dep);
            walk(dep);
          }
        }
      };
      walk("@ebjdat/cli");
      for (const t of tarballs) {
        if (t.name === "@ebjdat/cli" || !needed.has(t.name)) continue;
        const copies = installedCopies(join(lib, "@ebjdat", "cli"), t.name);
        if (copies.length !== 1) fail(`expected one ${t.name} in the global install, found ${copies.length}`);
      }
      // PATH without the app's node_modules/.bin: the global bin must work on its own
      const genv = { ...env, PATH: `${dirname(bin)}${process.platform === "win32" ? ";" : ":"}${process.env.PATH ?? ""}` };
      const help = run(bin, ["--help"], { cwd: work, env: genv });
      if (!/Usage: ebjdat/.test(help)) fail(`global ebjdat --help printed no usage:\n${help}`);
      const info = run("ebjdat", ["info"], { cwd: work, env: genv });
      if (!/backend/.test(info) || !/@tensorflow\/tfjs-core 4\.\d+\.\d+/.test(info)) fail(`global ebjdat info printed unexpected output:\n${info}`);
      console.log(`${bin}: ${help.split("\n")[0]}`);
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
