import * as tf from "@tensorflow/tfjs-core";
import { Rng, type LogitsFn } from "@ebjdat/runtime";
import type { AttackName, AttackOptions } from "./attacks";
import { argmaxRows, logitsOf } from "./modelEval";
import { verifyPerturbation } from "./project";
import { bindAttack, parseAttackName } from "./registry";
import type { AttackContext, Box } from "./types";
import { checkBatchSize, checkBudget, checkInputs } from "./validate";

/** Outcome of one attack on a set of images. */
export interface AttackResult {
  attack: AttackName;
  /** Adversarial images (clean image where the attack failed). Caller disposes. */
  xAdv: tf.Tensor4D;
  /** 1 where the model still predicts the true label on `xAdv`. */
  robust: Uint8Array;
  /** 1 where the image was correctly classified clean and `xAdv` is misclassified. */
  success: Uint8Array;
  /** 1 where the clean image is correctly classified. */
  cleanCorrect: Uint8Array;
  predClean: Int32Array;
  predAdv: Int32Array;
  cleanAccuracy: number;
  robustAccuracy: number;
  /** Largest perturbation norm over the returned images (verified ≤ eps). */
  maxPerturbation: number;
  seconds: number;
}

/** The Rng of one batch: derived from (seed, attack, first index), so a resumed run draws the same. */
export function batchRng(seed: number, attack: string, start: number): Rng {
  return new Rng(seed).fork(`${attack}@${start}`);
}

/**
 * Runs one attack of the table (FGSM, PGD-k, APGD-CE/DLR/T, FAB(-T), Square; spec 7.1-7.5) on
 * images `x` (float32 NHWC in [0, 1]) with labels `y`, in batches of `batchSize`. Every returned
 * perturbation is verified to satisfy ‖x̃ - x‖ ≤ ε and x̃ ∈ box. Deterministic for a seed.
 *
 * `name` may also be `pgdN` (e.g. `pgd20`: PGD with N steps). `options` are the common ones
 * (`eps` on the [0, 1] image scale, ...) and the attack's own (`OptionsOf<name>`). Bad input
 * (eps, norm the attack lacks, images, labels, model outputs, class count) throws before any
 * attack work.
 */
export async function runAttack<N extends AttackName>(name: N, model: LogitsFn, x: tf.Tensor4D, y: Int32Array | tf.Tensor1D, options: AttackOptions<N>): Promise<AttackResult>;
export async function runAttack(name: string, model: LogitsFn, x: tf.Tensor4D, y: Int32Array | tf.Tensor1D, options: AttackOptions): Promise<AttackResult>;
export async function runAttack(name: string, model: LogitsFn, x: tf.Tensor4D, y: Int32Array | tf.Tensor1D, options: AttackOptions): Promise<AttackResult> {
  const parsed = parseAttackName(name);
  const norm = options.norm ?? "linf";
  checkBudget(options.eps, options.norm);
  const bs = options.batchSize ?? 250;
  checkBatchSize(bs);
  const box: Box = options.box ?? [0, 1];
  const t0 = Date.now();
  const inp = checkInputs(model, x, y, box, bs, options.inputsOutsideBox ?? false);
  const fromName = parsed.steps !== undefined ? { steps: parsed.steps } : {};
  const attack = bindAttack(parsed.name, [fromName, options], { eps: options.eps, norm }, inp.numClasses);
  const ctx: AttackContext = { model, dims: inp.dims, numClasses: inp.numClasses, box, warn: options.onWarning ?? ((m) => console.warn(`ebjdat/attacks: ${m}`)) };
  const d = inp.dims[0] * inp.dims[1] * inp.dims[2];
  const adv = new Float32Array(inp.x.length);
  const predAdv = new Int32Array(inp.n);
  const total = Math.ceil(inp.n / bs);
  for (let s = 0, b = 0; s < inp.n; s += bs, b++) {
    const m = Math.min(bs, inp.n - s);
    const xb = inp.x.subarray(s * d, (s + m) * d);
    const out = attack(ctx, xb, inp.y.subarray(s, s + m), batchRng(options.seed ?? 0, parsed.name, s), s);
    adv.set(out, s * d);
    predAdv.set(argmaxRows(logitsOf(model, out, m, inp.dims), inp.numClasses), s);
    options.onProgress?.({ done: b + 1, total, label: parsed.name });
  }
  const maxPert = verifyPerturbation(inp.x, adv, options.eps, norm, box, d, parsed.name);
  return assemble(parsed.name, adv, inp.x.length / d, inp.dims, inp.y, inp.predClean, predAdv, maxPert, (Date.now() - t0) / 1000);
}

function assemble(name: AttackName, adv: Float32Array, n: number, dims: readonly number[], y: Int32Array, predClean: Int32Array, predAdv: Int32Array, maxPert: number, seconds: number): AttackResult {
  const robust = new Uint8Array(n);
  const success = new Uint8Array(n);
  const cleanCorrect = new Uint8Array(n);
  let nc = 0;
  let nr = 0;
  for (let i = 0; i < n; i++) {
    cleanCorrect[i] = predClean[i] === y[i] ? 1 : 0;
    robust[i] = predAdv[i] === y[i] ? 1 : 0;
    success[i] = cleanCorrect[i] && !robust[i] ? 1 : 0;
    nc += cleanCorrect[i]!;
    nr += robust[i]!;
  }
  return {
    attack: name,
    xAdv: tf.tensor4d(adv, [n, dims[0]!, dims[1]!, dims[2]!]),
    robust,
    success,
    cleanCorrect,
    predClean,
    predAdv,
    cleanAccuracy: nc / n,
    robustAccuracy: nr / n,
    maxPerturbation: maxPert,
    seconds,
  };
}
