import * as tf from "@tensorflow/tfjs-core";
import { Rng, type NetLogitsFn, toImageSpace, yieldToEventLoop } from "@ebjdat/runtime";
import { runChain, sampleQ, type PyldSplit } from "./chain";
import { samplerConfig, type SamplerConfig, type SamplerPresetName } from "./config";
import { uniformInit, type Initializer } from "./initializer";
import type { ReplayBuffer } from "./replay-buffer";

/** Progress of {@link sample}. */
export interface SampleProgress {
  /** Samples finished so far. */
  done: number;
  total: number;
  /** Step within the current batch and the steps per batch. */
  step: number;
  nSteps: number;
}

/** Options of {@link sample}. */
export interface SampleOptions {
  /** Number of samples. */
  n: number;
  /** A class for all samples, or one label per sample (conditional x|y, spec 6.1). */
  classLabel?: number | number[] | Int32Array;
  /** Classes of the model (for conditional draws from a buffer without a class layout). */
  numClasses?: number;
  /** Preset name or full config (default `jem`). */
  sampler?: SamplerPresetName | SamplerConfig;
  /** Override of the preset's steps. */
  steps?: number;
  /** Seed of every draw (default 1). */
  seed?: number;
  /**
   * Persistent chains: batches are drawn from it (with the config's re-initialisation) and
   * written back. Without it, fresh chains start from `init`.
   */
  buffer?: ReplayBuffer;
  /** Start of fresh chains (default U(-1, 1) of `imageShape`). */
  init?: Initializer;
  /** Image shape [H, W, C] of fresh chains when no `init`/`buffer` (default [32, 32, 3]). */
  imageShape?: readonly [number, number, number];
  /** Chains per batch (default 64). */
  batchSize?: number;
  /** For `pyldForm: 'literal'`. */
  split?: PyldSplit;
  onProgress?: (p: SampleProgress) => void;
}

/** Result of {@link sample}. */
export interface SampleResult {
  /** `[n, H, W, C]` in API space [0, 1]: clamp((x + 1) / 2) (caller disposes). */
  images: tf.Tensor4D;
  /** `[n, H, W, C]` final chain states in model space (caller disposes). */
  xNet: tf.Tensor4D;
  /** The labels used, when conditional. */
  labels?: Int32Array;
}

/** Labels for a class-conditional grid: `perClass` consecutive samples of each class (row c = class c). */
export function gridLabels(numClasses: number, perClass: number): Int32Array {
  const y = new Int32Array(numClasses * perClass);
  for (let c = 0; c < numClasses; c++) y.fill(c, c * perClass, (c + 1) * perClass);
  return y;
}

function resolveLabels(o: SampleOptions): Int32Array | undefined {
  if (o.classLabel === undefined) return undefined;
  const y = typeof o.classLabel === "number" ? new Int32Array(o.n).fill(o.classLabel) : Int32Array.from(o.classLabel);
  if (y.length !== o.n) throw new Error(`sample: classLabel has ${y.length} labels, expected n = ${o.n}`);
  for (let i = 0; i < y.length; i++) {
    if (!(Number.isInteger(y[i]) && y[i]! >= 0 && (o.numClasses === undefined || y[i]! < o.numClasses))) {
      throw new Error(`sample: label ${i} is ${y[i]}, expected an integer in [0, ${o.numClasses ?? "numClasses"})`);
    }
  }
  return y;
}

/**
 * Draws `n` samples from a model's EBM (spec 6.1): unconditional chains ascend LSE f(x), with
 * `classLabel` they ascend f(x)[y]; the update rule, steps and BN mode come from the sampler
 * preset/config. With a `buffer` the chains are persistent (drawn, re-initialised with the
 * config's probability, written back, spec 2.3); otherwise they start fresh from `init`.
 * Deterministic given `seed`. `fn` takes model-space images, e.g.
 * `(x, mode) => model.netLogits(x, mode)`.
 */
export async function sample(fn: NetLogitsFn, options: SampleOptions): Promise<SampleResult> {
  const n = options.n;
  if (!(Number.isInteger(n) && n >= 1)) throw new Error(`sample: n must be a positive integer, got ${n}`);
  const bs = options.batchSize ?? 64;
  if (!(Number.isInteger(bs) && bs >= 1)) throw new Error(`sample: batchSize must be a positive integer, got ${bs}`);
  const cfg = samplerConfig(options.sampler ?? "jem", options.steps !== undefined ? { nSteps: options.steps } : {});
  const labels = resolveLabels(options);
  const buffer = options.buffer;
  if (buffer && labels && buffer.numClasses === undefined) {
    if (options.numClasses === undefined) throw new Error("sample: conditional sampling from a buffer needs numClasses (the buffer has no class layout)");
    buffer.numClasses = options.numClasses;
  }
  const init = options.init ?? buffer?.init ?? uniformInit(options.imageShape ?? [32, 32, 3]);
  if (buffer && !buffer.init) buffer.init = init;
  const root = new Rng(options.seed ?? 1);
  const drawRng = root.fork("sampler-draw");
  const chainRng = root.fork("sampler-noise");
  const parts: tf.Tensor4D[] = [];
  try {
    for (let start = 0; start < n; start += bs) {
      const size = Math.min(bs, n - start);
      const y = labels ? labels.subarray(start, start + size) : undefined;
      const onStep = (step: number, nSteps: number): void => options.onProgress?.({ done: start + (step === nSteps ? size : 0), total: n, step, nSteps });
      let x: tf.Tensor4D;
      if (buffer) {
        x = sampleQ(fn, buffer, cfg, chainRng, { batchSize: size, y, split: options.split, onStep, drawRng }).x;
      } else {
        const x0 = tf.tensor4d(init.sample(size, drawRng, y && init.numClasses !== undefined ? y : undefined), [size, ...init.imageShape]);
        x = runChain(fn, x0, cfg, chainRng, { y, split: options.split, onStep });
        x0.dispose();
      }
      if (cfg.nSteps === 0) options.onProgress?.({ done: start + size, total: n, step: 0, nSteps: 0 });
      parts.push(x);
      await yieldToEventLoop();
    }
    const xNet = parts.length === 1 ? parts[0]! : tf.concat(parts, 0);
    const images = toImageSpace(xNet);
    return { images, xNet, ...(labels ? { labels } : {}) };
  } finally {
    if (parts.length > 1) tf.dispose(parts);
  }
}
