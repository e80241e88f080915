import * as tf from "@tensorflow/tfjs-core";
import { modelEps, type NetLogitsFn, type Rng } from "@ebjdat/runtime";
import { pgdCore } from "@ebjdat/attacks";
import { advSample, MODEL_RANGE } from "@ebjdat/samplers";
import type { AdvConfig } from "../config-types";
import type { Objective, ObjectiveOutput, StepContext, StepValues, TrainBatch } from "../objective";
import { klRows } from "./divergence";

/** Labels of a batch as a JS array (the samplers take them that way). */
export function labelsOf(batch: TrainBatch): Int32Array {
  return Int32Array.from(batch.y.dataSync());
}

/**
 * Madry PGD on CE in model space (spec 5.3 `pgd-ce`, 7.1): x̃₀ = clamp(x + U(−ε, ε)), K times
 * x̃ ← clamp(Π_{B∞(x,ε)}(x̃ + α·sign ∇CE)), BN in eval mode. Returns a new (detached) tensor.
 */
export function pgdCeExamples(net: NetLogitsFn, batch: TrainBatch, adv: AdvConfig, rng: Rng): tf.Tensor4D {
  return advSample(net, batch.xNet, labelsOf(batch), rng, { mode: "pgd-ce", steps: adv.steps, eps: adv.eps, alpha: adv.alpha, project: true, bnMode: "eval" });
}

/** σ of TRADES' Gaussian start, 0.001 (Zhang et al.'s code, on their [0, 1] images; kept as is in model space). */
const TRADES_START_STD = modelEps(0.001);

/**
 * The TRADES inner maximisation (Zhang et al. 2019) in model space, on the PGD core of
 * `@ebjdat/attacks`: x̃₀ = x + 0.001·N(0, I) (not clamped), K times
 * x̃ ← clamp(Π_{B∞(x,ε)}(x̃ + α·sign ∇_x̃ Σ_i KL(p(x_i) ‖ p(x̃_i))), −1, 1), BN eval.
 */
export function tradesExamples(net: NetLogitsFn, batch: TrainBatch, adv: AdvConfig, rng: Rng): tf.Tensor4D {
  const x = batch.xNet;
  const clean = tf.tidy(() => net(x, "eval"));
  const gradient = (xa: Float32Array): Float32Array =>
    tf.tidy(() => {
      const g = tf.grad((v: tf.Tensor) => tf.sum(klRows(clean, net(v as tf.Tensor4D, "eval"))))(tf.tensor4d(xa, x.shape));
      return Float32Array.from(g.dataSync() as Float32Array);
    });
  try {
    const xs = Float32Array.from(x.dataSync() as Float32Array);
    const out = pgdCore(xs, xs.length / x.shape[0], gradient, rng, {
      steps: adv.steps,
      stepSize: adv.alpha,
      eps: adv.eps,
      norm: "linf",
      project: true,
      box: MODEL_RANGE,
      linfProjection: "bounds",
      start: { kind: "gaussian", std: TRADES_START_STD },
    });
    return tf.tensor4d(out, x.shape);
  } finally {
    clean.dispose();
  }
}

/**
 * An adversarial-training objective (PGD-AT, TRADES, MART): draws x̃ with `examples` once per
 * step (SAM pass 2 reuses pass 1's x̃, as the official SAM step does) and accumulates
 * `loss(net, batch, x̃)` with train-mode BN. Owns and frees x̃.
 */
export function adversarialObjective(
  name: string,
  adv: AdvConfig,
  examples: (net: NetLogitsFn, batch: TrainBatch, adv: AdvConfig, rng: Rng) => tf.Tensor4D,
  loss: (net: NetLogitsFn, batch: TrainBatch, xAdv: tf.Tensor4D) => ObjectiveOutput,
): Objective {
  let xa: tf.Tensor4D | null = null;
  return {
    name,
    run(ctx: StepContext, batch: TrainBatch): StepValues {
      if (ctx.pass === 1 || !xa) {
        xa?.dispose();
        xa = examples(ctx.net, batch, adv, ctx.rng.fork("adv"));
      }
      const x = xa;
      return ctx.accumulate(() => loss(ctx.net, batch, x));
    },
    dispose(): void {
      xa?.dispose();
      xa = null;
    },
  };
}
