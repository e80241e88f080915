import type { BnMode } from "@ebjdat/runtime";
import type { ClampRange } from "./types";

/** The generative update rules of spec 6.1. */
export type UpdateRule = "sgld" | "sgld-clip" | "pyld";

/** How PYLD is computed (spec 3.2): the equivalent simplified rule or the literal Hamiltonian form. */
export type PyldForm = "simplified" | "literal";

/** A generative sampler, parameterised as in spec 6.1 (all values in model space). */
export interface SamplerConfig {
  update: UpdateRule;
  /** sgld_lr for `sgld`/`sgld-clip`; pyld_lr (inner step) for `pyld`. */
  stepSize: number;
  /** sgld_std. */
  noiseStd: number;
  /** Gradient clip ±gradClip (`pyld`: eps), `null` for none. */
  gradClip: number | null;
  /** Clamp range, `null` for none. */
  clampRange: ClampRange;
  /** Number of (outer) steps. */
  nSteps: number;
  /** PYLD inner steps. */
  inSteps: number;
  /** PYLD's optional clamped sgld_lr step before the inner loop (official 0). */
  outerStepSize: number;
  /** Batch-norm mode of the sampler's forward passes: JEM `eval`, JEM++/SADA-JEM `train`. */
  bnMode: BnMode;
  /** Replay-buffer re-initialisation probability. */
  reinitFreq: number;
  /** PYLD form; `literal` needs a {@link PyldSplit}. */
  pyldForm: PyldForm;
}

/** Names of the sampler presets of spec 6.1. */
export type SamplerPresetName = "jem" | "jempp" | "sadajem";

/**
 * The official samplers (spec 6.1 table; 2.3, 3.2, 4.3):
 * - `jem`: sgld, step 1.0, noise 0.01, no clip, no clamp, 10 steps, BN eval;
 * - `jempp`: pyld, 0.2 × 5 inner, no noise, clip ±1, clamp [-1, 1], 10 steps, BN train;
 * - `sadajem`: sgld-clip, step 1.0, no noise, clip ±1, clamp [-1, 1], 10 steps (EB-JDAT), BN train.
 * All re-initialise 5% of the draws.
 */
export const SAMPLER_PRESETS: Readonly<Record<SamplerPresetName, Readonly<SamplerConfig>>> = {
  jem: {
    update: "sgld",
    stepSize: 1.0,
    noiseStd: 0.01,
    gradClip: null,
    clampRange: null,
    nSteps: 10,
    inSteps: 1,
    outerStepSize: 0,
    bnMode: "eval",
    reinitFreq: 0.05,
    pyldForm: "simplified",
  },
  jempp: {
    update: "pyld",
    stepSize: 0.2,
    noiseStd: 0,
    gradClip: 1,
    clampRange: [-1, 1],
    nSteps: 10,
    inSteps: 5,
    outerStepSize: 0,
    bnMode: "train",
    reinitFreq: 0.05,
    pyldForm: "simplified",
  },
  sadajem: {
    update: "sgld-clip",
    stepSize: 1.0,
    noiseStd: 0,
    gradClip: 1,
    clampRange: [-1, 1],
    nSteps: 10,
    inSteps: 1,
    outerStepSize: 0,
    bnMode: "train",
    reinitFreq: 0.05,
    pyldForm: "simplified",
  },
};

/**
 * A complete sampler configuration: a preset (default `jem`) with overrides, validated.
 * `sgld-clip` without a clip uses ±1.
 */
export function samplerConfig(preset: SamplerPresetName | SamplerConfig = "jem", overrides: Partial<SamplerConfig> = {}): SamplerConfig {
  const base = typeof preset === "string" ? SAMPLER_PRESETS[preset] : preset;
  if (!base) throw new Error(`samplerConfig: unknown preset '${String(preset)}', expected one of ${Object.keys(SAMPLER_PRESETS).join(", ")}`);
  const c: SamplerConfig = { ...base, ...overrides };
  if (!["sgld", "sgld-clip", "pyld"].includes(c.update)) throw new Error(`samplerConfig: update must be sgld, sgld-clip or pyld, got '${c.update}'`);
  if (c.update === "sgld-clip" && c.gradClip === null) c.gradClip = 1;
  if (!(Number.isInteger(c.nSteps) && c.nSteps >= 0)) throw new Error(`samplerConfig: nSteps must be an integer >= 0, got ${c.nSteps}`);
  if (!(Number.isInteger(c.inSteps) && c.inSteps >= 1)) throw new Error(`samplerConfig: inSteps must be an integer >= 1, got ${c.inSteps}`);
  if (!(Number.isFinite(c.stepSize) && c.stepSize >= 0)) throw new Error(`samplerConfig: stepSize must be a finite number >= 0, got ${c.stepSize}`);
  if (!(Number.isFinite(c.noiseStd) && c.noiseStd >= 0)) throw new Error(`samplerConfig: noiseStd must be a finite number >= 0, got ${c.noiseStd}`);
  if (c.gradClip !== null && !(c.gradClip > 0)) throw new Error(`samplerConfig: gradClip must be > 0 or null, got ${c.gradClip}`);
  if (c.clampRange !== null && !(c.clampRange[1] > c.clampRange[0])) throw new Error(`samplerConfig: clampRange must satisfy lo < hi, got [${c.clampRange.join(", ")}]`);
  if (!(c.reinitFreq >= 0 && c.reinitFreq <= 1)) throw new Error(`samplerConfig: reinitFreq must be in [0, 1], got ${c.reinitFreq}`);
  if (!["train", "train-frozen", "eval"].includes(c.bnMode)) throw new Error(`samplerConfig: bnMode must be train, train-frozen or eval, got '${c.bnMode}'`);
  if (c.pyldForm !== "simplified" && c.pyldForm !== "literal") throw new Error(`samplerConfig: pyldForm must be simplified or literal, got '${c.pyldForm}'`);
  return c;
}
