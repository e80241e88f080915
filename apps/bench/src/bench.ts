import * as tf from "@tensorflow/tfjs-core";
import { cpus, totalmem } from "node:os";
import { createRequire } from "node:module";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { listAvailableDatasets } from "@ebjdat/data";
import { acquireLock, initBackend, writeDirAtomicAsync, writeFileAtomic } from "@ebjdat/runtime";
import { clearJob, readDone } from "./cache";
import type { EvalDone, TrainDone } from "./jobs";
import { buildPlan, type DataChoice, type Job } from "./plan";
import { Report, type BenchResults, type MissingData, type ModelOutcome } from "./report";
import { runJobs, type JobOutcome } from "./scheduler";
import { submitToSlurm, type Executor, type SlurmExecutorOptions } from "./slurm-executor";
import type { BenchScale } from "./scales";

/** Options of {@link runBench}. */
export interface BenchOptions {
  scale: BenchScale;
  /** Report folder (created atomically at the end). */
  outDir: string;
  cacheRoot: string;
  seeds: number;
  concurrency: number;
  dataDir?: string;
  rows?: string[];
  withCe?: boolean;
  checkpoints?: Record<string, string>;
  /** ImageFolder root with `train/` and `val/` (Table 4). */
  imagenet?: string;
  inceptionWeights?: string;
  force?: boolean;
  /** Only print the plan and its estimate. */
  dryRun?: boolean;
  /** Run nothing: write the report from the jobs already finished (the others show as not run). */
  reportOnly?: boolean;
  /** `local` (default): forked processes here; `slurm`: submit the jobs and a report job, and return. */
  executor?: Executor;
  slurm?: Omit<SlurmExecutorOptions, "log" | "dataDir">;
  log: (line: string) => void;
  /** Stops the run (SIGINT / SIGTERM): running jobs save their progress, no report is written; runBench then resolves to undefined. */
  signal?: AbortSignal;
}

/** Versions of the @ebjdat packages the bench composes: the code version in every cache key. */
export function codeVersion(): string {
  const req = createRequire(import.meta.url);
  const names = ["runtime", "data", "models", "energy", "samplers", "attacks", "metrics", "trainer"];
  return names.map((n) => `${n}@${(req(`@ebjdat/${n}/package.json`) as { version: string }).version}`).join(",");
}

/** Which datasets can run, and what is missing with how to provide it (never substituted). */
export function chooseData(scale: BenchScale, dataDir: string | undefined, imagenet: string | undefined): { data: DataChoice[]; missing: MissingData[] } {
  const avail = listAvailableDatasets(dataDir ? { dataDir } : {});
  const hasFull = (k: string): boolean => avail.some((a) => a.spec === `${k}:train|test`);
  const data: DataChoice[] = [];
  const missing: MissingData[] = [];
  if (scale.name === "paper") {
    if (!hasFull("cifar10")) throw new Error("The paper scale trains on the full CIFAR-10: put cifar-10-binary.tar.gz (or cifar-10-python.tar.gz) in the data folder (--data-dir, EBJDAT_DATA) or download it; see `ebjdat info`.");
    data.push({ dataset: "cifar10", train: "cifar10:train", test: "cifar10:test" });
  } else {
    data.push({ dataset: "cifar10", train: "cifar10-train-balanced", test: scale.test });
  }
  if (hasFull("cifar100")) data.push({ dataset: "cifar100", train: "cifar100:train", test: "cifar100:test" });
  else missing.push({ dataset: "cifar100", why: "no CIFAR-100 images were found in the data folder (the offline set has CIFAR-100 label names only).", howTo: "Put cifar-100-binary.tar.gz or cifar-100-python.tar.gz (https://www.cs.toronto.edu/~kriz/) in the data folder (--data-dir or EBJDAT_DATA) and rerun; finished CIFAR-10 jobs are reused." });
  if (imagenet) {
    const root = resolve(imagenet);
    for (const sub of ["train", "val"]) if (!existsSync(join(root, sub))) throw new Error(`--imagenet '${imagenet}': expected an ImageFolder root with train/ and val/ (one folder per class of 32x32 images), missing ${sub}/.`);
    data.push({ dataset: "imagenet", train: `imagefolder:${join(root, "train")}`, test: `imagefolder:${join(root, "val")}` });
  } else {
    missing.push({ dataset: "imagenet", why: "no ImageNet subset was given.", howTo: "Pass --imagenet <dir> with train/ and val/ ImageFolders of the first 100 ImageNet-1k classes at 32x32 (e.g. Downsampled ImageNet 32x32 exported to PNG)." });
  }
  return { data, missing };
}

/** Outcomes of the jobs already finished (for `--report-only`). */
function cachedOutcomes(jobs: Job[]): Map<string, JobOutcome> {
  const m = new Map<string, JobOutcome>();
  for (const j of jobs) {
    const d = readDone<TrainDone | EvalDone>(j.dir);
    m.set(j.id, d ? { ok: true, result: d, cached: true, seconds: 0 } : { ok: false, error: "not run yet (report written with --report-only)" });
  }
  return m;
}

function hms(s: number): string {
  return s >= 3600 ? `${(s / 3600).toFixed(1)} h` : `${(s / 60).toFixed(1)} min`;
}

/**
 * `turbo bench` (issue 9): plans the training and evaluation jobs of every table at a scale, runs
 * what is not cached, and writes `report.md`, `results.json` and the figures (PNG + SVG) into a
 * new folder. Returns the results, or undefined for a dry run.
 */
export async function runBench(o: BenchOptions): Promise<BenchResults | undefined> {
  const started = new Date();
  const { data, missing } = chooseData(o.scale, o.dataDir, o.imagenet);
  const version = codeVersion();
  const jobs: Job[] = buildPlan({
    scale: o.scale,
    cacheRoot: o.cacheRoot,
    codeVersion: version,
    seeds: o.seeds,
    data,
    ...(o.rows ? { rows: o.rows } : {}),
    ...(o.withCe ? { withCe: true } : {}),
    ...(o.checkpoints ? { checkpoints: o.checkpoints } : {}),
    ...(o.inceptionWeights ? { inceptionWeights: o.inceptionWeights } : {}),
  });
  const estimate = jobs.reduce((a, j) => a + j.estimate, 0) / Math.max(1, o.concurrency);
  const nTrain = jobs.filter((j) => j.kind === "train").length;
  o.log(`bench ${o.scale.name}: ${nTrain} models to train, ${jobs.length - nTrain} to evaluate on ${data.map((d) => d.dataset).join(", ")}; ${o.concurrency} job(s) at a time; estimated ${hms(estimate)} without cache`);
  for (const m of missing) o.log(`  waiting for data (${m.dataset}): ${m.why}`);
  if (o.dryRun) {
    for (const j of jobs) o.log(`  ${j.id}  ~${hms(j.estimate)}  ${j.dir}`);
    return undefined;
  }
  if (o.executor === "slurm" && !o.reportOnly) {
    if (o.force) for (const j of jobs) clearJob(j.dir);
    if (!o.slurm) throw new Error("the slurm executor needs its options (the bench command for the jobs)");
    if (jobs.some((j) => !readDone(j.dir))) {
      const s = submitToSlurm(jobs, { ...o.slurm, ...(o.dataDir ? { dataDir: o.dataDir } : {}), log: o.log });
      o.log(`submitted ${s.jobs.size} jobs to Slurm; job ${s.report} writes the report into ${o.outDir} when they have ended (follow with: squeue --me)`);
      return undefined;
    }
    o.log("every job is finished: writing the report here");
  }
  // one bench per cache: a second one would run (or, with --force, delete) the same jobs
  const lock = o.reportOnly ? undefined : acquireLock(join(o.cacheRoot, "bench.lock"), { what: `the bench cache '${o.cacheRoot}'`, onWarning: o.log });
  let backend: Awaited<ReturnType<typeof initBackend>>;
  let outcomes: Map<string, JobOutcome>;
  try {
    if (o.force && o.executor !== "slurm") for (const j of jobs) clearJob(j.dir);
    backend = await initBackend({ quiet: true });
    outcomes = o.reportOnly ? cachedOutcomes(jobs) : await runJobs(jobs, { concurrency: o.concurrency, ...(o.dataDir ? { dataDir: o.dataDir } : {}), log: o.log, ...(o.signal ? { signal: o.signal } : {}) });
  } finally {
    lock?.release();
  }
  if (o.signal?.aborted) {
    const finished = [...outcomes.values()].filter((x) => x.ok).length;
    const stopped = [...outcomes.values()].filter((x) => !x.ok && x.interrupted && x.error !== "not started (interrupted)").length;
    o.log(`interrupted by ${String(o.signal.reason)}: ${finished}/${jobs.length} jobs finished (cached in ${o.cacheRoot}); ${stopped} stopped with their progress saved; no report written. Rerun the same command to continue.`);
    return undefined;
  }

  const models: ModelOutcome[] = [];
  for (const j of jobs.filter((x) => x.kind === "eval")) {
    if (j.kind !== "eval") continue;
    const tr = jobs.find((x) => x.kind === "train" && x.row.id === j.row.id && x.dataset === j.dataset && x.seed === j.seed);
    const to = tr ? outcomes.get(tr.id) : undefined;
    const eo = outcomes.get(j.id);
    const m: ModelOutcome = { row: j.row.id, dataset: j.dataset, seed: j.seed };
    if (to?.ok) m.train = to.result as TrainDone;
    if ("checkpoint" in j.source) m.checkpoint = j.settings.checkpoint;
    if (eo?.ok) m.eval = eo.result as EvalDone;
    else m.error = eo && !eo.ok ? eo.error : "not run";
    models.push(m);
  }
  const finished = new Date();
  const cpu = cpus();
  const results: BenchResults = {
    tool: "ebjdat bench",
    scale: o.scale.name,
    meaningless: o.scale.meaningless,
    settings: {
      seeds: o.seeds,
      iterations: o.scale.iterations,
      model: o.scale.model ? `WRN-${o.scale.model.depth}-${o.scale.model.width}` : "the presets' WideResNets",
      eval: o.scale.eval,
      rows: [...new Set(jobs.map((j) => j.row.id))],
    },
    protocols: {
      standard: "images in [0, 1], ε = 8/255 ℓ∞; PGD-20 α 2/255 random start; fra31 AutoAttack standard (APGD-CE, APGD-T, FAB-T, Square); no test-time noise",
      paper: "spec 7.9: attacks in [-1, 1] space at ε = 8/255 there (4/255 on [0, 1]); torchattacks PGD-20 α 0.5/255 (API scale); the authors' cut-down AutoAttack; test-time noise σ 0.03 (JEM, JEM++ families) or 0 (SADA-JEM family, baselines)",
    },
    environment: {
      backend: backend.name,
      tfjs: tf.version_core,
      node: process.version,
      machine: `${cpu.length}-core ${cpu[0]?.model.trim() ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`,
      concurrency: o.concurrency,
    },
    codeVersion: version,
    missing,
    models,
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    wallSeconds: (finished.getTime() - started.getTime()) / 1000,
  };
  const jobDirs = new Map(jobs.map((j) => [j.id, j.dir]));
  await writeDirAtomicAsync(o.outDir, async (tmp) => {
    const report = new Report(results);
    writeFileAtomic(join(tmp, "report.md"), await report.markdown(tmp, jobDirs));
    // the claims' verdicts go into results.json beside the numbers they rest on
    writeFileAtomic(join(tmp, "results.json"), JSON.stringify({ ...results, claims: report.claimVerdicts() }, null, 1) + "\n");
  });
  const failed = models.filter((m) => m.error).length;
  o.log(`report: ${join(o.outDir, "report.md")} (${models.length - failed}/${models.length} models evaluated${failed ? `, ${failed} failed` : ""}) in ${hms(results.wallSeconds)}`);
  printSummary(results, o.log);
  return results;
}

/** The summary table printed at the end: clean / PGD-20 / AA under both protocols per model. */
function printSummary(r: BenchResults, log: (l: string) => void): void {
  const pct = (v: number | undefined): string => (v === undefined ? "   –  " : (100 * v).toFixed(1).padStart(6));
  log(`${"model".padEnd(34)} ${"clean".padStart(6)} ${"PGD-p".padStart(6)} ${"AA-p".padStart(6)} ${"PGD-s".padStart(6)} ${"AA-s".padStart(6)}   (p = paper protocol, s = standard)`);
  for (const m of r.models) {
    const e = m.eval;
    log(`${`${m.dataset}/${m.row}/s${m.seed}`.padEnd(34)} ${pct(e?.clean.accuracy)} ${pct(e?.paper.pgd20.robustAccuracy)} ${pct(e?.paper.aa.robustAccuracy)} ${pct(e?.standard.pgd20.robustAccuracy)} ${pct(e?.standard.aa.robustAccuracy)}${m.error ? `  ${m.error.slice(0, 60)}` : ""}`);
  }
  if (r.meaningless) log("(smoke scale: the numbers are meaningless)");
}
