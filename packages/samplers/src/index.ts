/**
 * @ebjdat/samplers: replay buffers, SGLD (JEM), PYLD (JEM++), the SADA-JEM sampler and the
 * EB-JDAT adversarial sampler, all in model space [-1, 1] (spec 0.1, 2.3, 3, 4.3, 5, 6).
 */
// The portable part, also the browser entry (package.json `exports["."].browser`; DEVELOPING.md, "Browser builds").
export * from "./index.browser";
// Node only (files, Node built-ins):
export { saveReplayBuffer, loadReplayBuffer } from "./buffer-file";
export { gridSvg, saveImageGrid } from "./image-grid-file";
