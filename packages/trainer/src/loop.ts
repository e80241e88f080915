import * as tf from "@tensorflow/tfjs-core";
import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { backendInfo, initBackend, Rng, writeJsonAtomic, type ProgressFn } from "@ebjdat/runtime";
import { createWideResNet, type WideResNet } from "@ebjdat/models";

import { hasCheckpoint, loadCheckpoint, saveCheckpoint } from "./checkpoint";
import type { TrainConfig } from "./config";
import { jemBase, type TrainConfig as Config } from "./config";
import { createOptimizer } from "./optimizer";
import { learningRate } from "./schedule";
import { createObjective } from "./objectives";
import { prepareData, pxBatch, trainBatch, type PreparedData } from "./batches";
import { evaluateAccuracy } from "./evaluate";
import type { Objective, TrainBatch } from "./objective";
import { objectiveGradients } from "./gradients";
import { samFirstStep } from "./sam";
import { divergenceReason } from "./guard";

/** One line of the JSONL training log (a step, or a divergence-guard event with `event`). */
export interface LogRecord {
  step: number;
  epoch: number;
  lr: number;
  loss: number;
  terms: Record<string, number>;
  ms: number;
  /** `divergence`: the guard restored the last good checkpoint and lowered lr (`reason`, `retry`). */
  event?: "divergence";
  reason?: string;
  retry?: number;
}

export interface TrainOptions {
  /** Output folder: `checkpoint/`, `log.jsonl`, `config.json`, `result.json`. */
  outDir: string;
  /** Continue from `outDir/checkpoint` (the config must match the one saved there). */
  resume?: boolean;
  /** Dataset folder (else `EBJDAT_DATA` or the default of @ebjdat/data). */
  dataDir?: string;
  onProgress?: ProgressFn;
  onLog?: (record: LogRecord) => void;
  /** Stops cleanly after the current step, saving a checkpoint (SIGINT handling). */
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
  finished: boolean;
  lastLoss: number;
  eval?: { data: string; n: number; accuracy: number };
  backend: string;
  seconds: number;
  checkpoint: string;
}

/** Training steps in the run: `iterations` if set, else epochs × ⌊N / batch⌋ (drop-last). */
export function totalSteps(config: TrainConfig, n: number): number {
  return config.iterations > 0 ? config.iterations : config.epochs * Math.max(1, Math.floor(n / config.batchSize));
}

/**
 * Trains a model as `config` says, writing checkpoints atomically and a JSONL log; resumable:
 * the data order and augmentation draws are functions of (seed, step), so a run interrupted and
 * resumed ends with the same weights as an uninterrupted one on the same backend (spec 9.1).
 */
export async function train(config: TrainConfig, options: TrainOptions): Promise<TrainResult> {
  const started = Date.now();
  await initBackend({ quiet: true });
  const outDir = resolve(options.outDir);
  const ckptDir = join(outDir, "checkpoint");
  mkdirSync(outDir, { recursive: true });
  const data: PreparedData = await prepareData(config, options.dataDir);
  if (jemBase(config.method) && data.train.n < config.jem.px.batchSize) throw new Error(`The training set '${config.data.train}' has ${data.train.n} images, fewer than jem.px.batchSize ${config.jem.px.batchSize}.`);

  const optimizer = createOptimizer(config.optimizer);
  let objective = createObjective(config, data.train, new Rng(config.seed));
  if (options.wrapObjective) objective = options.wrapObjective(objective, config);
  let model: WideResNet;
  let step = 0;
  let lrScale = 1;
  let retries = 0;
  const restore = async (): Promise<WideResNet> => {
    const ck = await loadCheckpoint(ckptDir);
    optimizer.setState(ck.optimizer);
    if (objective.state && ck.objectiveState.size > 0) objective.state.load(ck.objectiveState);
    step = ck.content.state.step;
    return ck.model;
  };
  if (options.resume && hasCheckpoint(ckptDir)) {
    const saved = JSON.parse(readFileSync(join(ckptDir, "state.json"), "utf8")) as { config: TrainConfig; state: { lrScale?: number; retries?: number } };
    if (JSON.stringify(saved.config) !== JSON.stringify(config)) {
      objective.dispose?.();
      optimizer.dispose();
      throw new Error(`Cannot resume '${ckptDir}': its config differs from this run's (see ${join(outDir, "config.json")}). Use the same --preset/--config, or another --out.`);
    }
    model = await restore();
    lrScale = saved.state.lrScale ?? 1;
    retries = saved.state.retries ?? 0;
  } else {
    if (!options.resume && hasCheckpoint(ckptDir)) {
      objective.dispose?.();
      optimizer.dispose();
      throw new Error(`'${outDir}' already holds a checkpoint: pass --resume to continue it, or choose another --out.`);
    }
    model = createWideResNet({ ...config.model, numClasses: data.train.numClasses }, config.seed);
    writeJsonAtomic(join(outDir, "config.json"), config);
  }

  const perEpoch = Math.max(1, Math.floor(data.train.n / config.batchSize));
  const total = totalSteps(config, data.train.n);
  const logPath = join(outDir, "log.jsonl");
  const stopAt = options.maxSteps !== undefined ? Math.min(total, step + options.maxSteps) : total;
  let lastLoss = Number.NaN;
  const saveAt = async (s: number): Promise<void> => {
    await saveCheckpoint(
      ckptDir,
      model,
      optimizer,
      { config, state: { step: s, epoch: Math.floor(s / perEpoch), rng: new Rng(config.seed).state(), backend: backendInfo()?.name ?? tf.getBackend(), savedAt: new Date().toISOString(), lrScale, retries } },
      objective.state?.save(),
    );
  };
  // the divergence guard needs a good state to go back to
  if (!hasCheckpoint(ckptDir)) await saveAt(step);

  const cleanup = (): void => {
    model.dispose();
    optimizer.dispose();
    objective.dispose?.();
  };
  try {
    while (step < stopAt) {
      const epoch = Math.floor(step / perEpoch);
      const lr = learningRate(config.optimizer.lr, config.schedule, step, epoch) * lrScale;
      const t0 = performance.now();
      const vars = model.trainableVariables();
      const keyOf = (v: tf.Variable): string => model.keyOf(v) ?? v.name;
      const net = (x: tf.Tensor4D, mode: "train" | "train-frozen" | "eval"): tf.Tensor2D => model.netLogits(x, mode);
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
          appendFileSync(logPath, JSON.stringify(record) + "\n");
          options.onLog?.(record);
          if (retries > config.guard.maxRetries) {
            throw new Error(`Training diverged: ${reason} at step ${step} (epoch ${epoch}, lr ${lr}) after ${config.guard.maxRetries} restarts from the last good checkpoint with a lower learning rate. The last good checkpoint is in '${ckptDir}'; try a smaller optimizer.lr or check the data.`);
          }
          lrScale *= config.guard.lrFactor;
          model.dispose();
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
      appendFileSync(logPath, JSON.stringify(record) + "\n");
      options.onLog?.(record);
      options.onProgress?.({ done: step, total, label: `epoch ${epoch + 1}`, metrics: { loss, lr } });
      const epochEnd = step % perEpoch === 0;
      const periodic = config.checkpointEvery > 0 && step % config.checkpointEvery === 0;
      if (epochEnd || periodic || step === stopAt || options.signal?.aborted) await saveAt(step);
      if (options.signal?.aborted) break;
    }
  } catch (e) {
    cleanup();
    throw e;
  }

  const finished = step >= total;
  let evalResult: TrainResult["eval"];
  if (finished && data.eval) {
    const accuracy = evaluateAccuracy(model, data.eval, config.batchSize);
    evalResult = { data: config.eval.data, n: data.eval.n, accuracy };
  }
  const result: TrainResult = {
    outDir,
    steps: step,
    totalSteps: total,
    finished,
    lastLoss,
    ...(evalResult ? { eval: evalResult } : {}),
    backend: backendInfo()?.name ?? tf.getBackend(),
    seconds: (Date.now() - started) / 1000,
    checkpoint: ckptDir,
  };
  if (finished) writeJsonAtomic(join(outDir, "result.json"), result);
  cleanup();
  return result;
}

/** Reads the JSONL log of a run. */
export function readLog(outDir: string): LogRecord[] {
  const p = join(outDir, "log.jsonl");
  if (!existsSync(p)) return [];
  return readFileSync(p, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as LogRecord);
}

