import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { writeDirAtomic } from "@ebjdat/runtime";
import { resolveConfig, type ResolvedWideResNetConfig } from "./config";
import { createWideResNet, type WideResNet } from "./wide-resnet";

/** Identifies our model.json files. */
export const TFJS_FORMAT = "ebjdat-wrn";
/** Version of the model.json layout written by {@link saveTfjsModel}. */
export const TFJS_FORMAT_VERSION = 1;
const WEIGHTS_FILE = "weights.bin";
const NBT = ".num_batches_tracked";
const REPLAY = "replay_buffer";

/** The `model.json` written by {@link saveTfjsModel}. */
export interface TfjsModelJson {
  format: typeof TFJS_FORMAT;
  formatVersion: number;
  generatedBy: string;
  /** Architecture, enough to rebuild the model. */
  architecture: { class: "WideResNet"; config: ResolvedWideResNetConfig };
  /** Weight layouts: conv kernels HWIO, linear kernels [in, out] (TF.js conventions). */
  layouts: { conv: "HWIO"; linear: "in,out"; replayBuffer: "NHWC model space" };
  /** Standard TF.js weights manifest (one group, one file). */
  weightsManifest: Array<{ paths: string[]; weights: tf.io.WeightsManifestEntry[] }>;
  /** Free-form string metadata (e.g. training step, dataset). */
  metadata?: Record<string, string>;
}

/** Options of {@link saveTfjsModel}. */
export interface SaveTfjsOptions {
  /** A replay buffer to store beside the weights (NHWC, model space [-1, 1]). */
  replayBuffer?: tf.Tensor4D;
  metadata?: Record<string, string>;
}

/**
 * Saves a model as a TF.js-format directory: `model.json` (format/version, architecture config,
 * a standard `weightsManifest`) and `weights.bin` (every parameter under its official key in TF.js
 * layout, the BN running statistics, `num_batches_tracked` as int32, optionally the replay
 * buffer). Written into a temporary sibling directory, then swapped in by renames. Refuses to
 * replace an existing non-empty directory that is not such a model.
 */
export async function saveTfjsModel(model: WideResNet, dir: string, options: SaveTfjsOptions = {}): Promise<void> {
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw new Error(`saveModel: ${dir} exists and is not a directory.`);
    const entries = readdirSync(dir);
    if (entries.length > 0 && !entries.includes("model.json")) {
      throw new Error(`saveModel: ${dir} is a non-empty directory without model.json; refusing to replace it.`);
    }
  }
  const named: tf.NamedTensorMap = {};
  for (const e of model.parameterEntries()) {
    named[e.key] = e.variable;
    if (e.bn && e.key.endsWith(".running_var")) {
      const key = e.key.slice(0, -".running_var".length) + NBT;
      named[key] = tf.scalar(e.bn.numBatchesTracked, "int32");
    }
  }
  if (options.replayBuffer) {
    const rb = options.replayBuffer;
    if (rb.rank !== 4 || rb.shape[3] !== 3 || rb.dtype !== "float32") {
      throw new Error(`saveModel: replayBuffer shape [${rb.shape.join(", ")}] (${rb.dtype}); expected float32 NHWC [N, H, W, 3].`);
    }
    named[REPLAY] = rb;
  }
  const { data, specs } = await tf.io.encodeWeights(named);
  for (const [k, t] of Object.entries(named)) if (k.endsWith(NBT)) t.dispose();
  const json: TfjsModelJson = {
    format: TFJS_FORMAT,
    formatVersion: TFJS_FORMAT_VERSION,
    generatedBy: "@ebjdat/models",
    architecture: { class: "WideResNet", config: model.config },
    layouts: { conv: "HWIO", linear: "in,out", replayBuffer: "NHWC model space" },
    weightsManifest: [{ paths: [WEIGHTS_FILE], weights: specs }],
    ...(options.metadata ? { metadata: options.metadata } : {}),
  };
  writeDirAtomic(dir, (tmp) => {
    // writeDirAtomic swaps the whole directory in, so plain writes inside the temp dir are safe.
    writeFileSync(join(tmp, WEIGHTS_FILE), new Uint8Array(data));
    writeFileSync(join(tmp, "model.json"), new TextEncoder().encode(JSON.stringify(json, null, 1) + "\n"));
  });
}

/** True when `dir` looks like a directory written by {@link saveTfjsModel}. */
export function isTfjsModelDir(dir: string): boolean {
  return existsSync(join(dir, "model.json")) && statSync(dir).isDirectory();
}

/**
 * Loads a directory written by {@link saveTfjsModel}: validates `model.json` (format, version,
 * manifest against the architecture), rebuilds the WRN and assigns every weight.
 */
export function loadTfjsModel(dir: string): { model: WideResNet; replayBuffer?: tf.Tensor4D; metadata: Record<string, string> } {
  const jsonPath = join(dir, "model.json");
  let json: TfjsModelJson;
  try {
    json = JSON.parse(readFileSync(jsonPath, "utf8")) as TfjsModelJson;
  } catch (e) {
    throw new Error(`loadModel: cannot read ${jsonPath} (${(e as Error).message}).`);
  }
  if (json.format !== TFJS_FORMAT) throw new Error(`loadModel: ${jsonPath} has format '${String(json.format)}'; expected '${TFJS_FORMAT}'.`);
  if (json.formatVersion !== TFJS_FORMAT_VERSION) {
    throw new Error(`loadModel: ${jsonPath} has formatVersion ${String(json.formatVersion)}; this version reads ${TFJS_FORMAT_VERSION}.`);
  }
  const config = resolveConfig(json.architecture?.config);
  const groups = json.weightsManifest;
  if (!Array.isArray(groups) || groups.length === 0) throw new Error(`loadModel: ${jsonPath} has no weightsManifest.`);
  const specs: tf.io.WeightsManifestEntry[] = [];
  const buffers: Uint8Array[] = [];
  for (const g of groups) {
    specs.push(...g.weights);
    for (const p of g.paths) {
      const file = join(dir, p);
      try {
        buffers.push(readFileSync(file));
      } catch (e) {
        throw new Error(`loadModel: cannot read weights file ${file} (${(e as Error).message}).`);
      }
    }
  }
  const total = buffers.reduce((a, b) => a + b.byteLength, 0);
  const expected = specs.reduce((a, s) => a + s.shape.reduce((x, y) => x * y, 1) * 4, 0);
  if (total !== expected) throw new Error(`loadModel: weights in ${dir} hold ${total} bytes; the manifest describes ${expected}.`);
  const all = new Uint8Array(total);
  let off = 0;
  for (const b of buffers) {
    all.set(b, off);
    off += b.byteLength;
  }
  const named = tf.io.decodeWeights(all.buffer, specs);
  const model = createWideResNet(config);
  try {
    const byKey = new Map(model.parameterEntries().map((e) => [e.key, e]));
    const bns = model.batchNorms();
    const problems: string[] = [];
    for (const [k, t] of Object.entries(named)) {
      if (k === REPLAY) continue;
      if (k.endsWith(NBT)) {
        const bn = bns.get(k.slice(0, -NBT.length));
        if (!bn) problems.push(`unknown key ${k}`);
        continue;
      }
      const e = byKey.get(k);
      if (!e) problems.push(`unknown key ${k}`);
      else if (e.variable.shape.join(",") !== t.shape.join(",")) problems.push(`${k} [${t.shape.join(", ")}] (expected [${e.variable.shape.join(", ")}])`);
    }
    for (const k of byKey.keys()) if (!(k in named)) problems.push(`missing key ${k}`);
    if (problems.length > 0) throw new Error(`loadModel: ${dir} does not match its architecture: ${problems.slice(0, 12).join("; ")}${problems.length > 12 ? ` ... (${problems.length} in all)` : ""}.`);
    for (const [k, e] of byKey) e.variable.assign(named[k]!);
    for (const [prefix, bn] of bns) {
      const t = named[prefix + NBT];
      if (t) bn.numBatchesTracked = t.dataSync()[0]!;
    }
  } catch (e) {
    model.dispose();
    for (const t of Object.values(named)) t.dispose();
    throw e;
  }
  const replay = named[REPLAY] as tf.Tensor4D | undefined;
  for (const [k, t] of Object.entries(named)) if (k !== REPLAY) t.dispose();
  return { model, ...(replay ? { replayBuffer: replay } : {}), metadata: json.metadata ?? {} };
}
