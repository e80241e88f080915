import * as tf from "@tensorflow/tfjs-core";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readSafetensors, writeSafetensors, type RawTensor } from "@ebjdat/formats";
import { writeDirAtomicAsync, type RngState } from "@ebjdat/runtime";
import { loadModel, saveModel, type WideResNet } from "@ebjdat/models";
import type { TrainConfig } from "./config";
import type { Optimizer, OptimizerState } from "./optimizer";

/** Where the loop stands; saved with every checkpoint (spec 9.1, issue 7). */
export interface LoopState {
  /** Iterations completed. */
  step: number;
  epoch: number;
  /** Seed-derived streams are recomputed from (seed, step), so only the base state is kept. */
  rng: RngState;
  backend: string;
  savedAt: string;
  /** Learning-rate factor left by the divergence guard (1 = none) and its retries so far. */
  lrScale?: number;
  retries?: number;
}

export interface CheckpointContent {
  config: TrainConfig;
  state: LoopState;
}

const MODEL_DIR = "model";
const OPTIMIZER_FILE = "optimizer.safetensors";
const STATE_FILE = "state.json";
const OBJECTIVE_FILE = "objective.safetensors";
const BUFFER_KEY = "replay_buffer";

/**
 * Writes a checkpoint directory atomically: the model (TF.js format with its architecture and,
 * for the JEM family, the replay buffer, so `ebjdat eval`/`ebjdat sample` read it), the
 * optimiser's slots, the objective's other state tensors and the loop state with the config.
 * A reader sees the old or the complete new checkpoint, never a partial one.
 */
export async function saveCheckpoint(dir: string, model: WideResNet, optimizer: Optimizer, content: CheckpointContent, objectiveState?: Record<string, RawTensor>): Promise<void> {
  const opt = optimizer.getState();
  const tensors: Record<string, RawTensor> = {};
  for (const [k, s] of Object.entries(opt.slots)) tensors[k] = { dtype: "float32", shape: s.shape, data: s.data };
  const { [BUFFER_KEY]: buffer, ...rest } = objectiveState ?? {};
  const rb = buffer ? tf.tensor4d(buffer.data as Float32Array, buffer.shape as [number, number, number, number]) : undefined;
  try {
    await writeDirAtomicAsync(dir, async (tmp) => {
      await saveModel(model, join(tmp, MODEL_DIR), rb ? { replayBuffer: rb } : {});
      writeFileSync(join(tmp, OPTIMIZER_FILE), writeSafetensors(tensors, { optimizer: opt.name, step: String(opt.step) }));
      if (Object.keys(rest).length > 0) writeFileSync(join(tmp, OBJECTIVE_FILE), writeSafetensors(rest, { objective: "state" }));
      writeFileSync(join(tmp, STATE_FILE), JSON.stringify(content, null, 2) + "\n");
    });
  } finally {
    rb?.dispose();
  }
}

/** True when `dir` holds a complete checkpoint. */
export function hasCheckpoint(dir: string): boolean {
  return existsSync(join(dir, STATE_FILE)) && existsSync(join(dir, OPTIMIZER_FILE)) && existsSync(join(dir, MODEL_DIR));
}

/** Reads a checkpoint: the model, the optimiser state, the objective's state tensors and the loop state. */
export async function loadCheckpoint(dir: string): Promise<{ model: WideResNet; optimizer: OptimizerState; objectiveState: Map<string, RawTensor>; content: CheckpointContent }> {
  if (!hasCheckpoint(dir)) throw new Error(`No complete checkpoint in '${dir}' (expected ${MODEL_DIR}/, ${OPTIMIZER_FILE} and ${STATE_FILE}).`);
  const content = JSON.parse(readFileSync(join(dir, STATE_FILE), "utf8")) as CheckpointContent;
  const { tensors, metadata } = readSafetensors(readFileSync(join(dir, OPTIMIZER_FILE)), join(dir, OPTIMIZER_FILE));
  const slots: OptimizerState["slots"] = {};
  for (const [k, t] of tensors) slots[k] = { shape: t.shape, data: t.data as Float32Array };
  const { model, replayBuffer } = await loadModel(join(dir, MODEL_DIR));
  const objectiveState = new Map<string, RawTensor>();
  if (existsSync(join(dir, OBJECTIVE_FILE))) for (const [k, t] of readSafetensors(readFileSync(join(dir, OBJECTIVE_FILE)), join(dir, OBJECTIVE_FILE)).tensors) objectiveState.set(k, t);
  if (replayBuffer) {
    objectiveState.set(BUFFER_KEY, { dtype: "float32", shape: replayBuffer.shape.slice(), data: Float32Array.from(replayBuffer.dataSync() as Float32Array) });
    replayBuffer.dispose();
  }
  return { model, optimizer: { name: metadata.optimizer ?? "sgd", step: Number(metadata.step ?? 0), slots }, objectiveState, content };
}
