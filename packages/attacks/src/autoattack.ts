import * as tf from "@tensorflow/tfjs-core";
import { convertLength, modelEps, Rng, type ImageEps, type LogitsFn, type ModelEps, type ProgressFn } from "@ebjdat/runtime";
import type { AttackName, AttackOverrides } from "./attacks";
import { checkNClasses, checkRandomized, checkRangeOutput, checkSquareSr } from "./checks";
import { defaultEps, ensembleStages, type AutoAttackVersion, type EnsembleEntry, type FabBoxChoice } from "./ensembles";
import { argmaxRows, gatherInt, gatherRows, logitsOf, scatterRows } from "./modelEval";
import { verifyPerturbation } from "./project";
import { attacksFor, bindAttack } from "./registry";
import { batchRng } from "./runAttack";
import type { AttackContext, Box, Norm } from "./types";
import { checkBatchSize, checkBudget, checkInputs } from "./validate";

/** Options of `autoAttack`. */
export interface AutoAttackOptions {
  /** Default `standard`. */
  version?: AutoAttackVersion;
  /** Budget on the [0, 1] image scale; default 8/255 (`paper`: 4/255 = the official 8/255 in model space; `defaultEps`). */
  eps?: ImageEps;
  norm?: Norm;
  /** Default 0; every attack and batch derives its own stream from it. */
  seed?: number;
  /** Default 250 (fra31 bs). */
  batchSize?: number;
  /** Attack list for `custom` (names of the table, or `pgdN`), or to override a version's list. */
  attacks?: readonly string[];
  /** Per-attack option overrides (each attack's own options). */
  attackOptions?: AttackOverrides;
  /** Run the official sanity checks (default true); they only warn. */
  checks?: boolean;
  /** `paper`: Gaussian noise σ in model space added once per image (σ/2 on the image scale), default 0 (SADA-JEM). */
  sigma?: ModelEps;
  /** `paper`: FAB box: `model-01` reproduces the official [0,1]-in-model-space clamp (API [0.5, 1]), `valid` uses [0, 1]. */
  fabBox?: FabBoxChoice;
  /** Accept clean inputs outside [0, 1] (the paper protocol's unclamped test noise, spec 7.9); iterates are still clamped. */
  inputsOutsideBox?: boolean;
  onProgress?: ProgressFn;
  onWarning?: (message: string) => void;
}

/** One stage of the ensemble. */
export interface StageReport {
  attack: AttackName;
  /** Points given to the attack (still robust before it). */
  given: number;
  broken: number;
  robustAccuracyAfter: number;
  seconds: number;
}

/** JSON-serialisable AutoAttack report. */
export interface AutoAttackReport {
  version: AutoAttackVersion;
  attacks: AttackName[];
  eps: ImageEps;
  norm: Norm;
  seed: number;
  batchSize: number;
  n: number;
  numClasses: number;
  cleanAccuracy: number;
  robustAccuracy: number;
  /** `clean` and each attack in order: robust accuracy after it. */
  robustAccuracyAfter: Record<string, number>;
  stages: StageReport[];
  /** Per image: `misclassified`, the attack that first broke it, or `robust`. */
  outcome: string[];
  predClean: number[];
  predAdv: number[];
  maxPerturbation: number;
  warnings: string[];
  seconds: number;
  settings: EnsembleEntry[];
  sigma?: ModelEps;
}

/** Result of `autoAttack`: the report and the adversarial images (caller disposes). */
export interface AutoAttackResult {
  report: AutoAttackReport;
  xAdv: tf.Tensor4D;
}

/**
 * AutoAttack (fra31 `run_standard_evaluation`, spec 7.6): robust flags from clean predictions,
 * then each attack of the version, in batches, only on the points still robust; a point is
 * broken by the first attack whose output it misclassifies. Reports robust accuracy after each
 * attack, per-image outcomes and timings; the official sanity checks warn (default on).
 */
export async function autoAttack(model: LogitsFn, x: tf.Tensor4D, y: Int32Array | tf.Tensor1D, options: AutoAttackOptions = {}): Promise<AutoAttackResult> {
  const version = options.version ?? "standard";
  const norm = options.norm ?? "linf";
  const eps = options.eps ?? defaultEps(version);
  checkBudget(eps, norm);
  const bs = options.batchSize ?? 250;
  checkBatchSize(bs);
  const seed = options.seed ?? 0;
  const box: Box = [0, 1];
  const entries = ensembleStages(version, options.attacks, options.fabBox, options.attackOptions);
  if (version === "paper" && norm !== "linf") throw new Error("the paper preset is l∞ only (spec 7.9)");
  if (options.sigma !== undefined && !(Number.isFinite(options.sigma) && options.sigma >= 0)) throw new Error(`sigma must be a finite noise σ >= 0 in model space (e.g. modelEps(0.03)), got ${options.sigma}`);
  const unsupported = entries.filter((e) => !attacksFor(norm).includes(e.attack));
  if (unsupported.length) {
    throw new Error(`norm '${norm}' is supported by ${attacksFor(norm).join(", ")} only; '${unsupported.map((e) => e.attack).join(", ")}' is not (use version 'custom' with attacks ['apgd-ce', 'apgd-t'])`);
  }
  const warnings: string[] = [];
  const warn = (m: string): void => {
    if (warnings.includes(m)) return;
    warnings.push(m);
    (options.onWarning ?? ((s: string) => console.warn(`ebjdat/attacks: ${s}`)))(m);
  };
  const t0 = Date.now();
  const inp = checkInputs(model, x, y, box, bs, options.inputsOutsideBox ?? false);
  const k = inp.numClasses;
  const d = inp.dims[0] * inp.dims[1] * inp.dims[2];
  const n = inp.n;
  // bind every attack before any work (class-count problems throw here)
  const bound = entries.map((e) => ({ ...e, fn: bindAttack(e.attack, [e.options], { eps, norm }, k) }));

  // the paper preset attacks noisy images (spec 7.9): σ·N(0,1) in model space = σ/2 in API space
  let xs = inp.x;
  let cleanLogits = inp.cleanLogits;
  const sigma = version === "paper" ? (options.sigma ?? modelEps(0)) : modelEps(0);
  if (sigma > 0) {
    const noise = new Rng(seed).fork("paper-noise").normalArray(xs.length, 0, convertLength(sigma, "image"));
    xs = Float32Array.from(xs, (v, i) => v + noise[i]!);
    cleanLogits = new Float32Array(n * k);
    for (let s = 0; s < n; s += bs) cleanLogits.set(logitsOf(model, xs.subarray(s * d, Math.min(n, s + bs) * d), Math.min(bs, n - s), inp.dims), s * k);
  }
  const predClean = argmaxRows(cleanLogits, k);

  if (options.checks ?? true) {
    const m = Math.min(bs, n);
    const xb = xs.subarray(0, m * d);
    if (version !== "rand") {
      const r = checkRandomized(model, xb, inp.y.subarray(0, m), inp.dims);
      if (r) warn(r);
    }
    const ro = checkRangeOutput(cleanLogits.subarray(0, m * k), k);
    if (ro) warn(ro);
    const nc = checkNClasses(k, entries.map((e) => e.attack), Math.max(...entries.map((e) => ("targetClasses" in e.options ? e.options.targetClasses : undefined) ?? 9)));
    if (nc) warn(nc);
  }

  const robust = new Uint8Array(n);
  const outcome: string[] = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    robust[i] = predClean[i] === inp.y[i] ? 1 : 0;
    outcome[i] = robust[i] ? "robust" : "misclassified";
  }
  const adv = Float32Array.from(xs);
  const predAdv = Int32Array.from(predClean);
  const count = (): number => robust.reduce((a, v) => a + v, 0);
  const accAfter: Record<string, number> = { clean: count() / n };
  const stages: StageReport[] = [];
  const ctx: AttackContext = { model, dims: inp.dims, numClasses: k, box, warn };
  let batchesDone = 0;
  for (const e of bound) {
    const ts = Date.now();
    const idx: number[] = [];
    robust.forEach((r, i) => {
      if (r) idx.push(i);
    });
    let broken = 0;
    for (let s = 0; s < idx.length; s += bs) {
      const sub = idx.slice(s, s + bs);
      const xb = gatherRows(xs, sub, d);
      const yb = gatherInt(inp.y, sub);
      const out = e.fn(ctx, xb, yb, batchRng(seed, e.attack, s), s);
      verifyPerturbation(xb, out, eps, norm, box, d, e.attack);
      const pred = argmaxRows(logitsOf(model, out, sub.length, inp.dims), k);
      sub.forEach((g, j) => {
        if (pred[j] !== yb[j]) {
          robust[g] = 0;
          outcome[g] = e.attack;
          predAdv[g] = pred[j]!;
          scatterRows(adv, [g], out.subarray(j * d, j * d + d), d);
          broken++;
        }
      });
      batchesDone++;
      options.onProgress?.({ done: batchesDone, label: e.attack, metrics: { robustAccuracy: count() / n } });
    }
    accAfter[e.attack] = count() / n;
    stages.push({ attack: e.attack, given: idx.length, broken, robustAccuracyAfter: count() / n, seconds: (Date.now() - ts) / 1000 });
  }
  if (options.checks ?? true) {
    const sq = checkSquareSr(accAfter);
    if (sq) warn(sq);
  }
  const maxPert = verifyPerturbation(xs, adv, eps, norm, box, d, "autoattack");
  const report: AutoAttackReport = {
    version,
    attacks: entries.map((e) => e.attack),
    eps,
    norm,
    seed,
    batchSize: bs,
    n,
    numClasses: k,
    cleanAccuracy: accAfter.clean!,
    robustAccuracy: count() / n,
    robustAccuracyAfter: accAfter,
    stages,
    outcome,
    predClean: Array.from(predClean),
    predAdv: Array.from(predAdv),
    maxPerturbation: maxPert,
    warnings,
    seconds: (Date.now() - t0) / 1000,
    settings: entries,
    ...(version === "paper" ? { sigma } : {}),
  };
  return { report, xAdv: tf.tensor4d(adv, [n, ...inp.dims]) };
}
