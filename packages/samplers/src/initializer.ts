import type { Rng } from "@ebjdat/runtime";

/** Shape of one image, [H, W, C] (NHWC without the batch axis). */
export type ImageShape = readonly [number, number, number];

/**
 * A source of initial chain states in model space (spec 2.3, 3.1): the replay buffer's
 * initialisation and its re-initialisation draws.
 */
export interface Initializer {
  /** `uniform`, `gm-full`, `gm-diag` or `gm-pca`. */
  readonly kind: string;
  readonly imageShape: ImageShape;
  /** Number of classes of a class-conditional initialiser (undefined for `uniform`). */
  readonly numClasses?: number;
  /**
   * `n` images, flattened NHWC float32 in model space. `classes` (length n) asks for images of
   * those classes; without it a class-conditional initialiser picks each class uniformly at
   * random (the official `init_random`).
   */
  sample(n: number, rng: Rng, classes?: Int32Array): Float32Array;
}

export function imageSize(shape: ImageShape): number {
  return shape[0] * shape[1] * shape[2];
}

export function checkImageShape(shape: readonly number[], what: string): ImageShape {
  if (shape.length !== 3 || !shape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new Error(`${what}: image shape must be [H, W, C] of positive integers, got [${shape.join(", ")}]`);
  }
  return [shape[0]!, shape[1]!, shape[2]!];
}

/**
 * Uniform initialisation x ~ U(lo, hi)^D, by default U(-1, 1) in model space (spec 2.3,
 * JEM's `sample_p_0`).
 */
export function uniformInit(imageShape: readonly number[], range: readonly [number, number] = [-1, 1]): Initializer {
  const shape = checkImageShape(imageShape, "uniformInit");
  const [lo, hi] = range;
  if (!(hi > lo)) throw new Error(`uniformInit: range must satisfy lo < hi, got [${lo}, ${hi}]`);
  return {
    kind: "uniform",
    imageShape: shape,
    sample(n: number, rng: Rng): Float32Array {
      return rng.uniformArray(n * imageSize(shape), lo, hi);
    },
  };
}
