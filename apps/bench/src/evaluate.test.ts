import * as tf from "@tensorflow/tfjs-core";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "@ebjdat/runtime";
import { createWideResNet, loadModel, saveModel } from "@ebjdat/models";
import { batchTensor, loadDataset, subset } from "@ebjdat/data";
import { computeMetrics } from "@ebjdat/metrics";
import { evaluateModel, type EvalSettings } from "./evaluate";
import { SCALES } from "./scales";

/** The replay buffer saved with the test model (12 chains in [-1, 1]). */
const bufferTensor = (): tf.Tensor4D => tf.randomUniform([12, 32, 32, 3], -1, 1, "float32", 1) as tf.Tensor4D;

const root = mkdtempSync(join(tmpdir(), "bench-eval-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("evaluateModel", () => {
  let settings: EvalSettings;
  beforeAll(async () => {
    await initBackend({ quiet: true });
    const m = createWideResNet({ depth: 10, width: 1, numClasses: 10, norm: "batch" }, 3);
    const buffer = bufferTensor();
    await saveModel(m, join(root, "model"), { replayBuffer: buffer });
    buffer.dispose();
    m.dispose();
    settings = {
      checkpoint: join(root, "model"),
      test: "cifar10-exact-test",
      sizes: { ...SCALES.smoke.eval, clean: 16, pgd: 8, aa: 4, generated: 8, gridPerClass: 1, sgldSteps: 1 },
      paperSigma: 0.03,
      generative: true,
      featureCheckpoint: join(root, "model"),
      seed: 1,
    };
  }, 60_000);

  it("measures both protocols, energies and generation, caching every stage, without leaking tensors", async () => {
    const dir = join(root, "job");
    const before = tf.memory().numTensors;
    const stages: string[] = [];
    const r = await evaluateModel(settings, dir, (s) => stages.push(s));
    expect(tf.memory().numTensors).toBe(before);
    expect(stages).toEqual(["clean accuracy", "standard PGD-5", "standard AutoAttack", "paper PGD-5", "paper AutoAttack", "generated samples", "generation metrics", "class-conditional grid"]);
    expect(r.clean.n).toBe(16);
    expect(r.standard.pgd20.eps).toBeCloseTo(8 / 255, 12);
    expect(r.paper.pgd20.eps).toBeCloseTo(4 / 255, 12);
    expect(r.paper.pgd20.stepSize).toBeCloseTo(0.5 / 255, 12);
    expect(r.standard.aa.after).toHaveProperty("square");
    expect(r.paper.aa.after).toHaveProperty("apgd-dlr");
    expect(r.standard.pgd20.robustAccuracy).toBeLessThanOrEqual(r.standard.pgd20.cleanAccuracy);
    expect(r.energies.clean).toHaveLength(8);
    expect(r.energies.adversarial).toHaveLength(8);
    expect(r.energies.generated).toHaveLength(8);
    expect(r.energies.generatedFrom).toMatch(/replay buffer \(8 of 12/);
    // the attack climbs the loss: on average the adversarial energies differ from the clean ones
    expect(r.standard.energyGap.meanAbs).toBeGreaterThan(0);
    // FD-WRN of the 8 buffer samples against the first 16 test images, recomputed independently
    const fake = tf.tidy(() => tf.slice(tf.clipByValue(tf.div(tf.add(bufferTensor(), 1), 2), 0, 1), 0, 8) as tf.Tensor4D);
    const data = await loadDataset("cifar10-exact-test");
    const real = batchTensor(subset(data, Array.from({ length: 16 }, (_, i) => i)), Array.from({ length: 16 }, (_, i) => i)).x;
    const loaded = await loadModel(settings.checkpoint);
    loaded.replayBuffer?.dispose();
    const feat = loaded.model;
    const expected = await computeMetrics({ real, fake, metrics: ["fd-wrn"], batchSize: 100, featureModel: { name: "FD-WRN", fn: (x: tf.Tensor4D) => tf.tidy(() => feat.netFeatures(tf.sub(tf.mul(x, 2), 1) as tf.Tensor4D, "eval")) } });
    tf.dispose([fake, real]);
    feat.dispose();
    expect(r.generation?.metrics["fd-wrn"]?.value).toBeGreaterThan(0);
    expect(r.generation?.metrics["fd-wrn"]?.value).toBeCloseTo(expected.metrics["fd-wrn"]!.value!, 3);
    expect(existsSync(join(dir, "grid.png"))).toBe(true);
    expect(readdirSync(join(dir, "parts")).sort()).toEqual(["clean.json", "generation.json", "grid.json", "paper-aa.eval.json", "paper-pgd.eval.json", "standard-aa.eval.json", "standard-pgd.eval.json"]);
    // a rerun reads the cached stages: same numbers
    const again = await evaluateModel(settings, dir);
    expect(again.standard).toEqual(r.standard);
    expect(again.paper).toEqual(r.paper);
    expect(tf.memory().numTensors).toBe(before);
  }, 240_000);

  it("refuses a test set with another number of classes, naming both", async () => {
    const m = createWideResNet({ depth: 10, width: 1, numClasses: 5, norm: "batch" }, 3);
    await saveModel(m, join(root, "five"));
    m.dispose();
    const before = tf.memory().numTensors;
    await expect(evaluateModel({ ...settings, checkpoint: join(root, "five") }, join(root, "x"))).rejects.toThrow(/has 5 classes but the test set 'cifar10-exact-test' has 10/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
