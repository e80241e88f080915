import type { TopLevelSpec } from "vega-lite";
import { check, checkFinite, checkName, checkUnique, PALETTE, specHead, type Encoding, type FigureOptions, type Layer } from "./base";

/** One bar series: one value per category, `null` where there is none (drawn as "n/a"). */
export interface BarSeries {
  name: string;
  values: readonly (number | null)[];
}

/** A grouped bar figure (e.g. Table 3: training step cost relative to a CE step). */
export interface BarSpecInput extends FigureOptions {
  categories: readonly string[];
  series: readonly BarSeries[];
  /** d3-format of the value written above each bar (default `.3~r`); `null` writes none. */
  valueFormat?: string | null;
  /** A dashed horizontal reference line, labelled at its right end (e.g. ratio 1 = CE). */
  refLine?: { y: number; label?: string };
}

/** One data row of the bar spec. */
export interface BarRow {
  category: string;
  series: string;
  value: number | null;
}

/**
 * The Vega-Lite spec of a grouped bar figure: bars side by side per category (colour = series),
 * the value above each bar, "n/a" where a value is missing, and an optional reference line. Every
 * series needs one value (or null) per category; errors name the series and category.
 */
export function barSpec(input: BarSpecInput): TopLevelSpec {
  const fn = "barSpec";
  const head = specHead(fn, input);
  check(Array.isArray(input.categories) && input.categories.length > 0, fn, "need at least one category");
  const categories = input.categories.map((c, i) => checkName(fn, `category ${i}`, c));
  checkUnique(fn, "category", categories);
  check(Array.isArray(input.series) && input.series.length > 0, fn, "need at least one series");
  const names = input.series.map((s, k) => checkName(fn, `series ${k} name`, s.name));
  checkUnique(fn, "series name", names);
  const rows: BarRow[] = [];
  for (const s of input.series) {
    check(Array.isArray(s.values) && s.values.length === categories.length, fn, `series ${JSON.stringify(s.name)} has ${Array.isArray(s.values) ? s.values.length : "no"} values, expected ${categories.length} (one per category, null for missing)`);
    s.values.forEach((v: number | null, i: number) => {
      rows.push({ category: categories[i]!, series: s.name, value: v === null ? null : checkFinite(fn, `series ${JSON.stringify(s.name)} value for ${JSON.stringify(categories[i])}`, v) });
    });
  }
  const format = input.valueFormat === undefined ? ".3~r" : input.valueFormat;
  check(format === null || (typeof format === "string" && format.length > 0), fn, `valueFormat must be a d3-format string or null, got ${JSON.stringify(format)}`);
  const ref = input.refLine;
  if (ref) {
    checkFinite(fn, "refLine.y", ref.y);
    check(ref.label === undefined || typeof ref.label === "string", fn, "refLine.label must be a string");
  }
  const many = names.length > 1;
  const x: Encoding["x"] = { field: "category", type: "nominal", title: input.xLabel ?? null, sort: categories, axis: { labelAngle: -30, labelAlign: "right" } };
  const xOffset: Encoding["xOffset"] = many ? { field: "series", type: "nominal", sort: names } : undefined;
  const y: Encoding["y"] = { field: "value", type: "quantitative", title: input.yLabel ?? (many ? "value" : names[0]!) };
  const color: Encoding["color"] = { field: "series", type: "nominal", title: null, scale: { domain: names, range: PALETTE.slice(0, names.length) }, legend: many ? { orient: "top" } : null };
  const at = many ? { x, xOffset } : { x };
  const layer: Layer[] = [
    { transform: [{ filter: "datum.value !== null" }], mark: { type: "bar" }, encoding: { ...at, y, color, tooltip: [{ field: "category" }, { field: "series" }, { field: "value", type: "quantitative" }] } },
  ];
  if (format !== null) {
    layer.push({ transform: [{ filter: "datum.value !== null" }], mark: { type: "text", baseline: "bottom", dy: -3, fontSize: 12 }, encoding: { ...at, y, text: { field: "value", type: "quantitative", format } } });
  }
  if (rows.some((r) => r.value === null)) {
    layer.push({ transform: [{ filter: "datum.value === null" }], mark: { type: "text", baseline: "bottom", dy: -3, fontSize: 11, color: "#666666" }, encoding: { ...at, y: { datum: 0, type: "quantitative" }, text: { value: "n/a" } } });
  }
  if (ref) {
    // own one-row data, so the line and its label are drawn once, not once per bar
    layer.push({ data: { values: [{}] }, mark: { type: "rule", strokeDash: [6, 4], color: "#555555" }, encoding: { y: { datum: ref.y, type: "quantitative" } } });
    if (ref.label) {
      // right of the plot, where no bar can hide it
      layer.push({ data: { values: [{}] }, mark: { type: "text", align: "left", baseline: "middle", dx: 4, color: "#555555", fontSize: 12 }, encoding: { x: { value: "width" }, y: { datum: ref.y, type: "quantitative" }, text: { value: ref.label } } });
    }
  }
  // without a given width, about 72 units per category (at least 360), so few bars are not drawn wide
  const width = input.width ?? Math.max(360, categories.length * Math.max(72, 36 * names.length));
  return { ...head, width, data: { values: rows }, layer };
}
