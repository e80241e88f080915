import * as tf from "@tensorflow/tfjs-core";
import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { acquireLock, backendInfo, initBackend, readJsonFile, Rng, writeJsonAtomic, type ProgressFn, yieldToEventLoop } from "@ebjdat/runtime";
import { createWideResNet, type WideResNet } from "@ebjdat/models";

import { hasCheckpoint, loadCheckpoint, saveCheckpoint, type LoadedCheckpoint } from "./checkpoint";
import type { TrainConfig } from "./config";
import { jemBase, type TrainConfig as Config } from "./config";
import { createOptimizer } from "./optimizer";
import { learningRate } from "./schedule";
import { createObjective } from "./objectives";
import { prepareData, pxBatch, trainBatch, type PreparedData } from "./batches";
import { evaluateAccuracyAsync } from "./evaluate";
import type { Objective, TrainBatch } from "./objective";
import { objectiveGradients } from "./gradients";
import { samFirstStep } from "./sam";
import { divergenceReason } from "./guard";
import { appendLog, readLog, truncateLog, type LogRecord } from "./log";

export { readLog, type LogRecord };

export interface TrainOptions {
  /** Output folder: `checkpoint/` (a link to the current `checkpoint.versions/step-…`), `log.jsonl`, `config.json`, `result.json`, `train.lock`. */
  outDir: string;
  /**
   * `true`: continue the checkpoint in `outDir` (the config must match the one saved there); an
   * error naming the folder when it holds none. `"or-start"`: continue it when there is one, else
   * start (for schedulers). Default: start, refusing a folder that holds a checkpoint.
   */
  resume?: boolean | "or-start";
  /** Dataset folder (else `EBJDAT_DATA` or the default of @ebjdat/data). */
  dataDir?: string;
  /** Let @ebjdat/data download a missing official archive. */
  download?: boolean;
  onProgress?: ProgressFn;
  onLog?: (record: LogRecord) => void;
  /** Stale-lock takeovers, a damaged checkpoint replaced by the previous one; default `console.warn`. */
  onWarning?: (message: string) => void;
  /**
   * Stops cleanly between steps (SIGINT/SIGTERM handling): the loop yields to the event loop
   * before every step, and once the signal is aborted it saves a checkpoint and returns with
   * `interrupted` set to the abort reason.
   */
  signal?: AbortSignal;
  /** Stop (with a checkpoint) after this many steps in this call, e.g. for tests of resume. */
  maxSteps?: number;
  /** Wraps the method's objective (tests inject faults; tools add terms). */
  wrapObjective?: (objective: Objective, config: Config) => Objective;
}

export interface TrainResult {
  outDir: string;
  steps: number;
  totalSteps: number;
  /** The step this call started from (0, or the checkpoint's step when resumed). */
  startStep?: number;
  finished: boolean;
  /** Loss of the last step (of this call, or the log's last step when this call ran none); NaN when none. */
  lastLoss: number;
  eval?: { data: string; n: number; accuracy: number };
  backend: string;
  /** Seconds of this call. */
  seconds: number;
  /** The checkpoint folder (`<outDir>/checkpoint`, a link to the current version). */
  checkpoint: string;
  /** Set when `signal` stopped the run: its abort reason (`SIGINT`, `SIGTERM`, ...); the checkpoint holds every finished step. */
  interrupted?: string;
  /** The run had finished before this call (`--resume` of a finished run): `result.json` is left as it was. */
  alreadyFinished?: boolean;
}


/** Training steps in the run: `iterations` if set, else epochs × ⌊N / batch⌋ (drop-last). */
export function totalSteps(config: TrainConfig, n: number): number {
  return config.iterations > 0 ? config.iterations : config.epochs * Math.max(1, Math.floor(n / config.batchSize));
}

/** `result.json` of a finished run, when it is there and readable. */
function readResult(path: string): TrainResult | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return readJsonFile<TrainResult>(path, "the result of a finished run", (v) => (typeof v === "object" && v !== null && "steps" in v ? undefined : "no 'steps'"));
  } catch {
    return undefined;
  }
}

/**
 * Trains a model as `config` says, writing checkpoints atomically and a JSONL log; resumable:
 * the data order and augmentation draws are functions of (seed, step), so a run interrupted and
 * resumed ends with the same weights as an uninterrupted one on the same backend (spec 9.1).
 * One process per output folder (a lock file names the owner to a second one). The loop yields
 * to the event loop before every step, so `signal` (Ctrl-C, SIGTERM) stops it after the current
 * step with a checkpoint. On resume the log is cut back to the checkpoint's step; a run that has
 * finished is not redone and its `result.json` is left as it was.
 */
export async function train(config: TrainConfig, options: TrainOptions): Promise<TrainResult> {
  const started = Date.now();
  const warn = options.onWarning ?? ((m: string) => console.warn(m));
  const outDir = resolve(options.outDir);
  const ckptDir = join(outDir, "checkpoint");
  const resultPath = join(outDir, "result.json");
  const present = hasCheckpoint(ckptDir);
  if (options.resume === true && !present) {
    throw new Error(`Cannot resume: '${outDir}' holds no checkpoint (expected ${ckptDir}). Check --out${existsSync(outDir) ? "" : " (the folder does not exist)"}, or use --resume-or-start to start a new run when there is none.`);
  }
  if (!options.resume && present) throw new Error(`'${outDir}' already holds a checkpoint: pass --resume to continue it, or choose another --out.`);
  mkdirSync(outDir, { recursive: true });
  const lock = acquireLock(join(outDir, "train.lock"), { what: `the training run in '${outDir}'`, onWarning: warn });
  try {
    return await trainLocked(config, options, { started, warn, outDir, ckptDir, resultPath, resuming: present });
  } finally {
    lock.release();
  }
}

interface RunPaths {
  started: number;
  warn: (m: string) => void;
  outDir: string;
  ckptDir: string;
  resultPath: string;
  resuming: boolean;
}

async function trainLocked(config: TrainConfig, options: TrainOptions, run: RunPaths): Promise<TrainResult> {
  const { started, warn, outDir, ckptDir, resultPath } = run;
  await initBackend({ quiet: true });
  const data: PreparedData = await prepareData(config, options.dataDir, options.download);
  if (jemBase(config.method) && data.train.n < config.jem.px.batchSize) throw new Error(`The training set '${config.data.train}' has ${data.train.n} images, fewer than jem.px.batchSize ${config.jem.px.batchSize}.`);

  const optimizer = createOptimizer(config.optimizer);
  let objective = createObjective(config, data.train, new Rng(config.seed));
  if (options.wrapObjective) objective = options.wrapObjective(objective, config);
  let model: WideResNet | undefined;
  let step = 0;
  let lrScale = 1;
  let retries = 0;
  const cleanup = (): void => {
    model?.dispose();
    optimizer.dispose();
    objective.dispose?.();
  };
  const adopt = (ck: LoadedCheckpoint): WideResNet => {
    optimizer.setState(ck.optimizer);
    if (objective.state && ck.objectiveState.size > 0) objective.state.load(ck.objectiveState);
    step = ck.content.state.step;
    return ck.model;
  };
  const restore = async (): Promise<WideResNet> => adopt(await loadCheckpoint(ckptDir, { onWarning: warn }));
  try {
    if (run.resuming) {
      const ck = await loadCheckpoint(ckptDir, { onWarning: warn });
      if (JSON.stringify(ck.content.config) !== JSON.stringify(config)) {
        ck.model.dispose();
        throw new Error(`Cannot resume '${ckptDir}': its config differs from this run's (see ${join(outDir, "config.json")}). Use the same --preset/--config, or another --out.`);
      }
      model = adopt(ck);
      lrScale = ck.content.state.lrScale ?? 1;
      retries = ck.content.state.retries ?? 0;
    } else {
      model = createWideResNet({ ...config.model, numClasses: data.train.numClasses }, config.seed);
      writeJsonAtomic(join(outDir, "config.json"), config);
    }
  } catch (e) {
    cleanup();
    throw e;
  }
  // the log holds what the checkpoint holds: steps of a killed run after it are redone
  truncateLog(outDir, step);

  const perEpoch = Math.max(1, Math.floor(data.train.n / config.batchSize));
  const total = totalSteps(config, data.train.n);
  const startStep = step;
  const base = { outDir, totalSteps: total, startStep, checkpoint: ckptDir };
  if (step >= total) {
    const previous = readResult(resultPath);
    if (previous?.finished) {
      cleanup();
      return { ...previous, ...base, steps: step, finished: true, alreadyFinished: true, seconds: (Date.now() - started) / 1000 };
    }
  }
  const stopAt = options.maxSteps !== undefined ? Math.min(total, step + options.maxSteps) : total;
  let lastLoss = Number.NaN;
  let savedStep = -1;
  const saveAt = async (s: number): Promise<void> => {
    await saveCheckpoint(
      ckptDir,
      model!,
      optimizer,
      { config, state: { step: s, epoch: Math.floor(s / perEpoch), rng: new Rng(config.seed).state(), backend: backendInfo()?.name ?? tf.getBackend(), savedAt: new Date().toISOString(), lrScale, retries } },
      objective.state?.save(),
    );
    savedStep = s;
  };
  let interrupted: string | undefined;
  const aborted = (): boolean => {
    if (!options.signal?.aborted) return false;
    interrupted = String(options.signal.reason ?? "aborted");
    return true;
  };
  try {
    // the divergence guard needs a good state to go back to
    if (!run.resuming) await saveAt(step);
    else savedStep = step;
    options.onProgress?.({ done: step, total, label: `epoch ${Math.floor(step / perEpoch) + 1}` });
    while (step < stopAt) {
      await yieldToEventLoop();
      if (aborted()) break;
      const epoch = Math.floor(step / perEpoch);
      const lr = learningRate(config.optimizer.lr, config.schedule, step, epoch) * lrScale;
      const t0 = performance.now();
      const m = model!;
      const vars = m.trainableVariables();
      const keyOf = (v: tf.Variable): string => m.keyOf(v) ?? v.name;
      const net = (x: tf.Tensor4D, mode: "train" | "train-frozen" | "eval"): tf.Tensor2D => m.netLogits(x, mode);
      const batch: TrainBatch = trainBatch(data, config, step, perEpoch);
      if (jemBase(config.method)) batch.xData = pxBatch(data, config, step);
      const rng = new Rng(config.seed).fork(`step:${step}`);
      let loss: number;
      let terms: Record<string, number>;
      try {
        const r1 = objectiveGradients(objective, batch, { net, vars, rng, step, pass: 1 });
        let grads = r1.grads;
        ({ loss, terms } = r1);
        const reason = divergenceReason(loss, objective.health?.() ?? 0, config.guard);
        if (reason === undefined && config.sam.rho > 0) {
          const sam = samFirstStep(vars, r1.grads, { rho: config.sam.rho });
          tf.dispose(Object.values(r1.grads));
          try {
            const r2 = objectiveGradients(objective, batch, { net, vars, rng, step, pass: 2 });
            grads = r2.grads;
            terms = { ...terms, sam_grad_norm: sam.gradNorm, pass2_loss: r2.loss };
          } finally {
            sam.restore();
          }
        }
        if (reason !== undefined) {
          tf.dispose(Object.values(grads));
          retries += 1;
          const record: LogRecord = { step, epoch, lr, loss, terms, ms: performance.now() - t0, event: "divergence", reason, retry: retries };
          appendLog(outDir, record);
          options.onLog?.(record);
          if (retries > config.guard.maxRetries) {
            throw new Error(`Training diverged: ${reason} at step ${step} (epoch ${epoch}, lr ${lr}) after ${config.guard.maxRetries} restarts from the last good checkpoint with a lower learning rate. The last good checkpoint is in '${ckptDir}'; try a smaller optimizer.lr or check the data.`);
          }
          lrScale *= config.guard.lrFactor;
          model!.dispose();
          model = undefined;
          model = await restore();
          continue;
        }
        optimizer.apply(vars, grads, lr, keyOf);
        tf.dispose(Object.values(grads));
      } finally {
        tf.dispose([batch.xNet, batch.y, ...(batch.xData ? [batch.xData] : [])]);
      }
      lastLoss = loss;
      step += 1;
      const record: LogRecord = { step, epoch, lr, loss, terms, ms: performance.now() - t0 };
      appendLog(outDir, record);
      options.onLog?.(record);
      options.onProgress?.({ done: step, total, label: `epoch ${epoch + 1}`, metrics: { loss, lr } });
      const epochEnd = step % perEpoch === 0;
      const periodic = config.checkpointEvery > 0 && step % config.checkpointEvery === 0;
      if (epochEnd || periodic || step === stopAt) await saveAt(step);
    }
    if (savedStep !== step) await saveAt(step);
  } catch (e) {
    cleanup();
    throw e;
  }

  const finished = step >= total;
  if (Number.isNaN(lastLoss)) lastLoss = readLog(outDir).filter((r) => r.event === undefined).at(-1)?.loss ?? Number.NaN;
  let evalResult: TrainResult["eval"];
  if (finished && data.eval && interrupted === undefined) {
    const accuracy = await evaluateAccuracyAsync(model!, data.eval, { batchSize: config.batchSize, ...(options.signal ? { signal: options.signal } : {}) });
    if (accuracy === undefined) aborted();
    else evalResult = { data: config.eval.data, n: data.eval.n, accuracy };
  }
  const result: TrainResult = {
    ...base,
    steps: step,
    finished,
    lastLoss,
    ...(evalResult ? { eval: evalResult } : {}),
    backend: backendInfo()?.name ?? tf.getBackend(),
    seconds: (Date.now() - started) / 1000,
    ...(interrupted !== undefined ? { interrupted } : {}),
  };
  if (finished && interrupted === undefined) writeJsonAtomic(resultPath, result);
  cleanup();
  return result;
}
