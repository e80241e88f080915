/** A clamp interval [lo, hi] in model space, or `null` for no clamp. */
export type ClampRange = readonly [number, number] | null;

/** Model space [-1, 1] (spec 0.1). */
export const MODEL_RANGE: readonly [number, number] = [-1, 1];
