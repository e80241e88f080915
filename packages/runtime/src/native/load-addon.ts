import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { LoadedAddon, NativeAddon } from "./addon-types";

// Node only: the browser build substitutes ./load-addon.browser.ts (DEVELOPING.md, "Browser builds").

declare const __filename: string | undefined;

function packageRoot(): string | undefined {
  let here: string | undefined;
  try {
    here = dirname(fileURLToPath(import.meta.url));
  } catch {
    here = typeof __filename === "string" ? dirname(__filename) : undefined;
  }
  for (let d = here; d !== undefined; ) {
    const pj = join(d, "package.json");
    if (existsSync(pj)) {
      try {
        if ((JSON.parse(readFileSync(pj, "utf8")) as { name?: string }).name === "@ebjdat/runtime") return d;
      } catch {
        /* keep walking */
      }
    }
    const up = dirname(d);
    d = up === d ? undefined : up;
  }
  return undefined;
}

/**
 * Loads the N-API addon (native/build/ebjdat_native.node, or `override`): the addon and its
 * SGEMM/threads, or why it is not available (not built, failed to load).
 */
export function loadAddon(override: string | undefined): LoadedAddon {
  const root = packageRoot();
  const path = override ?? (root ? join(root, "native", "build", "ebjdat_native.node") : undefined);
  if (!path || !existsSync(path)) {
    return { info: { active: false, reason: `not built (no ${path ?? "native/build/ebjdat_native.node"}; run \`node scripts/build-native.mjs\` in @ebjdat/runtime)` } };
  }
  try {
    const addon = createRequire(join(path, ".."))(path) as NativeAddon;
    const i = addon.info();
    return { addon, info: { active: true, blas: i.blas, conv: i.conv, threads: i.threads, signalThread: i.signalThread, path } };
  } catch (e) {
    return { info: { active: false, path, reason: `failed to load: ${(e as Error).message}` } };
  }
}
