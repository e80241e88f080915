/**
 * @ebjdat/samplers in a browser (package.json `exports["."].browser`): everything but
 * `saveReplayBuffer` / `loadReplayBuffer` (files; use `replayBufferToSafetensors` /
 * `replayBufferFromSafetensors`) and `gridSvg` / `saveImageGrid` (PNG encoding of @ebjdat/data,
 * files). See DEVELOPING.md, "Browser builds".
 *
 * Replay buffers, SGLD (JEM), PYLD (JEM++), the SADA-JEM sampler and the
 * EB-JDAT adversarial sampler, all in model space [-1, 1] (spec 0.1, 2.3, 3, 4.3, 5, 6).
 */
export type { ClampRange } from "./types";
export { MODEL_RANGE } from "./types";
export { uniformInit } from "./initializer";
export type { Initializer, ImageShape } from "./initializer";
export { fitClassGaussians, gaussianInit, gaussianMemoryBytes } from "./gaussian-init";
export type { ClassGaussians, CovarianceKind, FitGaussiansOptions, GaussianInitOptions, ImageData } from "./gaussian-init";
export { ReplayBuffer } from "./replay-buffer";
export type { Draw, DrawOptions } from "./replay-buffer";
export { replayBufferToSafetensors, replayBufferFromSafetensors, REPLAY_BUFFER_KEY } from "./buffer-io";
export { SAMPLER_PRESETS, samplerConfig } from "./config";
export type { SamplerConfig, SamplerPresetName, UpdateRule, PyldForm } from "./config";
export { chainObjective, chainGradient } from "./objective";
export { sgldUpdate, pyldUpdate } from "./langevin";
export type { SgldUpdateOptions, PyldUpdateOptions } from "./langevin";
export { chainStep, runChain, sampleQ } from "./chain";
export type { PyldSplit, RunChainOptions, SampleQOptions, SampleQResult } from "./chain";
export { advSample, advObjectiveTerms, advStepRule, ADV_PRESET_SAMPLER } from "./adversarial";
export type { AdvSamplerMode, AdvSamplerOptions, AdvObjectiveTerms, AdvPresetName } from "./adversarial";
export { sample, gridLabels } from "./sample";
export type { SampleOptions, SampleResult, SampleProgress } from "./sample";
export { imageGrid } from "./image-grid";
export type { GridImages, ImageGridOptions } from "./image-grid";
