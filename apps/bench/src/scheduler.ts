import { fork, type ChildProcess } from "node:child_process";
import { availableParallelism } from "node:os";
import { writeJsonAtomic } from "@ebjdat/runtime";
import { join } from "node:path";
import { readDone } from "./cache";
import { JobInterrupted, runJob, type EvalDone, type TrainDone } from "./jobs";
import type { Job } from "./plan";

/** How a job ended. */
export type JobOutcome = { ok: true; result: TrainDone | EvalDone; cached: boolean; seconds: number } | { ok: false; error: string; interrupted?: boolean };

/** Options of {@link runJobs}. */
export interface SchedulerOptions {
  /** Jobs at once (each in its own process when > 1; TF.js wasm uses one core per process). */
  concurrency: number;
  dataDir?: string;
  /** One line per event (job start, stage, end with ETA). */
  log: (line: string) => void;
  /** The script to fork for a job (default: this process's entry, with `--run-job`). */
  workerScript?: string;
  /**
   * Stops the run: no job starts any more, and running jobs stop at their next step or chunk with
   * their progress saved (a job process is told through its IPC channel, so a signal that reached
   * only this process stops it too). Their outcomes say `interrupted`.
   */
  signal?: AbortSignal;
}

/** The exit status a job process uses when a signal stopped it (128 + the signal's number). */
function interruptedStatus(reason: unknown): number {
  return reason === "SIGTERM" ? 143 : 130;
}

function hms(s: number): string {
  if (!Number.isFinite(s)) return "?";
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = Math.floor(s % 60);
  return h > 0 ? `${h}h${String(m).padStart(2, "0")}m` : m > 0 ? `${m}m${String(sec).padStart(2, "0")}s` : `${sec}s`;
}

/**
 * A job process's environment: the native kernels' threads are the cores shared out between the
 * jobs that run at once (EBJDAT_THREADS, unless the user set it), so N jobs never run N × cores
 * threads on the cores (oversubscribed threads slow every job down).
 */
export function jobEnvironment(concurrency: number, env: NodeJS.ProcessEnv = process.env, cores = availableParallelism()): NodeJS.ProcessEnv {
  if (env.EBJDAT_THREADS) return env;
  return { ...env, EBJDAT_THREADS: String(Math.max(1, Math.floor(cores / Math.max(1, concurrency)))) };
}

/** Runs one job in a child process (`<script> --run-job <file>`), relaying its stage messages; `children` holds it while it runs. */
function runInChild(job: Job, opts: SchedulerOptions, onStage: (s: string) => void, children: Map<string, ChildProcess>): Promise<TrainDone | EvalDone> {
  const file = join(job.dir, "job.json");
  writeJsonAtomic(file, { job, dataDir: opts.dataDir });
  return new Promise((resolvePromise, reject) => {
    const child = fork(opts.workerScript ?? process.argv[1]!, ["--run-job", file], { stdio: ["ignore", "ignore", "pipe", "ipc"], execArgv: process.execArgv, env: jobEnvironment(opts.concurrency) });
    children.set(job.id, child);
    let stderr = "";
    child.stderr?.on("data", (b: Buffer) => {
      stderr = (stderr + b.toString()).slice(-4000);
    });
    child.on("message", (m: { stage?: string }) => {
      if (m.stage) onStage(m.stage);
    });
    child.on("exit", (code, signal) => {
      children.delete(job.id);
      const done = readDone<TrainDone | EvalDone>(job.dir);
      if (code === 0 && done) resolvePromise(done);
      else if (code === 130 || code === 143 || signal === "SIGINT" || signal === "SIGTERM") {
        const reason = code === 143 || signal === "SIGTERM" ? "SIGTERM" : "SIGINT";
        const said = stderr.trim().split("\n").filter((l) => l.includes("interrupted by")).at(-1);
        reject(new JobInterrupted(job.id, reason, said ? said.replace(/^.*interrupted by \S+; /, "") : "its finished steps or chunks are saved"));
      } else reject(new Error(`exit ${code}: ${stderr.trim().split("\n").filter((l) => !/^\s+at /.test(l)).slice(-6).join(" | ") || "no output"}`));
    });
  });
}

/**
 * Entry of a forked job process: runs the job in `file` and reports stages to the parent. It
 * stops at the job's next step or chunk, with its progress saved, on SIGINT / SIGTERM (a second
 * one exits at once), on a `{ stop }` message from the parent, or when the parent is gone (its
 * IPC channel closes), so no job outlives its bench. Resolves to the process's exit status.
 */
export async function jobWorker(file: string): Promise<number> {
  const { readJsonFile } = await import("@ebjdat/runtime");
  const { job, dataDir } = readJsonFile<{ job: Job; dataDir?: string }>(file, "a bench job file {job, dataDir} written by the scheduler");
  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stop.signal.aborted) process.exit(interruptedStatus(signal));
    stop.abort(signal);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  process.on("message", (m: { stop?: string }) => {
    if (m && typeof m.stop === "string" && !stop.signal.aborted) stop.abort(m.stop);
  });
  process.on("disconnect", () => {
    if (!stop.signal.aborted) stop.abort("SIGTERM");
  });
  let last = "";
  try {
    await runJob(
      job,
      dataDir,
      (stage) => {
        const s = stage.replace(/\d+\/\d+$/, "");
        if (s !== last && process.connected) process.send?.({ stage });
        last = s;
      },
      stop.signal,
    );
    return 0;
  } catch (e) {
    if (e instanceof JobInterrupted) {
      process.stderr.write(`${e.message}\n`);
      return interruptedStatus(e.reason);
    }
    throw e;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    if (process.connected) process.disconnect();
  }
}

/**
 * Runs jobs in dependency order (`after`; a ready evaluation before a training), `concurrency` at a time, skipping finished ones (their
 * `done.json` exists). A failed job fails its dependents; the others go on. Prints one line per
 * job start, stage and end, with the ETA from the jobs' estimates calibrated by measured times.
 */
export async function runJobs(jobs: Job[], opts: SchedulerOptions): Promise<Map<string, JobOutcome>> {
  const outcomes = new Map<string, JobOutcome>();
  const t0 = Date.now();
  // estimates are calibrated per kind (training, evaluation) by the measured times of finished jobs
  const estDone = { train: 0, eval: 0 };
  const realDone = { train: 0, eval: 0 };
  const total = jobs.length;
  for (const j of jobs) {
    const d = readDone<TrainDone | EvalDone>(j.dir);
    if (d) outcomes.set(j.id, { ok: true, result: d, cached: true, seconds: 0 });
  }
  const cachedCount = outcomes.size;
  if (cachedCount) opts.log(`${cachedCount}/${total} jobs already done (cached); ${total - cachedCount} to run`);
  // evaluations first once their models exist, so numbers arrive while later models train
  const pending = [...jobs.filter((j) => !outcomes.has(j.id) && j.kind === "eval"), ...jobs.filter((j) => !outcomes.has(j.id) && j.kind === "train")];
  const running = new Set<string>();
  const eta = (): string => {
    const factor = (k: Job["kind"]): number => (estDone[k] > 0 ? realDone[k] / estDone[k] : 1);
    const left = pending.reduce((a, j) => a + j.estimate * factor(j.kind), 0) + jobs.filter((j) => running.has(j.id)).reduce((a, j) => a + (j.estimate * factor(j.kind)) / 2, 0);
    return hms(left / Math.max(1, Math.min(opts.concurrency, pending.length + running.size)));
  };
  const count = (): string => `[${outcomes.size}/${total}]`;
  const children = new Map<string, ChildProcess>();
  const stopChildren = (): void => {
    for (const [id, child] of children) {
      if (child.connected) child.send({ stop: String(opts.signal?.reason ?? "SIGINT") });
      opts.log(`      ${id}: stopping at its next step or chunk`);
    }
  };
  opts.signal?.addEventListener("abort", stopChildren, { once: true });
  await new Promise<void>((finish) => {
    const launch = (): void => {
      if (opts.signal?.aborted) {
        for (const j of pending.splice(0)) outcomes.set(j.id, { ok: false, error: "not started (interrupted)", interrupted: true });
      }
      for (let i = 0; i < pending.length && running.size < opts.concurrency; ) {
        const j = pending[i]!;
        const deps = j.kind === "eval" ? j.after : [];
        const failed = deps.find((d) => outcomes.has(d) && !outcomes.get(d)!.ok);
        if (failed) {
          pending.splice(i, 1);
          outcomes.set(j.id, { ok: false, error: `not run: ${failed} failed` });
          opts.log(`${count()} ✗ ${j.id}: not run (${failed} failed)`);
          continue;
        }
        if (!deps.every((d) => outcomes.get(d)?.ok)) {
          i++;
          continue;
        }
        pending.splice(i, 1);
        running.add(j.id);
        const started = Date.now();
        opts.log(`${count()} ▶ ${j.id} (estimate ${hms(j.estimate)})`);
        const onStage = (s: string): void => opts.log(`      ${j.id}: ${s}`);
        const p = opts.concurrency > 1 ? runInChild(j, opts, onStage, children) : runJob(j, opts.dataDir, (() => {
          let last = "";
          return (s: string) => {
            const k = s.replace(/\d+\/\d+$/, "");
            if (k !== last) onStage(s);
            last = k;
          };
        })(), opts.signal);
        p.then(
          (result) => {
            const sec = (Date.now() - started) / 1000;
            estDone[j.kind] += j.estimate;
            realDone[j.kind] += sec;
            running.delete(j.id);
            outcomes.set(j.id, { ok: true, result, cached: false, seconds: sec });
            opts.log(`${count()} ✓ ${j.id} in ${hms(sec)} · elapsed ${hms((Date.now() - t0) / 1000)} · ETA ${eta()}`);
            launch();
          },
          (e: unknown) => {
            running.delete(j.id);
            const msg = (e as Error).message ?? String(e);
            if (e instanceof JobInterrupted) {
              outcomes.set(j.id, { ok: false, error: msg, interrupted: true });
              opts.log(`${count()} ⏸ ${msg}`);
            } else {
              outcomes.set(j.id, { ok: false, error: msg });
              opts.log(`${count()} ✗ ${j.id}: ${msg}`);
            }
            launch();
          },
        );
      }
      if (running.size === 0 && pending.length === 0) finish();
      else if (running.size === 0 && pending.length > 0) {
        // unreachable dependencies (should not happen: plans only depend on planned jobs)
        for (const j of pending.splice(0)) outcomes.set(j.id, { ok: false, error: "dependency never ran" });
        finish();
      }
    };
    launch();
  });
  opts.signal?.removeEventListener("abort", stopChildren);
  return outcomes;
}
