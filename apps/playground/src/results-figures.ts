import { barSpec, histogramSpec, scatterSpec, type ScatterPoint } from "@ebjdat/figures";
import type { TopLevelSpec } from "vega-lite";

/**
 * The part of a bench `results.json` (apps/bench `BenchResults`) the page reads: per model its
 * row, seed, training step time and evaluation numbers (fractions) and energies.
 */
export interface BenchResultsView {
  tool: "ebjdat bench";
  scale: string;
  models: {
    row: string;
    dataset: string;
    seed: number;
    train?: { secondsPerStep: number };
    eval?: {
      clean: { accuracy: number };
      standard: { aa: { robustAccuracy: number } };
      paper: { aa: { robustAccuracy: number } };
      energies: { clean: number[]; adversarial: number[]; generated: number[] };
    };
    error?: string;
  }[];
}

/** A titled figure of the page. */
export interface NamedSpec {
  name: string;
  spec: TopLevelSpec;
}

const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
const spread = (v: number[]): number => Math.sqrt(mean(v.map((x) => (x - mean(v)) ** 2)));

/** A bench `results.json`, checked: the `tool` field and a `models` array, else an error naming the file. */
export function parseBenchResults(json: unknown, file: string): BenchResultsView {
  const r = json as Partial<BenchResultsView> | null;
  if (!r || r.tool !== "ebjdat bench" || !Array.isArray(r.models)) {
    throw new Error(`${file}: expected a bench results.json ({"tool": "ebjdat bench", "models": [...]}) or a Vega-Lite .vl.json figure`);
  }
  return r as BenchResultsView;
}

/**
 * The bench report's interactive figures from its results (as apps/bench's report draws them,
 * with the @ebjdat/figures spec builders): Figure 1 (clean vs AutoAttack accuracy per row, mean ±
 * spread over seeds, both protocols), one Figure 2 energy histogram per evaluated row (first
 * seed) and the step cost per row relative to the fastest row.
 */
export function benchFigures(r: BenchResultsView): NamedSpec[] {
  const out: NamedSpec[] = [];
  const rows = [...new Set(r.models.filter((m) => m.dataset === "cifar10").map((m) => m.row))];
  const evals = (row: string) => r.models.filter((m) => m.row === row && m.dataset === "cifar10" && m.eval).map((m) => m.eval!);
  const points: ScatterPoint[] = [];
  for (const row of rows) {
    const e = evals(row);
    if (e.length === 0) continue;
    for (const protocol of ["standard", "paper"] as const) {
      const c = e.map((x) => 100 * x.clean.accuracy);
      const a = e.map((x) => 100 * x[protocol].aa.robustAccuracy);
      points.push({ label: `${row} (${protocol})`, group: row, source: `AutoAttack, ${protocol} protocol`, x: mean(c), y: mean(a), xError: spread(c), yError: spread(a) });
    }
  }
  if (points.length > 0) {
    out.push({ name: "Figure 1: accuracy vs robustness", spec: scatterSpec({ title: "Figure 1: clean accuracy vs AutoAttack", subtitle: `scale ${r.scale}, mean ± spread over seeds`, xLabel: "clean accuracy (%)", yLabel: "AutoAttack accuracy (%)", points }) });
  }
  for (const row of rows) {
    const e = evals(row)[0];
    if (!e) continue;
    const series = [
      { name: "clean", values: e.energies.clean },
      { name: "adversarial", values: e.energies.adversarial },
      { name: "generated", values: e.energies.generated },
    ].filter((s) => s.values.length > 0);
    if (series.length === 0) continue;
    out.push({ name: `Figure 2: energies, ${row}`, spec: histogramSpec({ title: `Figure 2: energies, ${row}`, xLabel: "E(x) = −logsumexp f(x)", yLabel: "density", series, bins: 40, nonFinite: "drop" }) });
  }
  const stepMeans = rows.map((row) => {
    const s = r.models.filter((m) => m.row === row && m.train).map((m) => m.train!.secondsPerStep);
    return s.length > 0 ? mean(s) : null;
  });
  const known = stepMeans.filter((v): v is number => v !== null);
  if (known.length > 0) {
    const fastest = Math.min(...known);
    out.push({ name: "Training step cost", spec: barSpec({ title: "Training step cost relative to the fastest row (mean over seeds)", categories: rows, series: [{ name: "× fastest step", values: stepMeans.map((v) => (v === null ? null : v / fastest)) }], valueFormat: ".1f", refLine: { y: 1, label: "fastest" } }) });
  }
  return out;
}

/** Whether a JSON object is a Vega-Lite spec (a bench `.vl.json`): its `$schema` names vega-lite. */
export function isVegaLiteSpec(json: unknown): json is TopLevelSpec {
  const s = (json as { $schema?: unknown } | null)?.$schema;
  return typeof s === "string" && s.includes("vega-lite");
}
