import * as tf from "@tensorflow/tfjs-core";
import type { BnMode, NetLogitsFn, Rng } from "@ebjdat/runtime";
import { labelsTensor } from "@ebjdat/energy";
import type { SamplerConfig } from "./config";
import { clampTo, clipGrad, sgldUpdate, pyldUpdate } from "./langevin";
import { chainGradient, chainObjective } from "./objective";
import type { ReplayBuffer } from "./replay-buffer";

/**
 * The network split at its first layer, for the literal PYLD form (spec 3.2):
 * `head` is the affine first layer h1 = conv1(x) (must not depend on BN state), `tail` maps
 * h1 to logits, so that `tail(head(x), mode)` equals the model's logits.
 */
export interface PyldSplit {
  head: (xNet: tf.Tensor4D) => tf.Tensor;
  tail: (h1: tf.Tensor, mode: BnMode) => tf.Tensor2D;
}

/** Options of {@link runChain}. */
export interface RunChainOptions {
  /** Class labels: ascend f(x)[y] instead of LSE f(x) (spec 6.1). */
  y?: Int32Array | number[];
  /** Required for `pyldForm: 'literal'`. */
  split?: PyldSplit;
  /** Called after each outer step. */
  onStep?: (step: number, total: number) => void;
}


function noiseFor(x: tf.Tensor4D, std: number, rng: Rng): tf.Tensor4D | null {
  return std > 0 ? rng.normal<tf.Rank.R4>(x.shape) : null;
}

/** One literal PYLD outer step: p = ∂s/∂h1, inner gradient g1 = ∂ Σ head(z)·p / ∂z (spec 3.2). */
function pyldLiteralStep(x: tf.Tensor4D, cfg: SamplerConfig, split: PyldSplit, y: tf.Tensor1D | undefined, noise: tf.Tensor4D | null): tf.Tensor4D {
  return tf.tidy(() => {
    const h1 = split.head(x);
    const p = tf.grad((h: tf.Tensor) => chainObjective(split.tail(h, cfg.bnMode), y))(h1);
    const ham = tf.grad((z: tf.Tensor) => tf.sum(tf.mul(split.head(z as tf.Tensor4D), p)));
    const step = (z: tf.Tensor4D, size: number): tf.Tensor4D => clampTo(tf.add(z, tf.mul(clipGrad(ham(z) as tf.Tensor4D, cfg.gradClip), size)), cfg.clampRange);
    let z: tf.Tensor4D = x;
    if (cfg.outerStepSize > 0) z = step(x, cfg.outerStepSize);
    for (let k = 0; k < cfg.inSteps; k++) z = step(z, cfg.stepSize);
    if (noise !== null && cfg.noiseStd > 0) z = tf.add(z, tf.mul(noise, cfg.noiseStd));
    return z;
  });
}

/**
 * One step of a generative chain in model space (spec 2.3, 3.2, 4.3): computes the gradient
 * of Σ LSE f(x) (or Σ f(x)[y]) in `cfg.bnMode` and applies the configured update rule. The
 * noise ξ is drawn from `rng` in JavaScript. Returns a new tensor; `x` is not disposed.
 */
export function chainStep(fn: NetLogitsFn, x: tf.Tensor4D, cfg: SamplerConfig, rng: Rng, options: { y?: Int32Array | number[]; split?: PyldSplit } = {}): tf.Tensor4D {
  const y = options.y === undefined ? undefined : labelsTensor(options.y, x.shape[0], "chainStep");
  const noise = noiseFor(x, cfg.noiseStd, rng);
  try {
    if (cfg.update === "pyld" && cfg.pyldForm === "literal") {
      if (!options.split) throw new Error("chainStep: pyldForm 'literal' needs a PyldSplit (head = first layer, tail = rest)");
      return pyldLiteralStep(x, cfg, options.split, y, noise);
    }
    return tf.tidy(() => {
      const g = chainGradient(fn, x, cfg.bnMode, y);
      return cfg.update === "pyld" ? pyldUpdate(x, g, noise, cfg) : sgldUpdate(x, g, noise, cfg);
    });
  } finally {
    if (y) y.dispose();
    if (noise) noise.dispose();
  }
}

/**
 * Runs `cfg.nSteps` chain steps from `x0` (spec 6.1); returns the final state (new tensor).
 */
export function runChain(fn: NetLogitsFn, x0: tf.Tensor4D, cfg: SamplerConfig, rng: Rng, options: RunChainOptions = {}): tf.Tensor4D {
  if (x0.rank !== 4) throw new Error(`runChain: x0 must be NHWC rank 4, got shape [${x0.shape.join(", ")}]`);
  let x = tf.clone(x0);
  for (let s = 0; s < cfg.nSteps; s++) {
    const next = chainStep(fn, x, cfg, rng, options);
    x.dispose();
    x = next;
    options.onStep?.(s + 1, cfg.nSteps);
  }
  return x;
}

/** Options of {@link sampleQ}. */
export interface SampleQOptions extends RunChainOptions {
  batchSize: number;
  /** Separate generator for the buffer draw (default: the chain's `rng`). */
  drawRng?: Rng;
}

/** Result of {@link sampleQ}. */
export interface SampleQResult {
  /** Final chain states `[B, H, W, C]`, model space (caller disposes). */
  x: tf.Tensor4D;
  /** Buffer rows they were written back to. */
  indices: Int32Array;
  /** 1 where the chain was re-initialised. */
  reinit: Uint8Array;
}

/**
 * The official `sample_q` (spec 2.3, 3.2, 4.3, 6.1): draw a batch from the replay buffer
 * (with `cfg.reinitFreq` re-initialisation, class blocks when `y` is given), run the chain,
 * write the final states back (last write wins) and return them.
 */
export function sampleQ(fn: NetLogitsFn, buffer: ReplayBuffer, cfg: SamplerConfig, rng: Rng, options: SampleQOptions): SampleQResult {
  const draw = buffer.draw(options.batchSize, options.drawRng ?? rng, { y: options.y, reinitFreq: cfg.reinitFreq });
  try {
    const x = runChain(fn, draw.x, cfg, rng, options);
    buffer.writeBack(draw.indices, x);
    return { x, indices: draw.indices, reinit: draw.reinit };
  } finally {
    draw.x.dispose();
  }
}
