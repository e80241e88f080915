import type * as tf from "@tensorflow/tfjs-core";
import type { FeatureFn } from "../feature-distance";

/**
 * How images enter the FID Inception for one protocol (spec 8.1–8.4): [0, 1] NHWC images (real or
 * generated) to a network batch [B, 299, 299, 3]. Every feature pipeline that reads the same input
 * shares one network pass per batch.
 */
export interface InceptionInput {
  /** Short name, e.g. `pytorch-fid`. */
  name: string;
  /** The preprocessing; `fake` is true for the generated images (the paper protocol quantises them differently). */
  preprocess(x: tf.Tensor4D, fake: boolean): tf.Tensor4D;
}

/**
 * What a feature pipeline sees for one batch. Tensors it hands out belong to the batch: a pipeline
 * may return them as its features; the rest is disposed after the batch.
 */
export interface FeatureContext {
  /** True while the generated images are read. */
  readonly fake: boolean;
  /** pool3 [B, 2048] of this batch through `input`: one Inception pass per batch and input. */
  pool3(input: InceptionInput): Promise<tf.Tensor2D>;
  /** pool3·Wᵀ [B, 1008] (logits without bias, torch-fidelity `logits_unbiased`) of the same pass. */
  logitsUnbiased(input: InceptionInput): Promise<tf.Tensor2D>;
  /** The caller's feature model (`featureModel` of `computeMetrics`), for pipelines with `needsFeatureModel`. */
  readonly featureModel?: { name: string; fn: FeatureFn };
}

/**
 * One feature pipeline of `computeMetrics`: preprocessing plus network output, run over each image
 * set a requested metric reads (only those). One entry per pipeline, listed in `FEATURE_PIPELINES`.
 */
export interface FeaturePipeline<K extends string = string> {
  /** The key metrics name in their `features`. */
  key: K;
  /** Runs the FID Inception (so it is skipped when the weights are missing and `onMissingWeights: "skip"`). */
  needsInception: boolean;
  /** Needs the caller's `featureModel`. */
  needsFeatureModel?: boolean;
  /** The features [B, d] of one checked [0, 1] batch. */
  extract(x: tf.Tensor4D, ctx: FeatureContext): Promise<tf.Tensor2D> | tf.Tensor2D;
  /** The text of a report entry's `pipeline` field (preprocessing and features). */
  describe(info: { dim: number; featureModelName?: string }): string;
}

/** Declares a feature pipeline, keeping its key as a literal type. */
export function definePipeline<K extends string>(pipeline: FeaturePipeline<K>): FeaturePipeline<K> {
  return pipeline;
}
