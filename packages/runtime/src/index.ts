/**
 * @ebjdat/runtime: the TF.js backend every package runs on, the kernels and gradients that
 * TF.js lacks on some backends, seeded randomness and the shared plain types.
 */
export { initBackend, backendInfo, BACKEND_ORDER } from "./backend";
export type { BackendName, BackendInfo, InitBackendOptions } from "./backend";
export { Rng } from "./rng";
export type { RngState } from "./rng";
export type { LogitsFn, ImageBatch } from "./types";
