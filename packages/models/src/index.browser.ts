/**
 * @ebjdat/models in a browser (package.json `exports["."].browser`): the WideResNet, batch norm,
 * state-dict import/export and `modelFromStateDict` (read the checkpoint's bytes with
 * `readSafetensors` / `readTorch` of @ebjdat/formats). `loadModel`, `saveModel` and the TF.js
 * folder format read and write files: Node only. See DEVELOPING.md, "Browser builds".
 */
export { WideResNet, createWideResNet } from "./wide-resnet";
export type { WrnActivations } from "./wide-resnet";
export { BatchNorm2d, BN_MODES, checkMode } from "./batch-norm";
export type { BatchNormOptions } from "./batch-norm";
export { resolveConfig, blocksPerStage, stageWidths, WRN_DEFAULTS } from "./config";
export type { WideResNetConfig, ResolvedWideResNetConfig, NormKind } from "./config";
export { exportStateDict, importStateDict, inferConfig, isIgnoredKey, withYopoAliases } from "./state-dict";
export type { ParamEntry, ParamLayout, StateDict, StateDictModel } from "./state-dict";
export { modelFromStateDict } from "./model-from-state-dict";
export type { LoadModelOptions } from "./model-from-state-dict";
