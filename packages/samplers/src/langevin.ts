import * as tf from "@tensorflow/tfjs-core";
import type { ClampRange } from "./types";

/** Options of the SGLD update rules. */
export interface SgldUpdateOptions {
  /** sgld_lr: the gradient step (JEM/SADA-JEM 1.0). */
  stepSize: number;
  /** sgld_std: the noise scale (JEM 0.01, SADA-JEM 0). */
  noiseStd: number;
  /** Clip the gradient to [-gradClip, gradClip] (SADA-JEM 1; JEM none). */
  gradClip: number | null;
  /** Clamp the result (SADA-JEM [-1, 1]; JEM none). */
  clampRange: ClampRange;
}

function clipGrad(g: tf.Tensor4D, c: number | null): tf.Tensor4D {
  return c === null ? g : tf.clipByValue(g, -c, c);
}

function clampTo(x: tf.Tensor4D, r: ClampRange): tf.Tensor4D {
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

/** Options of the PYLD update rule (spec 3.2). */
export interface PyldUpdateOptions {
  /** pyld_lr, the inner step (0.2). */
  stepSize: number;
  /** in_steps (5). */
  inSteps: number;
  /** eps: gradients are clipped to [-eps, eps] (1). */
  gradClip: number | null;
  /** Clamp after every inner step ([-1, 1]). */
  clampRange: ClampRange;
  /** sgld_lr of the optional first clamped step z = clamp(x + sgld_lr·clip(g)) (0: skipped). */
  outerStepSize: number;
  /** sgld_std, noise added after the inner loop without clamp (0). */
  noiseStd: number;
}

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
