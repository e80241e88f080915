import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { EvalDone, TrainDone } from "./jobs";
import { Report, type BenchResults, type ModelOutcome } from "./report";
import { SCALES } from "./scales";

function evalOf(clean: number, pgdPaper: number, aaPaper: number, pgdStd: number, aaStd: number, gap: number): EvalDone {
  const prot = (protocol: "standard" | "paper", pgd: number, aa: number) => ({
    protocol,
    description: protocol,
    pgd20: { attack: "PGD-20", eps: 8 / 255, n: 200, cleanAccuracy: clean, robustAccuracy: pgd, seconds: 1 },
    aa: { attack: "AA", eps: 8 / 255, n: 100, cleanAccuracy: clean, robustAccuracy: aa, seconds: 1 },
    energyGap: { mean: gap, variance: gap / 2, meanAbs: gap, n: 200 },
  });
  return {
    checkpoint: "x",
    test: "cifar10-exact-test",
    clean: { accuracy: clean, n: 1000, ece: 0.1 },
    standard: prot("standard", pgdStd, aaStd),
    paper: prot("paper", pgdPaper, aaPaper),
    energies: { clean: [-1, -2, -3, -2.5], adversarial: [-0.5, -1, -2, -1.5], generated: [0, 0.5, 1, Number.NaN], generatedFrom: "buffer" },
    generation: { metrics: { "fd-wrn": { name: "FD-WRN", value: 12.5, protocol: "p", pipeline: "p" } }, nFake: 4, nReal: 4, source: "buffer" },
    seconds: {},
  };
}

const train = (s: number): TrainDone => ({ result: { outDir: "", steps: 100, totalSteps: 100, finished: true, lastLoss: 1, backend: "wasm", seconds: 100 * s, checkpoint: "" }, secondsPerStep: s, batchSize: 32, finalLoss: 1, divergences: 0 });

function results(models: ModelOutcome[]): BenchResults {
  return {
    tool: "ebjdat bench",
    scale: "mini",
    meaningless: false,
    settings: { seeds: 2, iterations: 100, model: "WRN-10-1", eval: SCALES.mini.eval, rows: [] },
    protocols: { standard: "s", paper: "p" },
    environment: { backend: "wasm", machine: "2-core test", concurrency: 2 },
    codeVersion: "v",
    missing: [{ dataset: "cifar100", why: "no CIFAR-100.", howTo: "Put the archive in the data folder." }, { dataset: "imagenet", why: "no ImageNet subset was given.", howTo: "Pass --imagenet." }],
    models,
    startedAt: "",
    finishedAt: "",
    wallSeconds: 60,
  };
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe("bench report", () => {
  const models: ModelOutcome[] = [
    { row: "standard", dataset: "cifar10", seed: 1, train: train(1), eval: evalOf(0.5, 0.1, 0.05, 0.02, 0, 3) },
    { row: "standard", dataset: "cifar10", seed: 2, train: train(1), eval: evalOf(0.6, 0.1, 0.05, 0.02, 0, 5) },
    { row: "ebjdat-sadajem@code", dataset: "cifar10", seed: 1, train: train(12), eval: evalOf(0.4, 0.3, 0.25, 0.2, 0.15, 0.5) },
    { row: "mart", dataset: "cifar10", seed: 1, error: "exit 1: out of memory" },
    { row: "jem", dataset: "cifar10", seed: 1, train: train(7), eval: evalOf(0.3, 0.05, 0.02, 0.01, 0, 2) },
  ];
  const r = new Report(results(models));

  it("puts our numbers beside the paper's with the difference, mean ± spread over seeds", () => {
    const t2 = r.table2();
    // Standard: clean mean 55.0 ± 7.1 (sample standard deviation) over two seeds; paper 96.1 → Δ −41.1
    expect(t2).toContain("| Standard | 55.0 ± 7.1 | 10.0 ± 0.0 | 5.0 ± 0.0 | 2.0 ± 0.0 | 0.0 ± 0.0 | 55.0 ± 7.1 / 55.0 ± 7.1 | 96.1 | 0.06 | 0 | -41.1 | +9.9 | +5.0 |");
    expect(t2).toContain("| EB-JDAT-SADAJEM [code] | 40.0 | 30.0 | 25.0 | 20.0 | 15.0 | 40.0 / 40.0 | 90.39 | 68.76 | 66.3 | -50.4 | -38.8 | -41.3 |");
    const e = SCALES.mini.eval;
    expect(t2).toContain(`Clean accuracy on the first ${e.clean} test images; PGD-20 on the first ${e.pgd}; AutoAttack on the first ${e.aa}.`);
    expect(t2).toContain("Waiting for data: no CIFAR-100. Put the archive in the data folder.");
    expect(t2).toMatch(/No numbers for:\n- MART \(seed 1\): exit 1: out of memory/);
    const t1 = r.table1();
    expect(t1).toContain("| Standard | 4.000 ± 1.414 |");
    expect(t1).toContain("| 10.18 | 3.27 | 0.06 |");
    expect(r.table4()).toContain("Waiting for data: no ImageNet subset was given. Pass --imagenet.");
  });

  it("reports the cost relative to the CE step of the same run", () => {
    const t3 = r.table3();
    expect(t3).toContain("| Standard | 1.00 ± 0.00 | 1.0 | 32 | 1563 | – |");
    expect(t3).toContain("| EB-JDAT-SADAJEM [code] | 12.00 | 12.0 | 32 | 18750 | 66.64 |");
  });

  it("lists generation metrics and the paper's FID/IS for the JEM family", () => {
    const t5 = r.table5();
    expect(t5).toContain("| JEM | 30.0 | 2.0 | 0.0 | 12.50 |");
    expect(t5).toContain("| 92.9 | 4.28 | 38.4 | 8.76 |");
    expect(t5).toMatch(/FID and IS need the official Inception weights/);
  });

  it("writes PNG and SVG figures and links them from the markdown", async () => {
    const dir = mkdtempSync(join(tmpdir(), "bench-report-"));
    dirs.push(dir);
    const md = await r.markdown(dir, new Map());
    for (const f of ["figure1-accuracy-vs-robustness", "figure2-energy-standard", "table3-step-cost"]) {
      for (const ext of ["png", "svg", "vl.json"]) expect(existsSync(join(dir, "figures", `${f}.${ext}`)), `${f}.${ext}`).toBe(true);
      expect(md).toContain(`](figures/${f}.png)`);
      expect(md).toContain(`[SVG](figures/${f}.svg) · [Vega-Lite](figures/${f}.vl.json)`);
    }
    expect(readFileSync(join(dir, "figures", "figure1-accuracy-vs-robustness.png")).subarray(1, 4).toString()).toBe("PNG");
    // Figure 1: one point per evaluated row beside the paper's numbers, with the spread over seeds
    const f1 = JSON.parse(readFileSync(join(dir, "figures", "figure1-accuracy-vs-robustness.vl.json"), "utf8")) as { data: { values: { label: string; source: string; x: number; xError: number; reference: boolean }[] } };
    const rows = f1.data.values;
    expect(rows.filter((p) => !p.reference).map((p) => [p.label, p.source])).toEqual([["Standard", "ours (mini)"], ["JEM", "ours (mini)"], ["EB-JDAT-SADAJEM [code]", "ours [code]"]]);
    expect(rows.find((p) => p.label === "Standard")!.xError).toBeCloseTo(7.071, 3);
    expect(rows.find((p) => p.label === "Standard")).toMatchObject({ x: 55 });
    expect(rows.filter((p) => p.reference).map((p) => p.label)).toEqual(["Standard (paper)", "MART (paper)", "JEM (paper)", "EB-JDAT-SADAJEM (paper)"]);
    expect(md).toContain("**Two protocols.**");
    expect(md).toContain("## The paper's claims, judged");
    expect(md).toMatch(/\| EB-JDAT's AutoAttack accuracy is above every JEM variant's .* \| code \| standard \| \*\*not measured\*\* \|/);
    expect(md).not.toContain("meaningless");
  });
});
