import * as tf from "@tensorflow/tfjs-core";

/** Sharpness-aware minimisation settings (spec 4.1). */
export interface SamConfig {
  /** Neighbourhood radius ρ (official 2). */
  rho: number;
  /** Adaptive SAM (ASAM); the official rule is `adaptive = rho ≥ 0.5`, the default here too. */
  adaptive?: boolean;
}

/** The perturbation of SAM's first step and how to undo it. */
export interface SamPerturbation {
  /** ‖ stack_p ‖ (|w_p| if adaptive else 1) ⊙ g_p ‖₂ ‖₂ over the parameters with a gradient. */
  gradNorm: number;
  /** e_p by variable name (the caller disposes via `restore`). */
  eW: Record<string, tf.Tensor>;
  /** Restores the weights saved before the perturbation (w ← old w, exactly) and frees `eW`. */
  restore(): void;
}

/** Whether a SAM config is adaptive: explicit, else ρ ≥ 0.5 as the official `sam.py` (spec 4.1). */
export function samIsAdaptive(config: SamConfig): boolean {
  return config.adaptive ?? config.rho >= 0.5;
}

/**
 * SAM's first step (spec 4.1): norm = ‖ stack_p ‖ a_p ⊙ g_p ‖₂ ‖₂ with a_p = |w_p| (adaptive) or
 * 1, e_p = (w_p² if adaptive else 1) ⊙ g_p · ρ / (norm + 1e-12), then w_p ← w_p + e_p. The
 * gradient excludes weight decay (that is applied by the base optimiser only).
 */
export function samFirstStep(vars: tf.Variable[], grads: Record<string, tf.Tensor>, config: SamConfig): SamPerturbation {
  if (!(config.rho > 0)) throw new Error(`SAM: rho must be > 0, got ${config.rho}.`);
  const adaptive = samIsAdaptive(config);
  const withGrad = vars.filter((v) => grads[v.name] !== undefined);
  const gradNorm = tf.tidy(() => {
    const sq = withGrad.map((v) => {
      const g = grads[v.name]!;
      return tf.sum(tf.square(adaptive ? tf.mul(tf.abs(v), g) : g));
    });
    return sq.length === 0 ? 0 : Math.sqrt(tf.addN(sq).dataSync()[0]!);
  });
  const scale = config.rho / (gradNorm + 1e-12);
  const eW: Record<string, tf.Tensor> = {};
  const old: Record<string, tf.Tensor> = {};
  for (const v of withGrad) {
    const g = grads[v.name]!;
    eW[v.name] = tf.tidy(() => tf.mul(adaptive ? tf.mul(tf.square(v), g) : g, scale));
    old[v.name] = tf.clone(v);
    tf.tidy(() => v.assign(tf.add(v, eW[v.name]!)));
  }
  let done = false;
  return {
    gradNorm,
    eW,
    restore(): void {
      if (done) return;
      done = true;
      for (const v of withGrad) {
        v.assign(old[v.name]!);
        old[v.name]!.dispose();
        eW[v.name]!.dispose();
      }
    },
  };
}
