import * as tf from "@tensorflow/tfjs-core";
import type { BnMode, NetLogitsFn, Rng } from "@ebjdat/runtime";
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
  /** ℓ∞ radius of the random start and of the projection (default 8/255). */
  eps?: number;
  /** Sign-step size α (default 2/255). */
  alpha?: number;
  /** Number of steps K (default 5). */
  steps?: number;
  /** Project onto B∞(x, ε) after every step; default: `paper`/`pgd-ce` yes, `code`/`code-ce` no. */
  project?: boolean;
  /** `paper` only: Gaussian noise σ_adv added to each step (default 0). */
  noiseStd?: number;
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

interface Resolved {
  mode: AdvSamplerMode;
  eps: number;
  alpha: number;
  steps: number;
  project: boolean;
  noiseStd: number;
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
    eps: o.eps ?? 8 / 255,
    alpha: o.alpha ?? 2 / 255,
    steps: o.steps ?? 5,
    project: o.project ?? (mode === "paper" || mode === "pgd-ce"),
    noiseStd: o.noiseStd ?? 0,
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
    const k = advLogits.shape[1];
    const oh = y ? tf.oneHot(y, k) : null;
    const logitY = oh ? (tf.sum(tf.mul(advLogits, oh), 1) as tf.Tensor1D) : null;
    const lse = tf.logSumExp(advLogits, 1) as tf.Tensor1D;
    let main: tf.Tensor1D;
    switch (mode) {
      case "code":
        main = logitY!;
        break;
      case "pgd-ce":
        main = tf.sub(lse, logitY!);
        break;
      case "code-ce": {
        const w = new Float32Array(b);
        for (let i = 0; i < b; i++) {
          const start = Math.floor(i / subBatch) * subBatch;
          w[i] = 1 / (Math.min(start + subBatch, b) - start);
        }
        main = tf.mul(tf.sub(lse, logitY!), tf.tensor1d(w));
        break;
      }
      case "paper":
        main = energy === "joint" ? tf.neg(logitY!) : tf.neg(lse);
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
 * Random start x̃_0 = clamp(x + u, range), u ~ U(-ε, ε) (spec 5.2 step 3), from a given draw u.
 */
export function advStart(x: tf.Tensor4D, u: tf.Tensor4D, clampRange: ClampRange = [-1, 1]): tf.Tensor4D {
  return tf.tidy(() => {
    const s = tf.add(x, u);
    return (clampRange === null ? s : tf.clipByValue(s, clampRange[0], clampRange[1])) as tf.Tensor4D;
  });
}

/**
 * One sign step from a given gradient (spec 5.2 step 4, 5.1 Eq. 12):
 * x̃' = clamp( Π_{B∞(x, ε)}( x̃ + α·sign(g) [+ σ·ξ] ), range ), the projection only when
 * `project` is on.
 */
export function advUpdate(
  xAdv: tf.Tensor4D,
  grad: tf.Tensor4D,
  x: tf.Tensor4D,
  options: { alpha: number; eps: number; project: boolean; clampRange: ClampRange; noise?: tf.Tensor4D | null; noiseStd?: number },
): tf.Tensor4D {
  return tf.tidy(() => {
    let v: tf.Tensor4D = tf.add(xAdv, tf.mul(tf.sign(grad), options.alpha));
    if (options.noise && options.noiseStd) v = tf.add(v, tf.mul(options.noise, options.noiseStd));
    if (options.project) v = tf.minimum(tf.maximum(v, tf.sub(x, options.eps)), tf.add(x, options.eps));
    return options.clampRange === null ? v : tf.clipByValue(v, options.clampRange[0], options.clampRange[1]);
  });
}

/**
 * The EB-JDAT adversarial sampler (spec 5.2, 5.3) on model-space images: x̃_0 = clamp(x + U(-ε, ε)),
 * then K times x̃ ← clamp(Π(x̃ + α·sign(∇_x̃ J(x̃)))), J per {@link AdvSamplerMode}, forward passes
 * in `bnMode` (default eval). The uniform start and any noise are drawn from `rng` in JS.
 * Returns a new tensor (detached); with projection no element leaves B∞(x, ε) ∩ range.
 */
export function advSample(fn: NetLogitsFn, x: tf.Tensor4D, y: Int32Array | number[] | null, rng: Rng, options: AdvSamplerOptions = {}): tf.Tensor4D {
  const r = resolve(options);
  if (x.rank !== 4) throw new Error(`advSample: x must be NHWC rank 4, got shape [${x.shape.join(", ")}]`);
  if (options.start && options.start.shape.join() !== x.shape.join()) throw new Error(`advSample: start must have x's shape [${x.shape.join(", ")}], got [${options.start.shape.join(", ")}]`);
  const yt = labelTensorOrNull(y, x.shape[0], needsLabels(r));
  const withPerception = r.mode === "code" || r.mode === "code-ce";
  let xa: tf.Tensor4D;
  if (options.start) {
    xa = tf.clone(options.start);
  } else {
    const u = rng.uniform<tf.Rank.R4>(x.shape, -r.eps, r.eps);
    xa = advStart(x, u, r.clampRange);
    u.dispose();
  }
  try {
    for (let k = 0; k < r.steps; k++) {
      const noise = r.noiseStd > 0 ? rng.normal<tf.Rank.R4>(x.shape) : null;
      const next = tf.tidy(() => {
        const clean = withPerception ? fn(x, r.bnMode) : null; // recomputed each step, as the official code
        const g = tf.grad((v: tf.Tensor) => {
          const t = termsFromLogits(r.mode, r.energy, r.subBatch, fn(v as tf.Tensor4D, r.bnMode), clean, yt);
          return tf.add(tf.sum(t.main), tf.mul(tf.sum(t.perception), r.perceptionWeight));
        })(xa) as tf.Tensor4D;
        return advUpdate(xa, g, x, { alpha: r.alpha, eps: r.eps, project: r.project, clampRange: r.clampRange, noise, noiseStd: r.noiseStd });
      });
      noise?.dispose();
      xa.dispose();
      xa = next;
    }
    return xa;
  } catch (e) {
    xa.dispose();
    throw e;
  } finally {
    yt?.dispose();
  }
}
