import { join } from "node:path";
import { sbatchScript, submitSbatch } from "@ebjdat/evaluation";
import { writeFileAtomic, writeJsonAtomic } from "@ebjdat/runtime";
import { readDone } from "./cache";
import type { Job } from "./plan";

/** Where the bench's jobs run: forked processes on this machine (default), or Slurm jobs. */
export type Executor = "local" | "slurm";

/** How {@link submitToSlurm} submits the plan. */
export interface SlurmExecutorOptions {
  /** The bench as the compute nodes run it, e.g. `[node, /abs/apps/bench/dist/main.js]`. */
  command: readonly string[];
  /** Arguments of the final job that writes the report (`--report-only` and the run's options). */
  reportArgs: readonly string[];
  /** Folder for the report job's script and log (the job folders hold the others'). */
  dir: string;
  dataDir?: string;
  /** More sbatch options for every job, each `--name=value` (e.g. `--partition=gpu`, `--time=…`). */
  extra?: readonly string[];
  /** Memory and CPUs per job (default 8G, 1). */
  mem?: string;
  cpus?: number;
  /** The sbatch command (default `sbatch`). */
  sbatch?: string;
  log: (line: string) => void;
}

/** What was submitted: bench job id → Slurm job id, and the report job. */
export interface SlurmSubmission {
  jobs: Map<string, string>;
  report: string;
}

/** Slurm's `--time` for a job estimated at `seconds`: four times the estimate, at least 15 minutes. */
export function slurmTime(seconds: number): string {
  const s = Math.max(15 * 60, Math.ceil((4 * seconds) / 60) * 60);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}:00`;
}

/**
 * Submits the bench's unfinished jobs as Slurm batch jobs, each running `<bench> --run-job
 * <job folder>/job.json` (the process the local scheduler forks), a training job before the
 * evaluations that need its checkpoint (`--dependency=afterok:<training job>`, with
 * `--kill-on-invalid-dep=yes` so a failed training cancels them), and a final job that writes the
 * report once every job has ended (`--dependency=afterany:…`; a failure is reported in it as
 * locally). Finished (cached) jobs are not submitted. Slurm does the scheduling; nothing here waits.
 */
export function submitToSlurm(jobs: readonly Job[], o: SlurmExecutorOptions): SlurmSubmission {
  const ids = new Map<string, string>();
  const common = { mem: o.mem ?? "8G", cpusPerTask: o.cpus ?? 1, extra: o.extra ?? [], setup: ['export EBJDAT_THREADS="${SLURM_CPUS_PER_TASK:-1}"'] };
  // training jobs first, so an evaluation's dependencies are known when it is submitted
  const order = [...jobs.filter((j) => j.kind === "train"), ...jobs.filter((j) => j.kind === "eval")];
  for (const j of order) {
    if (readDone(j.dir)) continue;
    const file = join(j.dir, "job.json");
    writeJsonAtomic(file, { job: j, dataDir: o.dataDir });
    const script = join(j.dir, "slurm.sbatch");
    writeFileAtomic(script, sbatchScript({ ...common, jobName: `ebjdat-bench-${j.kind}`, time: slurmTime(j.estimate), output: join(j.dir, "slurm-%j.out"), command: [...o.command, "--run-job", file] }));
    const after = (j.kind === "eval" ? j.after : []).map((d) => ids.get(d)).filter((x): x is string => x !== undefined);
    const id = submitSbatch(script, { ...(after.length ? { dependency: `afterok:${after.join(":")}`, killOnInvalidDep: true } : {}), ...(o.sbatch ? { sbatch: o.sbatch } : {}) });
    ids.set(j.id, id);
    o.log(`  submitted ${j.id}: Slurm job ${id}${after.length ? ` (after ${after.join(", ")})` : ""}`);
  }
  const script = join(o.dir, "report.sbatch");
  writeFileAtomic(script, sbatchScript({ ...common, jobName: "ebjdat-bench-report", time: "01:00:00", output: join(o.dir, "report-%j.out"), command: [...o.command, ...o.reportArgs] }));
  const all = [...ids.values()];
  const report = submitSbatch(script, { ...(all.length ? { dependency: `afterany:${all.join(":")}` } : {}), ...(o.sbatch ? { sbatch: o.sbatch } : {}) });
  return { jobs: ids, report };
}

/** Options of the run that the report job must not repeat: what it is told itself, and what would redo work. */
const NOT_FOR_REPORT = new Set(["executor", "sbatch-option", "out", "cache", "jobs", "force", "dry-run", "report-only"]);

/**
 * The arguments of the report job: the run's own options (scale, rows, seeds, data, checkpoints,
 * …) without those that would redo or resubmit work, plus `--out`, `--cache` and `--report-only`.
 * The bench takes no positional arguments, so a word after an option that is not an option
 * itself is that option's value (`--sbatch-option` always takes the next word: an sbatch option).
 */
export function reportArgs(argv: readonly string[], outDir: string, cacheRoot: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([^=]+)(=.*)?$/.exec(argv[i]!);
    const takesNext = m !== null && m[2] === undefined && i + 1 < argv.length && (m[1] === "sbatch-option" || !argv[i + 1]!.startsWith("--"));
    const option = takesNext ? [argv[i]!, argv[i + 1]!] : [argv[i]!];
    if (takesNext) i++;
    if (!(m && NOT_FOR_REPORT.has(m[1]!))) out.push(...option);
  }
  return [...out, "--out", outDir, "--cache", cacheRoot, "--report-only"];
}
