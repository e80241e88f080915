import * as tf from "@tensorflow/tfjs-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initBackend, Rng } from "@ebjdat/runtime";
import { maxAbsRelError } from "@ebjdat/testing";
import { createWideResNet, PAD1, type WideResNet } from "./wide-resnet";

describe("WideResNet (JEM layout, spec 2.1)", () => {
  let model: WideResNet;
  beforeAll(async () => {
    await initBackend({ quiet: true });
    model = createWideResNet({ depth: 10, width: 1, numClasses: 7, norm: "batch" }, 5);
  });
  afterAll(() => model.dispose());

  it("has the official parameter table and PyTorch-default init", () => {
    const keys = model.parameterEntries().map((e) => e.key);
    expect(keys.slice(0, 4)).toEqual(["f.conv1.weight", "f.conv1.bias", "f.layer1.0.bn1.weight", "f.layer1.0.bn1.bias"]);
    expect(keys).toContain("f.layer2.0.shortcut.0.weight");
    expect(keys).not.toContain("f.layer1.0.shortcut.0.weight"); // width 1: 16 -> 16, stride 1
    expect(keys.slice(-4)).toEqual(["energy_output.weight", "energy_output.bias", "class_output.weight", "class_output.bias"]);
    const w = model.parameterEntries().find((e) => e.key === "f.layer3.0.conv1.weight")!.variable;
    expect(w.shape).toEqual([3, 3, 32, 64]);
    const bound = 1 / Math.sqrt(32 * 9);
    const d = w.dataSync();
    let max = 0;
    for (const v of d) max = Math.max(max, Math.abs(v));
    expect(max).toBeLessThanOrEqual(bound);
    expect(max).toBeGreaterThan(0.95 * bound);
    const bn = model.batchNorms().get("f.bn1")!;
    expect(Array.from(bn.runningVar.dataSync())).toEqual(new Array(64).fill(1));
    // trainable: everything but energy_output and the BN buffers
    const names = model.trainableVariables().map((v) => model.keyOf(v));
    expect(names).not.toContain("energy_output.weight");
    expect(names).not.toContain("f.bn1.running_mean");
    expect(names).toContain("class_output.weight");
  });

  it("explicit conv padding equals pad + valid conv (forward and gradients, strides 1 and 2)", () => {
    const rng = new Rng(4);
    const x = rng.uniform<tf.Rank.R4>([2, 8, 8, 3], -1, 1);
    const w = rng.uniform<tf.Rank.R4>([3, 3, 3, 4], -1, 1);
    const dy = rng.uniform<tf.Rank.R4>([2, 8, 8, 4], -1, 1);
    for (const s of [1, 2] as const) {
      const r = tf.tidy(() => {
        const d = s === 1 ? dy : tf.slice(dy, [0, 0, 0, 0], [2, 4, 4, 4]);
        const f1 = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, s, PAD1), d));
        const f2 = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(tf.pad(a as tf.Tensor4D, PAD1), b as tf.Tensor4D, s, "valid"), d));
        const y1 = tf.conv2d(x, w, s, PAD1);
        const y2 = tf.conv2d(tf.pad(x, PAD1), w, s, "valid");
        const g1 = tf.grads(f1)([x, w]);
        const g2 = tf.grads(f2)([x, w]);
        return [maxAbsRelError(y1.dataSync(), y2.dataSync()), maxAbsRelError(g1[0]!.dataSync(), g2[0]!.dataSync()), maxAbsRelError(g1[1]!.dataSync(), g2[1]!.dataSync()), y1.shape[1]];
      });
      expect(r[3]).toBe(s === 1 ? 8 : 4);
      for (const e of r.slice(0, 3)) expect(e).toBeLessThan(1e-6);
    }
    tf.dispose([x, w, dy]);
  });

  it("is reproducible from the seed", () => {
    const other = createWideResNet({ depth: 10, width: 1, numClasses: 7, norm: "batch" }, 5);
    const third = createWideResNet({ depth: 10, width: 1, numClasses: 7, norm: "batch" }, 6);
    const a = model.parameterEntries()[0]!.variable.dataSync();
    expect(Array.from(other.parameterEntries()[0]!.variable.dataSync())).toEqual(Array.from(a));
    expect(Array.from(third.parameterEntries()[0]!.variable.dataSync())).not.toEqual(Array.from(a));
    other.dispose();
    third.dispose();
  });

  it("maps [0,1] images to logits [B, K]; logits(x) = netLogits(2x-1)", () => {
    const x = new Rng(1).uniform<tf.Rank.R4>([2, 32, 32, 3]);
    const a = model.logits(x);
    const b = tf.tidy(() => model.netLogits(tf.sub(tf.mul(x, 2), 1)));
    expect(a.shape).toEqual([2, 7]);
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    const xNet = tf.tidy(() => tf.sub(tf.mul(x, 2), 1)) as tf.Tensor4D;
    const feat = model.netFeatures(xNet);
    expect(feat.shape).toEqual([2, 64]);
    const head = model.parameterEntries().filter((e) => e.key.startsWith("class_output."));
    const viaHead = tf.tidy(() => tf.add(tf.matMul(feat, head[0]!.variable as tf.Tensor2D), head[1]!.variable));
    expect(maxAbsRelError(viaHead.dataSync(), a.dataSync())).toBeLessThan(1e-6);
    tf.dispose([xNet, feat, viaHead]);
    const fn = model.toLogitsFn();
    const c = fn(x);
    expect(Array.from(c.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([x, a, b, c]);
  });

  it("rejects bad configs and inputs with errors that name them", () => {
    expect(() => createWideResNet({ depth: 12, width: 1, numClasses: 10, norm: "batch" })).toThrow(/depth 12/);
    expect(() => createWideResNet({ depth: 10, width: 0, numClasses: 10, norm: "batch" })).toThrow(/width 0/);
    expect(() => createWideResNet({ depth: 10, width: 1, numClasses: 10, norm: "layer" as "batch" })).toThrow(/norm 'layer'/);
    const bad = tf.zeros([1, 3, 32, 32]) as tf.Tensor4D;
    expect(() => model.logits(bad)).toThrow(/\[1, 3, 32, 32\].*NHWC/);
    expect(() => model.logits(tf.zeros([1, 32, 32, 3]) as tf.Tensor4D, "test" as "eval")).toThrow(/mode 'test'/);
    bad.dispose();
  });

  it("norm none has no BN layers and modes do not matter", () => {
    const m = createWideResNet({ depth: 10, width: 2, numClasses: 10, norm: "none" }, 2);
    expect(m.batchNorms().size).toBe(0);
    expect(m.parameterEntries().some((e) => e.key === "f.layer1.0.shortcut.0.weight")).toBe(true);
    const x = new Rng(2).uniform<tf.Rank.R4>([1, 32, 32, 3]);
    const a = m.logits(x, "eval");
    const b = m.logits(x, "train");
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    tf.dispose([x, a, b]);
    m.dispose();
  });
});
