import * as tf from "@tensorflow/tfjs-core";
import { affineLeakyRelu, type BnMode } from "@ebjdat/runtime";

/** All batch-norm modes ({@link BnMode} of `@ebjdat/runtime`, spec 0.2), for validation and CLI help. */
export const BN_MODES: readonly BnMode[] = ["eval", "train", "train-frozen"];

/** Throws unless `mode` is one of `eval`, `train`, `train-frozen`. */
export function checkMode(mode: unknown): BnMode {
  if (!(BN_MODES as readonly unknown[]).includes(mode)) {
    throw new Error(`Unknown mode '${String(mode)}'; expected one of ${BN_MODES.join(", ")}.`);
  }
  return mode as BnMode;
}

/**
 * Per-channel sum of an NHWC tensor, reduced in stages: first over W, then over H, then over
 * the batch. Each float32 reduction therefore covers at most max(W, H, B) values (32 for
 * CIFAR) instead of B·H·W = 8192, which keeps the rounding error of the BN statistics near
 * float32 unit round-off (README of the vectors, section 5: a naive float32 sum can drift by
 * ~1e-5 relative, the running-stat tolerance). The cpu backend already accumulates in float64;
 * wasm/WebGL/WebGPU accumulate in float32, which is where the staging matters. Staying on the
 * device (rather than reading back and summing in float64) keeps the op differentiable and
 * free of synchronous reads, and the same statistics serve both the normalisation and the
 * running update.
 */
export function channelSum(x: tf.Tensor4D): tf.Tensor1D {
  return tf.tidy(() => tf.sum(tf.sum(tf.sum(x, 2), 1), 0)) as tf.Tensor1D;
}

/**
 * A variable initialised from `init`, which is then disposed (a `tf.variable` shares the data of
 * its initial value, which would otherwise stay alive as an extra tracked tensor).
 */
export function ownedVariable<R extends tf.Rank>(init: tf.Tensor<R>, trainable: boolean, name: string): tf.Variable<R> {
  const v = tf.variable(init, trainable, name);
  init.dispose();
  return v;
}

/** Options of a BatchNorm2d layer. */
export interface BatchNormOptions {
  /** PyTorch-convention momentum m: running = (1-m)·running + m·batch (official 0.9). */
  momentum: number;
  /** Epsilon added to the variance (official 1e-5). */
  eps: number;
}

/**
 * BatchNorm2d over the channel (last) axis of NHWC tensors with PyTorch semantics (spec 0.2).
 * The affine parameters are trainable `tf.Variable`s; the running statistics are
 * non-trainable variables; `numBatchesTracked` is a plain counter (int64 in checkpoints).
 */
export class BatchNorm2d {
  readonly weight: tf.Variable<tf.Rank.R1>;
  readonly bias: tf.Variable<tf.Rank.R1>;
  readonly runningMean: tf.Variable<tf.Rank.R1>;
  readonly runningVar: tf.Variable<tf.Rank.R1>;
  numBatchesTracked = 0;

  /**
   * @param channels number of channels C.
   * @param options momentum (PyTorch convention) and eps.
   * @param namePrefix unique prefix for the variable names (e.g. `wrn3/f.bn1`).
   */
  constructor(
    readonly channels: number,
    readonly options: BatchNormOptions,
    namePrefix: string,
  ) {
    if (!Number.isInteger(channels) || channels <= 0) throw new Error(`BatchNorm2d channels ${channels}: expected a positive integer.`);
    this.weight = ownedVariable(tf.ones([channels]), true, `${namePrefix}.weight`);
    this.bias = ownedVariable(tf.zeros([channels]), true, `${namePrefix}.bias`);
    this.runningMean = ownedVariable(tf.zeros([channels]), false, `${namePrefix}.running_mean`);
    this.runningVar = ownedVariable(tf.ones([channels]), false, `${namePrefix}.running_var`);
  }

  /**
   * y = (x - μ)/sqrt(σ² + eps)·γ + β, with (μ, σ²) the running statistics (`eval`) or the
   * batch statistics with the biased variance (`train`, `train-frozen`; gradients flow through
   * them). In `train` mode the running statistics become
   * `(1-m)·running + m·batch` with the unbiased batch variance σ²·n/(n-1); both training modes
   * increment `numBatchesTracked` (spec 0.2).
   */
  apply(x: tf.Tensor4D, mode: BnMode): tf.Tensor4D {
    this.checkInput(x);
    const { eps, momentum } = this.options;
    if (mode === "eval") return this.evalAffine(x, 1);
    checkMode(mode);
    const count = x.shape[0] * x.shape[1] * x.shape[2];
    if (count < 2 && mode === "train") {
      throw new Error(`BatchNorm2d in train mode needs more than 1 value per channel (got input [${x.shape.join(", ")}]).`);
    }
    const op = tf.customGrad((xIn: tf.Tensor | tf.GradSaveFunc, gammaIn: tf.Tensor | tf.GradSaveFunc, betaIn: tf.Tensor | tf.GradSaveFunc, saveIn: tf.Tensor | tf.GradSaveFunc) => {
      const xx = xIn as tf.Tensor4D;
      const save = saveIn as tf.GradSaveFunc;
      const mean = tf.div(channelSum(xx), count) as tf.Tensor1D;
      const centred = tf.sub(xx, mean);
      const variance = tf.div(channelSum(tf.square(centred) as tf.Tensor4D), count) as tf.Tensor1D;
      if (mode === "train") this.updateRunning(mean, variance, count, momentum);
      const invstd = tf.rsqrt(tf.add(variance, eps));
      const xhat = tf.mul(centred, invstd) as tf.Tensor4D;
      const scale = tf.mul(gammaIn as tf.Tensor1D, invstd) as tf.Tensor1D;
      save([xhat, scale]);
      const value = tf.add(tf.mul(xhat, gammaIn as tf.Tensor1D), betaIn as tf.Tensor1D) as tf.Tensor4D;
      // Analytic backward (the PyTorch formula), with the staged channel sums:
      // dβ = Σdy, dγ = Σ dy·x̂, dx = γ·invstd·(dy − Σdy/n − x̂·Σ(dy·x̂)/n). Autodiff of the forward
      // graph would reduce 8·32·32 values per channel in one float32 sum on wasm, and the
      // cancellation in dy − mean(dy) turns that rounding into ~1e-3 relative gradient error.
      const gradFunc = (dy: tf.Tensor4D, saved: tf.Tensor[]): tf.Tensor[] => {
        const [sxhat, sscale] = saved as [tf.Tensor4D, tf.Tensor1D];
        const sumDy = channelSum(dy);
        const sumDyXhat = channelSum(tf.mul(dy, sxhat) as tf.Tensor4D);
        const inner = tf.sub(tf.sub(dy, tf.div(sumDy, count)), tf.mul(sxhat, tf.div(sumDyXhat, count)));
        return [tf.mul(inner, sscale), sumDyXhat, sumDy];
      };
      return { value, gradFunc };
    });
    const out = op(x, this.weight, this.bias);
    this.numBatchesTracked += 1;
    return out;
  }

  /**
   * LeakyReLU_α(bn(x + inputBias)): the batch norm, then the network's leaky ReLU (spec 2.1). In
   * `eval` mode one fused pass (`affineLeakyRelu` of `@ebjdat/runtime`) with the running
   * statistics' affine map, into whose shift a per-channel `inputBias` (the bias of the conv
   * before) is folded: (x + b)·γ̂ + β̂ = x·γ̂ + (b·γ̂ + β̂). Other modes: `apply`, then the leaky ReLU.
   */
  applyLeakyRelu(x: tf.Tensor4D, mode: BnMode, alpha: number, inputBias?: tf.Tensor1D): tf.Tensor4D {
    if (mode === "eval") {
      this.checkInput(x);
      return this.evalAffine(x, alpha, inputBias);
    }
    return tf.tidy(() => tf.leakyRelu(this.apply(inputBias ? (tf.add(x, inputBias) as tf.Tensor4D) : x, mode), alpha));
  }

  /** Eval mode: y = LeakyReLU_α((x + b)·γ̂ + β̂), γ̂ = γ/√(σ²_run + ε), β̂ = β − μ_run·γ̂ (α = 1: the affine map; spec 0.2). */
  private evalAffine(x: tf.Tensor4D, alpha: number, inputBias?: tf.Tensor1D): tf.Tensor4D {
    return tf.tidy(() => {
      const scale = tf.mul(this.weight, tf.rsqrt(tf.add(this.runningVar, this.options.eps)));
      let shift = tf.sub(this.bias, tf.mul(this.runningMean, scale));
      if (inputBias) shift = tf.add(shift, tf.mul(inputBias, scale));
      return affineLeakyRelu(x, scale, shift, alpha);
    });
  }

  private checkInput(x: tf.Tensor4D): void {
    if (x.rank !== 4 || x.shape[3] !== this.channels) {
      throw new Error(`BatchNorm2d input shape [${x.shape.join(", ")}]: expected NHWC with ${this.channels} channels.`);
    }
  }

  private updateRunning(mean: tf.Tensor1D, varBiased: tf.Tensor1D, count: number, m: number): void {
    const [newMean, newVar] = tf.tidy(() => {
      // The update is a side effect: it never reaches the output, so no gradient flows here.
      const unbiased = tf.mul(varBiased, count / (count - 1));
      return [tf.add(tf.mul(this.runningMean, 1 - m), tf.mul(mean, m)), tf.add(tf.mul(this.runningVar, 1 - m), tf.mul(unbiased, m))];
    });
    this.runningMean.assign(newMean as tf.Tensor1D);
    this.runningVar.assign(newVar as tf.Tensor1D);
    newMean.dispose();
    newVar.dispose();
  }

  /** Disposes the four variables. */
  dispose(): void {
    this.weight.dispose();
    this.bias.dispose();
    this.runningMean.dispose();
    this.runningVar.dispose();
  }
}
