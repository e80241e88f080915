import { join } from "node:path";
import { readLog, train, type TrainResult } from "@ebjdat/trainer";
import { EvaluationInterrupted } from "@ebjdat/evaluation";
import { acquireLock, initBackend } from "@ebjdat/runtime";
import { readDone, writeDone } from "./cache";
import { evaluateModel, type EvalResult } from "./evaluate";
import type { Job } from "./plan";

/** What a finished training job records (Table 3 reads the timings). */
export interface TrainDone {
  result: TrainResult;
  /** Median seconds per training step over the logged steps. */
  secondsPerStep: number;
  batchSize: number;
  finalLoss: number;
  /** Divergence-guard restarts (the guard lowers lr and resumes from the last good checkpoint). */
  divergences: number;
}

/** What a finished evaluation job records. */
export type EvalDone = EvalResult;

/** Progress of one job (stage text, optional fraction). */
export type JobProgress = (stage: string, fraction?: number) => void;

/** A job stopped by a signal; what it finished is saved (training checkpoint, evaluation chunks) and a rerun continues it. */
export class JobInterrupted extends Error {
  constructor(
    readonly jobId: string,
    readonly reason: string,
    saved: string,
  ) {
    super(`${jobId}: interrupted by ${reason}; ${saved}`);
    this.name = "JobInterrupted";
  }
}

/**
 * Runs one job in this process and records its result in `job.dir/done.json`. A training job
 * resumes from its last checkpoint; an evaluation job from its last finished chunk. One process
 * per job folder (`job.lock`). `signal` stops it at the next step or chunk with its progress
 * saved (JobInterrupted).
 */
export async function runJob(job: Job, dataDir: string | undefined, onProgress: JobProgress = () => {}, signal?: AbortSignal): Promise<TrainDone | EvalDone> {
  const done = readDone<TrainDone | EvalDone>(job.dir);
  if (done) return done;
  const lock = acquireLock(join(job.dir, "job.lock"), { what: `bench job '${job.id}' (${job.dir})`, onWarning: (m) => process.stderr.write(`${m}\n`) });
  try {
    return await runLocked(job, dataDir, onProgress, signal);
  } finally {
    lock.release();
  }
}

async function runLocked(job: Job, dataDir: string | undefined, onProgress: JobProgress, signal: AbortSignal | undefined): Promise<TrainDone | EvalDone> {
  if (job.kind === "train") {
    const outDir = join(job.dir, "run");
    const result = await train(job.config, {
      outDir,
      resume: "or-start",
      ...(dataDir ? { dataDir } : {}),
      ...(signal ? { signal } : {}),
      onWarning: (m) => process.stderr.write(`${m}\n`),
      onProgress: (p) => onProgress(`step ${p.done}/${p.total ?? "?"}`, p.total ? p.done / p.total : undefined),
    });
    if (result.interrupted !== undefined) throw new JobInterrupted(job.id, result.interrupted, `checkpoint saved at step ${result.steps}/${result.totalSteps}`);
    if (!result.finished) throw new Error(`${job.id} stopped before the end (${result.steps}/${result.totalSteps} steps).`);
    const log = readLog(outDir);
    const steps = log.filter((r) => r.event === undefined);
    const ms = steps.map((r) => r.ms).sort((p, q) => p - q);
    const out: TrainDone = {
      result,
      secondsPerStep: ms.length ? ms[Math.floor(ms.length / 2)]! / 1000 : result.seconds / Math.max(1, result.steps),
      batchSize: job.config.batchSize,
      finalLoss: steps.length ? steps[steps.length - 1]!.loss : Number.NaN,
      divergences: log.length - steps.length,
    };
    writeDone(job.dir, out);
    return out;
  }
  await initBackend({ quiet: true });
  try {
    const r = await evaluateModel(job.settings, job.dir, (stage) => onProgress(stage), signal);
    writeDone(job.dir, r);
    return r;
  } catch (e) {
    if (e instanceof EvaluationInterrupted) throw new JobInterrupted(job.id, String(signal?.reason ?? "a signal"), `${e.done}/${e.total} images of the current part saved`);
    throw e;
  }
}
