import * as tf from "@tensorflow/tfjs-core";

/** Optimiser settings (spec 9.2). Weight decay is L2 added to the gradient, as in PyTorch. */
export type OptimizerConfig =
  | { name: "sgd"; lr: number; momentum: number; weightDecay: number; nesterov?: boolean }
  | { name: "adam"; lr: number; beta1: number; beta2: number; eps: number; weightDecay: number };

/** A named snapshot of optimiser state, for checkpoints. */
export interface OptimizerState {
  name: string;
  step: number;
  /** Slot tensors by `<slot>/<variable name>`, as flat float32 data with shapes. */
  slots: Record<string, { shape: number[]; data: Float32Array }>;
}

/** The optimiser contract of the training loop: apply gradients at a learning rate. */
export interface Optimizer {
  readonly config: OptimizerConfig;
  /**
   * Updates every variable that has a gradient in `grads` (keyed by variable name). `keyOf`
   * names each variable's slots stably across processes (default: the variable name; the loop
   * passes the model's state-dict key, so slots survive a checkpoint reload).
   */
  apply(vars: tf.Variable[], grads: Record<string, tf.Tensor>, lr: number, keyOf?: (v: tf.Variable) => string): void;
  getState(): OptimizerState;
  setState(state: OptimizerState): void;
  dispose(): void;
}

abstract class SlotOptimizer implements Optimizer {
  protected slots = new Map<string, tf.Variable>();
  protected step = 0;
  constructor(readonly config: OptimizerConfig) {}

  protected slot(kind: string, v: tf.Variable, name: string): tf.Variable {
    const key = `${kind}/${name}`;
    let s = this.slots.get(key);
    if (!s) {
      s = tf.variable(tf.zerosLike(v), false);
      this.slots.set(key, s);
    }
    return s;
  }

  abstract apply(vars: tf.Variable[], grads: Record<string, tf.Tensor>, lr: number, keyOf?: (v: tf.Variable) => string): void;

  getState(): OptimizerState {
    const slots: OptimizerState["slots"] = {};
    for (const [k, v] of this.slots) slots[k] = { shape: v.shape.slice(), data: v.dataSync() as Float32Array };
    return { name: this.config.name, step: this.step, slots };
  }

  setState(state: OptimizerState): void {
    if (state.name !== this.config.name) throw new Error(`Optimizer state is for '${state.name}', this optimizer is '${this.config.name}'.`);
    this.dispose();
    this.step = state.step;
    for (const [k, s] of Object.entries(state.slots)) this.slots.set(k, tf.variable(tf.tensor(s.data, s.shape, "float32"), false));
  }

  dispose(): void {
    for (const v of this.slots.values()) v.dispose();
    this.slots.clear();
  }
}

/**
 * SGD with momentum in PyTorch's form (spec 9.2): g = ∇ + wd·p; b ← m·b + g (b = g at the first
 * step); p ← p − lr·b (Nesterov: p ← p − lr·(g + m·b)).
 */
export class Sgd extends SlotOptimizer {
  declare readonly config: Extract<OptimizerConfig, { name: "sgd" }>;
  apply(vars: tf.Variable[], grads: Record<string, tf.Tensor>, lr: number, keyOf: (v: tf.Variable) => string = (v) => v.name): void {
    const { momentum, weightDecay, nesterov } = this.config;
    const first = this.step === 0;
    this.step += 1;
    for (const v of vars) {
      const grad = grads[v.name];
      if (!grad) continue;
      tf.tidy(() => {
        let g = weightDecay !== 0 ? tf.add(grad, tf.mul(v, weightDecay)) : grad;
        if (momentum !== 0) {
          const b = this.slot("momentum", v, keyOf(v));
          const nb = first ? g : tf.add(tf.mul(b, momentum), g);
          b.assign(nb);
          g = nesterov ? tf.add(g, tf.mul(nb, momentum)) : nb;
        }
        v.assign(tf.sub(v, tf.mul(g, lr)));
      });
    }
  }
}

/**
 * Adam in PyTorch's form (spec 2.4): g = ∇ + wd·p; m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²;
 * p ← p − lr·(m/(1−β1ᵗ)) / (sqrt(v/(1−β2ᵗ)) + eps).
 */
export class Adam extends SlotOptimizer {
  declare readonly config: Extract<OptimizerConfig, { name: "adam" }>;
  apply(vars: tf.Variable[], grads: Record<string, tf.Tensor>, lr: number, keyOf: (v: tf.Variable) => string = (v) => v.name): void {
    const { beta1, beta2, eps, weightDecay } = this.config;
    this.step += 1;
    const bc1 = 1 - Math.pow(beta1, this.step);
    const bc2 = 1 - Math.pow(beta2, this.step);
    for (const v of vars) {
      const grad = grads[v.name];
      if (!grad) continue;
      tf.tidy(() => {
        const g = weightDecay !== 0 ? tf.add(grad, tf.mul(v, weightDecay)) : grad;
        const m = this.slot("m", v, keyOf(v));
        const s = this.slot("v", v, keyOf(v));
        const nm = tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1));
        const ns = tf.add(tf.mul(s, beta2), tf.mul(tf.square(g), 1 - beta2));
        m.assign(nm);
        s.assign(ns);
        const denom = tf.add(tf.sqrt(tf.div(ns, bc2)), eps);
        v.assign(tf.sub(v, tf.mul(tf.div(nm, denom), lr / bc1)));
      });
    }
  }
}

/** Creates the optimiser a config names. */
export function createOptimizer(config: OptimizerConfig): Optimizer {
  return config.name === "sgd" ? new Sgd(config) : new Adam(config);
}
