import * as tf from "@tensorflow/tfjs-core";

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
let loading: Promise<void> | undefined;

/**
 * Registers TF.js core's gradient functions (`tf.grad`, `tf.grads`, `tf.variableGrads` need
 * them). `@tensorflow/tfjs-core` alone does not register them, and its `register_all_gradients`
 * module is ES-module source that plain Node cannot load, so Node gets resolution hooks for it
 * (bundlers and vitest load it directly). Idempotent; does nothing when gradients are present
 * (e.g. after `@tensorflow/tfjs-node` loaded the union package).
 */
export async function registerCoreGradients(): Promise<void> {
  if (tf.getGradient("Sum") !== undefined && tf.getGradient("Conv2D") !== undefined) return;
  loading ??= (async () => {
    if (!hooked && typeof process !== "undefined" && process.versions?.node !== undefined) {
      const mod = (await import("node:module")) as { register?: (url: string) => void };
      if (typeof mod.register === "function") mod.register(`data:text/javascript,${encodeURIComponent(HOOKS)}`);
      hooked = true;
    }
    await import("@tensorflow/tfjs-core/dist/register_all_gradients.js");
    if (tf.getGradient("Sum") === undefined) throw new Error("TF.js gradients could not be registered (register_all_gradients loaded but Sum has no gradient).");
  })();
  try {
    await loading;
  } catch (e) {
    loading = undefined;
    throw e;
  }
}
