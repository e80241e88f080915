/**
 * @ebjdat/energy: energies of any logits model (spec 1), the Table 1 energy-gap statistic
 * (spec 1.1) and the Fig. 2 energy histograms (spec 6.3).
 */
// The portable part, also the browser entry (package.json `exports["."].browser`; DEVELOPING.md, "Browser builds").
export * from "./index.browser";
// Node only (files, Node built-ins):
export { writeEnergyFigure } from "./figure";
export type { EnergyFigureFiles } from "./figure";
