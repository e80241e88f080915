/**
 * @ebjdat/models: WideResNet in the JEM layout on tfjs-core ops, PyTorch-semantics batch norm,
 * official checkpoint import (.pt / .pth / .safetensors) and TF.js-format save/load.
 */
export { WideResNet, createWideResNet } from "./wide-resnet";
export type { WrnActivations } from "./wide-resnet";
export { BatchNorm2d, BN_MODES, channelSum, checkMode } from "./batch-norm";
export type { BatchNormOptions } from "./batch-norm";
export { resolveConfig, blocksPerStage, stageWidths, WRN_DEFAULTS } from "./config";
export type { WideResNetConfig, ResolvedWideResNetConfig, NormKind } from "./config";
export { exportStateDict, importStateDict, inferConfig, isIgnoredKey, withYopoAliases } from "./state-dict";
export type { ParamEntry, ParamLayout, StateDict, StateDictModel } from "./state-dict";
export { modelFromStateDict } from "./model-from-state-dict";
export type { LoadModelOptions } from "./model-from-state-dict";
export { loadModel, saveModel } from "./load-model";
export type { LoadedModel, ModelSource, ModelSourceKind, SaveModelOptions } from "./load-model";
export { saveTfjsModel, loadTfjsModel, isTfjsModelDir, TFJS_FORMAT, TFJS_FORMAT_VERSION } from "./tfjs-format";
export type { TfjsModelJson, SaveTfjsOptions } from "./tfjs-format";
