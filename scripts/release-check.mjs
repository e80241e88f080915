#!/usr/bin/env node
/**
 * Release check (issue 10): does `changeset version` turn the pending changesets into a coherent
 * release? Runs in a temporary copy, so the repository is never touched.
 *
 *   node scripts/release-check.mjs [--self-test] [--keep]
 *
 * 1. copies the workspace manifests (root package.json, pnpm-workspace.yaml, the package.json and
 *    CHANGELOG.md of every workspace package) and .changeset/ into a temporary folder;
 * 2. reads the pending changesets (.changeset/*.md but README.md) and the bump each asks for;
 * 3. runs the repository's `changeset version` there (no git needed: config "commit": false);
 * 4. checks: every changeset was consumed; every public package named by a changeset got exactly
 *    the highest bump asked for (others stay or get a patch for an updated dependency); every
 *    bumped public package has a CHANGELOG.md whose first section is the new version and holds the
 *    summary of each changeset naming it; private packages keep their version; every internal
 *    dependency range of a public package, written as `pnpm publish` writes it (`workspace:^` ->
 *    `^<version>`), is satisfied by the new version of a public package.
 * Without pending changesets it checks the current versions' internal ranges only.
 * `--self-test` then breaks the versioned copy (a CHANGELOG removed, a range that excludes the new
 * version, a private package bumped) and checks that each break is reported.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { satisfiesCaret } from "./consumer/global-cli.mjs";
import { workspacePackages } from "./lib/workspace.mjs";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const BUMPS = ["patch", "minor", "major"];

/** The pending changesets of a .changeset folder: [{ file, releases: Map(name -> bump), summary }]. */
export function pendingChangesets(dir) {
  const out = [];
  for (const f of readdirSync(dir).sort()) {
    if (!f.endsWith(".md") || f === "README.md") continue;
    const text = readFileSync(join(dir, f), "utf8");
    const m = /^---\r?\n([^]*?)\r?\n---\r?\n?([^]*)$/.exec(text);
    if (!m) throw new Error(`.changeset/${f}: no front matter (--- "pkg": bump ---)`);
    const releases = new Map();
    for (const line of m[1].split(/\r?\n/).filter((l) => l.trim())) {
      const r = /^\s*["']?([^"':]+)["']?\s*:\s*(patch|minor|major)\s*$/.exec(line);
      if (!r) throw new Error(`.changeset/${f}: cannot read the release line "${line}"`);
      releases.set(r[1], r[2]);
    }
    out.push({ file: f, releases, summary: m[2].trim() });
  }
  return out;
}

/** `x.y.z` bumped (semver.inc semantics for release versions). */
export function bump(version, type) {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (!m) throw new Error(`not a semver version: ${version}`);
  const [a, b, c] = m.slice(1).map(Number);
  if (type === "major") return `${a + 1}.0.0`;
  if (type === "minor") return `${a}.${b + 1}.0`;
  return /-/.test(version) ? `${a}.${b}.${c}` : `${a}.${b}.${c + 1}`;
}

/** The range `pnpm publish` writes for a dependency spec, given the dependency's version. */
function publishedRange(spec, version) {
  const w = /^workspace:(.*)$/.exec(spec);
  if (!w) return spec;
  if (w[1] === "^" || w[1] === "~") return `${w[1]}${version}`;
  if (w[1] === "*") return version;
  return w[1];
}

/**
 * Problems of a versioned copy: `before` and `after` are workspacePackages() results, `changesets`
 * the pending ones, `root` the copy (for CHANGELOGs and leftover changesets).
 */
export function coherenceProblems({ root, before, after, changesets }) {
  const p = [];
  const beforeOf = new Map(before.map((x) => [x.manifest.name, x]));
  const afterOf = new Map(after.map((x) => [x.manifest.name, x]));
  const wanted = new Map();
  for (const cs of changesets) {
    for (const [name, type] of cs.releases) {
      if (!beforeOf.has(name)) p.push(`.changeset/${cs.file} names ${name}, which is not a workspace package`);
      else if (beforeOf.get(name).manifest.private === true) p.push(`.changeset/${cs.file} names the private package ${name}`);
      const prev = wanted.get(name);
      if (!prev || BUMPS.indexOf(type) > BUMPS.indexOf(prev)) wanted.set(name, type);
    }
  }
  const leftover = readdirSync(join(root, ".changeset")).filter((f) => f.endsWith(".md") && f !== "README.md");
  if (changesets.length > 0 && leftover.length > 0) p.push(`changesets not consumed by changeset version: ${leftover.join(", ")}`);

  for (const { rel, manifest } of after) {
    const old = beforeOf.get(manifest.name)?.manifest;
    if (!old) {
      p.push(`${manifest.name}: not in the workspace before versioning`);
      continue;
    }
    const changed = old.version !== manifest.version;
    if (manifest.private === true) {
      if (changed) p.push(`${manifest.name} is private but its version changed ${old.version} -> ${manifest.version}`);
      continue;
    }
    const want = wanted.get(manifest.name);
    if (want && manifest.version !== bump(old.version, want)) p.push(`${manifest.name}: ${old.version} -> ${manifest.version}, expected ${bump(old.version, want)} (a ${want} changeset)`);
    if (!want && changed && manifest.version !== bump(old.version, "patch")) p.push(`${manifest.name}: ${old.version} -> ${manifest.version} without a changeset (only a patch for updated dependencies is expected)`);
    if (changed) {
      const log = join(root, rel, "CHANGELOG.md");
      if (!existsSync(log)) p.push(`${manifest.name}: bumped to ${manifest.version} but has no CHANGELOG.md`);
      else {
        const text = readFileSync(log, "utf8");
        const first = /^## (.+)$/m.exec(text)?.[1]?.trim();
        if (first !== manifest.version) p.push(`${manifest.name}: CHANGELOG.md's first section is "${first}", expected "${manifest.version}"`);
        for (const cs of changesets) {
          const line = cs.summary.split(/\r?\n/)[0].trim();
          if (cs.releases.has(manifest.name) && line && !text.includes(line)) p.push(`${manifest.name}: CHANGELOG.md lacks the summary of .changeset/${cs.file}`);
        }
      }
    }
    for (const field of ["dependencies", "peerDependencies", "optionalDependencies"]) {
      for (const [dep, spec] of Object.entries(manifest[field] ?? {})) {
        const target = afterOf.get(dep)?.manifest;
        if (!target) continue; // third-party
        if (target.private === true) {
          p.push(`${manifest.name}: ${field}.${dep} is a private package`);
          continue;
        }
        const range = publishedRange(spec, target.version);
        if (!satisfiesCaret(target.version, range)) p.push(`${manifest.name}: ${field}.${dep} = "${spec}" (published as "${range}") does not accept ${dep}@${target.version}`);
      }
    }
  }
  return p;
}

function copyWorkspace(root, dest) {
  for (const f of ["package.json", "pnpm-workspace.yaml"]) if (existsSync(join(root, f))) cpSync(join(root, f), join(dest, f));
  cpSync(join(root, ".changeset"), join(dest, ".changeset"), { recursive: true });
  for (const { rel } of workspacePackages(root)) {
    mkdirSync(join(dest, rel), { recursive: true });
    for (const f of ["package.json", "CHANGELOG.md"]) if (existsSync(join(root, rel, f))) cpSync(join(root, rel, f), join(dest, rel, f));
  }
}

function main() {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => !["--self-test", "--keep"].includes(a));
  if (unknown.length > 0) {
    console.error(`release-check: unknown option(s) ${unknown.join(" ")}; expected --self-test, --keep`);
    return 2;
  }
  const t0 = Date.now();
  const work = mkdtempSync(join(tmpdir(), "ebjdat-release-check-"));
  try {
    copyWorkspace(repo, work);
    const before = workspacePackages(work);
    const changesets = pendingChangesets(join(work, ".changeset"));
    if (changesets.length === 0) {
      console.log("release-check: no pending changesets (nothing for `changeset version` to do); checking the current internal ranges");
    } else {
      console.log(`release-check: ${changesets.length} pending changeset(s): ${changesets.map((c) => c.file).join(", ")}`);
      const bin = require.resolve("@changesets/cli/bin.js", { paths: [repo] });
      const r = spawnSync(process.execPath, [bin, "version"], { cwd: work, encoding: "utf8", env: { ...process.env, CI: "true" } });
      if (r.status !== 0) {
        console.error(`release-check: changeset version failed (exit ${r.status}):\n${r.stdout}${r.stderr}`);
        return 1;
      }
    }
    const after = workspacePackages(work);
    const problems = coherenceProblems({ root: work, before, after, changesets });
    for (const { manifest } of after) {
      const old = before.find((b) => b.manifest.name === manifest.name).manifest.version;
      console.log(`  ${manifest.name.padEnd(18)} ${old.padEnd(8)} -> ${manifest.version.padEnd(8)}${manifest.private === true ? " (private)" : old !== manifest.version ? " CHANGELOG.md" : ""}`);
    }
    if (problems.length > 0) {
      console.error(`\nrelease-check FAILED: \`changeset version\` would not give a coherent release:\n  ${problems.join("\n  ")}`);
      return 1;
    }
    if (args.includes("--self-test")) selfTest(work, before, changesets);
    console.log(`release-check: coherent (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    return 0;
  } finally {
    if (args.includes("--keep")) console.log(`kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
}

/** Breaks the versioned copy in three ways and expects each to be reported. */
function selfTest(work, before, changesets) {
  const after = workspacePackages(work);
  const pub = after.filter((x) => x.manifest.private !== true);
  const bumped = pub.find((x) => existsSync(join(work, x.rel, "CHANGELOG.md")));
  const dependent = pub.find((x) => Object.keys(x.manifest.dependencies ?? {}).some((d) => pub.some((q) => q.manifest.name === d)));
  const priv = after.find((x) => x.manifest.private === true);
  const cases = [];
  if (bumped) {
    cases.push(["a bumped package without CHANGELOG.md", () => rmSync(join(work, bumped.rel, "CHANGELOG.md")), "has no CHANGELOG.md"]);
  }
  if (dependent) {
    const dep = Object.keys(dependent.manifest.dependencies).find((d) => pub.some((q) => q.manifest.name === d));
    cases.push([`${dependent.manifest.name} pinned to an old ${dep}`, () => {
      const file = join(work, dependent.rel, "package.json");
      const m = JSON.parse(readFileSync(file, "utf8"));
      m.dependencies[dep] = "0.0.1";
      writeFileSync(file, JSON.stringify(m, null, 2));
    }, "does not accept"]);
  }
  if (priv) {
    cases.push([`private ${priv.manifest.name} bumped`, () => {
      const file = join(work, priv.rel, "package.json");
      const m = JSON.parse(readFileSync(file, "utf8"));
      m.version = bump(m.version, "major");
      writeFileSync(file, JSON.stringify(m, null, 2));
    }, "is private but its version changed"]);
  }
  if (cases.length === 0) throw new Error("self-test: nothing to break");
  for (const [what, breakIt, expect] of cases) {
    breakIt();
    const problems = coherenceProblems({ root: work, before, after: workspacePackages(work), changesets });
    if (!problems.some((x) => x.includes(expect))) throw new Error(`self-test (${what}): not reported; problems: ${problems.join("; ") || "none"}`);
    console.log(`self-test: ${what}: reported`);
  }
  console.log("self-test: passed");
}

try {
  process.exitCode = main();
} catch (e) {
  console.error(`release-check: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
}
