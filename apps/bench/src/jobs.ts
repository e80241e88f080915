import { existsSync } from "node:fs";
import { join } from "node:path";
import { hasCheckpoint, readLog, train, type TrainResult } from "@ebjdat/trainer";
import { initBackend } from "@ebjdat/runtime";
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

/**
 * Runs one job in this process and records its result in `job.dir/done.json`. A training job
 * resumes from its last checkpoint; an evaluation job from its last finished stage.
 */
export async function runJob(job: Job, dataDir: string | undefined, onProgress: JobProgress = () => {}): Promise<TrainDone | EvalDone> {
  const done = readDone<TrainDone | EvalDone>(job.dir);
  if (done) return done;
  if (job.kind === "train") {
    const outDir = join(job.dir, "run");
    const resume = existsSync(outDir) && hasCheckpoint(join(outDir, "checkpoint"));
    const result = await train(job.config, {
      outDir,
      resume,
      ...(dataDir ? { dataDir } : {}),
      onProgress: (p) => onProgress(`step ${p.done}/${p.total ?? "?"}`, p.total ? p.done / p.total : undefined),
    });
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
  const r = await evaluateModel(job.settings, job.dir, (stage) => onProgress(stage));
  writeDone(job.dir, r);
  return r;
}
