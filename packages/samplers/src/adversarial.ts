import * as tf from "@tensorflow/tfjs-core";
import { convertLength, modelEps, type BnMode, type ModelEps, type NetLogitsFn, type Rng } from "@ebjdat/runtime";
import { crossEntropy, PAPER_EPS, pgdCore, type PgdStepRule } from "@ebjdat/attacks";
import { energy as marginalEnergy, jointEnergy } from "@ebjdat/energy";
import type { ClampRange } from "./types";

/**
 * The inner problem of EB-JDAT (spec 5.3, `advSampler`):
 * - `code`: ascend Σ f(x̃)[y] + Σ‖n(f(x)) - n(f(x̃))‖² (the official `sampleXadv`; it *lowers*
 *   E(x̃, y)), sign steps, no ε-ball projection;
 * - `code-ce`: ascend CE(f(x̃), y) + Σ‖n(f(x)) - n(f(x̃))‖² (the commented official
 *   alternative; CE is the mean over each sub-batch of 2), no projection;
 * - `paper`: ascend E(x̃) = -LSE f(x̃) (or E(x̃, y) with `energy: 'joint'`), optional Gaussian
 *   noise, projection onto B∞(x, ε);
 * - `pgd-ce`: ascend CE(f(x̃), y) (Madry PGD), projection.
 */
export type AdvSamplerMode = "code" | "code-ce" | "paper" | "pgd-ce";

/** The composite presets of spec 5.3 and the inner sampler each uses. */
export type AdvPresetName = "code" | "paper" | "ce";

/** `advSampler` of each composite preset (spec 5.3): code → `code`, paper → `paper`, ce → `pgd-ce`. */
export const ADV_PRESET_SAMPLER: Readonly<Record<AdvPresetName, AdvSamplerMode>> = {
  code: "code",
  paper: "paper",
  ce: "pgd-ce",
};

/** Options of {@link advSample}; every length is in model space (spec 0.1). */
export interface AdvSamplerOptions {
  /** Default `paper`. */
  mode?: AdvSamplerMode;
  /** ℓ∞ radius of the random start and of the projection (default the official 8/255, model space). */
  eps?: ModelEps;
  /** Sign-step size α (default the official 2/255, model space). */
  alpha?: ModelEps;
  /** Number of steps K (default 5). */
  steps?: number;
  /** Project onto B∞(x, ε) after every step; default: `paper`/`pgd-ce` yes, `code`/`code-ce` no. */
  project?: boolean;
  /** `paper` only: Gaussian noise σ_adv added to each step (default 0). */
  noiseStd?: ModelEps;
  /** `paper` only: ascend the marginal E(x̃) (default) or the joint E(x̃, y). */
  energy?: "marginal" | "joint";
  /** Weight of the perception (logit-alignment) term in `code`/`code-ce` (default 1). */
  perceptionWeight?: number;
  /** Sub-batch over which `code-ce` averages its CE (official 2). */
  subBatch?: number;
  /** BN mode of the forward passes (default `eval`, spec 5.2). */
  bnMode?: BnMode;
  /** Clamp after every step (default [-1, 1]). */
  clampRange?: ClampRange;
  /** Explicit start x̃_0 instead of the random start (e.g. stored draws). */
  start?: tf.Tensor4D;
}

/** The official sampler's ε = 8/255 and α = 2/255 in model space (spec 5.2). */
const DEFAULT_EPS: ModelEps = convertLength(PAPER_EPS, "model");
const DEFAULT_ALPHA: ModelEps = modelEps(2 / 255);

interface Resolved {
  mode: AdvSamplerMode;
  eps: ModelEps;
  alpha: ModelEps;
  steps: number;
  project: boolean;
  noiseStd: ModelEps;
  energy: "marginal" | "joint";
  perceptionWeight: number;
  subBatch: number;
  bnMode: BnMode;
  clampRange: ClampRange;
}

function resolve(o: AdvSamplerOptions): Resolved {
  const mode = o.mode ?? "paper";
  if (!["code", "code-ce", "paper", "pgd-ce"].includes(mode)) throw new Error(`advSample: mode must be code, code-ce, paper or pgd-ce, got '${mode}'`);
  const r: Resolved = {
    mode,
    eps: o.eps ?? DEFAULT_EPS,
    alpha: o.alpha ?? DEFAULT_ALPHA,
    steps: o.steps ?? 5,
    project: o.project ?? (mode === "paper" || mode === "pgd-ce"),
    noiseStd: o.noiseStd ?? modelEps(0),
    energy: o.energy ?? "marginal",
    perceptionWeight: o.perceptionWeight ?? 1,
    subBatch: o.subBatch ?? 2,
    bnMode: o.bnMode ?? "eval",
    clampRange: o.clampRange === undefined ? [-1, 1] : o.clampRange,
  };
  if (!(r.eps >= 0)) throw new Error(`advSample: eps must be >= 0, got ${r.eps}`);
  if (!(r.alpha >= 0)) throw new Error(`advSample: alpha must be >= 0, got ${r.alpha}`);
  if (!(Number.isInteger(r.steps) && r.steps >= 0)) throw new Error(`advSample: steps must be an integer >= 0, got ${r.steps}`);
  if (!(r.noiseStd >= 0)) throw new Error(`advSample: noiseStd must be >= 0, got ${r.noiseStd}`);
  if (r.noiseStd > 0 && mode !== "paper") throw new Error(`advSample: noiseStd is a 'paper' mode option, got mode '${mode}'`);
  if (!(Number.isInteger(r.subBatch) && r.subBatch >= 1)) throw new Error(`advSample: subBatch must be a positive integer, got ${r.subBatch}`);
  return r;
}

/** n(v) = v / (‖v‖₂ + 1e-10), row-wise. */
function normalizeRows(v: tf.Tensor2D): tf.Tensor2D {
  return tf.div(v, tf.add(tf.norm(v, 2, 1, true), 1e-10));
}

/** Per-sample terms of the adversarial objective (spec 5.2, 5.3). */
export type AdvObjectiveTerms = {
  /** The mode's main term per sample: f[y] (`code`), CE_i/|sub-batch| (`code-ce`), E (`paper`), CE_i (`pgd-ce`). */
  main: tf.Tensor1D;
  /** ‖n(f(x_i)) - n(f(x̃_i))‖² (zero for `paper` and `pgd-ce`). */
  perception: tf.Tensor1D;
};

function termsFromLogits(mode: AdvSamplerMode, energy: "marginal" | "joint", subBatch: number, advLogits: tf.Tensor2D, cleanLogits: tf.Tensor2D | null, y: tf.Tensor1D | null): AdvObjectiveTerms {
  return tf.tidy(() => {
    const b = advLogits.shape[0];
    let main: tf.Tensor1D;
    switch (mode) {
      case "code":
        main = tf.neg(jointEnergy(advLogits, y!)); // f(x̃)[y] = -E(x̃, y)
        break;
      case "pgd-ce":
        main = crossEntropy(advLogits, y!, "none");
        break;
      case "code-ce": {
        const w = new Float32Array(b);
        for (let i = 0; i < b; i++) {
          const start = Math.floor(i / subBatch) * subBatch;
          w[i] = 1 / (Math.min(start + subBatch, b) - start);
        }
        main = tf.mul(crossEntropy(advLogits, y!, "none"), tf.tensor1d(w));
        break;
      }
      case "paper":
        main = energy === "joint" ? jointEnergy(advLogits, y!) : marginalEnergy(advLogits);
        break;
    }
    const perception =
      cleanLogits && (mode === "code" || mode === "code-ce")
        ? (tf.sum(tf.square(tf.sub(normalizeRows(cleanLogits), normalizeRows(advLogits))), 1) as tf.Tensor1D)
        : tf.zeros([b]);
    return { main, perception: perception as tf.Tensor1D };
  });
}

function needsLabels(r: Resolved): boolean {
  return r.mode !== "paper" || r.energy === "joint";
}

/**
 * Per-sample terms of the objective that {@link advSample} ascends (spec 5.3), evaluated at
 * x̃ for clean x: J = Σ_i main_i + perceptionWeight · Σ_i perception_i. (`code`: main = f(x̃)[y]
 * = -E(x̃, y); `paper`: main = E(x̃).)
 */
export function advObjectiveTerms(fn: NetLogitsFn, x: tf.Tensor4D, xAdv: tf.Tensor4D, y: Int32Array | number[] | null, options: AdvSamplerOptions = {}): AdvObjectiveTerms {
  const r = resolve(options);
  const yt = labelTensorOrNull(y, x.shape[0], needsLabels(r));
  try {
    return tf.tidy(() => {
      const clean = r.mode === "code" || r.mode === "code-ce" ? fn(x, r.bnMode) : null;
      return termsFromLogits(r.mode, r.energy, r.subBatch, fn(xAdv, r.bnMode), clean, yt);
    });
  } finally {
    yt?.dispose();
  }
}

function labelTensorOrNull(y: Int32Array | number[] | null, b: number, required: boolean): tf.Tensor1D | null {
  if (y === null || y === undefined) {
    if (required) throw new Error("advSample: this mode needs labels y");
    return null;
  }
  if (y.length !== b) throw new Error(`advSample: expected ${b} labels, got ${y.length}`);
  for (let i = 0; i < y.length; i++) {
    if (!(Number.isInteger(y[i]) && y[i]! >= 0)) throw new Error(`advSample: label ${i} is ${y[i]}, expected a non-negative integer`);
  }
  return tf.tensor1d(Int32Array.from(y), "int32");
}

/**
 * The update rule of {@link advSample} for `options` as a rule of the PGD core of
 * `@ebjdat/attacks` (spec 5.2 step 4, 5.1 Eq. 12): x̃' = clamp(Π_{B∞(x, ε)}(x̃ + α·sign(g)
 * [+ σ·ξ]), range), in model space, the projection (bounds form) only when `project` is on.
 */
export function advStepRule(options: AdvSamplerOptions = {}): PgdStepRule<"model"> {
  const r = resolve(options);
  return { stepSize: r.alpha, eps: r.eps, norm: "linf", project: r.project, box: r.clampRange, linfProjection: "bounds", noiseStd: r.noiseStd };
}

/**
 * The EB-JDAT adversarial sampler (spec 5.2, 5.3) on model-space images: x̃_0 = clamp(x + U(-ε, ε)),
 * then K times x̃ ← clamp(Π(x̃ + α·sign(∇_x̃ J(x̃)))), J per {@link AdvSamplerMode}, forward passes
 * in `bnMode` (default eval); the PGD core of `@ebjdat/attacks` with the rule {@link advStepRule}.
 * The uniform start and any noise are drawn from `rng` in JS. Returns a new tensor (detached);
 * with projection no element leaves B∞(x, ε) ∩ range.
 */
export function advSample(fn: NetLogitsFn, x: tf.Tensor4D, y: Int32Array | number[] | null, rng: Rng, options: AdvSamplerOptions = {}): tf.Tensor4D {
  const r = resolve(options);
  if (x.rank !== 4) throw new Error(`advSample: x must be NHWC rank 4, got shape [${x.shape.join(", ")}]`);
  if (options.start && options.start.shape.join() !== x.shape.join()) throw new Error(`advSample: start must have x's shape [${x.shape.join(", ")}], got [${options.start.shape.join(", ")}]`);
  const yt = labelTensorOrNull(y, x.shape[0], needsLabels(r));
  const withPerception = r.mode === "code" || r.mode === "code-ce";
  // ∇_x̃ J(x̃) (spec 5.2 step 4); the clean logits are recomputed each step, as the official code
  const gradient = (xa: Float32Array): Float32Array =>
    tf.tidy(() => {
      const clean = withPerception ? fn(x, r.bnMode) : null;
      const g = tf.grad((v: tf.Tensor) => {
        const t = termsFromLogits(r.mode, r.energy, r.subBatch, fn(v as tf.Tensor4D, r.bnMode), clean, yt);
        return tf.add(tf.sum(t.main), tf.mul(tf.sum(t.perception), r.perceptionWeight));
      })(tf.tensor4d(xa, x.shape));
      return Float32Array.from(g.dataSync() as Float32Array);
    });
  if (x.shape[0] === 0) {
    yt?.dispose();
    return tf.clone(x);
  }
  try {
    const xs = Float32Array.from(x.dataSync() as Float32Array);
    const start = options.start ? { kind: "given" as const, x0: Float32Array.from(options.start.dataSync() as Float32Array) } : { kind: "uniform" as const };
    const out = pgdCore(xs, xs.length / x.shape[0], gradient, rng, { ...advStepRule(options), steps: r.steps, start });
    return tf.tensor4d(out, x.shape);
  } finally {
    yt?.dispose();
  }
}
