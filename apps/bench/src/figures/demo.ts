/**
 * Renders example figures (a labelled accuracy/robustness scatter with error bars, a 3-series
 * energy histogram and a bar chart with a reference line) as `.vl.json`, `.svg` and `.png` into a
 * folder: `pnpm exec tsx src/figures/demo.ts /tmp/fig-demo`.
 */
import { join } from "node:path";
import type { TopLevelSpec } from "vega-lite";
import { barSpec, histogramSpec, scatterSpec, type ScatterPoint } from "@ebjdat/figures";
import { writeFigure } from "./write";

/** Deterministic pseudo-normal samples (Box–Muller on a small LCG). */
function normal(n: number, mean: number, sd: number, seed: number): number[] {
  let s = seed >>> 0;
  const u = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 4294967296;
  };
  return Array.from({ length: n }, () => mean + sd * Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u()));
}

/** The demo figures (also used by the tests): name → Vega-Lite spec. */
export function demoSpecs(): Record<"scatter" | "histogram" | "bar", TopLevelSpec> {
  // [row label, clean, AA, spread over seeds, paper clean, paper AA]
  const rows: [string, number, number, number, number | null, number | null][] = [
    ["Standard", 93.1, 0.0, 0.4, 95.8, 0.0],
    ["PGD-AT", 84.5, 49.8, 0.6, 87.3, 45.8],
    ["TRADES", 82.3, 51.2, 0.5, 84.9, 53.1],
    ["MART", 81.0, 52.6, 0.7, 83.6, 54.0],
    ["JEM", 92.4, 8.1, 1.1, 92.9, 6.5],
    ["SADA-JEM", 95.0, 9.6, 0.9, 95.5, 8.0],
    ["EB-JDAT-JEM++ [code]", 86.9, 55.2, 0.8, 90.1, 57.4],
    ["EB-JDAT-JEM++ [paper]", 84.2, 50.3, 1.2, null, null],
    ["EB-JDAT-JEM++ [ce]", 88.0, 44.1, 0.6, null, null],
    ["EB-JDAT-SADAJEM [code]", 88.3, 54.1, 0.5, 91.2, 59.8],
  ];
  const points: ScatterPoint[] = [];
  for (const [label, x, y, sd, px, py] of rows) {
    const group = label.replace(/ \[(code|paper|ce)\]$/, "");
    const variant = /\[(code|paper|ce)\]$/.exec(label)?.[1];
    points.push({ label, group, x, y, xError: sd, yError: sd, source: variant ? `ours [${variant}]` : "ours" });
    if (px !== null && py !== null) points.push({ label: `${group} (paper)`, group, x: px, y: py, source: "paper (WRN-28-10)", reference: true });
  }
  const scatter = scatterSpec({
    title: "Figure 1: clean accuracy vs AutoAttack (paper protocol)",
    subtitle: "ours: mean ± spread over seeds; dashed lines join each of our rows to the paper's number",
    xLabel: "clean accuracy (%)",
    yLabel: "AutoAttack accuracy (%)",
    points,
  });
  const histogram = histogramSpec({
    title: "Figure 2: energies, EB-JDAT-SADAJEM [code]",
    xLabel: "E(x) = −logsumexp f(x)",
    series: [
      { name: "clean", values: normal(2000, -9.5, 1.2, 1) },
      { name: "adversarial (PGD-20, standard)", values: normal(2000, -7.8, 1.4, 2) },
      { name: "generated", values: [...normal(2000, -8.9, 1.0, 3), Number.NaN] },
    ],
    bins: 40,
    nonFinite: "drop",
  });
  const bar = barSpec({
    title: "Training step cost relative to a CE step (this run)",
    yLabel: "× CE step",
    categories: ["Standard", "PGD-AT", "TRADES", "MART", "JEM", "SADA-JEM", "EB-JDAT-JEM++ [code]", "EB-JDAT-SADAJEM [code]"],
    series: [{ name: "× CE step", values: [1, 11.2, 12.0, 11.4, 21.5, 6.3, 17.9, null] }],
    valueFormat: ".1f",
    refLine: { y: 1, label: "CE" },
  });
  return { scatter, histogram, bar };
}

const isMain = process.argv[1] !== undefined && /demo\.ts$/.test(process.argv[1]);
if (isMain) {
  const dir = process.argv[2] ?? "/tmp/fig-demo";
  for (const [name, spec] of Object.entries(demoSpecs())) {
    const t0 = performance.now();
    const p = await writeFigure(join(dir, name), spec);
    const warn = p.figure.warnings.length ? ` warnings: ${p.figure.warnings.join("; ")}` : "";
    console.log(`${p.png} ${p.figure.width}x${p.figure.height} (${(performance.now() - t0).toFixed(0)} ms)${warn}`);
  }
}
