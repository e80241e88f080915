import type * as tf from "@tensorflow/tfjs-core";
import type { NetLogitsFn, Rng } from "@ebjdat/runtime";
import { crossEntropy } from "@ebjdat/attacks";
import type { RawTensor } from "@ebjdat/formats";

/** One training batch in model space ([-1, 1], after augmentation and noise). */
export interface TrainBatch {
  /** Labelled images x_l. */
  xNet: tf.Tensor4D;
  /** Integer labels `[B]`. */
  y: tf.Tensor1D;
  /** The p(x) batch x_d of the JEM family (spec 4.2, 5.4), when the method has one. */
  xData?: tf.Tensor4D;
}

/** A loss to minimise and the named terms that make it up (logged per step). */
export interface ObjectiveOutput {
  loss: tf.Scalar;
  terms: Record<string, tf.Scalar>;
}

/** Values of one gradient evaluation: the loss and its named terms as numbers. */
export interface StepValues {
  loss: number;
  terms: Record<string, number>;
}

/**
 * What the loop hands an objective for one gradient evaluation. Forward passes run in the order
 * the objective calls them (BN running statistics depend on it, spec 0.2); each `accumulate`
 * adds the gradient of its loss to the step's gradient, so sampling can sit between forwards
 * (the official JEM++ computes fp before sampling, the adversarial sampler runs after CE(x_l)).
 */
export interface StepContext {
  /** The model (in SAM pass 2, `train` is mapped to `train-frozen`: running stats frozen, spec 4.1). */
  net: NetLogitsFn;
  /**
   * Runs `f` under the gradient tape and adds ∂loss/∂θ to the step's gradient (a sum over calls:
   * ∇L = Σ_k ∇L_k for L = Σ_k L_k). Returns the values of the loss and terms.
   */
  accumulate(f: () => ObjectiveOutput): StepValues;
  /** Random stream of this step (a function of seed and step: resumable). */
  rng: Rng;
  step: number;
  /** 1, or 2 for the second SAM pass at the perturbed weights: reuse pass 1's samples (spec 4.1). */
  pass: 1 | 2;
}

/** Tensors an objective keeps across steps (e.g. the replay buffer), saved in checkpoints. */
export interface ObjectiveState {
  save(): Record<string, RawTensor>;
  load(tensors: Map<string, RawTensor>): void;
}

/**
 * A training objective. The simple form is `loss(net, batch)`, called under one gradient tape;
 * the general form `run(ctx, batch)` drives the forward passes and samplers itself and
 * accumulates gradients through `ctx`. An objective may hold state (`state`, saved with every
 * checkpoint) and must free its tensors in `dispose`.
 */
export interface Objective {
  readonly name: string;
  loss?(net: NetLogitsFn, batch: TrainBatch): ObjectiveOutput;
  run?(ctx: StepContext, batch: TrainBatch): StepValues;
  /** Largest |energy| (or other health number) of the last step, for the divergence guard. */
  health?(): number;
  readonly state?: ObjectiveState;
  dispose?(): void;
}

/** Runs one gradient evaluation of any objective (the `run` form, else `loss` under one tape). */
export function runObjective(objective: Objective, ctx: StepContext, batch: TrainBatch): StepValues {
  if (objective.run) return objective.run(ctx, batch);
  if (!objective.loss) throw new Error(`Objective '${objective.name}' has neither run() nor loss().`);
  const loss = objective.loss.bind(objective);
  return ctx.accumulate(() => loss(ctx.net, batch));
}

/** The `standard` objective: L = CE(f(x), y), the batch mean (spec 9.1), with train-mode batch norm (the paper's "Standard" row). */
export const standardObjective: Objective = {
  name: "standard",
  loss(net, batch) {
    const ce = crossEntropy(net(batch.xNet, "train"), batch.y, "mean");
    return { loss: ce, terms: { ce } };
  },
};
