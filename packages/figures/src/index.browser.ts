/**
 * @ebjdat/figures in a browser (package.json `exports["."].browser`): every spec builder, without
 * `compileSpec` / `collectingLogger` (they bundle Vega-Lite's compiler, whose loader names Node's
 * `Buffer`; a page shows the specs with `vega-embed`, which compiles them itself). See
 * DEVELOPING.md, "Browser builds".
 */
export { VEGA_LITE_SCHEMA, FONT_FAMILY, PALETTE, figureConfig } from "./base";
export type { FigureOptions, FigureConfig } from "./base";
export { scatterSpec } from "./scatter";
export type { ScatterPoint, ScatterSpecInput, ScatterRow } from "./scatter";
export { histogramSpec } from "./histogram";
export type { HistogramSeries, HistogramSpecInput, HistogramRow } from "./histogram";
export { barSpec } from "./bars";
export type { BarSeries, BarSpecInput, BarRow } from "./bars";
