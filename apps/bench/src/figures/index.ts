/**
 * Dependency-free figures for the bench report: one plot description renders to SVG and to PNG
 * with the same layout (built-in bitmap font, no system fonts, deterministic bytes).
 */
export { histogramPlot, scatterPlot, barPlot, plotScene, plotToSvg, plotToPng, plotToRaster } from "./plots";
export type {
  FigureOptions,
  HistogramSeries,
  BinnedHistogram,
  HistogramPlotSpec,
  HistogramPlot,
  ScatterPoint,
  ScatterSeries,
  ScatterPlotSpec,
  ScatterPlot,
  BarSeries,
  BarPlotSpec,
  BarPlot,
  Plot,
  PngOptions,
} from "./plots";
export type { MarkerShape, LegendPosition } from "./axes";
export { writeFigure } from "./write";
export type { FigurePaths } from "./write";
export { Raster } from "./raster";
export type { LineStyle, TextStyle, TextAnchor } from "./raster";
export { measureText, glyph, hasGlyph, GLYPH_WIDTH, GLYPH_ASCENT, GLYPH_DESCENT, GLYPH_ADVANCE } from "./font";
export type { TextMetrics } from "./font";
export { PALETTE, parseColor } from "./color";
export type { Rgb } from "./color";
export { niceStep, niceTicks, niceRange, formatTick } from "./ticks";
export type { Ticks } from "./ticks";
export { sceneToSvg, sceneToRaster } from "./scene";
export type { Scene, Shape } from "./scene";
