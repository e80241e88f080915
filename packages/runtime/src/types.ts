import type { Tensor2D, Tensor4D } from "@tensorflow/tfjs-core";

/**
 * The contract between models and everything that uses them (attacks, samplers, energies,
 * metrics): float32 NHWC images in API space [0, 1] to logits `[B, K]` (spec 0.1).
 */
export type LogitsFn = (x: Tensor4D) => Tensor2D;

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
