#!/usr/bin/env node
/**
 * Public-API report per public package (issue 10): a small stand-in for api-extractor.
 *
 *   pnpm build && pnpm api:report       # (re)writes packages/<pkg>/api/<pkg>.api.md
 *   pnpm build && pnpm api:check        # exits 1 with a diff when a report is out of date
 *   node scripts/api-report.mjs --self-test   # proves the check fails on an API change
 *
 * For every public package (no `"private": true`) and every entry of its `exports` map, reads the
 * rolled-up declaration file that tsup --dts built (`exports[entry].import.types`, e.g.
 * dist/index.d.ts) and normalises it with the TypeScript compiler API:
 * - comments (doc comments, `//# sourceMappingURL`) are dropped: only signatures count;
 * - `private` class members (but a `private constructor()`, which forbids `new`), `#private`
 *   fields and anything tagged `@internal` are dropped;
 * - the trailing `export { a, type B, c as d }` list is folded into the declarations (`export`
 *   keyword), and top-level statements are sorted: imports, re-exports, exported declarations by
 *   name, then the non-exported declarations they reference, by name (overloads keep their order);
 * - the result is printed by the TypeScript printer (stable formatting).
 * It also checks that the CommonJS declarations (`require.types`, e.g. dist/index.d.cts) give the
 * same report as the ESM ones.
 *
 * The report is `packages/<dir>/api/<dir>.api.md`: a header and one fenced `ts` block per entry
 * point. It is checked in, so a change to a package's public API shows up in review as a diff.
 * Options: `--check` compare instead of write; `--root <dir>` another repository root (the
 * self-test uses it); `--self-test` run the self-test (a temporary copy of one package: a comment
 * or declaration-order change must pass, a signature change must fail with a diff).
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { workspacePackages } from "./lib/workspace.mjs";

const self = fileURLToPath(import.meta.url);
const repo = resolve(dirname(self), "..");
const require = createRequire(import.meta.url);
const ts = require("typescript");

const UPDATE_COMMAND = "pnpm build && pnpm api:report";

/** Drops `private` members (not a private constructor), `#private` fields and `@internal` nodes. */
function isNoise(node) {
  if (ts.getJSDocTags(node).some((t) => t.tagName.text === "internal")) return true;
  if (node.name && ts.isPrivateIdentifier(node.name)) return true;
  if (ts.isConstructorDeclaration(node)) return false;
  return (ts.getCombinedModifierFlags(node) & ts.ModifierFlags.Private) !== 0;
}

function stripMembers(node) {
  const keep = (members) => ts.factory.createNodeArray(members.filter((m) => !isNoise(m)));
  if (ts.isClassDeclaration(node)) {
    return ts.factory.updateClassDeclaration(node, node.modifiers, node.name, node.typeParameters, node.heritageClauses, keep(node.members));
  }
  if (ts.isInterfaceDeclaration(node)) {
    return ts.factory.updateInterfaceDeclaration(node, node.modifiers, node.name, node.typeParameters, node.heritageClauses, keep(node.members));
  }
  return node;
}

/** `import { b, a }` / `export { b, a } from` with the names sorted (bundler order is not stable). */
function sortSpecifiers(s) {
  const sorted = (els) => ts.factory.createNodeArray([...els].sort((a, b) => byText(a.name.text, b.name.text)));
  const f = ts.factory;
  if (ts.isImportDeclaration(s) && s.importClause?.namedBindings && ts.isNamedImports(s.importClause.namedBindings)) {
    const c = s.importClause;
    return f.updateImportDeclaration(s, s.modifiers, f.updateImportClause(c, c.isTypeOnly, c.name, f.updateNamedImports(c.namedBindings, sorted(c.namedBindings.elements))), s.moduleSpecifier, s.attributes);
  }
  if (ts.isExportDeclaration(s) && s.exportClause && ts.isNamedExports(s.exportClause)) {
    return f.updateExportDeclaration(s, s.modifiers, s.isTypeOnly, f.updateNamedExports(s.exportClause, sorted(s.exportClause.elements)), s.moduleSpecifier, s.attributes);
  }
  return s;
}

/** Names a top-level declaration statement declares. */
function declaredNames(s) {
  if (ts.isVariableStatement(s)) return s.declarationList.declarations.map((d) => (ts.isIdentifier(d.name) ? d.name.text : d.name.getText()));
  if (s.name && (ts.isIdentifier(s.name) || ts.isStringLiteral(s.name))) return [s.name.text];
  return [];
}

const KIND_ORDER = [
  ts.SyntaxKind.ModuleDeclaration,
  ts.SyntaxKind.EnumDeclaration,
  ts.SyntaxKind.InterfaceDeclaration,
  ts.SyntaxKind.TypeAliasDeclaration,
  ts.SyntaxKind.ClassDeclaration,
  ts.SyntaxKind.VariableStatement,
  ts.SyntaxKind.FunctionDeclaration,
];
const kindRank = (s) => (KIND_ORDER.includes(s.kind) ? KIND_ORDER.indexOf(s.kind) : KIND_ORDER.length);
const byText = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The normalised text of one declaration file's contents (see the header). Pure: the same
 * declarations in another order or with other comments give the same text.
 */
export function normaliseDeclarations(text, fileName = "index.d.ts") {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const printer = ts.createPrinter({ removeComments: true, newLine: ts.NewLineKind.LineFeed });
  const print = (node) => printer.printNode(ts.EmitHint.Unspecified, node, sf).trim();

  const imports = [];
  const reexports = [];
  const other = [];
  /** local name -> [{ exported, typeOnly }] */
  const exported = new Map();
  const decls = [];
  sf.statements.forEach((s, index) => {
    if (ts.isImportDeclaration(s) || ts.isImportEqualsDeclaration(s)) {
      imports.push(print(sortSpecifiers(s)));
    } else if (ts.isExportDeclaration(s) && !s.moduleSpecifier && s.exportClause && ts.isNamedExports(s.exportClause)) {
      for (const el of s.exportClause.elements) {
        const local = (el.propertyName ?? el.name).text;
        const list = exported.get(local) ?? [];
        list.push({ exported: el.name.text, typeOnly: s.isTypeOnly || el.isTypeOnly });
        exported.set(local, list);
      }
    } else if (ts.isExportDeclaration(s) || ts.isExportAssignment(s)) {
      reexports.push(print(sortSpecifiers(s)));
    } else if (isNoise(s)) {
      // @internal top-level declaration: not part of the public API
    } else if (declaredNames(s).length > 0) {
      decls.push({ s: stripMembers(s), names: declaredNames(s), index });
    } else {
      other.push(print(s));
    }
  });

  const isExported = (d) => d.names.some((n) => exported.has(n));
  const key = (d) => d.names.map((n) => exported.get(n)?.[0].exported ?? n).sort()[0];
  const order = (a, b) => byText(key(a), key(b)) || kindRank(a.s) - kindRank(b.s) || a.index - b.index;
  const pub = decls.filter(isExported).sort(order);
  const priv = decls.filter((d) => !isExported(d)).sort(order);

  const aliases = [];
  const lines = (d, asExported) => {
    let out = print(d.s);
    if (asExported) {
      const direct = d.names.every((n) => (exported.get(n) ?? []).some((e) => e.exported === n));
      if (direct && !/^export\s/.test(out)) out = `export ${out}`;
      for (const n of d.names) {
        for (const e of exported.get(n) ?? []) if (e.exported !== n || !direct) aliases.push(`export { ${e.typeOnly ? "type " : ""}${n} as ${e.exported} };`);
      }
    }
    return out;
  };
  const sections = [];
  const uniqSorted = (xs) => [...new Set(xs)].sort(byText);
  if (imports.length > 0) sections.push(uniqSorted(imports).join("\n"));
  if (reexports.length > 0) sections.push(uniqSorted(reexports).join("\n"));
  if (pub.length > 0) sections.push(pub.map((d) => lines(d, true)).join("\n"));
  if (aliases.length > 0) sections.push(uniqSorted(aliases).join("\n"));
  if (priv.length > 0) sections.push(["// not exported; referenced by the exported declarations", ...priv.map((d) => lines(d, false))].join("\n"));
  if (other.length > 0) sections.push(other.join("\n"));
  const missing = [...exported.keys()].filter((n) => !decls.some((d) => d.names.includes(n)) && !imports.some((i) => new RegExp(`\\b${n.replace(/\$/g, "\\$")}\\b`).test(i)));
  if (missing.length > 0) sections.push(`// exported names without a declaration in this file: ${missing.sort().join(", ")}`);
  return sections.join("\n\n") + "\n";
}

/** Newest modification time under a folder (0 when absent). */
function newestMtime(dir) {
  if (!existsSync(dir)) return 0;
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** The report of one package, or throws naming what is missing. Returns { text, warnings }. */
function packageReport({ dir, manifest }) {
  const warnings = [];
  const exportsMap = manifest.publishConfig?.exports ?? manifest.exports;
  if (!exportsMap || typeof exportsMap !== "object") throw new Error(`${manifest.name}: no "exports" map in package.json`);
  const entries = Object.entries(exportsMap).filter(([k]) => k !== "./package.json");
  if (entries.length === 0) throw new Error(`${manifest.name}: "exports" names no entry point`);
  const blocks = [];
  for (const [entry, cond] of entries) {
    const esm = cond?.import?.types;
    const cjs = cond?.require?.types;
    if (typeof esm !== "string") throw new Error(`${manifest.name}: exports["${entry}"].import.types is missing`);
    const file = join(dir, esm);
    if (!existsSync(file)) throw new Error(`${manifest.name}: ${relative(repo, file)} not found (run \`pnpm build\` first)`);
    const srcTime = newestMtime(join(dir, "src"));
    if (srcTime > statSync(file).mtimeMs) warnings.push(`${manifest.name}: ${relative(repo, file)} is older than src/ (run \`pnpm build\` for an up-to-date report)`);
    const text = normaliseDeclarations(readFileSync(file, "utf8"), file);
    if (typeof cjs === "string" && existsSync(join(dir, cjs))) {
      const cjsText = normaliseDeclarations(readFileSync(join(dir, cjs), "utf8"), join(dir, cjs));
      if (cjsText !== text) throw new Error(`${manifest.name}: the CommonJS declarations ${cjs} differ from the ESM ones ${esm}:\n${unifiedDiff(text, cjsText, esm, cjs)}`);
    }
    blocks.push(`## \`${entry === "." ? manifest.name : `${manifest.name}/${entry.replace(/^\.\//, "")}`}\`\n\n\`\`\`ts\n${text}\`\`\``);
  }
  const header = [
    `# API report: \`${manifest.name}\``,
    "",
    "<!-- Generated by scripts/api-report.mjs from the built declaration files. Do not edit. -->",
    `Generated from the built declaration files by \`${UPDATE_COMMAND}\` (comments, private members`,
    "and `@internal` declarations removed; declarations sorted). CI runs `pnpm api:check`: a change",
    "here is a change to the package's public API; review it (and its changeset's semver bump).",
  ].join("\n");
  return { text: `${header}\n\n${blocks.join("\n\n")}\n`, warnings };
}

/** A line diff with `context` lines around each change (`---`/`+++`/`@@` hunks, LCS based). */
export function unifiedDiff(a, b, nameA, nameB, context = 3) {
  const x = a.split("\n");
  const y = b.split("\n");
  let pre = 0;
  while (pre < x.length && pre < y.length && x[pre] === y[pre]) pre++;
  let suf = 0;
  while (suf < x.length - pre && suf < y.length - pre && x[x.length - 1 - suf] === y[y.length - 1 - suf]) suf++;
  const xs = x.slice(pre, x.length - suf);
  const ys = y.slice(pre, y.length - suf);
  const n = xs.length;
  const m = ys.length;
  // LCS table over the changed middle only (small for real API changes).
  const L = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) L[i][j] = xs[i] === ys[j] ? L[i + 1][j + 1] + 1 : Math.max(L[i + 1][j], L[i][j + 1]);
  const ops = [];
  for (let k = 0; k < pre; k++) ops.push([" ", x[k], k, k]);
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && xs[i] === ys[j]) ops.push([" ", xs[i], pre + i++, pre + j++]);
    else if (i < n && (j === m || L[i + 1][j] >= L[i][j + 1])) ops.push(["-", xs[i], pre + i++, pre + j]);
    else ops.push(["+", ys[j], pre + i, pre + j++]);
  }
  for (let k = 0; k < suf; k++) ops.push([" ", x[x.length - suf + k], x.length - suf + k, y.length - suf + k]);
  const out = [`--- ${nameA}`, `+++ ${nameB}`];
  let k = 0;
  while (k < ops.length) {
    while (k < ops.length && ops[k][0] === " ") k++;
    if (k === ops.length) break;
    const start = Math.max(0, k - context);
    let end = k;
    // extend the hunk while the next change lies within 2*context lines
    for (;;) {
      while (end < ops.length && ops[end][0] !== " ") end++;
      let next = end;
      while (next < ops.length && ops[next][0] === " ") next++;
      if (next < ops.length && next - end <= 2 * context) end = next;
      else break;
    }
    const stop = Math.min(ops.length, end + context);
    const hunk = ops.slice(start, stop);
    const aLen = hunk.filter((o) => o[0] !== "+").length;
    const bLen = hunk.filter((o) => o[0] !== "-").length;
    out.push(`@@ -${hunk[0][2] + 1},${aLen} +${hunk[0][3] + 1},${bLen} @@`);
    for (const [op, line] of hunk) out.push(`${op}${line}`);
    k = stop;
  }
  return out.join("\n");
}

function reportPath(dir) {
  const base = dir.split(/[\\/]/).pop();
  return join(dir, "api", `${base}.api.md`);
}

function writeAtomic(file, text) {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/** Writes or checks every report under `root`. Returns the exit code. */
function runReports(root, check) {
  const pkgs = workspacePackages(root, { publicOnly: true });
  if (pkgs.length === 0) {
    console.error(`api-report: no public packages under ${root}`);
    return 1;
  }
  let stale = 0;
  let errors = 0;
  for (const pkg of pkgs) {
    const file = reportPath(pkg.dir);
    const rel = relative(root, file);
    let report;
    try {
      report = packageReport(pkg);
    } catch (e) {
      console.error(`api-report: ${e instanceof Error ? e.message : String(e)}`);
      errors++;
      continue;
    }
    for (const w of report.warnings) console.warn(`api-report: warning: ${w}`);
    const old = existsSync(file) ? readFileSync(file, "utf8") : undefined;
    if (!check) {
      if (old === report.text) console.log(`${rel}: unchanged`);
      else {
        writeAtomic(file, report.text);
        console.log(`${rel}: ${old === undefined ? "written" : "updated"}`);
      }
    } else if (old === undefined) {
      console.error(`\n${rel}: missing (the public API of ${pkg.manifest.name} has no checked-in report)`);
      stale++;
    } else if (old !== report.text) {
      console.error(`\n${rel}: the public API of ${pkg.manifest.name} changed:\n${unifiedDiff(old, report.text, `${rel} (checked in)`, `${rel} (from the build)`)}`);
      stale++;
    } else {
      console.log(`${rel}: up to date`);
    }
  }
  if (errors > 0) return 1;
  if (stale > 0) {
    console.error(`\napi-report: ${stale} API report(s) out of date. If the change is intended, run\n  ${UPDATE_COMMAND}\nand commit the updated packages/*/api/*.api.md together with a changeset (pnpm changeset) whose bump fits the change.`);
    return 1;
  }
  console.log(check ? `api-report: ${pkgs.length} API reports up to date` : `api-report: ${pkgs.length} API reports written`);
  return 0;
}

/**
 * Self-test: copies one built package into a temporary repository root, writes its report, then
 * runs this script's --check there as a child process: a comment and declaration-order change
 * must pass (exit 0); a changed signature must fail (exit 1) with a diff and the update command.
 */
function selfTest() {
  const pkg = workspacePackages(repo, { publicOnly: true }).find((p) => existsSync(join(p.dir, "dist", "index.d.ts")) && readFileSync(join(p.dir, "dist", "index.d.ts"), "utf8").includes("declare function"));
  if (!pkg) throw new Error("self-test: no built package with a declared function (run `pnpm build` first)");
  const tmp = mkdtempSync(join(tmpdir(), "ebjdat-api-report-"));
  const check = (what, expectCode, expectOutput = []) => {
    const r = spawnSync(process.execPath, [self, "--check", "--root", tmp], { encoding: "utf8" });
    const output = `${r.stdout}${r.stderr}`;
    if (r.status !== expectCode) throw new Error(`self-test (${what}): --check exited ${r.status}, expected ${expectCode}:\n${output}`);
    for (const s of expectOutput) if (!output.includes(s)) throw new Error(`self-test (${what}): --check output lacks "${s}":\n${output}`);
    console.log(`self-test: ${what}: --check exited ${r.status} as expected`);
    return output;
  };
  try {
    const base = pkg.dir.split(/[\\/]/).pop();
    const dir = join(tmp, "packages", base);
    mkdirSync(join(dir, "dist"), { recursive: true });
    cpSync(join(repo, "pnpm-workspace.yaml"), join(tmp, "pnpm-workspace.yaml"));
    cpSync(join(pkg.dir, "package.json"), join(dir, "package.json"));
    const dts = readFileSync(join(pkg.dir, "dist", "index.d.ts"), "utf8");
    const write = (text) => {
      writeFileSync(join(dir, "dist", "index.d.ts"), text);
      writeFileSync(join(dir, "dist", "index.d.cts"), text);
    };
    write(dts);
    const r = spawnSync(process.execPath, [self, "--root", tmp], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`self-test: writing the report failed:\n${r.stdout}${r.stderr}`);
    check("unchanged declarations", 0);

    // Same API: other comments, another declaration order (last statement before the export list first).
    const stmts = dts.split(/\n(?=declare |interface |type )/);
    const exportList = stmts.length > 2 ? stmts.pop() : "";
    const reordered = stmts.length > 2 ? [stmts[0], stmts[stmts.length - 1], ...stmts.slice(1, -1)].join("\n") + "\n" + exportList : dts;
    if (reordered === dts) throw new Error("self-test: could not reorder the declarations");
    write(`// a new comment\n${reordered.replace(/\/\*\*[^]*?\*\//, "/** another doc comment */")}`);
    check("comments and declaration order changed", 0);

    // Changed API: one more parameter on the first declared function.
    const changed = dts.replace(/declare function (\w+)(<[^(]*>)?\(/, (m) => `${m}selfTestExtra: number, `);
    if (changed === dts) throw new Error("self-test: could not change a signature");
    write(changed);
    const out = check("a function signature changed", 1, ["selfTestExtra: number", "+", UPDATE_COMMAND, "@@"]);
    console.log(out.split("\n").filter((l) => l.startsWith("+") && l.includes("selfTestExtra")).join("\n"));

    // The check also fails when the CommonJS declarations differ from the ESM ones.
    write(dts);
    writeFileSync(join(dir, "dist", "index.d.cts"), changed);
    check("CommonJS declarations differ from ESM", 1, ["differ from the ESM ones"]);
    console.log("self-test: passed");
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function main() {
  const args = process.argv.slice(2);
  const rootAt = args.indexOf("--root");
  const root = rootAt >= 0 ? resolve(args[rootAt + 1]) : repo;
  const known = new Set(["--check", "--self-test", "--root"]);
  const unknown = args.filter((a, i) => a.startsWith("--") && !known.has(a) && i !== rootAt + 1);
  if (unknown.length > 0) {
    console.error(`api-report: unknown option(s) ${unknown.join(" ")}; expected --check, --self-test, --root <dir>`);
    return 2;
  }
  if (args.includes("--self-test")) {
    selfTest();
    if (!args.includes("--check")) return 0;
  }
  return runReports(root, args.includes("--check"));
}

if (process.argv[1] && resolve(process.argv[1]) === self) {
  try {
    process.exitCode = main();
  } catch (e) {
    console.error(`api-report: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  }
}
