/**
 * @ebjdat/figures: the bench report's figures as Vega-Lite specs (data inline), built by pure
 * functions with no Node built-ins, so a Node renderer (vega → SVG, resvg → PNG in apps/bench)
 * and a browser page (vega-embed in apps/playground) show the same figures: the Figure 1
 * accuracy-vs-robustness scatter, the Figure 2 energy histograms (spec 6.3) and the Table 3
 * step-cost bars.
 */
// The spec builders, also the browser entry (package.json `exports["."].browser`; DEVELOPING.md, "Browser builds").
export * from "./index.browser";
// Not in the browser entry (Vega-Lite's compiler bundles a loader that names Node's `Buffer`):
export { compileSpec, collectingLogger } from "./compile";
export type { FigureLogger, VegaSpec } from "./compile";
