import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend, Rng } from "@ebjdat/runtime";
import { extractFeatures, type InceptionNet } from "./extract";
import { fm } from "./feature-model";
import { paperLogits } from "./paper";
import { pfid } from "./pytorch-fid";
import { tfid, tfidLogits } from "./torch-fidelity";
import { definePipeline } from "./types";

beforeAll(async () => {
  await initBackend({ quiet: true });
});

/** A stand-in for the Inception: pool3 = channel means of the 299 × 299 input, logits = 2·pool3; counts its passes. */
function stubNet() {
  const calls = { forward: 0, logits: 0 };
  const net: InceptionNet = {
    forwardAsync: async (x) => {
      calls.forward++;
      return { pool3: tf.mean(x, [1, 2]) as tf.Tensor2D };
    },
    logitsUnbiased: (pool3) => {
      calls.logits++;
      return tf.mul(pool3, 2) as tf.Tensor2D;
    },
  };
  return { net, calls };
}

describe("extractFeatures", () => {
  it("runs one Inception pass per batch and input, shared by pool3 and logits; tensors stay flat", async () => {
    const x = new Rng(1).uniform([4, 8, 8, 3], 0, 1) as tf.Tensor4D;
    const { net, calls } = stubNet();
    const before = tf.memory().numTensors;
    const f = await extractFeatures(x, [pfid, tfid, tfidLogits, paperLogits], { net, fake: true, batchSize: 2 });
    expect(tf.memory().numTensors).toBe(before);
    expect(calls.forward).toBe(2 * 3); // 2 batches × (pytorch-fid, torch-fidelity, paper) inputs
    expect(calls.logits).toBe(2 * 2);
    expect([...f.keys()]).toEqual(["pfid", "tfid", "tfidLogits", "paperLogits"]);
    const t = f.get("tfid")!, l = f.get("tfidLogits")!;
    expect([t.rows, t.cols]).toEqual([4, 3]);
    expect(Array.from(l.data)).toEqual(Array.from(t.data, (v) => Math.fround(2 * v)));
    x.dispose();
  });

  it("disposes the batch's tensors when a pipeline fails, and says when no Inception is loaded", async () => {
    const x = new Rng(2).uniform([2, 8, 8, 3], 0, 1) as tf.Tensor4D;
    const { net } = stubNet();
    const broken = definePipeline({ key: "broken", needsInception: false, extract: () => { throw new Error("broken pipeline"); }, describe: () => "" });
    const before = tf.memory().numTensors;
    await expect(extractFeatures(x, [tfid, tfidLogits, broken], { net, fake: false, batchSize: 2 })).rejects.toThrow(/broken pipeline/);
    expect(tf.memory().numTensors).toBe(before);
    await expect(extractFeatures(x, [pfid], { fake: false, batchSize: 2 })).rejects.toThrow(/real images: .*needs the FID Inception/);
    await expect(extractFeatures(x, [fm], { fake: true, batchSize: 2 })).rejects.toThrow(/no featureModel/);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
