/**
 * @ebjdat/formats in a browser (package.json `exports["."].browser`): every reader and writer
 * that works on bytes; the file helpers of ./files.ts (`loadSafetensorsFile`, `loadTorchFile`,
 * `saveSafetensorsFile`, `writeFileAtomic`, `tempPathFor`) are Node only. See DEVELOPING.md,
 * "Browser builds".
 */
export type { DType, RawData, RawTensor, Safetensors, TorchValue } from "./types.js";
export { DTYPE_BYTES, isDType, isRawTensor, numel, rawTensor } from "./dtype.js";
export { readSafetensors, writeSafetensors } from "./safetensors.js";
export { readTorch, torchStateDict } from "./torch.js";
export { toFloat32, float16ToNumber, bfloat16ToNumber } from "./convert.js";
export { unpickle, PyCallable, type PickleHooks } from "./pickle.js";
