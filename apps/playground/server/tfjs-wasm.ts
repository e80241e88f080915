// Node only (Vite config): the tfjs-backend-wasm binaries travel with the page.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Plugin } from "vite";

/** The folder (under the page's base) the wasm binaries are served from; the page passes it to `setWasmPaths`. */
export const WASM_DIR = "tfjs-wasm";

/** The binaries of @tensorflow/tfjs-backend-wasm (plain, SIMD, threaded SIMD). */
export const WASM_FILES = ["tfjs-backend-wasm.wasm", "tfjs-backend-wasm-simd.wasm", "tfjs-backend-wasm-threaded-simd.wasm"] as const;

/** The folder of the installed wasm binaries. */
export function wasmSourceDir(): string {
  return dirname(createRequire(import.meta.url).resolve("@tensorflow/tfjs-backend-wasm"));
}

/**
 * A Vite plugin that copies the tfjs-backend-wasm binaries into the build output under
 * `tfjs-wasm/` and serves them there in `vite dev`, so the worker's `setWasmPaths` finds them
 * next to the page (nothing fetched from a CDN).
 */
export function tfjsWasm(): Plugin {
  const dir = wasmSourceDir();
  return {
    name: "ebjdat-tfjs-wasm",
    generateBundle() {
      for (const f of WASM_FILES) this.emitFile({ type: "asset", fileName: `${WASM_DIR}/${f}`, source: readFileSync(join(dir, f)) });
    },
    configureServer(server) {
      server.middlewares.use(`/${WASM_DIR}/`, (req, res, next) => {
        const name = (req.url ?? "").replace(/^\//, "").split("?")[0] as (typeof WASM_FILES)[number];
        if (!WASM_FILES.includes(name)) return next();
        res.setHeader("content-type", "application/wasm");
        res.end(readFileSync(join(dir, name)));
      });
    },
  };
}
