import { energyHistogram } from "@ebjdat/energy";
import type { TopLevelSpec } from "vega-lite";
import { check, checkName, checkUnique, PALETTE, specHead, type Encoding, type FigureOptions } from "./base";

/** One histogram series as raw values, e.g. the energies of the clean test images. */
export interface HistogramSeries {
  name: string;
  values: ArrayLike<number>;
}

/** Overlaid histograms of several series over shared bins (paper Fig. 2). */
export interface HistogramSpecInput extends FigureOptions {
  series: readonly HistogramSeries[];
  /** Equal-width bins over the range (default 50). */
  bins?: number;
  /** Bin range [lo, hi] (default: the pooled min/max of all finite values). */
  range?: readonly [number, number];
  /** Non-finite values: `error` (default) or `drop` (counted in the legend). */
  nonFinite?: "error" | "drop";
  /** Fill opacity of the bars (default 0.35; outlines are opaque). */
  opacity?: number;
}

/** One data row of the histogram spec: one bin of one series. */
export interface HistogramRow {
  /** The legend entry: the series name with its count and what was left out. */
  set: string;
  lo: number;
  hi: number;
  count: number;
  /** count / (n · bin width): each series integrates to 1 over the range. */
  density: number;
}

/**
 * The Vega-Lite spec of overlaid energy histograms (paper Fig. 2): the series are binned here over
 * shared equal-width edges by `energyHistogram` of `@ebjdat/energy` (spec 6.3) and drawn as
 * translucent bars with opaque outlines; the legend gives each series' n and how many values were
 * dropped (non-finite) or fell outside the range.
 */
export function histogramSpec(input: HistogramSpecInput): TopLevelSpec {
  const fn = "histogramSpec";
  const head = specHead(fn, input);
  check(Array.isArray(input.series) && input.series.length > 0, fn, "need at least one series");
  const names = input.series.map((s, k) => checkName(fn, `series ${k} name`, s.name));
  checkUnique(fn, "series name", names);
  const bins = input.bins ?? 50;
  check(Number.isInteger(bins) && bins >= 1 && bins <= 10_000, fn, `bins must be an integer in [1, 10000], got ${bins}`);
  const nonFinite = input.nonFinite ?? "error";
  check(nonFinite === "error" || nonFinite === "drop", fn, `nonFinite must be "error" or "drop", got ${JSON.stringify(nonFinite)}`);
  const opacity = input.opacity ?? 0.35;
  check(Number.isFinite(opacity) && opacity >= 0 && opacity <= 1, fn, `opacity must be in [0, 1], got ${opacity}`);
  const range = input.range;
  if (range !== undefined) {
    check(Array.isArray(range) && range.length === 2 && Number.isFinite(range[0]) && Number.isFinite(range[1]) && range[1] > range[0], fn, `range must be [lo, hi] with finite lo < hi, got ${JSON.stringify(range)}`);
  }
  const finite = input.series.map((s) => {
    check(s.values !== null && typeof s.values === "object" && typeof s.values.length === "number", fn, `series ${JSON.stringify(s.name)} values must be an array of numbers`);
    const kept: number[] = [];
    for (let i = 0; i < s.values.length; i++) {
      const v = s.values[i];
      if (typeof v === "number" && Number.isFinite(v)) kept.push(v);
      else check(nonFinite === "drop", fn, `series ${JSON.stringify(s.name)} value ${i} is ${String(v)}; pass nonFinite: "drop" to leave non-finite values out`);
    }
    return { name: s.name, values: kept, dropped: s.values.length - kept.length };
  });
  check(finite.some((s) => s.values.length > 0), fn, "no finite values in any series");
  const hist = energyHistogram(finite, { bins, range: range ? [range[0], range[1]] : undefined });
  const labels = hist.sets.map((h, k) => {
    const notes = [`n=${h.n - h.outside}`];
    if (finite[k]!.dropped > 0) notes.push(`${finite[k]!.dropped} non-finite dropped`);
    if (h.outside > 0) notes.push(`${h.outside} outside the range`);
    return `${h.name} (${notes.join(", ")})`;
  });
  const rows: HistogramRow[] = [];
  hist.sets.forEach((h, k) => {
    const inRange = h.n - h.outside;
    const width = hist.edges[1]! - hist.edges[0]!;
    for (let b = 0; b < bins; b++) {
      // density over the values inside the range, so each series integrates to 1 there
      rows.push({ set: labels[k]!, lo: hist.edges[b]!, hi: hist.edges[b + 1]!, count: h.counts[b]!, density: inRange > 0 ? h.counts[b]! / (inRange * width) : 0 });
    }
  });
  const color: Encoding["color"] = { field: "set", type: "nominal", title: null, scale: { domain: labels, range: PALETTE.slice(0, labels.length) } };
  return {
    ...head,
    data: { values: rows },
    transform: [{ filter: "datum.count > 0" }],
    mark: { type: "rect", fillOpacity: opacity, strokeWidth: 1.2, strokeOpacity: 1 },
    encoding: {
      x: { field: "lo", type: "quantitative", title: input.xLabel ?? "value", scale: { domain: [hist.edges[0]!, hist.edges[bins]!], nice: false, zero: false } },
      x2: { field: "hi" },
      y: { field: "density", type: "quantitative", title: input.yLabel ?? "density" },
      y2: { datum: 0 },
      color,
      // the same field and scale as the fill: one legend, opaque outlines
      stroke: color,
      tooltip: [
        { field: "set", type: "nominal", title: "series" },
        { field: "lo", type: "quantitative", title: "from", format: ".3f" },
        { field: "hi", type: "quantitative", title: "to", format: ".3f" },
        { field: "count", type: "quantitative", title: "count" },
      ],
    },
    config: { ...head.config, legend: { ...head.config?.legend, orient: "top", direction: "vertical" } },
  };
}
