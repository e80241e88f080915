// No tensor leaks: tf.memory().numTensors stays flat over many steps (DEVELOPING.md rules).
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { backendInfo, initBackend, Rng } from "@ebjdat/runtime";
import { sharedPath } from "@ebjdat/testing";
import { loadModel } from "./load-model";
import { createWideResNet } from "./wide-resnet";

describe("tensor leaks", () => {
  beforeAll(async () => {
    await initBackend({ quiet: true });
  });

  it("train-mode forward + backward steps (parameter and input gradients) keep numTensors flat", () => {
    const model = createWideResNet({ depth: 10, width: 1, numClasses: 10, norm: "batch" }, 3);
    const rng = new Rng(1);
    const x = rng.uniform<tf.Rank.R4>([2, 32, 32, 3]);
    const y = tf.oneHot(tf.tensor1d([1, 2], "int32"), 10);
    const cpu = backendInfo()?.name === "cpu";
    // TF.js's cpu Conv2DBackpropFilter is ~30x slower than its Conv2D (~4 s per conv-weight
    // gradient pass here), so on cpu the parameter gradients skip the conv kernels (biases, BN
    // and head still exercise every other backward path, including the BN custom gradient).
    const conv = new Set(model.parameterEntries().filter((e) => e.layout === "conv").map((e) => e.variable.name));
    const vars = model.trainableVariables().filter((v) => !cpu || !conv.has(v.name));
    const modes = ["train", "train-frozen", "eval"] as const;
    const step = (i: number): void => {
      const mode = modes[i % 3]!;
      const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, model.logits(x, mode)) as tf.Scalar, vars);
      // a plain SGD update, as a trainer would do
      tf.tidy(() => {
        for (const v of vars) v.assign(tf.sub(v, tf.mul(grads[v.name]!, 1e-3)));
      });
      tf.dispose([value, ...Object.values(grads)]);
      // an input gradient (sampler / attack step) every third step
      if (i % 3 === 0) tf.grad((xx: tf.Tensor) => tf.sum(tf.logSumExp(model.logits(xx as tf.Tensor4D, mode), 1)))(x).dispose();
    };
    step(0);
    const start = tf.memory().numTensors;
    const steps = cpu ? 6 : 12;
    for (let i = 1; i <= steps; i++) step(i);
    expect(tf.memory().numTensors).toBe(start);
    const nonEval = [0, ...Array.from({ length: steps }, (_, k) => k + 1)].filter((i) => i % 3 !== 2);
    const extra = [0, ...Array.from({ length: steps }, (_, k) => k + 1)].filter((i) => i % 3 === 0).length;
    expect(model.batchNorms().get("f.bn1")!.numBatchesTracked).toBe(nonEval.length + extra);
    tf.dispose([x, y]);
    model.dispose();
  });

  it("creating, loading, exporting and disposing models returns to the baseline", async () => {
    const start = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      const m = createWideResNet({ depth: 10, width: 1, numClasses: 10, norm: "batch" }, i);
      m.stateDict();
      const z = tf.zeros([1, 32, 32, 3]) as tf.Tensor4D;
      tf.dispose([z, ...Object.values(m.netActivations(z))]);
      m.dispose();
      const { model, replayBuffer } = await loadModel(sharedPath("vectors", "models", "ccf_checkpoint_wrn10_1_bn.pt"));
      model.dispose();
      replayBuffer?.dispose();
    }
    expect(tf.memory().numTensors).toBe(start);
  });
});
