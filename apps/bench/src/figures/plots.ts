import { PALETTE } from "./color";
import { drawAxes, markerShape, overlap, TEXT, type Box, type LegendEntry, type LegendPosition, type MarkerShape } from "./axes";
import { measureText } from "./font";
import type { Raster } from "./raster";
import { checkColor, sceneToRaster, sceneToSvg, type Scene, type Shape } from "./scene";
import { niceRange } from "./ticks";

/** Options every plot takes. Sizes are layout units: SVG user units, PNG pixels at pixelRatio 1. */
export interface FigureOptions {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  /** Figure width (default 960, at least 240). */
  width?: number;
  /** Figure height (default 600, at least 200). */
  height?: number;
  /** Legend placement (default `auto`: the inside corner that hides the least data). */
  legend?: LegendPosition;
}

interface Resolved {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  width: number;
  height: number;
  legend: LegendPosition;
}

/** One histogram series as raw values (binned by {@link histogramPlot}). */
export interface HistogramSeries {
  name: string;
  values: ArrayLike<number>;
  /** `#rrggbb` (default: the palette colour of its index). */
  color?: string;
}

/**
 * Pre-binned histograms over shared edges; structurally the `HistogramData` of
 * `@ebjdat/energy`'s `energyHistogram`, so its result can be passed as is.
 */
export interface BinnedHistogram {
  /** bins + 1 increasing edges. */
  edges: ArrayLike<number>;
  sets: readonly { name: string; density: ArrayLike<number>; n?: number; outside?: number }[];
}

/** Description of an overlaid-histogram figure (paper Fig. 2): give `series` or `binned`. */
export interface HistogramPlotSpec extends FigureOptions {
  series?: readonly HistogramSeries[];
  binned?: BinnedHistogram;
  /** Equal-width bins over the range (default 50; raw series only). */
  bins?: number;
  /** Bin range [lo, hi] (default: pooled min/max of all series); values outside are left out and counted. */
  range?: readonly [number, number];
  /** `density` (default: count / (n · bin width), integrates to 1) or `count` (raw series only). */
  normalize?: "density" | "count";
  /** Non-finite values: `error` (default) or `drop` (counted in the legend). */
  nonFinite?: "error" | "drop";
  /** Fill opacity of the bars (default 0.35; outlines are opaque). */
  opacity?: number;
}

/** A validated histogram figure, ready to render. */
export interface HistogramPlot {
  kind: "histogram";
  options: Resolved;
  edges: Float64Array;
  series: { name: string; color: string; heights: Float64Array; n?: number; dropped: number; outside: number }[];
  opacity: number;
}

/** One scatter point; `label` is written beside it. */
export interface ScatterPoint {
  x: number;
  y: number;
  label?: string;
  /** With `connectLabels`: points of one group (default: the same label) are joined to the group's last point. */
  group?: string;
}

/** One scatter series (one legend entry, one marker style). */
export interface ScatterSeries {
  name: string;
  points: readonly ScatterPoint[];
  /** Default: circle, square, triangle, diamond by series index. */
  marker?: MarkerShape;
  /** Filled (default) or hollow markers. */
  filled?: boolean;
  /** `#rrggbb` (default: the palette colour of its index). */
  color?: string;
}

/** Description of a labelled scatter figure (paper Fig. 1: clean vs robust accuracy). */
export interface ScatterPlotSpec extends FigureOptions {
  series: readonly ScatterSeries[];
  /** Axis ranges (default: the data range padded by 8 %, widened to nice ticks). */
  xRange?: readonly [number, number];
  yRange?: readonly [number, number];
  /** Draw a dashed grey line from each point to the last point of its group (`group`, else the label; e.g. ours → paper). */
  connectLabels?: boolean;
}

/** A validated scatter figure, ready to render. */
export interface ScatterPlot {
  kind: "scatter";
  options: Resolved;
  series: { name: string; color: string; marker: MarkerShape; filled: boolean; points: ScatterPoint[] }[];
  xRange: [number, number];
  yRange: [number, number];
  connectLabels: boolean;
}

/** One bar series: one value per category (`null` = missing, drawn as "n/a"). */
export interface BarSeries {
  name: string;
  values: readonly (number | null)[];
  color?: string;
}

/** Description of a grouped bar figure (e.g. Table 3 cost ratios). */
export interface BarPlotSpec extends FigureOptions {
  categories: readonly string[];
  series: readonly BarSeries[];
  /** Write each value above its bar (default true). */
  valueLabels?: boolean;
  /** Formats value labels (default: 3 significant digits, no decimals from 100 up). */
  valueFormat?: (v: number) => string;
  /** A dashed horizontal reference line (e.g. ratio 1). */
  refLine?: { y: number; label?: string };
}

/** A validated bar figure, ready to render. */
export interface BarPlot {
  kind: "bar";
  options: Resolved;
  categories: string[];
  series: { name: string; color: string; values: (number | null)[] }[];
  valueLabels: boolean;
  valueFormat: (v: number) => string;
  refLine?: { y: number; label?: string };
}

/** Any figure {@link plotToSvg} / {@link plotToPng} / `writeFigure` can render. */
export type Plot = HistogramPlot | ScatterPlot | BarPlot;

const MARKERS: readonly MarkerShape[] = ["circle", "square", "triangle", "diamond"];
const LEGENDS: readonly LegendPosition[] = ["auto", "top-right", "top-left", "bottom-right", "bottom-left", "outside", "none"];

function resolve(fn: string, o: FigureOptions): Resolved {
  const width = o.width ?? 960;
  const height = o.height ?? 600;
  if (!(Number.isInteger(width) && width >= 240 && width <= 8000)) throw new Error(`${fn}: width must be an integer in [240, 8000], got ${width}`);
  if (!(Number.isInteger(height) && height >= 200 && height <= 8000)) throw new Error(`${fn}: height must be an integer in [200, 8000], got ${height}`);
  const legend = o.legend ?? "auto";
  if (!LEGENDS.includes(legend)) throw new Error(`${fn}: legend must be one of ${LEGENDS.join(", ")}, got ${JSON.stringify(legend)}`);
  for (const k of ["title", "xLabel", "yLabel"] as const) {
    if (o[k] !== undefined && typeof o[k] !== "string") throw new Error(`${fn}: ${k} must be a string, got ${typeof o[k]}`);
  }
  return { title: o.title, xLabel: o.xLabel, yLabel: o.yLabel, width, height, legend };
}

function checkNames(fn: string, names: readonly unknown[]): void {
  if (names.length === 0) throw new Error(`${fn}: need at least one series`);
  const seen = new Set<string>();
  names.forEach((name, i) => {
    if (typeof name !== "string" || name.length === 0) throw new Error(`${fn}: series ${i} needs a non-empty name, got ${JSON.stringify(name)}`);
    if (seen.has(name)) throw new Error(`${fn}: series name ${JSON.stringify(name)} is used twice; names must be unique`);
    seen.add(name);
  });
}

function checkRange(fn: string, what: string, r: readonly [number, number] | undefined): [number, number] | undefined {
  if (r === undefined) return undefined;
  if (!(Array.isArray(r) && r.length === 2 && Number.isFinite(r[0]) && Number.isFinite(r[1]) && r[1] > r[0])) {
    throw new Error(`${fn}: ${what} must be two finite numbers [lo, hi] with lo < hi, got ${JSON.stringify(r, (_k, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v))}`);
  }
  return [r[0], r[1]];
}

const colorOf = (fn: string, name: string, c: string | undefined, i: number): string => checkColor(c ?? PALETTE[i % PALETTE.length]!, `${fn}: series ${JSON.stringify(name)} color`);

/**
 * Validates and bins an overlaid-histogram figure (paper Fig. 2, spec 6.3). Raw series share
 * `bins` equal-width bins over `range` (default the pooled finite min/max); bin i holds
 * edges[i] <= v < edges[i+1], the last bin includes hi; density = count / (n_in · width).
 * Empty series, non-finite values (unless `nonFinite: "drop"`) and bad ranges are errors
 * naming the series.
 */
export function histogramPlot(spec: HistogramPlotSpec): HistogramPlot {
  const fn = "histogramPlot";
  const options = resolve(fn, spec);
  const opacity = spec.opacity ?? 0.35;
  if (!(opacity >= 0 && opacity <= 1)) throw new Error(`${fn}: opacity must be in [0, 1], got ${opacity}`);
  if ((spec.series === undefined) === (spec.binned === undefined)) throw new Error(`${fn}: give exactly one of series (raw values) or binned (edges and densities)`);
  if (spec.binned) {
    const { edges: e, sets } = spec.binned;
    if (!(e.length >= 2)) throw new Error(`${fn}: binned.edges needs at least 2 edges, got ${e.length}`);
    const edges = Float64Array.from(e);
    for (let i = 0; i < edges.length; i++) {
      if (!Number.isFinite(edges[i]!)) throw new Error(`${fn}: binned.edges[${i}] is ${edges[i]}, expected a finite number`);
      if (i > 0 && !(edges[i]! > edges[i - 1]!)) throw new Error(`${fn}: binned.edges must increase, but edges[${i}] = ${edges[i]} <= edges[${i - 1}] = ${edges[i - 1]}`);
    }
    checkNames(fn, sets.map((s) => s.name));
    const series = sets.map((s, k) => {
      if (s.density.length !== edges.length - 1) throw new Error(`${fn}: series ${JSON.stringify(s.name)} has ${s.density.length} densities, expected ${edges.length - 1} (one per bin)`);
      const heights = Float64Array.from(s.density);
      heights.forEach((v, i) => {
        if (!(Number.isFinite(v) && v >= 0)) throw new Error(`${fn}: series ${JSON.stringify(s.name)} density[${i}] is ${v}, expected a finite number >= 0`);
      });
      return { name: s.name, color: colorOf(fn, s.name, undefined, k), heights, n: s.n, dropped: 0, outside: s.outside ?? 0 };
    });
    return { kind: "histogram", options: { ...options, yLabel: options.yLabel ?? "density" }, edges, series, opacity };
  }
  const input = spec.series!;
  checkNames(fn, input.map((s) => s.name));
  const bins = spec.bins ?? 50;
  if (!(Number.isInteger(bins) && bins >= 1 && bins <= 10000)) throw new Error(`${fn}: bins must be an integer in [1, 10000], got ${bins}`);
  const normalize = spec.normalize ?? "density";
  if (normalize !== "density" && normalize !== "count") throw new Error(`${fn}: normalize must be "density" or "count", got ${JSON.stringify(normalize)}`);
  const nonFinite = spec.nonFinite ?? "error";
  if (nonFinite !== "error" && nonFinite !== "drop") throw new Error(`${fn}: nonFinite must be "error" or "drop", got ${JSON.stringify(nonFinite)}`);
  let range = checkRange(fn, "range", spec.range);
  const finite: Float64Array[] = [];
  const dropped: number[] = [];
  for (const s of input) {
    if (!s.values || typeof s.values.length !== "number") throw new Error(`${fn}: series ${JSON.stringify(s.name)} values must be an array of numbers`);
    if (s.values.length === 0) throw new Error(`${fn}: series ${JSON.stringify(s.name)} is empty (expected at least one value)`);
    const keep: number[] = [];
    let bad = 0;
    let first = -1;
    for (let i = 0; i < s.values.length; i++) {
      const v = s.values[i]!;
      if (typeof v === "number" && Number.isFinite(v)) keep.push(v);
      else {
        bad++;
        if (first < 0) first = i;
      }
    }
    if (bad > 0 && nonFinite === "error") {
      throw new Error(`${fn}: series ${JSON.stringify(s.name)} has ${bad} non-finite value(s) (first: ${String(s.values[first])} at index ${first}); remove them or pass nonFinite: "drop"`);
    }
    if (keep.length === 0) throw new Error(`${fn}: series ${JSON.stringify(s.name)} has no finite values (all ${s.values.length} dropped)`);
    finite.push(Float64Array.from(keep));
    dropped.push(bad);
  }
  if (!range) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const f of finite) {
      for (const v of f) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    if (hi === lo) [lo, hi] = [lo - 0.5, hi + 0.5];
    range = [lo, hi];
  }
  const [lo, hi] = range;
  const width = (hi - lo) / bins;
  const edges = new Float64Array(bins + 1);
  for (let i = 0; i <= bins; i++) edges[i] = lo + i * width;
  edges[bins] = hi;
  const series = input.map((s, k) => {
    const counts = new Float64Array(bins);
    let nIn = 0;
    let outside = 0;
    for (const v of finite[k]!) {
      if (v < lo || v > hi) {
        outside++;
        continue;
      }
      counts[Math.min(bins - 1, Math.floor((v - lo) / width))]!++;
      nIn++;
    }
    const heights = normalize === "count" ? counts : counts.map((c) => (nIn > 0 ? c / (nIn * width) : 0));
    return { name: s.name, color: colorOf(fn, s.name, s.color, k), heights, n: nIn, dropped: dropped[k]!, outside };
  });
  return { kind: "histogram", options: { ...options, yLabel: options.yLabel ?? (normalize === "count" ? "count" : "density") }, edges, series, opacity };
}

/**
 * Validates a labelled scatter figure (paper Fig. 1). Every coordinate must be finite and inside
 * the given ranges; errors name the series and point.
 */
export function scatterPlot(spec: ScatterPlotSpec): ScatterPlot {
  const fn = "scatterPlot";
  const options = resolve(fn, spec);
  if (!Array.isArray(spec.series)) throw new Error(`${fn}: series must be an array`);
  checkNames(fn, spec.series.map((s) => s.name));
  const xr = checkRange(fn, "xRange", spec.xRange);
  const yr = checkRange(fn, "yRange", spec.yRange);
  const series = spec.series.map((s, k) => {
    const input: readonly ScatterPoint[] = s.points;
    if (!Array.isArray(input) || input.length === 0) throw new Error(`${fn}: series ${JSON.stringify(s.name)} has no points (expected at least one)`);
    const marker = s.marker ?? MARKERS[k % MARKERS.length]!;
    if (!MARKERS.includes(marker)) throw new Error(`${fn}: series ${JSON.stringify(s.name)} marker must be one of ${MARKERS.join(", ")}, got ${JSON.stringify(marker)}`);
    const points = input.map((p, i) => {
      const where = `series ${JSON.stringify(s.name)} point ${i}${p.label ? ` (${JSON.stringify(p.label)})` : ""}`;
      for (const [axis, v, r] of [["x", p.x, xr], ["y", p.y, yr]] as const) {
        if (typeof v !== "number" || !Number.isFinite(v)) throw new Error(`${fn}: ${where} has ${axis} = ${String(v)}, expected a finite number`);
        if (r && (v < r[0] || v > r[1])) throw new Error(`${fn}: ${where} has ${axis} = ${v}, outside ${axis}Range [${r[0]}, ${r[1]}]`);
      }
      if (p.label !== undefined && typeof p.label !== "string") throw new Error(`${fn}: ${where} label must be a string`);
      if (p.group !== undefined && typeof p.group !== "string") throw new Error(`${fn}: ${where} group must be a string`);
      return { x: p.x, y: p.y, label: p.label, group: p.group };
    });
    return { name: s.name, color: colorOf(fn, s.name, s.color, k), marker, filled: s.filled ?? true, points };
  });
  const auto = (get: (p: ScatterPoint) => number): [number, number] => {
    let lo = Infinity;
    let hi = -Infinity;
    for (const s of series) {
      for (const p of s.points) {
        lo = Math.min(lo, get(p));
        hi = Math.max(hi, get(p));
      }
    }
    const pad = hi > lo ? (hi - lo) * 0.08 : Math.max(Math.abs(lo) * 0.1, 1);
    return niceRange(lo - pad, hi + pad, 10);
  };
  return { kind: "scatter", options, series, xRange: xr ?? auto((p) => p.x), yRange: yr ?? auto((p) => p.y), connectLabels: spec.connectLabels ?? false };
}

function defaultValueFormat(v: number): string {
  return Math.abs(v) >= 100 ? v.toFixed(0) : String(Number(v.toPrecision(3)));
}

/** Validates a grouped bar figure: one value (or null) per category in every series. */
export function barPlot(spec: BarPlotSpec): BarPlot {
  const fn = "barPlot";
  const options = resolve(fn, spec);
  if (!Array.isArray(spec.categories) || spec.categories.length === 0) throw new Error(`${fn}: need at least one category`);
  spec.categories.forEach((c, i) => {
    if (typeof c !== "string") throw new Error(`${fn}: category ${i} must be a string, got ${typeof c}`);
  });
  if (!Array.isArray(spec.series)) throw new Error(`${fn}: series must be an array`);
  checkNames(fn, spec.series.map((s) => s.name));
  const series = spec.series.map((s, k) => {
    const values: readonly (number | null)[] = s.values;
    if (!Array.isArray(values) || values.length !== spec.categories.length) {
      throw new Error(`${fn}: series ${JSON.stringify(s.name)} has ${Array.isArray(values) ? values.length : "no"} values, expected ${spec.categories.length} (one per category, null for missing)`);
    }
    values.forEach((v, i) => {
      if (v !== null && !(typeof v === "number" && Number.isFinite(v))) {
        throw new Error(`${fn}: series ${JSON.stringify(s.name)} value for ${JSON.stringify(spec.categories[i])} is ${String(v)}, expected a finite number or null`);
      }
    });
    return { name: s.name, color: colorOf(fn, s.name, s.color, k), values: [...s.values] };
  });
  if (spec.refLine && !Number.isFinite(spec.refLine.y)) throw new Error(`${fn}: refLine.y must be finite, got ${spec.refLine.y}`);
  return {
    kind: "bar",
    options,
    categories: [...spec.categories],
    series,
    valueLabels: spec.valueLabels ?? true,
    valueFormat: spec.valueFormat ?? defaultValueFormat,
    refLine: spec.refLine ? { ...spec.refLine } : undefined,
  };
}

function histogramScene(p: HistogramPlot): Scene {
  const { edges } = p;
  const nb = edges.length - 1;
  let ymax = 0;
  for (const s of p.series) for (const h of s.heights) ymax = Math.max(ymax, h);
  const [ylo, yhi] = niceRange(0, ymax > 0 ? ymax * 1.02 : 1, 6);
  const legend: LegendEntry[] = p.series.map((s) => {
    const notes = [`n=${s.n ?? "?"}`];
    if (s.dropped > 0) notes.push(`${s.dropped} non-finite dropped`);
    if (s.outside > 0) notes.push(`${s.outside} outside`);
    return { label: s.n === undefined && notes.length === 1 ? s.name : `${s.name} (${notes.join(", ")})`, color: s.color, swatch: "box", opacity: Math.max(p.opacity, 0.6) };
  });
  return drawAxes(
    { ...p.options, x: { kind: "linear", lo: edges[0]!, hi: edges[nb]! }, y: { lo: ylo, hi: yhi }, legend, legendPosition: p.options.legend },
    (f) => {
      const shapes: Shape[] = [];
      const obstacles: Box[] = [];
      const base = f.sy(0);
      for (const s of p.series) {
        const pts: number[] = [f.sx(edges[0]!), base];
        for (let i = 0; i < nb; i++) {
          const y = f.sy(s.heights[i]!);
          pts.push(f.sx(edges[i]!), y, f.sx(edges[i + 1]!), y);
          if (s.heights[i]! > 0) obstacles.push({ x: f.sx(edges[i]!), y, w: f.sx(edges[i + 1]!) - f.sx(edges[i]!), h: base - y });
        }
        pts.push(f.sx(edges[nb]!), base);
        shapes.push({ kind: "polygon", points: pts, fill: s.color, opacity: p.opacity });
      }
      // outlines on top of all fills, so no series hides another's shape
      for (const s of p.series) {
        const pts: number[] = [];
        for (let i = 0; i < nb; i++) {
          const y = f.sy(s.heights[i]!);
          if (i === 0) pts.push(f.sx(edges[0]!), base);
          pts.push(f.sx(edges[i]!), y, f.sx(edges[i + 1]!), y);
        }
        pts.push(f.sx(edges[nb]!), base);
        shapes.push({ kind: "polyline", points: pts, color: s.color, width: 1.5 });
      }
      return { shapes, obstacles };
    },
  );
}

const MARKER_R = 6;

function scatterScene(p: ScatterPlot): Scene {
  const legend: LegendEntry[] = p.series.map((s) => ({ label: s.name, color: s.color, swatch: s.marker, filled: s.filled }));
  return drawAxes(
    { ...p.options, x: { kind: "linear", lo: p.xRange[0], hi: p.xRange[1] }, y: { lo: p.yRange[0], hi: p.yRange[1] }, xGrid: true, legend, legendPosition: p.options.legend },
    (f) => {
      const shapes: Shape[] = [];
      const markers: Box[] = [];
      const placed: Box[] = [];
      const at = p.series.map((s) => s.points.map((q) => ({ x: f.sx(q.x), y: f.sy(q.y), label: q.label, group: q.group ?? q.label })));
      for (const s of at) for (const q of s) markers.push({ x: q.x - MARKER_R, y: q.y - MARKER_R, w: 2 * MARKER_R, h: 2 * MARKER_R });
      if (p.connectLabels) {
        const byLabel = new Map<string, { x: number; y: number }[]>();
        for (const s of at) for (const q of s) if (q.group) byLabel.set(q.group, [...(byLabel.get(q.group) ?? []), q]);
        for (const list of byLabel.values()) {
          const end = list[list.length - 1]!;
          for (let i = 0; i < list.length - 1; i++) {
            shapes.push({ kind: "line", x1: list[i]!.x, y1: list[i]!.y, x2: end.x, y2: end.y, color: "#888888", width: 1, dash: [4, 3] });
          }
        }
      }
      p.series.forEach((s, k) => {
        for (const q of at[k]!) shapes.push(markerShape(s.marker, q.x, q.y, MARKER_R, s.color, s.filled));
      });
      // the legend goes where markers are fewest; labels then avoid it, the markers and each other:
      // the first candidate position inside the plot that overlaps nothing, else the least overlap
      const legendBox = f.placeLegend(markers);
      if (legendBox) placed.push(legendBox);
      const asc = 7 * TEXT;
      const h = 8 * TEXT;
      const d = MARKER_R + 4;
      for (const s of at) {
        for (const q of s) {
          if (!q.label) continue;
          const w = measureText(q.label, TEXT).width;
          const cands: { box: Box; x: number; y: number; anchor: "start" | "middle" | "end" }[] = [
            { box: { x: q.x + d, y: q.y - asc / 2, w, h }, x: q.x + d, y: q.y + asc / 2, anchor: "start" },
            { box: { x: q.x - d - w, y: q.y - asc / 2, w, h }, x: q.x - d, y: q.y + asc / 2, anchor: "end" },
            { box: { x: q.x - w / 2, y: q.y - d - asc, w, h }, x: q.x, y: q.y - d, anchor: "middle" },
            { box: { x: q.x - w / 2, y: q.y + d, w, h }, x: q.x, y: q.y + d + asc, anchor: "middle" },
            { box: { x: q.x + d - 2, y: q.y - d - asc + 2, w, h }, x: q.x + d - 2, y: q.y - d + 2, anchor: "start" },
            { box: { x: q.x + d - 2, y: q.y + d - 2, w, h }, x: q.x + d - 2, y: q.y + d - 2 + asc, anchor: "start" },
            { box: { x: q.x - d + 2 - w, y: q.y - d - asc + 2, w, h }, x: q.x - d + 2, y: q.y - d + 2, anchor: "end" },
            { box: { x: q.x - d + 2 - w, y: q.y + d - 2, w, h }, x: q.x - d + 2, y: q.y + d - 2 + asc, anchor: "end" },
          ];
          const area: Box = { x: f.x0 + 2, y: f.y0 + 2, w: f.x1 - f.x0 - 4, h: f.y1 - f.y0 - 4 };
          let best = cands[0]!;
          let bestScore = Infinity;
          for (const c of cands) {
            const outside = c.box.w * c.box.h - overlap(c.box, area);
            const score = outside * 1000 + [...placed, ...markers].reduce((acc, b) => acc + overlap(c.box, b), 0);
            if (score < bestScore - 1e-9) {
              bestScore = score;
              best = c;
            }
            if (score === 0) break;
          }
          placed.push(best.box);
          shapes.push({ kind: "text", x: best.x, y: best.y, text: q.label, size: TEXT, anchor: best.anchor, color: "#222222" });
        }
      }
      return { shapes, obstacles: [] };
    },
  );
}

function barScene(p: BarPlot): Scene {
  let lo = 0;
  let hi = 0;
  const all = p.series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  if (p.refLine) all.push(p.refLine.y);
  for (const v of all) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (hi === lo) hi = lo + 1;
  const head = p.valueLabels ? (hi - lo) * 0.08 : 0;
  const [ylo, yhi] = niceRange(lo < 0 ? lo - head : lo, hi > 0 ? hi + head : hi, 6);
  const legend: LegendEntry[] = p.series.map((s) => ({ label: s.name, color: s.color, swatch: "box" }));
  return drawAxes({ ...p.options, x: { kind: "band", categories: p.categories }, y: { lo: ylo, hi: yhi }, legend, legendPosition: p.options.legend }, (f) => {
    const shapes: Shape[] = [];
    const obstacles: Box[] = [];
    const labels: Shape[] = [];
    const bw = f.band!.width;
    const gw = bw * 0.8;
    const w = gw / p.series.length;
    const base = f.sy(0);
    // one size for all value labels: TEXT when every label fits its bar, else the small font
    const fits = p.series.every((s) => s.values.every((v) => v === null || measureText(p.valueFormat(v), TEXT).width <= w + 4));
    const vsize = fits ? TEXT : 1;
    p.categories.forEach((_c, i) => {
      const left = f.band!.center(i) - gw / 2;
      p.series.forEach((s, k) => {
        const v = s.values[i]!;
        const x = left + k * w;
        if (v === null) {
          labels.push({ kind: "text", x: x + w / 2, y: base - 4, text: "n/a", size: measureText("n/a", TEXT).width <= w ? TEXT : 1, anchor: "middle", color: "#666666" });
          return;
        }
        const y = f.sy(v);
        const box = { x: x + 0.5, y: Math.min(y, base), w: Math.max(0, w - 1), h: Math.abs(base - y) };
        shapes.push({ kind: "rect", ...box, fill: s.color });
        obstacles.push(box);
        if (p.valueLabels) {
          const text = p.valueFormat(v);
          const size = vsize;
          const ty = v >= 0 ? y - 4 : y + 4 + 7 * size;
          labels.push({ kind: "text", x: x + w / 2, y: ty, text, size, anchor: "middle", color: "#222222" });
          obstacles.push({ x: x + w / 2 - measureText(text, size).width / 2, y: ty - 7 * size, w: measureText(text, size).width, h: 8 * size });
        }
      });
    });
    shapes.push({ kind: "line", x1: f.x0, y1: base, x2: f.x1, y2: base, color: "#000000", width: 1 });
    if (p.refLine) {
      const y = f.sy(p.refLine.y);
      shapes.push({ kind: "line", x1: f.x0, y1: y, x2: f.x1, y2: y, color: "#555555", width: 1, dash: [6, 4] });
      if (p.refLine.label) {
        // on a white box at the right end, above the line, so bars behind it do not hide it
        const tw = measureText(p.refLine.label, TEXT).width;
        labels.push({ kind: "rect", x: f.x1 - 6 - tw - 3, y: y - 5 - 7 * TEXT - 3, w: tw + 6, h: 7 * TEXT + 6, fill: "#ffffff", opacity: 0.85 });
        labels.push({ kind: "text", x: f.x1 - 6, y: y - 5, text: p.refLine.label, size: TEXT, anchor: "end", color: "#555555" });
      }
    }
    return { shapes: [...shapes, ...labels], obstacles };
  });
}

/** Lays out a plot as drawing primitives (shared by the SVG and PNG renderers). */
export function plotScene(plot: Plot): Scene {
  switch (plot.kind) {
    case "histogram":
      return histogramScene(plot);
    case "scatter":
      return scatterScene(plot);
    case "bar":
      return barScene(plot);
    default:
      throw new Error(`plotScene: unknown plot kind ${JSON.stringify((plot as { kind?: unknown }).kind)}; build plots with histogramPlot, scatterPlot or barPlot`);
  }
}

/** Options of {@link plotToPng}. */
export interface PngOptions {
  /** Pixels per layout unit, an integer in [1, 8] (default 1: a 960x600 figure is 960x600 px). */
  pixelRatio?: number;
}

/** Renders a plot as a standalone SVG document (text as `<text>`, monospace). */
export function plotToSvg(plot: Plot): string {
  return sceneToSvg(plotScene(plot));
}

/** Renders a plot to an RGBA canvas with the built-in bitmap font (same layout as the SVG). */
export function plotToRaster(plot: Plot, options: PngOptions = {}): Raster {
  return sceneToRaster(plotScene(plot), options.pixelRatio ?? 1);
}

/** Renders a plot as PNG bytes (8-bit RGB); same input → same bytes. */
export function plotToPng(plot: Plot, options: PngOptions = {}): Uint8Array {
  return plotToRaster(plot, options).toPng();
}
