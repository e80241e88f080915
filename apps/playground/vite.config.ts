import { defineConfig } from "vite";

// tfjs-node(-gpu) and webgpu are optional backends @ebjdat/runtime imports on request; a page has
// none of the first two and gets webgpu only if installed, so they stay out of the bundle.
const optional = ["@tensorflow/tfjs-node", "@tensorflow/tfjs-node-gpu", "@tensorflow/tfjs-backend-webgpu"];

export default defineConfig({
  base: "./",
  build: { target: "es2022", rollupOptions: { external: optional } },
  worker: { format: "es", rollupOptions: { external: optional } },
});
