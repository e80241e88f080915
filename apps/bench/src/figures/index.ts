/**
 * The bench report's figures as Vega-Lite specs (data inline): each figure function returns a
 * spec, `renderFigure` turns it into SVG (Vega, headless) and PNG (resvg with the bundled DejaVu
 * Sans), and `writeFigure` writes `.vl.json`, `.svg` and `.png` side by side.
 */
export { VEGA_LITE_SCHEMA, FONT_FAMILY, PALETTE, figureConfig } from "./base";
export type { FigureOptions, FigureConfig } from "./base";
export { scatterSpec } from "./scatter";
export type { ScatterPoint, ScatterSpecInput, ScatterRow } from "./scatter";
export { histogramSpec } from "./histogram";
export type { HistogramSeries, HistogramSpecInput, HistogramRow } from "./histogram";
export { barSpec } from "./bars";
export type { BarSeries, BarSpecInput, BarRow } from "./bars";
export { compileSpec, specToSvg, svgToPng, renderFigure, fontFile } from "./render";
export type { RenderedFigure, RenderOptions } from "./render";
export { writeFigure } from "./write";
export type { FigurePaths } from "./write";
