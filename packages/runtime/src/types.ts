import type { Tensor2D, Tensor4D } from "@tensorflow/tfjs-core";

/**
 * The contract between models and everything that uses them (attacks, samplers, energies,
 * metrics): float32 NHWC images in API space [0, 1] to logits `[B, K]` (spec 0.1).
 */
export type LogitsFn = (x: Tensor4D) => Tensor2D;

/**
 * How the batch-norm layers of a forward pass run (spec 0.2):
 * - `eval`: normalise with the running statistics;
 * - `train`: normalise with the batch statistics (biased variance) and update the running
 *   statistics with momentum m (PyTorch convention, unbiased variance); `num_batches_tracked += 1`;
 * - `train-frozen`: batch statistics, running statistics unchanged, but `num_batches_tracked += 1`
 *   (SADA-JEM's `disable_running_stats`, which sets the momentum to 0).
 * Models without batch norm ignore it.
 */
export type BnMode = "eval" | "train" | "train-frozen";

/**
 * The contract between a model and what trains or samples it (samplers, objectives): model-space
 * images `[B, H, W, C]` in [-1, 1] (spec 0.1) to logits `[B, K]`, with the batch-norm layers in
 * `mode` (spec 0.2). With `@ebjdat/models` pass `(x, mode) => model.netLogits(x, mode)`; a
 * function that ignores `mode` works too.
 */
export type NetLogitsFn = (xNet: Tensor4D, mode: BnMode) => Tensor2D;

/** A batch of images (float32 NHWC in [0, 1]) with integer labels. */
export interface ImageBatch {
  x: Tensor4D;
  y: Int32Array;
}

/** A unit of progress for long work; the CLI renders it as a bar with an ETA. */
export interface ProgressEvent {
  /** Units done so far (steps, batches, images). */
  done: number;
  /** Total units, when known. */
  total?: number;
  /** What is being done (e.g. `epoch 3/10`, `apgd-ce`). */
  label?: string;
  /** Live numbers to show next to the bar (loss, accuracy, ...). */
  metrics?: Record<string, number>;
}

/** Callback receiving progress events. */
export type ProgressFn = (event: ProgressEvent) => void;
