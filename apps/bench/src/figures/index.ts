/**
 * The bench report's figures as Vega-Lite specs (data inline): each figure function returns a
 * spec, `renderFigure` turns it into SVG (Vega, headless) and PNG (resvg with the bundled DejaVu
 * Sans), and `writeFigure` writes `.vl.json`, `.svg` and `.png` side by side.
 */
// The spec builders live in @ebjdat/figures (portable: the playground shows the same specs).
export { VEGA_LITE_SCHEMA, FONT_FAMILY, PALETTE, figureConfig, scatterSpec, histogramSpec, barSpec, compileSpec } from "@ebjdat/figures";
export type { FigureOptions, FigureConfig, ScatterPoint, ScatterSpecInput, ScatterRow, HistogramSeries, HistogramSpecInput, HistogramRow, BarSeries, BarSpecInput, BarRow } from "@ebjdat/figures";
export { specToSvg, svgToPng, renderFigure, fontFile } from "./render";
export type { RenderedFigure, RenderOptions } from "./render";
export { writeFigure } from "./write";
export type { FigurePaths } from "./write";
