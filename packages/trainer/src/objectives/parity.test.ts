// Parity of one training step with the official code: shared/vectors/steps/train_step_*
// (vectors README 6.6; tolerances of README section 5, never loosened).
import * as tf from "@tensorflow/tfjs-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initBackend, Rng } from "@ebjdat/runtime";
import { loadVectors, relL2Error, sharedPath, tensorOf } from "@ebjdat/testing";
import type { RawTensor } from "@ebjdat/formats";
import { loadModel, type WideResNet } from "@ebjdat/models";
import { samplerConfig } from "@ebjdat/samplers";
import { objectiveGradients } from "../gradients";
import { samFirstStep } from "../sam";
import type { TrainBatch } from "../objective";
import { JemFamilyObjective, type JemWeights } from "./jem-family";

const TOL_SCALAR = 1e-4; // loss terms: max abs / (1 + |ref|)
const TOL_GRAD = 1e-3; // parameter gradients, sam.grad_norm, sam.e_w: rel L2
const TOL_RUNNING = 1e-5; // running statistics: rel L2

let inputs: Map<string, RawTensor>;
let batch: TrainBatch;
let xq: tf.Tensor4D;
let xadv: tf.Tensor4D;

beforeAll(async () => {
  await initBackend({ quiet: true });
  inputs = loadVectors("vectors/steps/train_step_inputs.safetensors").tensors;
  const t = (k: string): tf.Tensor => tensorOf(inputs.get(k)!);
  batch = { xNet: t("x_lab") as tf.Tensor4D, y: tf.cast(t("y_lab"), "int32") as tf.Tensor1D, xData: t("x_p_d") as tf.Tensor4D };
  xq = t("x_q") as tf.Tensor4D;
  xadv = t("xadv_lab") as tf.Tensor4D;
});
afterAll(() => {
  tf.dispose([batch.xNet, batch.y, batch.xData!, xq, xadv]);
});

function objective(weights: JemWeights, l2Coeff = 0): JemFamilyObjective {
  return new JemFamilyObjective({
    name: "parity",
    weights,
    l2Coeff,
    sampler: samplerConfig("jem"),
    sampleQ: () => tf.clone(xq),
    sampleAdv: () => tf.clone(xadv),
  });
}

/** Our gradient of an official key, in the official layout (conv OIHW, linear [out, in]). */
function official(model: WideResNet, grads: Record<string, tf.Tensor>, key: string): tf.Tensor {
  const e = model.parameterEntries().find((p) => p.key === key);
  if (!e) throw new Error(`no parameter ${key}`);
  const g = grads[e.variable.name];
  if (!g) throw new Error(`no gradient for ${key}`);
  return e.layout === "conv" ? tf.transpose(g, [3, 2, 0, 1]) : e.layout === "linear" ? tf.transpose(g) : tf.clone(g);
}

function checkGrads(model: WideResNet, grads: Record<string, tf.Tensor>, ref: Map<string, RawTensor>, prefix: string): void {
  const keys = [...ref.keys()].filter((k) => k.startsWith(prefix));
  expect(keys.length).toBeGreaterThanOrEqual(3);
  for (const k of keys) {
    const ours = official(model, grads, k.slice(prefix.length));
    const err = relL2Error(ours, ref.get(k)!);
    ours.dispose();
    expect(err, k).toBeLessThanOrEqual(TOL_GRAD);
  }
}

function checkTerms(terms: Record<string, number>, ref: Map<string, RawTensor>, prefix: string, rename: Record<string, string> = {}): void {
  const keys = [...ref.keys()].filter((k) => k.startsWith(prefix));
  expect(keys.length).toBe(9);
  for (const k of keys) {
    const name = k.slice(prefix.length);
    const ours = terms[rename[name] ?? name];
    expect(ours, k).toBeTypeOf("number");
    const r = (ref.get(k)!.data as Float32Array)[0]!;
    expect(Math.abs(ours! - r) / (1 + Math.abs(r)), k).toBeLessThanOrEqual(TOL_SCALAR);
  }
}

function checkRunning(model: WideResNet, ref: Map<string, RawTensor>, prefix: string): void {
  const bns = model.batchNorms();
  expect(bns.size).toBeGreaterThan(0);
  for (const [key, bn] of bns) {
    expect(relL2Error(bn.runningMean, ref.get(`${prefix}${key}.running_mean`)!), `${key}.running_mean`).toBeLessThanOrEqual(TOL_RUNNING);
    expect(relL2Error(bn.runningVar, ref.get(`${prefix}${key}.running_var`)!), `${key}.running_var`).toBeLessThanOrEqual(TOL_RUNNING);
    const nbt = ref.get(`${prefix}${key}.num_batches_tracked`)!.data as BigInt64Array;
    expect(bn.numBatchesTracked, `${key}.num_batches_tracked`).toBe(Number(nbt[0]));
  }
}

async function step(modelFile: string, vectors: string, weights: JemWeights): Promise<void> {
  const { model } = await loadModel(sharedPath("vectors", "models", modelFile));
  const ref = loadVectors(`vectors/steps/${vectors}.safetensors`).tensors;
  const obj = objective(weights);
  const vars = model.trainableVariables();
  const r = objectiveGradients(obj, batch, { net: (x, m) => model.netLogits(x, m), vars, rng: new Rng(1), step: 0 });
  checkTerms(r.terms, ref, "loss.");
  checkGrads(model, r.grads, ref, "grad.");
  expect(ref.get("grad_is_none.energy_output.weight")!.data[0]).toBe(1);
  const energyVar = model.parameterEntries().find((e) => e.key === "energy_output.weight")!.variable;
  expect(r.grads[energyVar.name]).toBeUndefined();
  if (model.config.norm === "batch") checkRunning(model, ref, "running_stats_after.");
  tf.dispose(Object.values(r.grads));
  obj.dispose();
  model.dispose();
}

describe("one training step against the official code (vectors README 6.6)", () => {
  it("EB-JDAT-JEM, WRN-16-2 without norm: loss terms and gradients", async () => {
    await step("jem_wrn16_2_none.pt", "train_step_jem_wrn16_2_none", { px: 0.45, pyx: 0.45, adv: 0.05, ceAdv: 0.45 });
  });

  it("EB-JDAT-JEM, WRN-10-1 BN: terms, gradients and running stats after the 6 train-mode forwards", async () => {
    await step("sadajem_wrn10_1_bn_stats.safetensors", "train_step_jem_wrn10_1_bn", { px: 0.45, pyx: 0.45, adv: 0.05, ceAdv: 0.45 });
  });

  it("EB-JDAT-JEM++, WRN-10-1 BN (plc alltrain1)", async () => {
    await step("sadajem_wrn10_1_bn_stats.safetensors", "train_step_jempp_wrn10_1_bn", { px: 1, pyx: 1, adv: 0.1, ceAdv: 1 });
  });

  it("EB-JDAT-SADAJEM: SAM pass 1, grad_norm and e_w, pass 2 with frozen BN", async () => {
    const { model } = await loadModel(sharedPath("vectors", "models", "sadajem_wrn10_1_bn_stats.safetensors"));
    const ref = loadVectors("vectors/steps/train_step_sadajem_wrn10_1_bn.safetensors").tensors;
    const obj = objective({ px: 1, pyx: 1, adv: 0.1, ceAdv: 1 }, 0);
    const vars = model.trainableVariables();
    const net = (x: tf.Tensor4D, m: "train" | "eval" | "train-frozen"): tf.Tensor2D => model.netLogits(x, m);
    const p1 = objectiveGradients(obj, batch, { net, vars, rng: new Rng(1), step: 0, pass: 1 });
    checkTerms(p1.terms, ref, "pass1.loss.", { ce_loss: "l_p_y_given_x", loss: "L" });
    checkGrads(model, p1.grads, ref, "pass1.grad.");
    checkRunning(model, ref, "running_stats_after_pass1.");

    const sam = samFirstStep(vars, p1.grads, { rho: 2 });
    const gn = (ref.get("sam.grad_norm")!.data as Float32Array)[0]!;
    expect(Math.abs(sam.gradNorm - gn) / Math.abs(gn)).toBeLessThanOrEqual(TOL_GRAD);
    checkGrads(model, sam.eW, ref, "sam.e_w.");

    const p2 = objectiveGradients(obj, batch, { net, vars, rng: new Rng(1), step: 0, pass: 2 });
    checkTerms(p2.terms, ref, "pass2.loss.", { ce_loss: "l_p_y_given_x" });
    checkGrads(model, p2.grads, ref, "pass2.grad.");
    checkRunning(model, ref, "running_stats_after_pass2.");
    const before = vars.map((v) => v.dataSync().slice());
    sam.restore();
    tf.dispose([...Object.values(p1.grads), ...Object.values(p2.grads)]);
    // restore gives back the exact weights of pass 1
    const fresh = (await loadModel(sharedPath("vectors", "models", "sadajem_wrn10_1_bn_stats.safetensors"))).model;
    const w0 = fresh.trainableVariables();
    expect(before.some((b, i) => b.some((x, j) => x !== w0[i]!.dataSync()[j]))).toBe(true);
    for (let i = 0; i < vars.length; i++) expect(Array.from(vars[i]!.dataSync())).toEqual(Array.from(w0[i]!.dataSync()));
    fresh.dispose();
    obj.dispose();
    model.dispose();
  });
});
