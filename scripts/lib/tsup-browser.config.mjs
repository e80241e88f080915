/**
 * tsup config of a package's browser entry (run from the package folder after its Node build):
 * src/index.browser.ts → dist/index.browser.js (+ .d.ts), ES module, platform browser, with the
 * `.browser.ts` substitutions of ./browser-build.mjs. package.json's `exports["."].browser`
 * points at it (DEVELOPING.md, "Browser builds").
 */
import { defineConfig } from "tsup";
import { browserSubstitutes } from "./browser-build.mjs";

export default defineConfig({
  entry: { "index.browser": "src/index.browser.ts" },
  format: ["esm"],
  dts: true,
  sourcemap: true,
  clean: false,
  platform: "browser",
  target: "es2022",
  esbuildPlugins: [browserSubstitutes()],
});
