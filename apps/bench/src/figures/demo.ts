/**
 * Renders example figures (a 3-series energy histogram, a labelled accuracy/robustness scatter
 * and a grouped bar chart) as PNG and SVG into a folder:
 * `pnpm exec tsx src/figures/demo.ts /tmp/fig-demo`.
 */
import { join } from "node:path";
import { barPlot, histogramPlot, scatterPlot, writeFigure } from "./index";

/** Deterministic pseudo-normal samples (Box–Muller on a small LCG). */
function normal(n: number, mean: number, sd: number, seed: number): Float64Array {
  let s = seed >>> 0;
  const u = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 4294967296;
  };
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = mean + sd * Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
  return out;
}

/** The demo figures (also used by the tests). */
export function demoPlots(): { histogram: ReturnType<typeof histogramPlot>; scatter: ReturnType<typeof scatterPlot>; bar: ReturnType<typeof barPlot> } {
  const histogram = histogramPlot({
    title: "Energy of clean, adversarial and generated samples (EB-JDAT, CIFAR-10)",
    xLabel: "E(x) = -LogSumExp f(x)",
    series: [
      { name: "clean", values: normal(2000, -9.5, 1.2, 1) },
      { name: "adversarial", values: normal(2000, -7.8, 1.4, 2) },
      { name: "generated", values: normal(2000, -8.9, 1.0, 3) },
    ],
    bins: 60,
  });
  const methods: [string, number, number, number, number][] = [
    ["Standard", 95.8, 0.0, 95.2, 0.1],
    ["PGD-AT", 84.5, 49.8, 87.3, 45.8],
    ["TRADES", 82.3, 51.2, 84.9, 53.1],
    ["MART", 81.0, 52.6, 83.6, 54.0],
    ["JEM", 92.4, 8.1, 92.9, 6.5],
    ["SADA-JEM", 95.0, 9.6, 95.5, 8.0],
    ["EB-JDAT-JEM++", 86.9, 55.2, 90.1, 57.4],
    ["EB-JDAT-SADAJEM", 88.3, 54.1, 91.2, 59.8],
  ];
  const scatter = scatterPlot({
    title: "Clean vs robust accuracy (CIFAR-10, eps = 8/255)",
    xLabel: "clean accuracy (%)",
    yLabel: "AutoAttack accuracy (%)",
    series: [
      { name: "ours (standard protocol)", points: methods.map(([m, x, y]) => ({ x, y, label: m })) },
      { name: "paper", marker: "square", filled: false, points: methods.map(([m, , , x, y]) => ({ x, y, label: m })) },
    ],
    connectLabels: true,
  });
  const bar = barPlot({
    title: "Cost per step relative to cross-entropy",
    yLabel: "time / CE step",
    categories: ["PGD-AT", "TRADES", "MART", "JEM", "SADA-JEM", "EB-JDAT"],
    series: [
      { name: "ours", values: [11.2, 12.0, 11.4, 21.5, 6.3, 17.9] },
      { name: "paper", values: [10.5, 11.1, null, 20.0, 5.0, 15.0] },
    ],
    refLine: { y: 1, label: "CE = 1" },
  });
  return { histogram, scatter, bar };
}

const isMain = process.argv[1] !== undefined && /demo\.ts$/.test(process.argv[1]);
if (isMain) {
  const dir = process.argv[2] ?? "/tmp/fig-demo";
  const plots = demoPlots();
  for (const [name, plot] of Object.entries(plots)) {
    const t0 = performance.now();
    const p = writeFigure(join(dir, name), plot);
    console.log(`${p.png} ${p.svg} (${(performance.now() - t0).toFixed(0)} ms)`);
  }
}
