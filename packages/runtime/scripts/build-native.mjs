#!/usr/bin/env node
// Builds the optional native kernels (native/ebjdat_native.c -> native/build/ebjdat_native.node)
// with the system's C compiler against Node's own N-API headers. Never fails: when there is no
// compiler or no headers, or EBJDAT_NATIVE=0, it says why and the wasm kernels stay in use.
// Runs at `pnpm build` in this repository and at install for consumers of the package.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const src = join(root, "native", "ebjdat_native.c");
const outDir = join(root, "native", "build");
const out = join(outDir, "ebjdat_native.node");
const say = (m) => console.log(`@ebjdat/runtime native kernels: ${m}`);

function main() {
  if (process.env.EBJDAT_NATIVE === "0") return say("skipped (EBJDAT_NATIVE=0)");
  if (!existsSync(src)) return say(`skipped (no source at ${src})`);
  if (existsSync(out) && statSync(out).mtimeMs >= statSync(src).mtimeMs && !process.argv.includes("--force")) return say(`up to date (${out})`);
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
  const args = ["-O3", ...(march ? [`-march=${march}`] : []), "-std=gnu11", "-fno-trapping-math", "-shared", "-fPIC", "-fvisibility=hidden", "-DNODE_GYP_MODULE_NAME=ebjdat_native", `-I${include}`, src, "-o", tmp, "-lpthread", "-ldl"];
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
