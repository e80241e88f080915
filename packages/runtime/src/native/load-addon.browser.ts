import type { LoadedAddon } from "./addon-types";
import type { loadAddon as nodeLoadAddon } from "./load-addon";

/**
 * Browser build of ./load-addon.ts: there is no N-API addon in a browser, so the wasm backend
 * runs its own kernels (the JS/wasm paths of register.ts).
 */
export const loadAddon: typeof nodeLoadAddon = (): LoadedAddon => ({ info: { active: false, reason: "no native addon in a browser" } });
