import * as tf from "@tensorflow/tfjs-core";
import type { SamplerConfig } from "./config";
import type { ClampRange } from "./types";

/**
 * Options of the SGLD update rules: the {@link SamplerConfig} fields sgld_lr (`stepSize`; JEM and
 * SADA-JEM 1.0), sgld_std (`noiseStd`; JEM 0.01, SADA-JEM 0), the gradient clip (SADA-JEM 1, JEM
 * none) and the clamp of the result (SADA-JEM [-1, 1], JEM none).
 */
export type SgldUpdateOptions = Pick<SamplerConfig, "stepSize" | "noiseStd" | "gradClip" | "clampRange">;

/** The gradient clipped to [-c, c] (spec 3.2, 4.3), or unchanged for `null`. */
export function clipGrad(g: tf.Tensor4D, c: number | null): tf.Tensor4D {
  return c === null ? g : tf.clipByValue(g, -c, c);
}

/** x clamped to [lo, hi] (spec 3.2, 4.3), or unchanged for `null`. */
export function clampTo(x: tf.Tensor4D, r: ClampRange): tf.Tensor4D {
  return r === null ? x : tf.clipByValue(x, r[0], r[1]);
}

/**
 * One SGLD update from a given gradient and noise draw (spec 2.3 and 4.3):
 * x' = clamp( x + stepSize · clip(g, ±gradClip) + noiseStd · ξ ), where each of clip and
 * clamp is skipped when `null`. JEM: x + (1.0·g + 0.01·ξ); SADA-JEM: clamp(x + clip(g, ±1), -1, 1).
 * `g` is ∇_x of the ascended objective (Σ LSE or Σ f[y]), ξ ~ N(0, I) (`null`: no noise).
 */
export function sgldUpdate(x: tf.Tensor4D, grad: tf.Tensor4D, noise: tf.Tensor4D | null, options: SgldUpdateOptions): tf.Tensor4D {
  return tf.tidy(() => {
    let delta: tf.Tensor4D = tf.mul(clipGrad(grad, options.gradClip), options.stepSize);
    if (noise !== null && options.noiseStd !== 0) delta = tf.add(delta, tf.mul(noise, options.noiseStd));
    return clampTo(tf.add(x, delta), options.clampRange);
  });
}

/**
 * Options of the PYLD update rule (spec 3.2): the {@link SamplerConfig} fields pyld_lr
 * (`stepSize`, the inner step; 0.2), in_steps (`inSteps`; 5), eps (`gradClip`; 1), the clamp after
 * every inner step ([-1, 1]), the sgld_lr of the optional first clamped step (`outerStepSize`; 0:
 * skipped) and sgld_std (`noiseStd`, noise added after the inner loop without clamp; 0).
 */
export type PyldUpdateOptions = Pick<SamplerConfig, "stepSize" | "inSteps" | "gradClip" | "clampRange" | "outerStepSize" | "noiseStd">;

/**
 * One PYLD-M-N outer step from the input gradient g (spec 3.2, simplified form): because the
 * first layer is affine and p is frozen, every inner Hamiltonian gradient equals g, so
 * z = clamp(x + sgld_lr·clip(g)) if sgld_lr > 0 else x; then `inSteps` times
 * z = clamp(z + pyld_lr·clip(g, ±eps)); finally x' = z + sgld_std·ξ. `onInner` receives a copy of each
 * inner iterate that the caller owns and must dispose (e.g. to compare with `x_inner1`).
 */
export function pyldUpdate(
  x: tf.Tensor4D,
  grad: tf.Tensor4D,
  noise: tf.Tensor4D | null,
  options: PyldUpdateOptions,
  onInner?: (step: number, z: tf.Tensor4D) => void,
): tf.Tensor4D {
  return tf.tidy(() => {
    const g = clipGrad(grad, options.gradClip);
    let z: tf.Tensor4D = x;
    if (options.outerStepSize > 0) z = clampTo(tf.add(x, tf.mul(g, options.outerStepSize)), options.clampRange);
    const step = tf.mul(g, options.stepSize);
    for (let k = 0; k < options.inSteps; k++) {
      z = clampTo(tf.add(z, step), options.clampRange);
      if (onInner) onInner(k, tf.keep(tf.clone(z)));
    }
    if (noise !== null && options.noiseStd > 0) z = tf.add(z, tf.mul(noise, options.noiseStd));
    return z;
  });
}
