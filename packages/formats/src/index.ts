/**
 * @ebjdat/formats: safetensors and PyTorch `torch.save` (zip and legacy) readers and writers in
 * plain TypeScript (no TF.js). See README.md.
 */
// The portable part, also the browser entry (package.json `exports["."].browser`; DEVELOPING.md, "Browser builds").
export * from "./index.browser.js";
// Node only (files, Node built-ins):
export { loadSafetensorsFile, loadTorchFile, saveSafetensorsFile, writeFileAtomic, tempPathFor } from "./files.js";
