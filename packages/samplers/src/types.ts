import type { Tensor2D, Tensor4D } from "@tensorflow/tfjs-core";

/**
 * Batch-norm mode of a forward pass (spec 0.2): `train` uses batch statistics and updates the
 * running ones, `train-frozen` uses batch statistics without updating, `eval` uses the running
 * statistics. Models without batch norm ignore it.
 */
export type BnMode = "train" | "train-frozen" | "eval";

/**
 * What every sampler needs from a model: model-space images `[B, H, W, C]` in [-1, 1] (spec 0.1)
 * to logits `[B, K]`, in the batch-norm mode the sampler asks for. With `@ebjdat/models` pass
 * `(x, mode) => model.netLogits(x, mode)`. A function that ignores `mode` works too.
 */
export type NetLogitsFn = (xNet: Tensor4D, mode: BnMode) => Tensor2D;

/** A clamp interval [lo, hi] in model space, or `null` for no clamp. */
export type ClampRange = readonly [number, number] | null;

/** Model space [-1, 1] (spec 0.1). */
export const MODEL_RANGE: readonly [number, number] = [-1, 1];
