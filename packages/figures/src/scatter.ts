import type { TopLevelSpec } from "vega-lite";
import { check, checkFinite, checkName, specHead, type Encoding, type FigureOptions, type Layer } from "./base";

/** One point of a {@link scatterSpec} figure, e.g. one bench row or one of the paper's numbers. */
export interface ScatterPoint {
  /** What the point is (tooltip; e.g. `EB-JDAT-JEM++ [code]`). */
  label: string;
  x: number;
  y: number;
  /** Where the number comes from (shape and legend; e.g. `ours [code]` or `paper`). */
  source: string;
  /** Points of one group share a colour and are joined to the group's reference (default: `label`). */
  group?: string;
  /** Half-widths of the error bars (e.g. the spread over seeds); 0 or absent draws none. */
  xError?: number;
  yError?: number;
  /** A reference point (the paper's): drawn hollow; the other points of its group are joined to it. */
  reference?: boolean;
}

/** A labelled scatter figure (paper Fig. 1: clean vs robust accuracy, ours beside the paper's). */
export interface ScatterSpecInput extends FigureOptions {
  points: readonly ScatterPoint[];
  /** Axis domains (default: the data's, not forced to include zero). */
  xDomain?: readonly [number, number];
  yDomain?: readonly [number, number];
  /** Legend titles (default `method` and `source`). */
  colorTitle?: string;
  shapeTitle?: string;
  /** Join each point to its group's reference with a dashed line (default true). */
  connect?: boolean;
}

/** One data row of the scatter spec. */
export interface ScatterRow {
  label: string;
  group: string;
  source: string;
  x: number;
  y: number;
  xError: number;
  yError: number;
  reference: boolean;
}

const OWN_SHAPES = ["circle", "triangle-up", "diamond", "triangle-down", "cross", "triangle-left", "triangle-right", "wedge"];

function domain(fn: string, what: string, d: readonly [number, number] | undefined): [number, number] | undefined {
  if (d === undefined) return undefined;
  check(Array.isArray(d) && d.length === 2 && Number.isFinite(d[0]) && Number.isFinite(d[1]) && d[1] > d[0], fn, `${what} must be [lo, hi] with finite lo < hi, got ${JSON.stringify(d)}`);
  return [d[0], d[1]];
}

/**
 * The Vega-Lite spec of a scatter figure: one filled marker per own point (shape = source,
 * colour = group), hollow squares for the reference points, error bars where given, and dashed
 * lines from each point to its group's reference. Data rows are inline; errors name the point.
 */
export function scatterSpec(input: ScatterSpecInput): TopLevelSpec {
  const fn = "scatterSpec";
  const head = specHead(fn, input);
  check(Array.isArray(input.points) && input.points.length > 0, fn, "need at least one point");
  const xd = domain(fn, "xDomain", input.xDomain);
  const yd = domain(fn, "yDomain", input.yDomain);
  const rows: ScatterRow[] = input.points.map((p, i) => {
    const where = `point ${i}`;
    const label = checkName(fn, `${where} label`, p.label);
    const at = `${where} (${JSON.stringify(label)})`;
    const row: ScatterRow = {
      label,
      group: p.group === undefined ? label : checkName(fn, `${at} group`, p.group),
      source: checkName(fn, `${at} source`, p.source),
      x: checkFinite(fn, `${at} x`, p.x),
      y: checkFinite(fn, `${at} y`, p.y),
      xError: p.xError === undefined ? 0 : checkFinite(fn, `${at} xError`, p.xError),
      yError: p.yError === undefined ? 0 : checkFinite(fn, `${at} yError`, p.yError),
      reference: p.reference ?? false,
    };
    check(row.xError >= 0 && row.yError >= 0, fn, `${at} error bars must be >= 0, got x ${row.xError}, y ${row.yError}`);
    for (const [axis, v, d] of [["x", row.x, xd], ["y", row.y, yd]] as const) {
      check(!d || (v >= d[0] && v <= d[1]), fn, `${at} has ${axis} = ${v}, outside ${axis}Domain [${d?.[0]}, ${d?.[1]}]`);
    }
    return row;
  });
  const groups = [...new Set(rows.map((r) => r.group))];
  const own = [...new Set(rows.filter((r) => !r.reference).map((r) => r.source))];
  const refs = [...new Set(rows.filter((r) => r.reference).map((r) => r.source))];
  check(own.every((s) => !refs.includes(s)), fn, `a source is used for reference and for own points: ${own.filter((s) => refs.includes(s)).join(", ")}`);
  const links: { group: string; x: number; y: number; x2: number; y2: number }[] = [];
  if (input.connect ?? true) {
    for (const g of groups) {
      const ref = rows.find((r) => r.group === g && r.reference);
      if (!ref) continue;
      for (const r of rows) if (r.group === g && !r.reference) links.push({ group: g, x: r.x, y: r.y, x2: ref.x, y2: ref.y });
    }
  }
  const xTitle = input.xLabel ?? "x";
  const yTitle = input.yLabel ?? "y";
  const x: Encoding["x"] = { field: "x", type: "quantitative", title: xTitle, scale: xd ? { domain: xd, nice: false } : { zero: false, nice: false, padding: 16 } };
  const y: Encoding["y"] = { field: "y", type: "quantitative", title: yTitle, scale: yd ? { domain: yd, nice: false } : { zero: false, nice: false, padding: 16 } };
  const color: Encoding["color"] = { field: "group", type: "nominal", title: input.colorTitle ?? "method", scale: { domain: groups, scheme: groups.length <= 10 ? "category10" : "category20" } };
  const shape: Encoding["shape"] = {
    field: "source",
    type: "nominal",
    title: input.shapeTitle ?? "source",
    scale: { domain: [...own, ...refs], range: [...own.map((_s, i) => OWN_SHAPES[i % OWN_SHAPES.length]!), ...refs.map(() => "square")] },
  };
  const tooltip: Encoding["tooltip"] = [
    { field: "label", type: "nominal", title: "label" },
    { field: "source", type: "nominal", title: "source" },
    { field: "x", type: "quantitative", title: xTitle, format: ".2f" },
    { field: "y", type: "quantitative", title: yTitle, format: ".2f" },
  ];
  const layer: Layer[] = [];
  if (links.length) {
    layer.push({ data: { values: links }, mark: { type: "rule", strokeDash: [4, 3], color: "#999999", strokeWidth: 1 }, encoding: { x, y, x2: { field: "x2" }, y2: { field: "y2" } } });
  }
  if (rows.some((r) => r.xError > 0)) {
    layer.push({
      transform: [{ filter: "datum.xError > 0" }, { calculate: "datum.x - datum.xError", as: "xLo" }, { calculate: "datum.x + datum.xError", as: "xHi" }],
      mark: { type: "rule", strokeWidth: 1.5 },
      encoding: { x: { field: "xLo", type: "quantitative" }, x2: { field: "xHi" }, y, color },
    });
  }
  if (rows.some((r) => r.yError > 0)) {
    layer.push({
      transform: [{ filter: "datum.yError > 0" }, { calculate: "datum.y - datum.yError", as: "yLo" }, { calculate: "datum.y + datum.yError", as: "yHi" }],
      mark: { type: "rule", strokeWidth: 1.5 },
      encoding: { x, y: { field: "yLo", type: "quantitative" }, y2: { field: "yHi" }, color },
    });
  }
  layer.push(
    { transform: [{ filter: "!datum.reference" }], mark: { type: "point", filled: true, size: 110, opacity: 0.95 }, encoding: { x, y, color, shape, tooltip } },
    { transform: [{ filter: "datum.reference" }], mark: { type: "point", filled: false, size: 140, strokeWidth: 2.5, opacity: 1 }, encoding: { x, y, color, shape, tooltip } },
  );
  return { ...head, data: { values: rows }, layer };
}
