/**
 * @ebjdat/runtime: the TF.js backend every package runs on, the kernels and gradients that
 * TF.js lacks on some backends, seeded randomness and the shared plain types.
 */
export { initBackend, backendInfo, BACKEND_ORDER } from "./backend";
export type { BackendName, BackendInfo, InitBackendOptions } from "./backend";
export { registerKernelsAndGradients, WASM_KERNEL_OVERRIDES } from "./register";
export { nativeKernels, setNativeKernels } from "./native/addon";
export type { NativeKernelsInfo, NativeKernelsOptions } from "./native/addon";
export { setConvGradStrategy, convGradStrategy } from "./wasm/conv2d-grad";
export type { ConvGradStrategy } from "./wasm/conv2d-grad";
export { Rng } from "./rng";
export type { RngState } from "./rng";
export type { LogitsFn, NetLogitsFn, BnMode, ImageBatch } from "./types";
export type { ProgressEvent, ProgressFn } from "./types";
export { tempPathFor, writeFileAtomic, writeJsonAtomic, writeDirAtomic, writeDirAtomicAsync, readJsonFile, JsonFileError } from "./atomic";
export { writeVersionedDirAsync, resolveVersionedDir, versionCandidates, versionsFolder, LATEST_FILE } from "./atomic";
export { acquireLock, readLockOwner, LockedError } from "./lock";
export type { Lock, LockOwner, AcquireLockOptions } from "./lock";
export { imageEps, modelEps, convertLength } from "./budget";
export type { Space, Length, ImageEps, ModelEps } from "./budget";
