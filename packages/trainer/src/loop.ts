import * as tf from "@tensorflow/tfjs-core";
import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { backendInfo, initBackend, Rng, writeJsonAtomic, type ProgressFn } from "@ebjdat/runtime";
import { createWideResNet, type WideResNet } from "@ebjdat/models";

import { hasCheckpoint, loadCheckpoint, saveCheckpoint } from "./checkpoint";
import type { TrainConfig } from "./config";
import { createOptimizer } from "./optimizer";
import { learningRate } from "./schedule";
import { objectiveFor } from "./objectives";
import { prepareData, trainBatch, type PreparedData } from "./batches";
import { evaluateAccuracy } from "./evaluate";

/** One line of the JSONL training log. */
export interface LogRecord {
  step: number;
  epoch: number;
  lr: number;
  loss: number;
  terms: Record<string, number>;
  ms: number;
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

  let model: WideResNet;
  const optimizer = createOptimizer(config.optimizer);
  let step = 0;
  if (options.resume && hasCheckpoint(ckptDir)) {
    const ck = await loadCheckpoint(ckptDir);
    if (JSON.stringify(ck.content.config) !== JSON.stringify(config)) {
      ck.model.dispose();
      throw new Error(`Cannot resume '${ckptDir}': its config differs from this run's (see ${join(outDir, "config.json")}). Use the same --preset/--config, or another --out.`);
    }
    model = ck.model;
    optimizer.setState(ck.optimizer);
    step = ck.content.state.step;
  } else {
    if (!options.resume && hasCheckpoint(ckptDir)) throw new Error(`'${outDir}' already holds a checkpoint: pass --resume to continue it, or choose another --out.`);
    model = createWideResNet({ ...config.model, numClasses: data.train.numClasses }, config.seed);
    writeJsonAtomic(join(outDir, "config.json"), config);
  }

  const objective = objectiveFor(config.method);
  const vars = model.trainableVariables();
  const keyOf = (v: tf.Variable): string => model.keyOf(v) ?? v.name;
  const perEpoch = Math.max(1, Math.floor(data.train.n / config.batchSize));
  const total = totalSteps(config, data.train.n);
  const logPath = join(outDir, "log.jsonl");
  const stopAt = options.maxSteps !== undefined ? Math.min(total, step + options.maxSteps) : total;
  let lastLoss = Number.NaN;
  const saveAt = async (s: number): Promise<void> => {
    await saveCheckpoint(ckptDir, model, optimizer, {
      config,
      state: { step: s, epoch: Math.floor(s / perEpoch), rng: new Rng(config.seed).state(), backend: backendInfo()?.name ?? tf.getBackend(), savedAt: new Date().toISOString() },
    });
  };

  while (step < stopAt) {
    const epoch = Math.floor(step / perEpoch);
    const lr = learningRate(config.optimizer.lr, config.schedule, step, epoch);
    const t0 = performance.now();
    const { loss, terms } = tf.tidy(() => {
      const batch = trainBatch(data, config, step, perEpoch);
      let termValues: Record<string, tf.Scalar> = {};
      const { value, grads } = tf.variableGrads(() => {
        const out = objective.loss((x, mode) => model.netLogits(x, mode), batch);
        termValues = out.terms;
        return out.loss;
      }, vars);
      optimizer.apply(vars, grads, lr, keyOf);
      const named: Record<string, number> = {};
      for (const [k, v] of Object.entries(termValues)) named[k] = v.dataSync()[0]!;
      return { loss: value.dataSync()[0]!, terms: named };
    });
    if (!Number.isFinite(loss)) {
      model.dispose();
      optimizer.dispose();
      throw new Error(`Training diverged: the ${objective.name} loss is ${loss} at step ${step} (epoch ${epoch}, lr ${lr}). The last good checkpoint is in '${ckptDir}'.`);
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
  model.dispose();
  optimizer.dispose();
  return result;
}

/** Reads the JSONL log of a run. */
export function readLog(outDir: string): LogRecord[] {
  const p = join(outDir, "log.jsonl");
  if (!existsSync(p)) return [];
  return readFileSync(p, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as LogRecord);
}

