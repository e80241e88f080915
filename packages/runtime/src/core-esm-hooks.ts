// Node only: the browser build substitutes ./core-esm-hooks.browser.ts (DEVELOPING.md, "Browser builds").

/**
 * Node resolution hooks for TF.js core's ESM files (`dist/*.js`, extensionless relative
 * imports in a package without `"type": "module"`): relative specifiers get `.js` when such a
 * file exists, and those files load as ES modules. Only URLs inside `@tensorflow/tfjs-core/dist/`
 * other than its CommonJS bundles are touched.
 */
const HOOKS = `
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
const inCore = (u) => typeof u === "string" && /\\/@tensorflow\\/tfjs-core\\/dist\\//.test(u) && !/\\/tf-core[^/]*\\.js$/.test(u);
export async function resolve(specifier, context, next) {
  if (inCore(context.parentURL) && specifier.startsWith(".") && !specifier.endsWith(".js")) {
    const url = new URL(specifier + ".js", context.parentURL);
    if (existsSync(fileURLToPath(url))) return { url: url.href, format: "module", shortCircuit: true };
  }
  return next(specifier, context);
}
export async function load(url, context, next) {
  if (inCore(url) && url.startsWith("file:")) return next(url, { ...context, format: "module" });
  return next(url, context);
}
`;

let hooked = false;

/** Registers the hooks above once per process (Node 20.6+ `module.register`); a no-op elsewhere. */
export async function installCoreEsmHooks(): Promise<void> {
  if (hooked || (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === undefined) return;
  const mod = (await import("node:module")) as { register?: (url: string) => void };
  if (typeof mod.register === "function") mod.register(`data:text/javascript,${encodeURIComponent(HOOKS)}`);
  hooked = true;
}
