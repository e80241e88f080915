/**
 * What every figure spec shares: the options, the look (one bundled font, the palette, normal
 * weights) and the checks of the input. Pure data, no Node built-ins: the specs can be built in a
 * browser too.
 */
import type { TopLevelSpec } from "vega-lite";

/** The Vega-Lite JSON schema the specs are written against. */
export const VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

/**
 * The one font of the figures: the SVG names it and the PNG renderer loads its file from the
 * `dejavu-fonts-ttf` package, so no system font is needed.
 */
export const FONT_FAMILY = "DejaVu Sans";

/** Series colours (Okabe–Ito, colour-blind safe), in series order. */
export const PALETTE: readonly string[] = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"];

/** Options every figure takes. */
export interface FigureOptions {
  title?: string;
  /** A second, smaller title line. */
  subtitle?: string;
  xLabel?: string;
  yLabel?: string;
  /** Width of the plotting area in SVG units (default 640; axes and legends come on top). */
  width?: number;
  /** Height of the plotting area in SVG units (default 400). */
  height?: number;
}

/** A Vega-Lite config object, as the specs carry it. */
export type FigureConfig = NonNullable<TopLevelSpec["config"]>;

/**
 * The look of every figure. Titles are not bold (the one font file is the regular face), and
 * label limits are wide because Vega measures text in Node by an estimate, not by the font.
 */
export function figureConfig(): FigureConfig {
  return {
    font: FONT_FAMILY,
    background: "white",
    padding: 12,
    title: { fontSize: 16, fontWeight: "normal", subtitleFontSize: 12, subtitleColor: "#555555", anchor: "start", offset: 12, limit: 0 },
    axis: { labelFontSize: 12, titleFontSize: 13, titleFontWeight: "normal", labelLimit: 400, titlePadding: 8, gridColor: "#e6e6e6" },
    legend: { labelFontSize: 12, titleFontSize: 13, titleFontWeight: "normal", labelLimit: 600, symbolSize: 90, rowPadding: 4 },
    view: { stroke: "#888888" },
  };
}

/** Fails with a message naming the figure function when `ok` is false. */
export function check(ok: boolean, fn: string, message: string): asserts ok {
  if (!ok) throw new Error(`${fn}: ${message}`);
}

/** Checks a finite number, naming it in the error. */
export function checkFinite(fn: string, what: string, v: unknown): number {
  check(typeof v === "number" && Number.isFinite(v), fn, `${what} must be a finite number, got ${String(v)}`);
  return v;
}

/** Checks a non-empty string, naming it in the error. */
export function checkName(fn: string, what: string, v: unknown): string {
  check(typeof v === "string" && v.length > 0, fn, `${what} must be a non-empty string, got ${JSON.stringify(v)}`);
  return v;
}

/** Names must be unique (legend entries and colour-scale domain); errors name the duplicate. */
export function checkUnique(fn: string, what: string, names: readonly string[]): void {
  const seen = new Set<string>();
  for (const n of names) {
    check(!seen.has(n), fn, `${what} ${JSON.stringify(n)} is used twice; names must be unique`);
    seen.add(n);
  }
}

/**
 * The top of every spec: schema, title, size and config. `width`/`height` must be integers in
 * [100, 4000]; the optional texts must be strings.
 */
export function specHead(fn: string, o: FigureOptions): Pick<TopLevelSpec, "$schema" | "title" | "config"> & { width: number; height: number } {
  const width = o.width ?? 640;
  const height = o.height ?? 400;
  for (const [k, v] of [["width", width], ["height", height]] as const) {
    check(Number.isInteger(v) && v >= 100 && v <= 4000, fn, `${k} must be an integer in [100, 4000], got ${v}`);
  }
  for (const k of ["title", "subtitle", "xLabel", "yLabel"] as const) {
    check(o[k] === undefined || typeof o[k] === "string", fn, `${k} must be a string, got ${typeof o[k]}`);
  }
  const head: Pick<TopLevelSpec, "$schema" | "title" | "config"> & { width: number; height: number } = { $schema: VEGA_LITE_SCHEMA, width, height, config: figureConfig() };
  if (o.title !== undefined) head.title = o.subtitle === undefined ? o.title : { text: o.title, subtitle: o.subtitle };
  else if (o.subtitle !== undefined) head.title = { text: "", subtitle: o.subtitle };
  return head;
}

/** A layer of a layered Vega-Lite spec (typed from vega-lite's own `TopLevelSpec`). */
export type Layer = Extract<TopLevelSpec, { layer: unknown }>["layer"][number];

/** The encoding of a single-view (unit) layer, to type channel definitions shared by layers. */
export type Encoding = NonNullable<Extract<Layer, { mark: unknown }>["encoding"]>;
