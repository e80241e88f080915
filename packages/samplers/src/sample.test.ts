import * as tf from "@tensorflow/tfjs-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initBackend, Rng } from "@ebjdat/runtime";
import { tinyConvNet } from "./fixtures/models";
import { uniformInit } from "./initializer";
import { ReplayBuffer } from "./replay-buffer";
import { gridLabels, sample, type SampleProgress } from "./sample";

let net: ReturnType<typeof tinyConvNet>;
beforeAll(async () => {
  await initBackend({ quiet: true });
  net = tinyConvNet(3);
});
afterAll(() => net.dispose());

describe("sample()", () => {
  it("fresh chains: [0, 1] images, deterministic by seed, progress reported", async () => {
    const progress: SampleProgress[] = [];
    const a = await sample(net.fn, { n: 5, batchSize: 2, steps: 2, sampler: "sadajem", imageShape: [6, 6, 3], seed: 4, onProgress: (p) => progress.push(p) });
    const b = await sample(net.fn, { n: 5, batchSize: 2, steps: 2, sampler: "sadajem", imageShape: [6, 6, 3], seed: 4 });
    expect(a.images.shape).toEqual([5, 6, 6, 3]);
    expect(Array.from(a.xNet.dataSync())).toEqual(Array.from(b.xNet.dataSync()));
    expect(tf.tidy(() => tf.min(a.images).dataSync()[0]!)).toBeGreaterThanOrEqual(0);
    expect(tf.tidy(() => tf.max(a.images).dataSync()[0]!)).toBeLessThanOrEqual(1);
    expect(progress.at(-1)).toEqual({ done: 5, total: 5, step: 2, nSteps: 2 });
    tf.dispose([a.images, a.xNet, b.images, b.xNet]);
  });

  it("conditional sampling from a buffer draws from the class blocks and writes back", async () => {
    const buffer = ReplayBuffer.create(50, uniformInit([6, 6, 3]), new Rng(1));
    const before = Float32Array.from(buffer.data);
    const y = gridLabels(5, 2);
    expect(Array.from(y)).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 4, 4]);
    const r = await sample(net.fn, { n: 10, classLabel: y, numClasses: 5, buffer, steps: 1, sampler: "jem" });
    expect(r.labels).toEqual(y);
    expect(buffer.numClasses).toBe(5);
    expect(Array.from(buffer.data)).not.toEqual(Array.from(before));
    tf.dispose([r.images, r.xNet]);
    await expect(sample(net.fn, { n: 2, classLabel: [0, 7], numClasses: 5 })).rejects.toThrow(/label 1 is 7/);
  });

  it("does not leak tensors", async () => {
    const run = async (): Promise<void> => {
      const r = await sample(net.fn, { n: 3, steps: 1, imageShape: [6, 6, 3], batchSize: 2 });
      tf.dispose([r.images, r.xNet]);
    };
    await run();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) await run();
    expect(tf.memory().numTensors).toBe(before);
  });
});
