/**
 * Static checks of packed packages, used by ../consumer-test.mjs: the publish manifest and file
 * list of a tarball, and the bare imports of an installed package that its manifest does not
 * declare (the bug npm hoisting hides at run time).
 */
import { builtinModules } from "node:module";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";

const SEMVER = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

/** Problems with one publish manifest (the package.json inside the tarball) and its file list. */
export function manifestProblems(m, files, usesTf) {
  const p = [];
  if (!SEMVER.test(m.version ?? "")) p.push(`version "${m.version}" is not semver`);
  if (!m.license) p.push("no license");
  if (m.publishConfig?.access !== "public") p.push('publishConfig.access is not "public"');
  if (!m.repository?.url) p.push("no repository.url");
  if (!/^>=\s*20(\.|$)/.test(m.engines?.node ?? "")) p.push(`engines.node is "${m.engines?.node}", expected ">=20"`);
  if (usesTf && m.peerDependencies?.["@tensorflow/tfjs-core"] !== "^4.22.0") p.push(`peerDependencies["@tensorflow/tfjs-core"] is "${m.peerDependencies?.["@tensorflow/tfjs-core"]}", expected "^4.22.0"`);
  if (m.dependencies?.["@tensorflow/tfjs-core"]) p.push("@tensorflow/tfjs-core must be a peer dependency, not a dependency");
  for (const field of ["dependencies", "peerDependencies", "optionalDependencies"]) {
    for (const [dep, range] of Object.entries(m[field] ?? {})) {
      if (/^(workspace|file|link):/.test(range)) p.push(`${field}.${dep} = "${range}" (not resolved for publishing)`);
    }
  }
  const root = m.exports?.["."];
  const has = (rel) => files.has(rel.replace(/^\.\//, ""));
  if (!root || typeof root !== "object") {
    p.push('no exports["."] map');
  } else {
    for (const cond of ["import", "require"]) {
      const c = root[cond];
      if (!c?.types || !c?.default) p.push(`exports["."].${cond} needs "types" and "default"`);
    }
    const walk = (v, path) => {
      if (typeof v === "string") {
        if (!has(v)) p.push(`${path} -> ${v} is not in the tarball`);
      } else if (v && typeof v === "object") {
        for (const [k, w] of Object.entries(v)) walk(w, `${path}[${JSON.stringify(k)}]`);
      }
    };
    walk(m.exports, "exports");
  }
  for (const f of ["main", "module", "types"]) if (m[f] && !has(m[f])) p.push(`${f} -> ${m[f]} is not in the tarball`);
  for (const [name, target] of Object.entries(m.bin ?? {})) if (!has(target)) p.push(`bin.${name} -> ${target} is not in the tarball`);
  for (const need of ["package.json", "README.md", "LICENSE"]) if (!files.has(need)) p.push(`${need} is missing from the tarball`);
  // Sources an install script compiles (the runtime's native addon) ship too, and only then.
  const installSources = (f) => typeof m.scripts?.install === "string" && (/^native\/[^/]+\.[ch]$/.test(f) || m.scripts.install.includes(f));
  const extra = [...files].filter((f) => (!/^(package\.json|README\.md|LICENSE|CHANGELOG\.md|dist\/.+)$/.test(f) && !installSources(f)) || /\.test\.|__tests__|\/bench\//.test(f));
  if (extra.length > 0) p.push(`unexpected files in the tarball (keep "files" minimal): ${extra.slice(0, 8).join(", ")}${extra.length > 8 ? ", ..." : ""}`);
  return p;
}

const BUILTINS = new Set(builtinModules.flatMap((b) => [b, `node:${b}`]));
const IMPORT_PATTERNS = [
  /\bfrom\s*["']([^"'\s]+)["']/g, // import/export ... from "x"
  /\bimport\s*["']([^"'\s]+)["']/g, // import "x"
  /\bimport\s*\(\s*["']([^"'\s]+)["']\s*\)/g, // import("x") (also type-level import("x") in .d.ts)
  /\brequire\s*\(\s*["']([^"'\s]+)["']\s*\)/g, // require("x")
  /\brequire\.resolve\s*\(\s*["']([^"'\s]+)["']/g,
];

/** The package a bare specifier names (`@scope/name` or `name`), or undefined for relative/builtin ones. */
function packageOf(spec) {
  if (spec.startsWith(".") || spec.startsWith("/") || BUILTINS.has(spec) || spec.startsWith("node:")) return undefined;
  const parts = spec.split("/");
  return spec.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

function filesUnder(dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

/** Bare imports of an installed package's shipped code/types that its manifest does not declare. */
export function undeclaredImports(pkgDir) {
  const m = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"));
  const declared = new Set([m.name, ...Object.keys(m.dependencies ?? {}), ...Object.keys(m.peerDependencies ?? {}), ...Object.keys(m.optionalDependencies ?? {})]);
  const found = new Map();
  for (const file of filesUnder(pkgDir)) {
    if (!/\.(c|m)?js$|\.d\.(c|m)?ts$/.test(file) || file.includes(`${sep}node_modules${sep}`)) continue;
    const text = readFileSync(file, "utf8");
    for (const re of IMPORT_PATTERNS) {
      for (const match of text.matchAll(re)) {
        const pkg = packageOf(match[1]);
        if (pkg && !declared.has(pkg)) found.set(`${pkg} (${relative(pkgDir, file)}: "${match[1]}")`, true);
      }
    }
  }
  return [...found.keys()];
}
