/**
 * Browser builds (DEVELOPING.md, "Browser builds"): the esbuild plugin shared by every
 * package's browser build (scripts/lib/tsup-browser.config.mjs) and by
 * scripts/browser-bundle-check.mjs. A relative import of `./x` from a package's source resolves
 * to `./x.browser.ts` when that sibling exists: the one place where a portable module needs a
 * Node-only helper (the native addon's loader, Node's ESM hooks), the browser gets a sibling
 * with the same exports.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";

/** The `.browser.ts` sibling of a relative import, if there is one. */
export function browserSibling(resolveDir, specifier) {
  const base = join(resolveDir, specifier).replace(/\.(js|ts|mjs)$/, "");
  const candidate = `${base}.browser.ts`;
  return existsSync(candidate) ? candidate : undefined;
}

/** esbuild plugin: relative imports resolve to their `.browser.ts` sibling when one exists. */
export function browserSubstitutes() {
  return {
    name: "ebjdat-browser-substitutes",
    setup(build) {
      build.onResolve({ filter: /^\.\.?\// }, (args) => {
        if (args.kind === "entry-point") return undefined;
        const path = browserSibling(args.resolveDir, args.path);
        return path && path !== args.importer ? { path } : undefined;
      });
    },
  };
}
