import * as tf from "@tensorflow/tfjs-core";
import type { ModelEps } from "@ebjdat/runtime";
import { advSample, sampleQ, type AdvSamplerMode, type ReplayBuffer, type SamplerConfig } from "@ebjdat/samplers";
import { toFloat32, type RawTensor } from "@ebjdat/formats";
import type { NetLogitsFn } from "@ebjdat/runtime";
import { energy } from "@ebjdat/energy";
import { replayBufferToSafetensors, REPLAY_BUFFER_KEY } from "@ebjdat/samplers";
import { crossEntropy } from "@ebjdat/attacks";
import { type Objective, type ObjectiveOutput, type ObjectiveState, type StepContext, type StepValues, type TrainBatch } from "../objective";

/** The four loss weights of the JEM family and EB-JDAT (spec 5.2: w_px, w_pyx, w_adv, w_ce_adv). */
export interface JemWeights {
  /** w_px = w1: the generative term mean E(x_d) − mean E(x_q). */
  px: number;
  /** w_pyx: the clean cross-entropy CE(f(x_l), y_l). */
  pyx: number;
  /** w_adv = w2: the adversarial-energy term (`advEnergyLoss`). */
  adv: number;
  /** w_ce_adv = w3: the robust cross-entropy CE(f(x̃), y_l). */
  ceAdv: number;
}

/** The outer adversarial-energy term (spec 5.3 `advEnergyLoss`). */
export type AdvEnergyLoss = "contrastive" | "gap" | "abs-gap";

/** When fp = mean LSE(x_d) is computed relative to sampling (spec 3.3 `plc`). */
export type BnDuringPx = "alltrain1" | "alltrain2" | "eval";

/** Settings of the adversarial sampler used in training (spec 5.3 `advSampler`, model space). */
export interface AdvTrainSettings {
  mode: AdvSamplerMode;
  steps: number;
  eps: ModelEps;
  alpha: ModelEps;
  /** Overrides the mode's projection default. */
  project?: boolean;
}

/** Options of {@link JemFamilyObjective}. */
export interface JemFamilyOptions {
  name: string;
  weights: JemWeights;
  /** SADA-JEM's l2_coeff·(fp² + fq²), SAM pass 1 only (spec 2.2; default 0). */
  l2Coeff?: number;
  advEnergyLoss?: AdvEnergyLoss;
  adv?: AdvTrainSettings;
  sampler: SamplerConfig;
  bnDuringPx?: BnDuringPx;
  /** The replay buffer (owned by the objective; saved in checkpoints). */
  buffer?: ReplayBuffer;
  /** Chains per step (official: the p(x) batch size). */
  sampleBatch?: number;
  /** Replaces the sampler (tests feed stored samples): returns x_q, model space. */
  sampleQ?: (net: NetLogitsFn, ctx: StepContext) => tf.Tensor4D;
  /** Replaces the adversarial sampler (tests feed stored x̃). */
  sampleAdv?: (net: NetLogitsFn, batch: TrainBatch, ctx: StepContext) => tf.Tensor4D;
}

/** −mean_i E(x_i) = mean_i LSE_y f(x_i)[y] of a batch (spec 1; the code's `f(x).mean()`). */
export function meanLse(logits: tf.Tensor2D): tf.Scalar {
  return tf.neg(tf.mean<tf.Scalar>(energy(logits)));
}

/**
 * The JEM-family step shared by JEM, JEM++, SADA-JEM and EB-JDAT on each base (spec 2.2, 5.2,
 * 5.4), with fp/fq the batch means of LSE f = −E:
 *
 *   L = w_px·(−(fp − fq) [+ l2·(fp² + fq²)]) + w_pyx·CE(f(x_l), y_l)
 *     + w_adv·A + w_ce_adv·CE(f(x̃), y_l)
 *
 * A = −(mean LSE(x_d) − mean LSE(x̃)) (`contrastive` = code), mean_i(E(x̃_i) − E(x_l,i)) (`gap`
 * = paper) or mean_i |E(x̃_i) − E(x_l,i)| (`abs-gap`). Forward passes run in the official order
 * (all train mode): fp(x_d) → sample x_q → fq(x_q) → CE(x_l) → x̃ (eval mode) → LSE(x_d) →
 * LSE(x̃) → CE(x̃), so BN running statistics match (spec 0.2, vectors README 6.6). A block whose
 * weights are 0 is skipped, as in the official code (the adversarial block runs when w_adv or
 * w_ce_adv is non-zero and then computes both terms). In SAM pass 2 the samples of pass 1 are
 * reused and the l2 term is dropped (spec 4.1).
 */
export class JemFamilyObjective implements Objective {
  readonly name: string;
  readonly state?: ObjectiveState;
  private readonly o: Required<Omit<JemFamilyOptions, "buffer" | "sampleQ" | "sampleAdv" | "adv" | "sampleBatch">> & Pick<JemFamilyOptions, "buffer" | "sampleQ" | "sampleAdv" | "adv" | "sampleBatch">;
  private xq: tf.Tensor4D | null = null;
  private xadv: tf.Tensor4D | null = null;
  private maxEnergy = 0;

  constructor(options: JemFamilyOptions) {
    this.name = options.name;
    this.o = { l2Coeff: 0, advEnergyLoss: "contrastive", bnDuringPx: "alltrain1", ...options };
    const w = options.weights;
    for (const [k, v] of Object.entries(w)) if (!Number.isFinite(v) || v < 0) throw new Error(`${options.name}: weight '${k}' must be a finite number ≥ 0, got ${v}.`);
    if ((w.adv > 0 || w.ceAdv > 0) && !options.adv && !options.sampleAdv) throw new Error(`${options.name}: adversarial weights need adversarial sampler settings ('adv').`);
    if (w.px > 0 && !options.buffer && !options.sampleQ) throw new Error(`${options.name}: w_px > 0 needs a replay buffer.`);
    const buffer = options.buffer;
    if (buffer) {
      this.state = {
        save: (): Record<string, RawTensor> => ({ [REPLAY_BUFFER_KEY]: { dtype: "float32", shape: [buffer.size, ...buffer.imageShape], data: buffer.data } }),
        load: (tensors): void => {
          const raw = tensors.get(REPLAY_BUFFER_KEY);
          if (!raw) throw new Error(`${this.name}: the checkpoint has no '${REPLAY_BUFFER_KEY}' tensor.`);
          const data = toFloat32(raw);
          if (raw.shape.join() !== [buffer.size, ...buffer.imageShape].join()) throw new Error(`${this.name}: checkpoint replay buffer has shape [${raw.shape.join(", ")}], this run's is [${[buffer.size, ...buffer.imageShape].join(", ")}].`);
          buffer.data.set(data);
        },
      };
    }
  }

  /** The replay buffer contents as safetensors bytes (for `ebjdat sample`), if the objective has one. */
  replayBufferBytes(): Uint8Array | undefined {
    return this.o.buffer ? replayBufferToSafetensors(this.o.buffer) : undefined;
  }

  health(): number {
    return this.maxEnergy;
  }

  private drawQ(ctx: StepContext, batch: TrainBatch): tf.Tensor4D {
    if (this.o.sampleQ) return this.o.sampleQ(ctx.net, ctx);
    const n = this.o.sampleBatch ?? (batch.xData ?? batch.xNet).shape[0];
    const r = sampleQ(ctx.net, this.o.buffer!, this.o.sampler, ctx.rng.fork("sample-q"), { batchSize: n });
    return r.x;
  }

  private drawAdv(ctx: StepContext, batch: TrainBatch): tf.Tensor4D {
    if (this.o.sampleAdv) return this.o.sampleAdv(ctx.net, batch, ctx);
    const a = this.o.adv!;
    const y = Int32Array.from(batch.y.dataSync());
    return advSample(ctx.net, batch.xNet, y, ctx.rng.fork("adv"), { mode: a.mode, steps: a.steps, eps: a.eps, alpha: a.alpha, ...(a.project !== undefined ? { project: a.project } : {}), bnMode: "eval" });
  }

  private forget(): void {
    this.xq?.dispose();
    this.xadv?.dispose();
    this.xq = null;
    this.xadv = null;
  }

  run(ctx: StepContext, batch: TrainBatch): StepValues {
    const { weights: w, advEnergyLoss } = this.o;
    const l2 = ctx.pass === 1 ? this.o.l2Coeff : 0;
    const xd = batch.xData ?? batch.xNet;
    if (ctx.pass === 1) this.forget();
    const terms: Record<string, number> = {};
    let total = 0;
    let maxE = 0;
    const note = (v: number): void => {
      maxE = Math.max(maxE, Math.abs(v));
    };
    const add = (f: () => ObjectiveOutput): Record<string, number> => {
      const r = ctx.accumulate(f);
      total += r.loss;
      return r.terms;
    };
    const pxMode = this.o.bnDuringPx === "eval" ? "eval" : "train";

    // ---- generative term: w_px · (−(fp − fq) + l2 (fp² + fq²)) ----
    if (w.px > 0) {
      let fp = Number.NaN;
      const fpTerm = (): void => {
        fp = add(() => {
          const v = meanLse(ctx.net(xd, pxMode));
          return { loss: tf.mul(w.px, tf.add(tf.neg(v), tf.mul(l2, tf.square(v)))) as tf.Scalar, terms: { fp: v } };
        }).fp!;
      };
      if (this.o.bnDuringPx === "alltrain1") fpTerm();
      if (ctx.pass === 1 || !this.xq) this.xq = this.drawQ(ctx, batch);
      if (this.o.bnDuringPx !== "alltrain1") fpTerm();
      const xq = this.xq;
      const fq = add(() => {
        const v = meanLse(ctx.net(xq, pxMode));
        return { loss: tf.mul(w.px, tf.add(v, tf.mul(l2, tf.square(v)))) as tf.Scalar, terms: { fq: v } };
      }).fq!;
      terms["p_x.fp"] = fp;
      terms["p_x.fq"] = fq;
      terms.l_p_x = -(fp - fq) + l2 * (fp * fp + fq * fq);
      note(fp);
      note(fq);
    }

    const adversarial = w.adv > 0 || w.ceAdv > 0;
    const paired = advEnergyLoss !== "contrastive";
    // ---- clean cross-entropy (contrastive/code order: before the adversarial sampler) ----
    if (w.pyx > 0 && !(adversarial && paired)) {
      terms.l_p_y_given_x = add(() => {
        const ce = crossEntropy(ctx.net(batch.xNet, "train"), batch.y, "mean");
        return { loss: tf.mul(w.pyx, ce) as tf.Scalar, terms: { ce } };
      }).ce!;
    }

    if (adversarial) {
      if (ctx.pass === 1 || !this.xadv) this.xadv = this.drawAdv(ctx, batch);
      const xa = this.xadv;
      if (!paired) {
        // code: −(mean LSE(x_d) − mean LSE(x̃)) with two fresh forwards, then CE(x̃) (a third).
        const fp2 = add(() => {
          const v = meanLse(ctx.net(xd, "train"));
          return { loss: tf.mul(-w.adv, v) as tf.Scalar, terms: { v } };
        }).v!;
        const fq2 = add(() => {
          const v = meanLse(ctx.net(xa, "train"));
          return { loss: tf.mul(w.adv, v) as tf.Scalar, terms: { v } };
        }).v!;
        terms["p_x_xadv.fp"] = fp2;
        terms["p_x_xadv.fq"] = fq2;
        terms.l_p_x_xadv = -(fp2 - fq2);
        note(fp2);
        note(fq2);
      } else {
        // paper: the paired gap E(x̃_i) − E(x_l,i), with CE(x_l) from the same clean forward.
        const r = add(() => {
          const clean = ctx.net(batch.xNet, "train");
          const advL = ctx.net(xa, "train");
          const eAdv = energy(advL);
          const d = tf.sub(eAdv, energy(clean)); // E(x̃) − E(x)
          const gap = tf.mean<tf.Scalar>(advEnergyLoss === "gap" ? d : tf.abs(d));
          const ce = crossEntropy(clean, batch.y, "mean");
          const eMax = tf.max<tf.Scalar>(tf.abs(eAdv));
          const loss = tf.add(tf.mul(w.adv, gap), tf.mul(w.pyx, ce)) as tf.Scalar;
          return { loss, terms: { gap, ce, eMax } };
        });
        terms.l_p_x_xadv = r.gap!;
        if (w.pyx > 0) terms.l_p_y_given_x = r.ce!;
        note(r.eMax!);
      }
      if (w.ceAdv > 0) {
        terms.l_p_y_given_xadv = add(() => {
          const ce = crossEntropy(ctx.net(xa, "train"), batch.y, "mean");
          return { loss: tf.mul(w.ceAdv, ce) as tf.Scalar, terms: { ce } };
        }).ce!;
      }
    }
    terms.L = total;
    this.maxEnergy = maxE;
    return { loss: total, terms };
  }

  dispose(): void {
    this.forget();
  }
}
