import * as tf from "@tensorflow/tfjs-core";
import type { BnMode, NetLogitsFn, Rng } from "@ebjdat/runtime";
import { runObjective, type Objective, type ObjectiveOutput, type StepContext, type StepValues, type TrainBatch } from "./objective";

/** The gradient of one evaluation of an objective, by variable name, with its values. */
export interface GradientResult extends StepValues {
  /** ∂L/∂θ by variable name (variables without a gradient are absent). The caller disposes. */
  grads: Record<string, tf.Tensor>;
}

/** Options of {@link objectiveGradients}. */
export interface GradientOptions {
  net: NetLogitsFn;
  vars: tf.Variable[];
  rng: Rng;
  step: number;
  /** 2 = SAM's second pass: `train` forwards become `train-frozen` (spec 4.1 disable_running_stats). */
  pass?: 1 | 2;
}

/**
 * Evaluates an objective and its gradient ∇θ L = Σ_k ∇θ L_k over the objective's
 * `accumulate` calls (each one a separate tape, so sampling may sit between forward passes).
 */
export function objectiveGradients(objective: Objective, batch: TrainBatch, options: GradientOptions): GradientResult {
  const pass = options.pass ?? 1;
  const grads: Record<string, tf.Tensor> = {};
  const base = options.net;
  const net: NetLogitsFn = pass === 2 ? (x, mode: BnMode) => base(x, mode === "train" ? "train-frozen" : mode) : base;
  const accumulate = (f: () => ObjectiveOutput): StepValues => {
    let kept: ObjectiveOutput | undefined;
    const { value, grads: g } = tf.variableGrads(() => {
      const out = f();
      for (const t of Object.values(out.terms)) tf.keep(t);
      kept = out;
      return out.loss;
    }, options.vars);
    const terms: Record<string, number> = {};
    for (const [k, t] of Object.entries(kept!.terms)) {
      terms[k] = t.dataSync()[0]!;
      if (t !== value) t.dispose();
    }
    const loss = value.dataSync()[0]!;
    value.dispose();
    for (const [name, gt] of Object.entries(g)) {
      const prev = grads[name];
      if (prev) {
        grads[name] = tf.add(prev, gt);
        prev.dispose();
        gt.dispose();
      } else grads[name] = gt;
    }
    return { loss, terms };
  };
  const ctx: StepContext = { net, accumulate, rng: options.rng, step: options.step, pass };
  try {
    const values = runObjective(objective, ctx, batch);
    return { ...values, grads };
  } catch (e) {
    for (const t of Object.values(grads)) t.dispose();
    throw e;
  }
}
