import type { installCoreEsmHooks as nodeInstall } from "./core-esm-hooks";

/** Browser build of ./core-esm-hooks.ts: bundlers load TF.js core's ES modules directly, nothing to hook. */
export const installCoreEsmHooks: typeof nodeInstall = async () => {};
