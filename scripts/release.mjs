#!/usr/bin/env node
/**
 * `pnpm release` (issue 10): verify, then publish every public package with changesets.
 *
 *   pnpm release              # verify + `changeset publish` (needs npm credentials)
 *   pnpm release:dry-run      # verify + `pnpm -r publish --dry-run --no-git-checks`
 *   node scripts/release.mjs --dry-run --no-verify   # CI: the checks already ran earlier in .ci/run
 *
 * 1. verify (skipped with --no-verify): `pnpm build`, `pnpm test`, `pnpm api:check`,
 *    `pnpm consumer-test` (turbo caches build and test, so a verified tree repeats them quickly);
 * 2. `scripts/release-check.mjs`: pending changesets version coherently (with --dry-run also its
 *    self-test). A real release refuses to run with pending changesets: run
 *    `pnpm version-packages`, review and commit the versions and CHANGELOGs first;
 * 3. publish: `changeset publish` (pnpm publish for each public package whose version is not on
 *    the registry yet, with `workspace:` ranges replaced by the versions, and git tags), or with
 *    --dry-run `pnpm -r publish --dry-run --no-git-checks`: packs each public package exactly as
 *    it would be published and prints what would be uploaded; nothing is uploaded. (changesets
 *    has no dry run of its own.)
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { pnpmCommand } from "./lib/pnpm.mjs";
import { missingBuildOutput, workspacePackages } from "./lib/workspace.mjs";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const unknown = args.filter((a) => !["--dry-run", "--no-verify"].includes(a));
if (unknown.length > 0) {
  console.error(`release: unknown option(s) ${unknown.join(" ")}; expected --dry-run, --no-verify`);
  process.exit(2);
}
const dryRun = args.includes("--dry-run");
const verify = !args.includes("--no-verify");
const [pnpm, pre] = pnpmCommand();
const t00 = Date.now();

function sh(title, cmd, cmdArgs) {
  const t0 = Date.now();
  console.log(`\n== release${dryRun ? " (dry run)" : ""}: ${title}`);
  const r = spawnSync(cmd, cmdArgs, { cwd: repo, stdio: "inherit", env: process.env });
  if (r.status !== 0) {
    console.error(`\nrelease FAILED at "${title}" (${cmd} ${cmdArgs.join(" ")} exited with ${r.status ?? r.signal}); nothing was published`);
    process.exit(1);
  }
  console.log(`-- ${title}: ok (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}

if (verify) {
  sh("build", pnpm, [...pre, "build"]);
  sh("test", pnpm, [...pre, "test"]);
  sh("public-API reports", process.execPath, ["scripts/api-report.mjs", "--check"]);
  sh("consumer test", process.execPath, ["scripts/consumer-test.mjs"]);
}
sh("changeset version coherence", process.execPath, ["scripts/release-check.mjs", ...(dryRun ? ["--self-test"] : [])]);

const pending = readdirSync(join(repo, ".changeset")).filter((f) => f.endsWith(".md") && f !== "README.md");
if (pending.length > 0) {
  const msg = `${pending.length} pending changeset(s) (${pending.join(", ")}): run \`pnpm version-packages\`, review and commit the new versions and CHANGELOGs, then release`;
  if (!dryRun) {
    console.error(`\nrelease refused: ${msg}`);
    process.exit(1);
  }
  console.log(`\nnote: ${msg} (a real release would refuse; the dry run goes on with the current versions)`);
}

// `files` ships dist/ only: never publish (or dry-run) a package whose build output is missing
const missing = missingBuildOutput(workspacePackages(repo, { publicOnly: true }));
if (missing.length > 0) {
  console.error(`\nrelease FAILED: build output missing (run \`pnpm build\`):\n  ${missing.join("\n  ")}`);
  process.exit(1);
}

if (dryRun) sh("publish dry run (pnpm -r publish --dry-run)", pnpm, [...pre, "-r", "publish", "--dry-run", "--no-git-checks"]);
else sh("publish (changeset publish)", pnpm, [...pre, "exec", "changeset", "publish"]);
console.log(`\nrelease${dryRun ? " dry run" : ""} finished in ${((Date.now() - t00) / 1000).toFixed(1)} s`);
