import * as tf from "@tensorflow/tfjs-core";
import { Rng, toModelSpace } from "@ebjdat/runtime";
import { augmentedBatch, classBalancedSubset, loadDataset, subset, type Dataset } from "@ebjdat/data";
import type { TrainConfig } from "./config";
import type { TrainBatch } from "./objective";

/** The datasets a run uses, loaded and subset once. */
export interface PreparedData {
  train: Dataset;
  eval?: Dataset;
}

/**
 * Loads the training set (class-balanced subset when `perClass` > 0) and the first `eval.n`
 * evaluation images; `download` lets @ebjdat/data fetch a missing official archive.
 */
export async function prepareData(config: TrainConfig, dataDir?: string, download = false): Promise<PreparedData> {
  const opts = { ...(dataDir ? { dataDir } : {}), ...(download ? { download } : {}) };
  let train = await loadDataset(config.data.train, opts);
  if (config.data.perClass > 0) train = classBalancedSubset(train, config.data.perClass);
  if (train.n < config.batchSize) throw new Error(`The training set '${config.data.train}' has ${train.n} images, fewer than batchSize ${config.batchSize}.`);
  let evalSet: Dataset | undefined;
  if (config.eval.n > 0) {
    const full = await loadDataset(config.eval.data, opts);
    const n = Math.min(config.eval.n, full.n);
    evalSet = subset(full, Array.from({ length: n }, (_, i) => i));
  }
  return evalSet ? { train, eval: evalSet } : { train };
}

/**
 * Window `pos` (`batchSize` rows) of the permutation drawn from the stream `order` of the run's
 * seed, augmented (crop 4 + flip when `augment`, then σ-noise in model space) from the stream
 * `augmentStream`, as model-space images x_net = 2·x − 1 (spec 0.1) with their labels.
 */
function drawBatch(data: PreparedData, seed: number, order: string, augmentStream: string, pos: number, batchSize: number, augment: boolean, noiseSigma: number): { xNet: tf.Tensor4D; y: Int32Array } {
  const perm = new Rng(seed).fork(order).permutation(data.train.n);
  const idx = perm.subarray(pos * batchSize, (pos + 1) * batchSize);
  const rng = new Rng(seed).fork(augmentStream);
  const { x, y } = augmentedBatch(data.train, idx, rng, { cropPadding: augment ? 4 : 0, flip: augment, noiseSigma, noiseSpace: "model" });
  const xNet = toModelSpace(x);
  x.dispose();
  return { xNet, y };
}

/**
 * The batch of training step `step`: the epoch's permutation is drawn from the stream
 * `order:<epoch>` and the augmentation from `augment:<step>` of the run's seed, so any step can
 * be rebuilt after a resume. Returns model-space images x_net = 2·x − 1 (spec 0.1).
 */
export function trainBatch(data: PreparedData, config: TrainConfig, step: number, perEpoch: number): TrainBatch {
  const epoch = Math.floor(step / perEpoch);
  const { xNet, y } = drawBatch(data, config.seed, `order:${epoch}`, `augment:${step}`, step % perEpoch, config.batchSize, config.data.augment, config.data.noiseSigma);
  return { xNet, y: tf.tensor1d(y, "int32") };
}

/**
 * The p(x) batch x_d of JEM-family step `step` (spec 4.2, 5.4): a loader cycled independently of
 * the labelled one (permutation stream `px-order:<cycle>`, augmentation `px-augment:<step>`),
 * `jem.px.batchSize` images, augmented or not (SADA-JEM: not) plus σ-noise in model space.
 */
export function pxBatch(data: PreparedData, config: TrainConfig, step: number): tf.Tensor4D {
  const { batchSize, augment, noiseSigma } = config.jem.px;
  const per = Math.max(1, Math.floor(data.train.n / batchSize));
  const cycle = Math.floor(step / per);
  return drawBatch(data, config.seed, `px-order:${cycle}`, `px-augment:${step}`, step % per, batchSize, augment, noiseSigma).xNet;
}
