import { measureText } from "./font";
import type { Scene, Shape } from "./scene";
import { niceTicks, type Ticks } from "./ticks";

/** Marker shapes of scatter points (and their legend swatches). */
export type MarkerShape = "circle" | "square" | "triangle" | "diamond";

/** Where the legend goes: a corner inside the plot area, `auto` (the corner covering the least data), `outside` (right of the plot) or `none`. */
export type LegendPosition = "auto" | "top-right" | "top-left" | "bottom-right" | "bottom-left" | "outside" | "none";

/** One legend row. */
export interface LegendEntry {
  label: string;
  color: string;
  /** `box` (a filled swatch, for bars and histograms) or a marker shape. */
  swatch: "box" | MarkerShape;
  /** Marker drawn filled (default true). */
  filled?: boolean;
  /** Fill opacity of a box swatch (default 1). */
  opacity?: number;
}

/** An axis-aligned box in layout units (for legend and label placement). */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** The plot area and the data → layout-unit mappings handed to a plot's data painter. */
export interface Frame {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  sx: (v: number) => number;
  sy: (v: number) => number;
  /** Centre of category i on a band axis (undefined for a linear x axis). */
  band?: { center: (i: number) => number; width: number };
  /**
   * Fixes the legend's box now, choosing for `auto` the corner that overlaps `obstacles` least,
   * so the painter can keep other things (point labels) out of it. Undefined without a legend
   * inside the plot. Later calls return the first answer.
   */
  placeLegend: (obstacles: Box[]) => Box | undefined;
}

/** What a plot hands the frame: axes, labels and legend entries. */
export interface AxesSpec {
  width: number;
  height: number;
  title?: string;
  xLabel?: string;
  yLabel?: string;
  x: { kind: "linear"; lo: number; hi: number } | { kind: "band"; categories: readonly string[] };
  y: { lo: number; hi: number };
  xGrid?: boolean;
  legend: LegendEntry[];
  legendPosition: LegendPosition;
}

/** Glyph scale of tick labels, axis labels, legend and point labels. */
export const TEXT = 2;
/** Glyph scale of the title. */
export const TITLE = 3;
const PAD = 14;
const GAP = 6;
const TICK = 5;
const LINE = (s: number): number => 8 * s; // ascent + descent
const AXIS_COLOR = "#000000";
const GRID_COLOR = "#e6e6e6";

/** Intersection area of two boxes. */
export function overlap(a: Box, b: Box): number {
  const w = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

/** Splits `text` into lines no wider than `maxWidth` at glyph scale `size` (words are not broken). */
export function wrapText(text: string, size: number, maxWidth: number): string[] {
  const lines: string[] = [];
  let cur = "";
  for (const word of text.split(/\s+/).filter((w) => w.length > 0)) {
    const next = cur ? `${cur} ${word}` : word;
    if (cur && measureText(next, size).width > maxWidth) {
      lines.push(cur);
      cur = word;
    } else cur = next;
  }
  if (cur) lines.push(cur);
  return lines;
}

/**
 * Fits `text` into `maxWidth`: at glyph scale `size` if it fits, else at `minSize`, else
 * truncated with "…" at `minSize`.
 */
export function fitText(text: string, size: number, maxWidth: number, minSize = size): { text: string; size: number } {
  if (measureText(text, size).width <= maxWidth) return { text, size };
  if (minSize < size && measureText(text, minSize).width <= maxWidth) return { text, size: minSize };
  const chars = [...text];
  while (chars.length > 0 && measureText(chars.join("") + "\u2026", minSize).width > maxWidth) chars.pop();
  return { text: chars.join("") + "\u2026", size: minSize };
}

/** Marker outline as a polygon (or a circle) centred at (x, y) with radius r. */
export function markerShape(shape: MarkerShape, x: number, y: number, r: number, color: string, filled: boolean): Shape {
  const fill = filled ? color : "#ffffff";
  const stroke = color;
  const strokeWidth = filled ? 1 : 2;
  switch (shape) {
    case "circle":
      return { kind: "circle", cx: x, cy: y, r, fill, stroke, strokeWidth };
    case "square": {
      const q = r * 0.9;
      return { kind: "polygon", points: [x - q, y - q, x + q, y - q, x + q, y + q, x - q, y + q], fill, stroke, strokeWidth };
    }
    case "triangle": {
      const q = r * 1.2;
      return { kind: "polygon", points: [x, y - q, x + q * 0.866, y + q * 0.5, x - q * 0.866, y + q * 0.5], fill, stroke, strokeWidth };
    }
    case "diamond": {
      const q = r * 1.25;
      return { kind: "polygon", points: [x, y - q, x + q, y, x, y + q, x - q, y], fill, stroke, strokeWidth };
    }
  }
}

function legendSize(entries: LegendEntry[]): { w: number; h: number; row: number } {
  const row = LINE(TEXT) + 6;
  let wmax = 0;
  for (const e of entries) wmax = Math.max(wmax, measureText(e.label, TEXT).width);
  return { w: 10 + 18 + 8 + wmax + 10, h: 8 + entries.length * row, row };
}

function drawLegend(entries: LegendEntry[], x: number, y: number, shapes: Shape[]): void {
  const { w, h, row } = legendSize(entries);
  shapes.push({ kind: "rect", x, y, w, h, fill: "#ffffff", opacity: 0.85, stroke: "#999999", strokeWidth: 1 });
  entries.forEach((e, k) => {
    const cy = y + 4 + row * k + row / 2;
    if (e.swatch === "box") {
      shapes.push({ kind: "rect", x: x + 10, y: cy - 6, w: 18, h: 12, fill: e.color, opacity: e.opacity ?? 1, stroke: e.color, strokeWidth: 1 });
    } else {
      shapes.push(markerShape(e.swatch, x + 19, cy, 5, e.color, e.filled ?? true));
    }
    shapes.push({ kind: "text", x: x + 36, y: cy + (7 * TEXT) / 2, text: e.label, size: TEXT });
  });
}

/** Chooses x ticks: the most (target 10 down to 2) whose labels do not collide. */
function xTicks(lo: number, hi: number, plotW: number): Ticks {
  let best: Ticks | undefined;
  for (let target = 10; target >= 2; target--) {
    const t = niceTicks(lo, hi, target);
    const wmax = Math.max(...t.labels.map((l) => measureText(l, TEXT).width));
    best = t;
    if ((t.step / (hi - lo)) * plotW >= wmax + 16) return t;
  }
  return best!;
}

/**
 * Lays out a figure (title, y label, tick labels, x label, legend) around a plot area, lets
 * `paint` draw the data in it, then draws grid, frame, ticks and the legend. `paint` returns the
 * data's shapes and the boxes they cover (so `auto` puts the legend where it hides least).
 */
export function drawAxes(spec: AxesSpec, paint: (f: Frame) => { shapes: Shape[]; obstacles: Box[] }): Scene {
  const { width: W, height: H } = spec;
  const shapes: Shape[] = [];
  // long labels shrink to the small font, then are cut with "…", rather than run off the figure
  const legendEntries = spec.legend.map((e) => ({ ...e, label: fitText(e.label, TEXT, W * 0.6).text }));
  let categories = spec.x.kind === "band" ? [...spec.x.categories] : [];
  const xLabel = spec.xLabel ? fitText(spec.xLabel, TEXT, W - 2 * PAD, 1) : undefined;
  const yLabel = spec.yLabel ? fitText(spec.yLabel, TEXT, H - 2 * PAD, 1) : undefined;
  // top: title lines
  const titleLines = spec.title ? wrapText(spec.title, TITLE, W - 2 * PAD).map((l) => fitText(l, TITLE, W - 2 * PAD).text) : [];
  const top = PAD + titleLines.length * (LINE(TITLE) + 4) + (titleLines.length ? GAP + 4 : 4);
  // left: y label + y tick labels
  const yt = niceTicks(spec.y.lo, spec.y.hi, 6);
  const ylw = Math.max(...yt.labels.map((l) => measureText(l, TEXT).width));
  const left = PAD + (spec.yLabel ? LINE(TEXT) + GAP : 0) + ylw + GAP + TICK;
  // right: legend outside, half a tick label overhang
  const legendOn = spec.legend.length > 0 && spec.legendPosition !== "none";
  const lsize = legendSize(legendEntries);
  let right = PAD;
  if (legendOn && spec.legendPosition === "outside") right += lsize.w + GAP;
  if (spec.x.kind === "linear") {
    const t = niceTicks(spec.x.lo, spec.x.hi, 6);
    right += Math.ceil(Math.max(...t.labels.map((l) => measureText(l, TEXT).width)) / 2);
  }
  const plotW = W - left - right;
  // bottom: tick labels (maybe rotated category names) + x label
  let rotate = false;
  let xlabH = LINE(TEXT);
  if (spec.x.kind === "band") {
    const bw = plotW / categories.length;
    const cw = Math.max(...categories.map((c) => measureText(c, TEXT).width));
    if (cw > bw - 8) {
      rotate = true;
      categories = categories.map((c) => fitText(c, TEXT, H * 0.3).text);
      xlabH = Math.max(...categories.map((c) => measureText(c, TEXT).width));
    }
  }
  const bottom = PAD + TICK + GAP + xlabH + (spec.xLabel ? GAP + LINE(TEXT) : 0);
  const x0 = left;
  const x1 = W - right;
  const y0 = top;
  const y1 = H - bottom;
  if (x1 - x0 < 60 || y1 - y0 < 60) throw new Error(`figure: ${W}x${H} leaves a ${Math.round(x1 - x0)}x${Math.round(y1 - y0)} plot area after labels (need at least 60x60); make the figure larger or the labels shorter`);
  const sy = (v: number): number => y1 - ((v - spec.y.lo) / (spec.y.hi - spec.y.lo)) * (y1 - y0);
  let sx: (v: number) => number;
  let band: Frame["band"];
  let xt: Ticks | undefined;
  if (spec.x.kind === "linear") {
    const { lo, hi } = spec.x;
    sx = (v) => x0 + ((v - lo) / (hi - lo)) * (x1 - x0);
    xt = xTicks(lo, hi, x1 - x0);
  } else {
    const nc = spec.x.categories.length;
    const bw = (x1 - x0) / nc;
    sx = (v) => x0 + (v + 0.5) * bw;
    band = { center: (i) => x0 + (i + 0.5) * bw, width: bw };
  }
  // grid under the data
  for (const v of yt.values) shapes.push({ kind: "line", x1: x0, y1: sy(v), x2: x1, y2: sy(v), color: GRID_COLOR, width: 1 });
  if (xt && spec.xGrid) for (const v of xt.values) shapes.push({ kind: "line", x1: sx(v), y1: y0, x2: sx(v), y2: y1, color: GRID_COLOR, width: 1 });
  // legend: its box is chosen once, by the painter (placeLegend) or after painting
  const inset = 8;
  const corners: Record<Exclude<LegendPosition, "auto" | "none" | "outside">, Box> = {
    "top-right": { x: x1 - inset - lsize.w, y: y0 + inset, w: lsize.w, h: lsize.h },
    "top-left": { x: x0 + inset, y: y0 + inset, w: lsize.w, h: lsize.h },
    "bottom-right": { x: x1 - inset - lsize.w, y: y1 - inset - lsize.h, w: lsize.w, h: lsize.h },
    "bottom-left": { x: x0 + inset, y: y1 - inset - lsize.h, w: lsize.w, h: lsize.h },
  };
  let legendBox: Box | undefined;
  let placed = false;
  const placeLegend = (obstacles: Box[]): Box | undefined => {
    const inside = (): Box | undefined => (spec.legendPosition === "outside" ? undefined : legendBox);
    if (placed) return inside();
    placed = true;
    if (!legendOn) return (legendBox = undefined);
    if (spec.legendPosition === "outside") legendBox = { x: x1 + GAP + Math.max(0, right - PAD - lsize.w - GAP), y: y0, w: lsize.w, h: lsize.h };
    else if (spec.legendPosition === "auto") {
      let best = Infinity;
      for (const b of Object.values(corners)) {
        const score = obstacles.reduce((acc, o) => acc + overlap(b, o), 0);
        if (score < best - 1e-6) {
          best = score;
          legendBox = b;
        }
      }
    } else legendBox = corners[spec.legendPosition as keyof typeof corners];
    return inside();
  };
  const painted = paint({ x0, y0, x1, y1, sx, sy, band, placeLegend });
  placeLegend(painted.obstacles);
  shapes.push(...painted.shapes);
  // frame, ticks, tick labels
  shapes.push({ kind: "polygon", points: [x0, y0, x1, y0, x1, y1, x0, y1], stroke: AXIS_COLOR, strokeWidth: 1 });
  const half = (7 * TEXT) / 2;
  yt.values.forEach((v, i) => {
    const y = sy(v);
    shapes.push({ kind: "line", x1: x0 - TICK, y1: y, x2: x0, y2: y, color: AXIS_COLOR, width: 1 });
    shapes.push({ kind: "text", x: x0 - TICK - GAP, y: y + half, text: yt.labels[i]!, size: TEXT, anchor: "end" });
  });
  const labelTop = y1 + TICK + GAP;
  if (xt) {
    xt.values.forEach((v, i) => {
      const x = sx(v);
      shapes.push({ kind: "line", x1: x, y1: y1, x2: x, y2: y1 + TICK, color: AXIS_COLOR, width: 1 });
      shapes.push({ kind: "text", x, y: labelTop + 7 * TEXT, text: xt.labels[i]!, size: TEXT, anchor: "middle" });
    });
  } else if (band) {
    categories.forEach((c, i) => {
      const x = band.center(i);
      shapes.push({ kind: "line", x1: x, y1: y1, x2: x, y2: y1 + TICK, color: AXIS_COLOR, width: 1 });
      if (rotate) shapes.push({ kind: "text", x: x + (6 * TEXT) / 2, y: labelTop, text: c, size: TEXT, anchor: "end", rotate: true });
      else shapes.push({ kind: "text", x, y: labelTop + 7 * TEXT, text: c, size: TEXT, anchor: "middle" });
    });
  }
  // axis labels and title
  const within = (c: number, w: number, size: number): number => Math.min(Math.max(c, PAD + w / 2), size - PAD - w / 2);
  if (xLabel) {
    const w = measureText(xLabel.text, xLabel.size).width;
    shapes.push({ kind: "text", x: within((x0 + x1) / 2, w, W), y: labelTop + xlabH + GAP + 7 * TEXT, text: xLabel.text, size: xLabel.size, anchor: "middle" });
  }
  if (yLabel) {
    const w = measureText(yLabel.text, yLabel.size).width;
    shapes.push({ kind: "text", x: PAD + 7 * TEXT, y: within((y0 + y1) / 2, w, H), text: yLabel.text, size: yLabel.size, anchor: "middle", rotate: true });
  }
  titleLines.forEach((line, i) => {
    shapes.push({ kind: "text", x: W / 2, y: PAD + 7 * TITLE + i * (LINE(TITLE) + 4), text: line, size: TITLE, anchor: "middle" });
  });
  if (legendBox) drawLegend(legendEntries, legendBox.x, legendBox.y, shapes);
  return { width: W, height: H, background: "#ffffff", title: spec.title, shapes };
}
