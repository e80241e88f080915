/**
 * @ebjdat/formats: safetensors and PyTorch `torch.save` (zip and legacy) readers and writers in
 * plain TypeScript (no TF.js). See README.md.
 */
export type { DType, RawData, RawTensor, Safetensors, TorchValue } from "./types.js";
export { DTYPE_BYTES, isDType, isRawTensor, numel, rawTensor } from "./dtype.js";
export { readSafetensors, writeSafetensors } from "./safetensors.js";
export { readTorch, torchStateDict } from "./torch.js";
export { toFloat32, float16ToNumber, bfloat16ToNumber } from "./convert.js";
export { loadSafetensorsFile, loadTorchFile, saveSafetensorsFile, writeFileAtomic, tempPathFor } from "./files.js";
export { unpickle, PyCallable, type PickleHooks } from "./pickle.js";
