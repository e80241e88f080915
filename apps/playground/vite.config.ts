import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";
import { sharedFiles } from "./server/shared-files";
import { tfjsWasm } from "./server/tfjs-wasm";

// tfjs-node(-gpu) are optional backends @ebjdat/runtime imports on request; a page has none, so
// they stay out of the bundle. WebGPU and WebGL are imported by the worker itself (src/worker/backend.ts).
const optional = ["@tensorflow/tfjs-node", "@tensorflow/tfjs-node-gpu"];
const repo = fileURLToPath(new URL("../..", import.meta.url));

export default defineConfig({
  base: "./",
  plugins: [tfjsWasm(), sharedFiles(repo)],
  build: { target: "es2022", chunkSizeWarningLimit: 4096, rollupOptions: { external: optional } },
  worker: { format: "es", rollupOptions: { external: optional } },
});
