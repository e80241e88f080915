import { spawnSync } from "node:child_process";

/** A scheduler command that is not installed or failed; names the command. */
export class SchedulerCommandError extends Error {
  constructor(
    readonly command: string,
    message: string,
  ) {
    super(message);
    this.name = "SchedulerCommandError";
  }
}

/**
 * Runs a scheduler's command (`sbatch`, `squeue`, …) and returns its stdout. A command that is not
 * installed is a SchedulerCommandError naming it and the way out; a failing one names its exit
 * status and stderr.
 */
export function runSchedulerCommand(command: string, args: readonly string[], hint = ""): string {
  const r = spawnSync(command, args, { encoding: "utf8" });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new SchedulerCommandError(command, `${command} is not installed here (not found on PATH)${hint ? `; ${hint}` : ""}`);
    throw new SchedulerCommandError(command, `${command} could not be started: ${r.error.message}`);
  }
  if (r.status !== 0) throw new SchedulerCommandError(command, `${command} ${args.join(" ")} failed (exit ${r.status}): ${(r.stderr || r.stdout).trim()}`);
  return r.stdout;
}

/** A batch job for `sbatch`: its resources, log file and the command it runs. */
export interface SbatchJob {
  jobName: string;
  /** `--array` indices (a job array; each task sees its index in SLURM_ARRAY_TASK_ID). */
  array?: readonly number[];
  /** `--time`, e.g. `02:00:00`. */
  time?: string;
  /** `--mem` per node, e.g. `4G`. */
  mem?: string;
  cpusPerTask?: number;
  /** `--requeue`: Slurm may requeue the job (node failure, preemption); the command must resume. */
  requeue?: boolean;
  /** `--output` log file (`%A` array job id, `%a` task index, `%j` job id); appended to on requeue. */
  output: string;
  /** More sbatch options, each one `--name=value` (e.g. `--partition=gpu`). */
  extra?: readonly string[];
  /** Shell lines run before the command (e.g. environment exports). */
  setup?: readonly string[];
  /** The command, one argument per element (quoted for the shell). */
  command: readonly string[];
}

/** Quotes one argument for a POSIX shell (unchanged when it needs no quotes). */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_\-./:=@%+,]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Slurm's `--array` syntax for indices: runs of consecutive ones as `a-b`, e.g. `0-3,6,8-9`. */
export function slurmArraySpec(indices: readonly number[]): string {
  const xs = [...new Set(indices)].sort((a, b) => a - b);
  if (xs.length === 0) throw new Error("a Slurm job array needs at least one index");
  const parts: string[] = [];
  for (let i = 0; i < xs.length; ) {
    let j = i;
    while (j + 1 < xs.length && xs[j + 1] === xs[j]! + 1) j++;
    parts.push(i === j ? String(xs[i]) : `${xs[i]}-${xs[j]}`);
    i = j + 1;
  }
  return parts.join(",");
}

/** The text of an sbatch script for `job` (`#SBATCH` directives, then `exec` of the command). */
export function sbatchScript(job: SbatchJob): string {
  const opts: string[] = [`--job-name=${job.jobName}`];
  if (job.array) opts.push(`--array=${slurmArraySpec(job.array)}`);
  if (job.time) opts.push(`--time=${job.time}`);
  if (job.mem) opts.push(`--mem=${job.mem}`);
  if (job.cpusPerTask !== undefined) opts.push(`--cpus-per-task=${job.cpusPerTask}`);
  if (job.requeue) opts.push("--requeue");
  opts.push(`--output=${job.output}`, "--open-mode=append", ...(job.extra ?? []));
  for (const o of opts) if (/\s/.test(o)) throw new Error(`sbatch option '${o}' contains white space, which an #SBATCH line cannot hold; use a path or value without spaces`);
  return ["#!/bin/bash", "# written by ebjdat", ...opts.map((o) => `#SBATCH ${o}`), "", "set -euo pipefail", ...(job.setup ?? []), `exec ${job.command.map(shellQuote).join(" ")}`, ""].join("\n");
}

/** How to submit: dependencies on other jobs and the sbatch command. */
export interface SubmitOptions {
  /** `--dependency`, e.g. `afterok:123` or `afterok:123:124`. */
  dependency?: string;
  /** `--kill-on-invalid-dep=yes`: cancel the job when its dependency can never be met (a failed shard). */
  killOnInvalidDep?: boolean;
  /** The sbatch command (default `sbatch`). */
  sbatch?: string;
}

/** Submits the script file `path` with sbatch; returns the job id. */
export function submitSbatch(path: string, o: SubmitOptions = {}): string {
  const args = ["--parsable", ...(o.dependency ? [`--dependency=${o.dependency}`] : []), ...(o.killOnInvalidDep ? ["--kill-on-invalid-dep=yes"] : []), path];
  const out = runSchedulerCommand(o.sbatch ?? "sbatch", args, "submit from a Slurm login node, or leave out --submit and submit the written scripts there");
  const id = out.trim().split(";")[0]!;
  if (!/^\d+$/.test(id)) throw new SchedulerCommandError(o.sbatch ?? "sbatch", `sbatch answered '${out.trim()}', not a job id`);
  return id;
}

/** Ids of this user's queued or running jobs named `name` (`squeue --name`). */
export function slurmJobsNamed(name: string, squeue = "squeue"): string[] {
  return runSchedulerCommand(squeue, ["--noheader", "--me", `--name=${name}`, "--format=%i"], "the queue cannot be checked without Slurm's commands")
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
}
