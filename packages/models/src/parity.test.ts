// Parity with the official PyTorch code: shared/vectors/models (vectors README sections 4 and 5).
import * as tf from "@tensorflow/tfjs-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "@ebjdat/runtime";
import { loadVectors, maxAbsRelError, relL2Error, sharedPath, tensorOf } from "@ebjdat/testing";
import type { RawTensor } from "@ebjdat/formats";
import { loadModel } from "./load-model";
import type { WideResNet } from "./wide-resnet";

// Tolerances: vectors README section 5 (never loosened).
const TOL_LOGITS = 1e-4; // max abs / (1 + max|ref|)
const TOL_GRAD = 1e-3; // rel L2 (input gradients, BN train-mode outputs)
const TOL_RUNNING = 1e-5; // rel L2 per tensor, num_batches_tracked exact

interface Case {
  name: string;
  file: string;
  labels: "y10" | "y100";
  bn: boolean;
}

const CASES: Case[] = [
  { name: "jem_wrn16_2_none", file: "jem_wrn16_2_none.pt", labels: "y10", bn: false },
  { name: "sadajem_wrn16_2_bn", file: "sadajem_wrn16_2_bn.pt", labels: "y10", bn: true },
  { name: "jempp_yopo_wrn10_1_bn_c100", file: "jempp_yopo_wrn10_1_bn_c100.safetensors", labels: "y100", bn: true },
  { name: "sadajem_wrn10_1_bn_stats", file: "sadajem_wrn10_1_bn_stats.safetensors", labels: "y10", bn: true },
];

/** E(x) = −logsumexp(logits), E(x, y) = −logits[y] (spec 1). */
function energies(logits: tf.Tensor2D, y: tf.Tensor1D): { e: tf.Tensor1D; exy: tf.Tensor1D } {
  return tf.tidy(() => {
    const e = tf.neg(tf.logSumExp(logits, 1)) as tf.Tensor1D;
    const exy = tf.neg(tf.sum(tf.mul(logits, tf.oneHot(y, logits.shape[1])), 1)) as tf.Tensor1D;
    return { e, exy };
  });
}

/** logits, E and ∂ΣE/∂x01 from ONE forward pass in the given mode. */
function forwardWithGrad(model: WideResNet, x01: tf.Tensor4D, mode: "eval" | "train"): { logits: tf.Tensor2D; grad: tf.Tensor4D } {
  let logits: tf.Tensor2D | undefined;
  const grad = tf.grad((x: tf.Tensor) => {
    const l = model.logits(x as tf.Tensor4D, mode);
    logits = tf.keep(l);
    return tf.sum(tf.neg(tf.logSumExp(l, 1)));
  })(x01) as tf.Tensor4D;
  return { logits: logits!, grad };
}

describe("parity with the official PyTorch models (shared/vectors/models)", () => {
  let input: Map<string, RawTensor>;
  let x01: tf.Tensor4D;

  beforeAll(async () => {
    await initBackend({ quiet: true });
    input = loadVectors("vectors/models/input_batch.safetensors").tensors;
    x01 = tensorOf(input.get("x01")!) as tf.Tensor4D;
  });
  afterAll(() => x01.dispose());

  for (const c of CASES) {
    describe(c.name, () => {
      let ref: Map<string, RawTensor>;
      let y: tf.Tensor1D;
      beforeAll(() => {
        ref = loadVectors(`vectors/models/${c.name}.outputs.safetensors`).tensors;
        y = tensorOf(input.get(c.labels)!) as tf.Tensor1D;
      });
      afterAll(() => y.dispose());

      it("eval mode: logits, E(x), E(x,y) and dΣE/dx01", async () => {
        const { model } = await loadModel(sharedPath("vectors", "models", c.file));
        const start = tf.memory().numTensors;
        const { logits, grad } = forwardWithGrad(model, x01, "eval");
        const { e, exy } = energies(logits, y);
        const err = {
          logits: maxAbsRelError(logits, ref.get("logits_eval")!),
          energy: maxAbsRelError(e, ref.get("energy_eval")!),
          energyXY: maxAbsRelError(exy, ref.get("energy_xy_eval")!),
          grad: relL2Error(grad, ref.get("grad_energy_x01_eval")!),
        };
        console.log(`${c.name} eval: ${Object.entries(err).map(([k, v]) => `${k} ${v.toExponential(1)}`).join(", ")}`);
        expect(err.logits).toBeLessThanOrEqual(TOL_LOGITS);
        expect(err.energy).toBeLessThanOrEqual(TOL_LOGITS);
        expect(err.energyXY).toBeLessThanOrEqual(TOL_LOGITS);
        expect(err.grad).toBeLessThanOrEqual(TOL_GRAD);
        tf.dispose([logits, grad, e, exy]);
        expect(tf.memory().numTensors).toBe(start);
        // eval mode changes no BN state
        for (const bn of model.batchNorms().values()) expect(bn.numBatchesTracked).toBe(c.name === "sadajem_wrn10_1_bn_stats" ? 3 : 0);
        model.dispose();
      });

      if (c.bn) {
        it("train mode: logits, E(x), dΣE/dx01 through batch stats, running stats after one pass", async () => {
          const { model } = await loadModel(sharedPath("vectors", "models", c.file));
          const nbt0 = new Map([...model.batchNorms()].map(([k, bn]) => [k, bn.numBatchesTracked]));
          const { logits, grad } = forwardWithGrad(model, x01, "train");
          const { e } = energies(logits, y);
          // sadajem_wrn16_2_bn's train-mode input gradient sits at ~7e-4 (others ~2e-6): one
          // pre-activation of f.layer3.1.bn1 (image 4) is -2.4e-7, i.e. on LeakyReLU's kink within
          // float32 rounding, and flips slope versus PyTorch (README 5: why gradients get 1e-3).
          const err = {
            logits: relL2Error(logits, ref.get("logits_train")!),
            energy: relL2Error(e, ref.get("energy_train")!),
            grad: relL2Error(grad, ref.get("grad_energy_x01_train")!),
            running: 0,
          };
          tf.dispose([logits, grad, e]);
          let checked = 0;
          for (const [prefix, bn] of model.batchNorms()) {
            const p = `after_train_forward.${prefix}`;
            const em = relL2Error(bn.runningMean, ref.get(`${p}.running_mean`)!);
            const ev = relL2Error(bn.runningVar, ref.get(`${p}.running_var`)!);
            err.running = Math.max(err.running, em, ev);
            expect(em, `${prefix}.running_mean`).toBeLessThanOrEqual(TOL_RUNNING);
            expect(ev, `${prefix}.running_var`).toBeLessThanOrEqual(TOL_RUNNING);
            const nbt = ref.get(`${p}.num_batches_tracked`)!;
            expect(bn.numBatchesTracked).toBe(Number(nbt.data[0]!));
            expect(bn.numBatchesTracked).toBe(nbt0.get(prefix)! + 1);
            checked += 1;
          }
          const refLayers = [...ref.keys()].filter((k) => k.startsWith("after_train_forward.f.") && !k.startsWith("after_train_forward.f.other_layers") && k.endsWith(".running_mean"));
          expect(checked).toBe(refLayers.length);
          console.log(`${c.name} train: ${Object.entries(err).map(([k, v]) => `${k} ${v.toExponential(1)}`).join(", ")}`);
          expect(err.logits).toBeLessThanOrEqual(TOL_GRAD);
          expect(err.energy).toBeLessThanOrEqual(TOL_GRAD);
          expect(err.grad).toBeLessThanOrEqual(TOL_GRAD);
          model.dispose();
        });
      }
    });
  }

  for (const name of ["jem_wrn16_2_none", "sadajem_wrn10_1_bn_stats"]) {
    it(`per-layer activations of ${name} (debugging aid, README 4.7)`, async () => {
      const { tensors: act } = loadVectors(`vectors/models/${name}.activations.safetensors`);
      const file = name === "jem_wrn16_2_none" ? "jem_wrn16_2_none.pt" : "sadajem_wrn10_1_bn_stats.pt";
      const { model } = await loadModel(sharedPath("vectors", "models", file));
      const xNet = tensorOf(act.get("x_net")!) as tf.Tensor4D;
      const out = model.netActivations(xNet);
      for (const key of ["f.conv1", "f.layer1", "f.layer2", "f.layer3", "head", "penultimate", "logits"] as const) {
        expect(out[key].shape, key).toEqual(act.get(key)!.shape);
        expect(maxAbsRelError(out[key], act.get(key)!), key).toBeLessThanOrEqual(TOL_LOGITS);
      }
      tf.dispose([xNet, ...Object.values(out)]);
      model.dispose();
    });
  }
});
