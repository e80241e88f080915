import * as tf from "@tensorflow/tfjs-core";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { autoAttack, runAttack, STANDARD_EPS } from "@ebjdat/attacks";
import type { LogitsFn } from "@ebjdat/runtime";

/** The workloads of the evaluation benchmark (issue 21): each attack alone, the standard ensemble, PGD-20. */
export const BENCH_ATTACKS = ["apgd-ce", "apgd-t", "fab-t", "square", "standard", "pgd20"] as const;
export type BenchAttack = (typeof BENCH_ATTACKS)[number];

/** Issue 3's tolerance: both robust accuracies within 1.5 points, else the timing does not count. */
export const AGREEMENT_TOLERANCE = 0.015;

/** One side's measurement of one workload. */
export interface SideResult {
  attack: BenchAttack;
  seconds: number;
  robustAccuracy: number;
  cleanAccuracy: number;
}

/** One row of the benchmark: ours, the official code's (or why it is missing), ratio and agreement. */
export interface BenchRow {
  attack: BenchAttack;
  /** Missing with `--no-ours`. */
  ours?: SideResult;
  official?: SideResult;
  /** Why the official side is missing. */
  missing?: string;
  /** ours / official seconds, only when both ran. */
  ratio?: number;
  /** |robust accuracy difference| ≤ AGREEMENT_TOLERANCE (only when both ran). */
  counts?: boolean;
}

/** Parses `apgd-ce,standard,...` into benchmark workloads; an unknown name is an error listing the known ones. */
export function parseBenchAttacks(list: string): BenchAttack[] {
  return list.split(",").map((raw) => {
    const a = raw.trim();
    if (!(BENCH_ATTACKS as readonly string[]).includes(a)) throw new Error(`--attacks: expected some of ${BENCH_ATTACKS.join(", ")}, got '${a}'`);
    return a as BenchAttack;
  });
}

/**
 * Times one workload of ours on `n` images through the public API (runAttack / autoAttack at
 * their default batch unless `batchSize` is given; ε = 8/255 l∞, seed 0; spec 7.1-7.6).
 */
export async function runOurs(attack: BenchAttack, model: LogitsFn, x: tf.Tensor4D, y: Int32Array, batchSize?: number): Promise<SideResult> {
  const t0 = performance.now();
  const common = { eps: STANDARD_EPS, seed: 0, onWarning: () => {}, ...(batchSize ? { batchSize } : {}) };
  if (attack === "standard") {
    const { report, xAdv } = await autoAttack(model, x, y, { version: "standard", ...common });
    xAdv.dispose();
    return { attack, seconds: (performance.now() - t0) / 1000, robustAccuracy: report.robustAccuracy, cleanAccuracy: report.cleanAccuracy };
  }
  const r = await runAttack(attack, model, x, y, common);
  r.xAdv.dispose();
  return { attack, seconds: (performance.now() - t0) / 1000, robustAccuracy: r.robustAccuracy, cleanAccuracy: r.cleanAccuracy };
}

/** Settings of the official side. */
export interface OfficialSettings {
  /** A checkout of fra31/auto-attack (the folder holding `autoattack/`), or undefined. */
  autoattack?: string;
  model: string;
  /** CIFAR-10 binary file whose first `n` records are the images. */
  data: string;
  n: number;
  threads: number;
  bs: number;
  attacks: BenchAttack[];
  python?: string;
}

/** What the official run returned. */
export interface OfficialRun {
  torch: string;
  threads: number;
  blas: string;
  results: SideResult[];
}

/**
 * Runs the official fra31/auto-attack code (python/attacks_official.py) when Debian's PyTorch is
 * importable and a checkout is given; otherwise returns the reason it did not run.
 */
export function runOfficial(s: OfficialSettings): OfficialRun | string {
  if (!s.autoattack) return "no --official-autoattack <dir> (a checkout of fra31/auto-attack)";
  if (!existsSync(join(s.autoattack, "autoattack", "autoattack.py"))) return `${s.autoattack} holds no autoattack/autoattack.py (expected a checkout of fra31/auto-attack)`;
  const python = s.python ?? "/usr/bin/python3";
  if (!existsSync(python)) return `no ${python}`;
  const probe = spawnSync(python, ["-c", "import torch"], { encoding: "utf8" });
  if (probe.status !== 0) return "PyTorch not installed (Debian: apt-get install python3-torch)";
  const here = dirname(fileURLToPath(import.meta.url));
  const script = [join(here, "..", "python", "attacks_official.py"), join(here, "python", "attacks_official.py")].find(existsSync);
  if (!script) return "attacks_official.py not found";
  const cfg = { autoattack: s.autoattack, model: s.model, data: s.data, n: s.n, threads: s.threads, bs: s.bs, attacks: s.attacks };
  const r = spawnSync(python, [script, JSON.stringify(cfg)], { encoding: "utf8", maxBuffer: 1 << 24, stdio: ["ignore", "pipe", "inherit"] });
  if (r.status !== 0) return `official run failed (${r.status !== null ? `exit ${r.status}` : `killed by ${r.signal}`})`;
  const out = JSON.parse(r.stdout) as { torch: string; threads: number; blas: string; results: { attack: BenchAttack; seconds: number; robust_accuracy: number; clean_accuracy: number }[] };
  return {
    torch: out.torch,
    threads: out.threads,
    blas: out.blas,
    results: out.results.map((o) => ({ attack: o.attack, seconds: o.seconds, robustAccuracy: o.robust_accuracy, cleanAccuracy: o.clean_accuracy })),
  };
}

/** Joins both sides into rows: the ratio ours / official and whether the robust accuracies agree within 1.5 points. */
export function benchRows(attacks: readonly BenchAttack[], ours: SideResult[], official: OfficialRun | string): BenchRow[] {
  return attacks.map((attack) => {
    const o = ours.find((r) => r.attack === attack);
    const mine = o ? { ours: o } : {};
    if (typeof official === "string") return { attack, ...mine, missing: official };
    const off = official.results.find((r) => r.attack === attack);
    if (!off) return { attack, ...mine, missing: "not run by the official side" };
    if (!o) return { attack, official: off };
    return { attack, ours: o, official: off, ratio: o.seconds / off.seconds, counts: Math.abs(o.robustAccuracy - off.robustAccuracy) <= AGREEMENT_TOLERANCE + 1e-12 };
  });
}

/** The markdown table of a run; a row whose robust accuracies disagree says its ratio does not count. */
export function attacksBenchTable(rows: BenchRow[]): string {
  const pct = (v: number | undefined): string => (v === undefined ? "–" : (100 * v).toFixed(1));
  const lines = ["| attack | ours s | official s | ratio | ours robust % | official robust % | note |", "|---|---|---|---|---|---|---|"];
  for (const r of rows) {
    const note = r.missing ?? (r.counts === false ? "robust accuracies differ by more than 1.5 points: does not count" : "");
    lines.push(`| ${r.attack} | ${r.ours ? r.ours.seconds.toFixed(1) : "–"} | ${r.official ? r.official.seconds.toFixed(1) : "–"} | ${r.ratio === undefined ? "–" : r.ratio.toFixed(2)} | ${pct(r.ours?.robustAccuracy)} | ${pct(r.official?.robustAccuracy)} | ${note} |`);
  }
  return lines.join("\n");
}
