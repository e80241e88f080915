import * as tf from "@tensorflow/tfjs-core";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readSafetensors, writeSafetensors, type RawTensor } from "@ebjdat/formats";
import { readJsonFile, versionCandidates, writeVersionedDirAsync, type RngState } from "@ebjdat/runtime";
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
  /** SHA-256 of every other file of the checkpoint (path relative to its folder), checked on load. */
  files?: Record<string, string>;
}

/** A checkpoint read from disk: the model, the optimiser state, the objective's tensors, the loop state, and which version folder held it. */
export interface LoadedCheckpoint {
  model: WideResNet;
  optimizer: OptimizerState;
  objectiveState: Map<string, RawTensor>;
  content: CheckpointContent;
  /** The version folder read (`<dir>.versions/step-…`, or `dir` itself in the layout before versions). */
  folder: string;
}

const MODEL_DIR = "model";
const OPTIMIZER_FILE = "optimizer.safetensors";
const STATE_FILE = "state.json";
const OBJECTIVE_FILE = "objective.safetensors";
const BUFFER_KEY = "replay_buffer";
const STATE_EXPECTED = "a checkpoint's loop state: a JSON object {config, state: {step, epoch, rng, ...}} written by ebjdat train";

/** Checks the shape of a parsed state.json; returns what is wrong. */
function stateProblem(v: unknown): string | undefined {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return "not a JSON object";
  const c = v as Partial<CheckpointContent>;
  if (typeof c.config !== "object" || c.config === null) return "no 'config' object";
  if (typeof c.state !== "object" || c.state === null) return "no 'state' object";
  if (!Number.isInteger(c.state.step) || c.state.step < 0) return `'state.step' is ${JSON.stringify(c.state.step)}, not a step count`;
  return undefined;
}

/**
 * Writes a checkpoint as a new version of `dir` (spec 9.1): the model (TF.js format with its
 * architecture and, for the JEM family, the replay buffer, so `ebjdat eval`/`ebjdat sample` read
 * it), the optimiser's slots, the objective's other state tensors and the loop state with the
 * config go into `<dir>.versions/step-<n>/`; the pointer file naming it is written last and `dir`
 * becomes a link to it. Whenever the process is killed, a complete checkpoint is on disk (the new
 * one or the previous one, which is kept). Returns the version folder.
 */
export async function saveCheckpoint(dir: string, model: WideResNet, optimizer: Optimizer, content: CheckpointContent, objectiveState?: Record<string, RawTensor>): Promise<string> {
  const opt = optimizer.getState();
  const tensors: Record<string, RawTensor> = {};
  for (const [k, s] of Object.entries(opt.slots)) tensors[k] = { dtype: "float32", shape: s.shape, data: s.data };
  const { [BUFFER_KEY]: buffer, ...rest } = objectiveState ?? {};
  const rb = buffer ? tf.tensor4d(buffer.data as Float32Array, buffer.shape as [number, number, number, number]) : undefined;
  try {
    return await writeVersionedDirAsync(dir, `step-${String(content.state.step).padStart(8, "0")}`, async (tmp) => {
      await saveModel(model, join(tmp, MODEL_DIR), rb ? { replayBuffer: rb } : {});
      writeFileSync(join(tmp, OPTIMIZER_FILE), writeSafetensors(tensors, { optimizer: opt.name, step: String(opt.step) }));
      if (Object.keys(rest).length > 0) writeFileSync(join(tmp, OBJECTIVE_FILE), writeSafetensors(rest, { objective: "state" }));
      writeFileSync(join(tmp, STATE_FILE), JSON.stringify({ ...content, files: fileHashes(tmp) }, null, 2) + "\n");
    });
  } finally {
    rb?.dispose();
  }
}

const sha256 = (path: string): string => createHash("sha256").update(readFileSync(path)).digest("hex");

/** SHA-256 of every file under `folder` (but state.json), by relative path. */
function fileHashes(folder: string, prefix = ""): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(join(folder, prefix)).sort()) {
    const rel = prefix ? `${prefix}/${name}` : name;
    if (rel === STATE_FILE) continue;
    if (statSync(join(folder, rel)).isDirectory()) Object.assign(out, fileHashes(folder, rel));
    else out[rel] = sha256(join(folder, rel));
  }
  return out;
}

/** Checks the files of a checkpoint against the hashes in its state.json (checkpoints written before the hashes are taken as they are). */
function verifyFiles(folder: string, content: CheckpointContent): void {
  for (const [rel, hash] of Object.entries(content.files ?? {})) {
    const path = join(folder, rel);
    if (!existsSync(path)) throw new Error(`'${path}' is missing; expected the file written with this checkpoint (listed in ${STATE_FILE}).`);
    if (sha256(path) !== hash) throw new Error(`'${path}' does not match the SHA-256 recorded in ${STATE_FILE} (damaged or replaced); expected the file written with this checkpoint.`);
  }
}

function complete(folder: string): boolean {
  return existsSync(join(folder, STATE_FILE)) && existsSync(join(folder, OPTIMIZER_FILE)) && existsSync(join(folder, MODEL_DIR));
}

/** True when `dir` (a checkpoint folder of `train`, any layout) holds a complete checkpoint. */
export function hasCheckpoint(dir: string): boolean {
  return versionCandidates(dir).some(complete);
}

/** The loop state and config in a checkpoint version folder (state.json checked; an error names the file and what was expected). */
export function readCheckpointState(folder: string): CheckpointContent {
  return readJsonFile<CheckpointContent>(join(folder, STATE_FILE), STATE_EXPECTED, stateProblem);
}

async function loadFolder(folder: string): Promise<LoadedCheckpoint> {
  if (!complete(folder)) throw new Error(`No complete checkpoint in '${folder}' (expected ${MODEL_DIR}/, ${OPTIMIZER_FILE} and ${STATE_FILE}).`);
  const content = readCheckpointState(folder);
  verifyFiles(folder, content);
  const optPath = join(folder, OPTIMIZER_FILE);
  const { tensors, metadata } = readSafetensors(readFileSync(optPath), optPath);
  const slots: OptimizerState["slots"] = {};
  for (const [k, t] of tensors) slots[k] = { shape: t.shape, data: t.data as Float32Array };
  const objectiveState = new Map<string, RawTensor>();
  const objPath = join(folder, OBJECTIVE_FILE);
  if (existsSync(objPath)) for (const [k, t] of readSafetensors(readFileSync(objPath), objPath).tensors) objectiveState.set(k, t);
  const { model, replayBuffer } = await loadModel(join(folder, MODEL_DIR));
  if (replayBuffer) {
    objectiveState.set(BUFFER_KEY, { dtype: "float32", shape: replayBuffer.shape.slice(), data: Float32Array.from(replayBuffer.dataSync() as Float32Array) });
    replayBuffer.dispose();
  }
  return { model, optimizer: { name: metadata.optimizer ?? "sgd", step: Number(metadata.step ?? 0), slots }, objectiveState, content, folder };
}

/**
 * Reads the checkpoint of `dir`: the model, the optimiser state, the objective's state tensors
 * and the loop state. The current version is tried first; when it is damaged (a file truncated,
 * emptied or overwritten) the previous version is read instead and `onWarning` says which file
 * was damaged. With no readable version it throws the first error, which names the damaged file
 * and what was expected.
 */
export async function loadCheckpoint(dir: string, options: { onWarning?: (message: string) => void } = {}): Promise<LoadedCheckpoint> {
  const folders = versionCandidates(dir);
  if (folders.length === 0) throw new Error(`No checkpoint in '${dir}' (expected ${MODEL_DIR}/, ${OPTIMIZER_FILE} and ${STATE_FILE}).`);
  let first: Error | undefined;
  for (const folder of folders) {
    try {
      const ck = await loadFolder(folder);
      if (first) (options.onWarning ?? console.warn)(`warning: the latest checkpoint is damaged: ${first.message} Resuming from the previous one, step ${ck.content.state.step}, in '${folder}'.`);
      return ck;
    } catch (e) {
      first ??= e as Error;
    }
  }
  throw new Error(`${first!.message}${folders.length > 1 ? " (the older checkpoints are damaged too)" : ""} The checkpoint in '${dir}' cannot be read: restore the file, or start a new run with another --out.`);
}
