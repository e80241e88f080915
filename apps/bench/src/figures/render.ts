import { createRequire } from "node:module";
import { Resvg } from "@resvg/resvg-js";
import * as vega from "vega";
import { collectingLogger, compileSpec, FONT_FAMILY } from "@ebjdat/figures";
import type { TopLevelSpec } from "vega-lite";

/** A figure rendered from its Vega-Lite spec. */
export interface RenderedFigure {
  /** The Vega-Lite spec as written to `.vl.json` (what a Vega editor opens). */
  spec: TopLevelSpec;
  svg: string;
  png: Uint8Array;
  /** PNG size in pixels. */
  width: number;
  height: number;
  /** Warnings of Vega-Lite's compiler and of Vega's dataflow (empty for a clean spec). */
  warnings: string[];
}

/** Options of {@link renderFigure}. */
export interface RenderOptions {
  /** PNG pixels per SVG unit (default 2, for sharp text on high-density screens and in print). */
  scale?: number;
}

/** The TrueType file of the figures' font, from the `dejavu-fonts-ttf` package (no system fonts). */
export function fontFile(): string {
  return createRequire(import.meta.url).resolve("dejavu-fonts-ttf/ttf/DejaVuSans.ttf");
}

/**
 * Renders a Vega-Lite spec to a standalone SVG document with Vega's headless SVG renderer (no
 * canvas: text widths are estimated). Same spec gives the same SVG.
 */
export async function specToSvg(spec: TopLevelSpec, warnings: string[] = []): Promise<string> {
  const runtime = vega.parse(compileSpec(spec, warnings) as vega.Spec);
  const view = new vega.View(runtime, { renderer: "none", logger: collectingLogger(warnings) as vega.LoggerInterface });
  try {
    vega.resetSVGDefIds();
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Rasterises an SVG with resvg, using only the bundled font; `scale` pixels per SVG unit. */
export function svgToPng(svg: string, scale = 2): { png: Uint8Array; width: number; height: number } {
  if (!(Number.isFinite(scale) && scale > 0 && scale <= 8)) throw new Error(`svgToPng: scale must be in (0, 8], got ${scale}`);
  const image = new Resvg(svg, {
    font: { fontFiles: [fontFile()], loadSystemFonts: false, defaultFontFamily: FONT_FAMILY, sansSerifFamily: FONT_FAMILY },
    fitTo: { mode: "zoom", value: scale },
    background: "white",
    logLevel: "off",
  }).render();
  return { png: new Uint8Array(image.asPng()), width: image.width, height: image.height };
}

/** Renders a figure's Vega-Lite spec to SVG and PNG (nothing is written). */
export async function renderFigure(spec: TopLevelSpec, options: RenderOptions = {}): Promise<RenderedFigure> {
  const warnings: string[] = [];
  const svg = await specToSvg(spec, warnings);
  const { png, width, height } = svgToPng(svg, options.scale ?? 2);
  return { spec, svg, png, width, height, warnings };
}
