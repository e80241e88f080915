// Each objective lowers its own loss on a fixed batch with a tiny model (issue 7), and the
// objectives keep the tensor count flat.
import * as tf from "@tensorflow/tfjs-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initBackend, modelEps, Rng } from "@ebjdat/runtime";
import { loadVectors, tensorOf } from "@ebjdat/testing";
import { createWideResNet, type WideResNet } from "@ebjdat/models";
import { advSample, ReplayBuffer, samplerConfig, uniformInit } from "@ebjdat/samplers";
import { PRESETS, type AdvConfig } from "../config";
import { objectiveGradients } from "../gradients";
import { Sgd } from "../optimizer";
import { samFirstStep } from "../sam";
import { standardObjective, type Objective, type TrainBatch } from "../objective";
import { JemFamilyObjective, type AdvEnergyLoss, type JemWeights } from "./jem-family";
import { pgdAtObjective } from "./pgd-at";
import { tradesObjective } from "./trades";
import { martObjective } from "./mart";

let batch: TrainBatch;
beforeAll(async () => {
  await initBackend({ quiet: true });
  const v = loadVectors("vectors/models/input_batch.safetensors").tensors;
  const x = tensorOf(v.get("x_net")!) as tf.Tensor4D;
  batch = { xNet: x, y: tf.cast(tensorOf(v.get("y10")!), "int32") as tf.Tensor1D, xData: tf.reverse(x, 0) };
});
afterAll(() => tf.dispose([batch.xNet, batch.y, batch.xData!]));

const ADV: AdvConfig = { mode: "pgd-ce", steps: 2, eps: modelEps(16 / 255), alpha: modelEps(8 / 255), project: true, beta: 6 };

function tinyModel(): WideResNet {
  return createWideResNet({ depth: 10, width: 1, numClasses: 10, norm: "batch" }, 3);
}

/** Runs `steps` SGD steps (optionally SAM) and returns the losses; same rng every step. */
/** A few optimiser steps; yields between steps so a slow step never starves the vitest worker RPC (60 s). */
async function descend(model: WideResNet, objective: Objective, steps: number, lr: number, rho = 0): Promise<number[]> {
  const opt = new Sgd({ name: "sgd", lr, momentum: 0.9, weightDecay: 0 });
  const vars = model.trainableVariables();
  const net = (x: tf.Tensor4D, m: "train" | "eval" | "train-frozen"): tf.Tensor2D => model.netLogits(x, m);
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    const r = objectiveGradients(objective, batch, { net, vars, rng: new Rng(11), step: s });
    losses.push(r.loss);
    let grads = r.grads;
    if (rho > 0) {
      const p = samFirstStep(vars, r.grads, { rho });
      tf.dispose(Object.values(r.grads));
      grads = objectiveGradients(objective, batch, { net, vars, rng: new Rng(11), step: s, pass: 2 }).grads;
      p.restore();
    }
    opt.apply(vars, grads, lr, (v) => model.keyOf(v) ?? v.name);
    tf.dispose(Object.values(grads));
    await new Promise((r) => setImmediate(r));
  }
  opt.dispose();
  return losses;
}

/** A JEM-family objective with the samples held fixed (x_q uniform noise, x̃ from the code sampler at the start). */
function fixedJem(model: WideResNet, weights: JemWeights, advEnergyLoss: AdvEnergyLoss = "contrastive"): { objective: JemFamilyObjective; dispose: () => void } {
  const xq = new Rng(5).uniform<tf.Rank.R4>(batch.xNet.shape, -1, 1);
  const net = (x: tf.Tensor4D, m: "train" | "eval" | "train-frozen"): tf.Tensor2D => model.netLogits(x, m);
  const xa = advSample(net, batch.xNet, Int32Array.from(batch.y.dataSync()), new Rng(6), { mode: "code", steps: 2 });
  const objective = new JemFamilyObjective({ name: "fixed", weights, advEnergyLoss, sampler: samplerConfig("jem"), sampleQ: () => tf.clone(xq), sampleAdv: () => tf.clone(xa) });
  return { objective, dispose: () => (objective.dispose(), tf.dispose([xq, xa])) };
}

describe("each objective lowers its own loss on a fixed batch (WRN-10-1)", () => {
  const cases: [string, () => Objective][] = [
    ["standard", () => standardObjective],
    ["pgd-at", () => pgdAtObjective(ADV)],
    ["trades", () => tradesObjective(ADV)],
    ["mart", () => martObjective(ADV)],
  ];
  for (const [name, make] of cases) {
    it(name, async () => {
      const model = tinyModel();
      const obj = make();
      const losses = await descend(model, obj, 6, 0.05);
      obj.dispose?.();
      model.dispose();
      expect(losses.every(Number.isFinite)).toBe(true);
      expect(losses[5]!).toBeLessThan(losses[0]!);
    });
  }

  const jemCases: [string, JemWeights, AdvEnergyLoss, number][] = [
    ["JEM (w_px, w_pyx)", { px: 1, pyx: 1, adv: 0, ceAdv: 0 }, "contrastive", 0],
    ["EB-JDAT code (1, 1, 0.1, 1)", { px: 1, pyx: 1, adv: 0.1, ceAdv: 1 }, "contrastive", 0],
    ["EB-JDAT paper equations (gap, w_pyx 0)", { px: 1, pyx: 0, adv: 1, ceAdv: 1 }, "gap", 0],
    ["EB-JDAT-SADAJEM with adaptive SAM", { px: 1, pyx: 1, adv: 0.1, ceAdv: 1 }, "contrastive", 2],
  ];
  for (const [name, w, mode, rho] of jemCases) {
    it(name, async () => {
      const model = tinyModel();
      const { objective, dispose } = fixedJem(model, w, mode);
      const losses = await descend(model, objective, 5, 0.02, rho);
      dispose();
      model.dispose();
      expect(losses.every(Number.isFinite)).toBe(true);
      expect(losses[4]!).toBeLessThan(losses[0]!);
    });
  }
});

describe("JEM-family objective with its own samplers", () => {
  it("writes the chains back to the replay buffer, round-trips its state and keeps the tensor count flat", async () => {
    const model = tinyModel();
    const buffer = ReplayBuffer.create(16, uniformInit([32, 32, 3]), new Rng(2));
    const before = Float32Array.from(buffer.data);
    const objective = new JemFamilyObjective({
      name: "ebjdat-jempp",
      weights: { px: 1, pyx: 1, adv: 0.1, ceAdv: 1 },
      adv: { mode: "code", steps: 1, eps: modelEps(8 / 255), alpha: modelEps(2 / 255) },
      sampler: samplerConfig("jempp", { nSteps: 1, inSteps: 2 }),
      buffer,
      sampleBatch: 4,
    });
    await descend(model, objective, 1, 0.01);
    expect(buffer.data.some((v, i) => v !== before[i])).toBe(true);
    const saved = objective.state!.save();
    const copy = Float32Array.from(buffer.data);
    buffer.data.fill(0);
    objective.state!.load(new Map(Object.entries(saved).map(([k, t]) => [k, { ...t, data: Float32Array.from(copy) }])));
    expect(Array.from(buffer.data.subarray(0, 100))).toEqual(Array.from(copy.subarray(0, 100)));
    const n0 = tf.memory().numTensors;
    await descend(model, objective, 3, 0.01, 2);
    expect(tf.memory().numTensors).toBe(n0);
    objective.dispose();
    model.dispose();
  });

  it("every method has smoke, mini and paper presets", () => {
    for (const m of ["standard", "pgd-at", "trades", "mart", "jem", "jempp", "sadajem", "ebjdat-jem", "ebjdat-jempp", "ebjdat-sadajem"]) {
      for (const s of ["smoke", "mini", "paper"]) expect(PRESETS[`${m}-${s}`], `${m}-${s}`).toBeDefined();
    }
    expect(PRESETS["ebjdat-sadajem-paper"]!.sam.rho).toBe(2);
    expect(PRESETS["ebjdat-jempp-paper"]!.model).toMatchObject({ depth: 28, width: 10 });
    expect(PRESETS["table6-1-paper"]!.jem.weights).toMatchObject({ px: 0, adv: 0, ceAdv: 1 });
    expect(PRESETS["ebjdat-jempp-eq-mini"]!.jem).toMatchObject({ advEnergyLoss: "gap", weights: { px: 1, pyx: 0, adv: 1, ceAdv: 1 } });
  });
});
