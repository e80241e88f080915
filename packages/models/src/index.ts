/**
 * @ebjdat/models: WideResNet in the JEM layout on tfjs-core ops, PyTorch-semantics batch norm,
 * official checkpoint import (.pt / .pth / .safetensors) and TF.js-format save/load.
 */
// The portable part, also the browser entry (package.json `exports["."].browser`; DEVELOPING.md, "Browser builds").
export * from "./index.browser";
// Node only (files, Node built-ins):
export { loadModel, saveModel } from "./load-model";
export type { LoadedModel, ModelSource, ModelSourceKind, SaveModelOptions } from "./load-model";
export { saveTfjsModel, loadTfjsModel, isTfjsModelDir, TFJS_FORMAT, TFJS_FORMAT_VERSION } from "./tfjs-format";
export type { TfjsModelJson, SaveTfjsOptions } from "./tfjs-format";
