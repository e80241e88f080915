#!/usr/bin/env node
// Builds the optional native kernels (native/*.c -> native/build/ebjdat_native.node) with the
// system's C compiler against Node's own N-API headers, all sources in one compiler call. Never
// fails: when there is no compiler or no headers, or EBJDAT_NATIVE=0, it says why and the wasm
// kernels stay in use. Runs at `pnpm build` in this repository and at install for consumers of
// the package. `--force` rebuilds even when the build is newer than every source and header.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const srcDir = join(root, "native");
const outDir = join(srcDir, "build");
const out = join(outDir, "ebjdat_native.node");
const say = (m) => console.log(`@ebjdat/runtime native kernels: ${m}`);

/** The addon's C sources and headers (native/*.c, native/*.h), sorted so the build is reproducible. */
function nativeFiles() {
  if (!existsSync(srcDir)) return { sources: [], headers: [] };
  const names = readdirSync(srcDir).sort();
  const pick = (ext) => names.filter((n) => n.endsWith(ext)).map((n) => join(srcDir, n));
  return { sources: pick(".c"), headers: pick(".h") };
}

/** true when the build is newer than every source, header and this script (its flags). */
function upToDate(inputs) {
  if (!existsSync(out)) return false;
  const built = statSync(out).mtimeMs;
  return inputs.every((f) => statSync(f).mtimeMs <= built);
}

function main() {
  if (process.env.EBJDAT_NATIVE === "0") return say("skipped (EBJDAT_NATIVE=0)");
  const { sources, headers } = nativeFiles();
  if (sources.length === 0) return say(`skipped (no C sources in ${srcDir})`);
  if (!process.argv.includes("--force") && upToDate([...sources, ...headers, fileURLToPath(import.meta.url)])) return say(`up to date (${out})`);
  const candidates = [
    process.env.npm_config_nodedir && join(process.env.npm_config_nodedir, "include", "node"),
    join(dirname(process.execPath), "..", "include", "node"),
    "/usr/include/node",
    "/usr/local/include/node",
  ].filter(Boolean);
  const include = candidates.find((d) => existsSync(join(d, "node_api.h")));
  if (!include) return say(`not built: Node's N-API headers (node_api.h) not found in ${candidates.join(", ")}; the wasm kernels are used`);
  const cc = process.env.CC || "cc";
  const march = process.env.EBJDAT_NATIVE_MARCH ?? "native";
  mkdirSync(outDir, { recursive: true });
  const tmp = `${out}.tmp-${process.pid}`;
  const args = ["-O3", ...(march ? [`-march=${march}`] : []), "-std=gnu11", "-fno-trapping-math", "-shared", "-fPIC", "-fvisibility=hidden", "-DNODE_GYP_MODULE_NAME=ebjdat_native", `-I${include}`, ...sources, "-o", tmp, "-lpthread", "-ldl", "-lm"];
  try {
    execFileSync(cc, args, { stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    const why = e.code === "ENOENT" ? `no C compiler ('${cc}')` : String(e.stderr || e.message).split("\n").slice(0, 5).join("\n");
    rmSync(tmp, { force: true });
    rmSync(out, { force: true }); // never leave a stale build of older source behind
    return say(`not built (${why}); the wasm kernels are used`);
  }
  renameSync(tmp, out);
  say(`built ${out}`);
}
main();
