import { createRequire } from "node:module";
import { Resvg } from "@resvg/resvg-js";
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import { FONT_FAMILY } from "./base";

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

/** A Vega logger that keeps warnings and throws errors. */
function collectingLogger(warnings: string[]): vega.LoggerInterface {
  let lvl = vega.Warn;
  const text = (args: readonly unknown[]): string => args.map((a) => (a instanceof Error ? a.message : typeof a === "string" ? a : JSON.stringify(a))).join(" ");
  const logger: vega.LoggerInterface = {
    level(l?: number) {
      if (l === undefined) return lvl;
      lvl = l;
      return logger;
    },
    error(...args: readonly unknown[]) {
      throw new Error(text(args));
    },
    warn(...args: readonly unknown[]) {
      warnings.push(text(args));
      return logger;
    },
    info() {
      return logger;
    },
    debug() {
      return logger;
    },
  };
  return logger;
}

/**
 * Compiles a Vega-Lite spec to a Vega spec; compiler warnings are appended to `warnings`, an
 * invalid spec throws with Vega-Lite's message.
 */
export function compileSpec(spec: TopLevelSpec, warnings: string[] = []): vega.Spec {
  if (spec === null || typeof spec !== "object") throw new Error(`compileSpec: spec must be a Vega-Lite spec object, got ${spec === null ? "null" : typeof spec}`);
  try {
    return compile(spec, { logger: collectingLogger(warnings) }).spec as vega.Spec;
  } catch (e) {
    throw new Error(`compileSpec: invalid Vega-Lite spec: ${(e as Error).message}`);
  }
}

/**
 * Renders a Vega-Lite spec to a standalone SVG document with Vega's headless SVG renderer (no
 * canvas: text widths are estimated). Same spec gives the same SVG.
 */
export async function specToSvg(spec: TopLevelSpec, warnings: string[] = []): Promise<string> {
  const runtime = vega.parse(compileSpec(spec, warnings));
  const view = new vega.View(runtime, { renderer: "none", logger: collectingLogger(warnings) });
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
