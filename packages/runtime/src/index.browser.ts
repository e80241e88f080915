/**
 * @ebjdat/runtime in a browser (package.json `exports["."].browser`): backend choice (wasm, cpu,
 * webgpu; no tfjs-node), the kernels and gradients TF.js lacks (without the native addon:
 * `nativeKernels()` reports it inactive), seeded randomness, the length scales and the shared
 * types. The file helpers (atomic writes, versioned folders, locks) are Node only. See
 * DEVELOPING.md, "Browser builds".
 */
export { initBackend, backendInfo, BACKEND_ORDER } from "./backend";
export type { BackendName, BackendInfo, InitBackendOptions } from "./backend";
export { registerKernelsAndGradients, WASM_KERNEL_OVERRIDES } from "./register";
export { nativeKernels, setNativeKernels } from "./native/addon";
export type { ConvPath, NativeKernelsInfo, NativeKernelsOptions } from "./native/addon";
export { setConvGradStrategy, convGradStrategy } from "./wasm/conv2d-grad";
export type { ConvGradStrategy } from "./wasm/conv2d-grad";
export { Rng } from "./rng";
export { yieldToEventLoop } from "./yield";
export { affineLeakyRelu } from "./affine-leaky-relu";
export { batchNormTrain, channelSum } from "./batch-norm-train";
export type { BatchNormTrainResult } from "./batch-norm-train";
export type { RngState } from "./rng";
export type { LogitsFn, NetLogitsFn, BnMode, ImageBatch } from "./types";
export type { ProgressEvent, ProgressFn } from "./types";
export { imageEps, modelEps, convertLength } from "./budget";
export type { Space, Length, ImageEps, ModelEps } from "./budget";
export { toModelSpace, toImageSpace } from "./space";
