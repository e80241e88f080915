import * as tf from "@tensorflow/tfjs-core";
import { toFloat32, type RawTensor } from "@ebjdat/formats";
import type { BatchNorm2d } from "./batch-norm";
import type { ResolvedWideResNetConfig, WideResNetConfig } from "./config";

/** A PyTorch-style state dict: official key → tensor in the official layout. */
export type StateDict = Map<string, RawTensor>;

/** How a parameter is laid out in the official state dict relative to our variable. */
export type ParamLayout = "conv" | "linear" | "plain";

/** One entry of the model's parameter table, in official state-dict order. */
export interface ParamEntry {
  /** Official state-dict key, e.g. `f.layer1.0.conv1.weight`. */
  key: string;
  variable: tf.Variable;
  /** `conv`: ours HWIO, official OIHW; `linear`: ours [in,out], official [out,in]; `plain`: same. */
  layout: ParamLayout;
  /** The BN layer that owns a `running_*` buffer, else undefined. */
  bn?: BatchNorm2d;
}

/**
 * What {@link exportStateDict} and {@link importStateDict} need of a model (a `WideResNet` is
 * one): its architecture, its parameter table in official state-dict order and its batch-norm
 * layers by official key prefix (spec 2.1).
 */
export interface StateDictModel {
  readonly config: ResolvedWideResNetConfig;
  parameterEntries(): readonly ParamEntry[];
  batchNorms(): Map<string, BatchNorm2d>;
}

/**
 * Keys that official checkpoints may contain and that the importer ignores (vectors README 4.2,
 * 4.3; spec 2.1): JEM++ `yopo` aliases of the same tensors (`f.layer_one.*` = `f.conv1.*`,
 * `f.other_layers.{0,1,2,3}.*` = `f.layer1..3.*`, `f.bn1.*`) and JEM's unused `f.linear.*`.
 */
export function isIgnoredKey(key: string): boolean {
  return key.startsWith("f.layer_one.") || key.startsWith("f.other_layers.") || key.startsWith("f.linear.");
}

const NBT = ".num_batches_tracked";

function officialShape(e: ParamEntry): number[] {
  const s = e.variable.shape;
  if (e.layout === "conv") return [s[3]!, s[2]!, s[0]!, s[1]!];
  if (e.layout === "linear") return [s[1]!, s[0]!];
  return [...s];
}

function fmtShape(s: readonly number[]): string {
  return `[${s.join(", ")}]`;
}

function listed(items: string[], max = 12): string {
  return items.length <= max ? items.join(", ") : `${items.slice(0, max).join(", ")}, ... (${items.length} in all)`;
}

/** Reads a scalar integer (int64/int32/float) tensor as a JS number. */
function scalarNumber(raw: RawTensor, key: string): number {
  const n = raw.shape.reduce((a, b) => a * b, 1);
  if (n !== 1) throw new Error(`State dict entry '${key}' has shape ${fmtShape(raw.shape)}; expected a scalar.`);
  const v = raw.data[0]!;
  return typeof v === "bigint" ? Number(v) : v;
}

/**
 * Exports a model in the official PyTorch state-dict names and layouts (spec 0.3, vectors README
 * 4.2): conv weights OIHW (= HWIO transposed by (3,2,0,1)), linear weights `[out, in]`, BN
 * `{weight, bias, running_mean, running_var, num_batches_tracked (int64 scalar)}`, then
 * `energy_output.*` and `class_output.*`, in the official key order.
 */
export function exportStateDict(model: StateDictModel): StateDict {
  const out: StateDict = new Map();
  for (const e of model.parameterEntries()) {
    const t = tf.tidy(() => {
      if (e.layout === "conv") return tf.transpose(e.variable, [3, 2, 0, 1]);
      if (e.layout === "linear") return tf.transpose(e.variable, [1, 0]);
      return tf.clone(e.variable);
    });
    const data = new Float32Array(t.dataSync());
    out.set(e.key, { dtype: "float32", shape: [...t.shape], data });
    t.dispose();
    if (e.bn && e.key.endsWith(".running_var")) {
      const key = e.key.slice(0, -".running_var".length) + NBT;
      out.set(key, { dtype: "int64", shape: [], data: BigInt64Array.from([BigInt(e.bn.numBatchesTracked)]) });
    }
  }
  return out;
}

/**
 * Loads an official state dict into a model (spec 2.1 "State-dict keys"). Accepts and ignores
 * the JEM++ aliases and JEM's `f.linear.*` ({@link isIgnoredKey}); `num_batches_tracked` may be
 * absent (the counter is then left unchanged). Unknown keys, missing keys and shape mismatches
 * are collected and reported together in one error before anything is assigned.
 */
export function importStateDict(model: StateDictModel, dict: StateDict, source = "state dict"): void {
  const entries = model.parameterEntries();
  const byKey = new Map(entries.map((e) => [e.key, e]));
  const bnKeys = new Set<string>();
  for (const e of entries) if (e.bn && e.key.endsWith(".running_var")) bnKeys.add(e.key.slice(0, -".running_var".length) + NBT);
  const unknown: string[] = [];
  const mismatched: string[] = [];
  for (const [key, raw] of dict) {
    if (isIgnoredKey(key)) continue;
    if (bnKeys.has(key)) {
      const n = raw.shape.reduce((a, b) => a * b, 1);
      if (n !== 1) mismatched.push(`${key} ${fmtShape(raw.shape)} (expected [])`);
      continue;
    }
    const e = byKey.get(key);
    if (!e) {
      unknown.push(key);
      continue;
    }
    const want = officialShape(e);
    if (raw.shape.length !== want.length || raw.shape.some((d, i) => d !== want[i])) {
      mismatched.push(`${key} ${fmtShape(raw.shape)} (expected ${fmtShape(want)})`);
    }
  }
  const missing = entries.filter((e) => !dict.has(e.key)).map((e) => e.key);
  if (unknown.length + missing.length + mismatched.length > 0) {
    const c = model.config;
    const parts: string[] = [];
    if (missing.length) parts.push(`missing keys: ${listed(missing)}`);
    if (unknown.length) parts.push(`unknown keys: ${listed(unknown)}`);
    if (mismatched.length) parts.push(`shape mismatches: ${listed(mismatched)}`);
    throw new Error(
      `Cannot load ${source} into WRN-${c.depth}-${c.width} (norm ${c.norm}, ${c.numClasses} classes): ${parts.join("; ")}.`,
    );
  }
  for (const e of entries) {
    const raw = dict.get(e.key)!;
    const v = tf.tidy(() => {
      const t = tf.tensor(toFloat32(raw), raw.shape, "float32");
      if (e.layout === "conv") return tf.transpose(t, [2, 3, 1, 0]);
      if (e.layout === "linear") return tf.transpose(t, [1, 0]);
      return t;
    });
    e.variable.assign(v);
    v.dispose();
  }
  for (const [prefix, bn] of model.batchNorms()) {
    const raw = dict.get(prefix + NBT);
    if (raw) bn.numBatchesTracked = scalarNumber(raw, prefix + NBT);
  }
}

/**
 * Adds the JEM++ `yopo` alias keys to an official state dict (vectors README 4.3), in the
 * official key order: `f.conv1.*`, `f.layer_one.*` (= `f.conv1.*`), `f.other_layers.{0,1,2}.*`
 * (= `f.layer1..3.*`), `f.other_layers.3.*` (= `f.bn1.*`), then the remaining keys. JEM++ loads
 * checkpoints with strict key matching, so export with this to hand a model back to it. The
 * aliases share the tensors of the keys they copy.
 */
export function withYopoAliases(dict: StateDict): StateDict {
  const out: StateDict = new Map();
  const entries = [...dict].filter(([k]) => !isIgnoredKey(k));
  for (const [k, t] of entries) if (k.startsWith("f.conv1.")) out.set(k, t);
  for (const [k, t] of entries) if (k.startsWith("f.conv1.")) out.set(`f.layer_one.${k.slice("f.conv1.".length)}`, t);
  const groups: Array<[string, string]> = [
    ["f.layer1.", "f.other_layers.0."],
    ["f.layer2.", "f.other_layers.1."],
    ["f.layer3.", "f.other_layers.2."],
    ["f.bn1.", "f.other_layers.3."],
  ];
  for (const [from, to] of groups) for (const [k, t] of entries) if (k.startsWith(from)) out.set(to + k.slice(from.length), t);
  for (const [k, t] of entries) if (!out.has(k)) out.set(k, t);
  return out;
}

/**
 * Infers the architecture from an official state dict (spec 2.1): n = 1 + the largest block
 * index i of `f.layer1.{i}.*` and depth = 6n + 4; width k = out-channels of
 * `f.layer1.0.conv1.weight` / 16; norm `batch` when `f.bn1.weight` exists, else `none`;
 * classes = rows of `class_output.weight`. Aliases and `f.linear` are ignored.
 */
export function inferConfig(dict: StateDict): WideResNetConfig {
  const need = (key: string, rank: number): RawTensor => {
    const t = dict.get(key);
    if (!t) throw new Error(`Cannot infer the WRN architecture: state dict has no '${key}' (keys: ${listed([...dict.keys()], 8)}).`);
    if (t.shape.length !== rank) throw new Error(`Cannot infer the WRN architecture: '${key}' has shape ${fmtShape(t.shape)}; expected rank ${rank}.`);
    return t;
  };
  let n = 0;
  for (const key of dict.keys()) {
    const m = /^f\.layer1\.(\d+)\./.exec(key);
    if (m) n = Math.max(n, Number(m[1]) + 1);
  }
  if (n === 0) throw new Error(`Cannot infer the WRN architecture: no 'f.layer1.<i>.*' keys (keys: ${listed([...dict.keys()], 8)}).`);
  const conv = need("f.layer1.0.conv1.weight", 4);
  const out = conv.shape[0]!;
  if (out % 16 !== 0) throw new Error(`Cannot infer the WRN width: 'f.layer1.0.conv1.weight' has ${out} output channels; expected a multiple of 16.`);
  const head = need("class_output.weight", 2);
  const norm = dict.has("f.bn1.weight") || dict.has("f.bn1.running_mean") ? "batch" : "none";
  return { depth: 6 * n + 4, width: out / 16, numClasses: head.shape[0]!, norm };
}
