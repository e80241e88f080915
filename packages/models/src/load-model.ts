import { closeSync, existsSync, openSync, readSync, statSync } from "node:fs";
import { basename, dirname, extname } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { isRawTensor, loadSafetensorsFile, loadTorchFile, saveSafetensorsFile, toFloat32, torchStateDict, type RawTensor, type TorchValue } from "@ebjdat/formats";
import { isIgnoredKey } from "./state-dict";
import { modelFromStateDict, type LoadModelOptions } from "./model-from-state-dict";
import { isTfjsModelDir, loadTfjsModel, saveTfjsModel, type SaveTfjsOptions } from "./tfjs-format";
import type { WideResNet } from "./wide-resnet";

/** Which kind of file a model came from. */
export type ModelSourceKind = "torch" | "safetensors" | "tfjs";

/** Where a loaded model came from. */
export interface ModelSource {
  kind: ModelSourceKind;
  /** The path given to {@link loadModel}. */
  path: string;
  /** Keys of the checkpoint that were accepted and ignored (aliases, `f.linear.*`). */
  ignoredKeys: string[];
  /** safetensors `__metadata__` or model.json `metadata`; `{}` for torch files. */
  metadata: Record<string, string>;
}

/** Result of {@link loadModel}. */
export interface LoadedModel {
  model: WideResNet;
  /** The checkpoint's replay buffer, converted NCHW → NHWC, in model space [-1, 1]. */
  replayBuffer?: tf.Tensor4D;
  source: ModelSource;
}

function sniff(path: string): "torch" | "safetensors" | "unknown" {
  const fd = openSync(path, "r");
  try {
    const head = new Uint8Array(16);
    const n = readSync(fd, head, 0, 16, 0);
    if (n >= 4 && head[0] === 0x50 && head[1] === 0x4b) return "torch"; // zip
    if (n >= 1 && head[0] === 0x80) return "torch"; // legacy pickle
    if (n >= 9 && head[8] === 0x7b) return "safetensors"; // 8-byte length then '{'
    return "unknown";
  } finally {
    closeSync(fd);
  }
}

function replayBufferOf(value: TorchValue, path: string): tf.Tensor4D | undefined {
  if (!(value instanceof Map)) return undefined;
  const rb = value.get("replay_buffer");
  if (rb === undefined || rb === null) return undefined;
  if (!isRawTensor(rb)) throw new Error(`loadModel: ${path}: 'replay_buffer' is not a tensor.`);
  return nchwToNhwc(rb, `${path}: replay_buffer`);
}

/** NCHW `[N, C, H, W]` raw tensor → NHWC float32 tf tensor. */
function nchwToNhwc(raw: RawTensor, what: string): tf.Tensor4D {
  if (raw.shape.length !== 4 || raw.shape[1] !== 3) {
    throw new Error(`loadModel: ${what} has shape [${raw.shape.join(", ")}]; expected NCHW [N, 3, H, W].`);
  }
  return tf.tidy(() => tf.transpose(tf.tensor4d(toFloat32(raw), raw.shape as [number, number, number, number]), [0, 2, 3, 1]));
}

/**
 * Loads a model from
 * - an official PyTorch checkpoint `.pt`/`.pth` (zip or legacy `torch.save`): a plain state dict
 *   or `{model_state_dict, replay_buffer}` (the replay buffer is returned NHWC, model space);
 * - a `.safetensors` state dict in the official names and layouts;
 * - a TF.js-format directory (or its `model.json`) written by {@link saveModel}.
 * The architecture is inferred from the keys and shapes (spec 2.1); unknown/missing keys and
 * shape mismatches throw one error naming them all.
 */
export async function loadModel(path: string, options: LoadModelOptions = {}): Promise<LoadedModel> {
  if (typeof path !== "string" || path.length === 0) throw new Error(`loadModel: expected a file or directory path, got ${String(path)}.`);
  if (!existsSync(path)) throw new Error(`loadModel: ${path} does not exist (expected a .pt/.pth/.safetensors file or a TF.js model directory).`);
  const st = statSync(path);
  const dir = st.isDirectory() ? path : basename(path) === "model.json" ? dirname(path) : undefined;
  if (dir !== undefined) {
    if (!isTfjsModelDir(dir)) throw new Error(`loadModel: directory ${dir} has no model.json (expected a model saved by saveModel).`);
    const { model, replayBuffer, metadata } = loadTfjsModel(dir);
    return { model, ...(replayBuffer ? { replayBuffer } : {}), source: { kind: "tfjs", path, ignoredKeys: [], metadata } };
  }
  const ext = extname(path).toLowerCase();
  const kind = ext === ".safetensors" ? "safetensors" : ext === ".pt" || ext === ".pth" ? "torch" : sniff(path);
  if (kind === "unknown") {
    throw new Error(`loadModel: cannot tell the format of ${path}; expected a .pt/.pth (torch.save), .safetensors file or a TF.js model directory.`);
  }
  if (kind === "safetensors") {
    const { tensors, metadata } = loadSafetensorsFile(path);
    const model = modelFromStateDict(tensors, path, options);
    return { model, source: { kind, path, ignoredKeys: [...tensors.keys()].filter(isIgnoredKey), metadata } };
  }
  const value = loadTorchFile(path);
  const dict = torchStateDict(value);
  const model = modelFromStateDict(dict, path, options);
  let replayBuffer: tf.Tensor4D | undefined;
  try {
    replayBuffer = replayBufferOf(value, path);
  } catch (e) {
    model.dispose();
    throw e;
  }
  return { model, ...(replayBuffer ? { replayBuffer } : {}), source: { kind, path, ignoredKeys: [...dict.keys()].filter(isIgnoredKey), metadata: {} } };
}

/** Options of {@link saveModel}. */
export type SaveModelOptions = SaveTfjsOptions;

/**
 * Saves a model. A path ending in `.safetensors` gets the official state dict
 * ({@link WideResNet.stateDict}, readable by PyTorch's `safetensors` and by {@link loadModel});
 * any other path becomes a TF.js-format directory (`model.json` + `weights.bin`, with the
 * architecture config and, optionally, a replay buffer). Both are written atomically.
 */
export async function saveModel(model: WideResNet, path: string, options: SaveModelOptions = {}): Promise<void> {
  if (extname(path).toLowerCase() === ".safetensors") {
    if (options.replayBuffer) throw new Error(`saveModel: ${path}: a replay buffer cannot be stored in a safetensors state dict; save to a directory instead.`);
    const c = model.config;
    const meta = { format: "pt", architecture: JSON.stringify(c), generatedBy: "@ebjdat/models", ...options.metadata };
    saveSafetensorsFile(path, model.stateDict(), meta);
    return;
  }
  await saveTfjsModel(model, path, options);
}
