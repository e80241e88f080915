import { readFileSync } from "node:fs";
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "@ebjdat/runtime";
import { readF32, readU8, relL2Error, sharedPath } from "@ebjdat/testing";
import { deterministicInceptionWeights } from "./deterministic-weights";
import { FidInception } from "./network";
import { preprocessPytorchFid, preprocessTorchFidelity } from "./preprocess";

const V = "vectors/metrics/";
const rows = (a: Float32Array, cols: number, r0: number, r1: number): Float32Array => a.slice(r0 * cols, r1 * cols);

describe("deterministic weights", () => {
  it("match weights_table.json (first16 bit-exact, sum/sumsq 1e-9)", () => {
    const table = JSON.parse(readFileSync(sharedPath(V + "weights_table.json"), "utf8")) as {
      tensors: { k: number; key: string; shape: number[]; first16: number[]; sum: number; sumsq: number }[];
    };
    const w = deterministicInceptionWeights();
    expect(w.size).toBe(472);
    const keys = [...w.keys()].sort();
    for (const t of table.tensors) {
      expect(keys[t.k]).toBe(t.key);
      const got = w.get(t.key)!;
      expect(got.shape).toEqual(t.shape);
      const data = got.data as Float32Array;
      expect(Array.from(data.subarray(0, 16))).toEqual(t.first16.slice(0, Math.min(16, data.length)).map(Math.fround));
      let s = 0, s2 = 0;
      for (let i = 0; i < data.length; i++) { s += data[i]; s2 += data[i] * data[i]; }
      expect(Math.abs(s - t.sum) / Math.max(1e-300, Math.abs(t.sum))).toBeLessThanOrEqual(1e-9);
      expect(Math.abs(s2 - t.sumsq) / t.sumsq).toBeLessThanOrEqual(1e-9);
    }
  });
});

describe("FID Inception parity (CI: one full pytorch-fid image + torch-fidelity stem; all 6 images in tools/src/metrics/inception-parity.ts)", () => {
  let net: FidInception;
  beforeAll(async () => {
    await initBackend({ quiet: true });
    net = FidInception.fromStateDict(deterministicInceptionWeights());
  });

  it("pytorch-fid pipeline, full network: resize, block means, pool3, logits", async () => {
    const imgs = readF32(V + "images01.f32");
    const x = tf.tensor4d(imgs.slice(0, 32 * 32 * 3), [1, 32, 32, 3]);
    const before = tf.memory().numTensors;
    const pre = preprocessPytorchFid(x);
    expect(relL2Error(pre.dataSync(), readF32(V + "pfid_resized_img0.f32"))).toBeLessThan(1e-3);
    const out = await net.forwardAsync(pre, { blockMeans: true, logits: true });
    expect(relL2Error(out.block0Mean!.dataSync(), rows(readF32(V + "pfid_block0_mean.f32"), 64, 0, 1))).toBeLessThan(1e-3);
    expect(relL2Error(out.block1Mean!.dataSync(), rows(readF32(V + "pfid_block1_mean.f32"), 192, 0, 1))).toBeLessThan(1e-3);
    expect(relL2Error(out.block2Mean!.dataSync(), rows(readF32(V + "pfid_block2_mean.f32"), 768, 0, 1))).toBeLessThan(1e-3);
    expect(relL2Error(out.pool3.dataSync(), rows(readF32(V + "pfid_pool3.f32"), 2048, 0, 1))).toBeLessThan(1e-3);
    expect(relL2Error(out.logits!.dataSync(), rows(readF32(V + "pfid_logits.f32"), 1008, 0, 1))).toBeLessThan(1e-3);
    tf.dispose([pre, ...Object.values(out)]);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it("torch-fidelity pipeline: uint8 input, TF1 resize, stem features", async () => {
    const u8 = readU8(V + "images.u8");
    const x0 = tf.tensor4d(Int32Array.from(u8.subarray(0, 3072)), [1, 32, 32, 3], "int32");
    const pre0 = preprocessTorchFidelity(x0);
    expect(relL2Error(pre0.dataSync(), readF32(V + "tfid_resized_img0.f32"))).toBeLessThan(1e-3);
    // image 4 is the one-pixel checkerboard: the most sensitive to the resize convention
    const i = 4;
    const x = tf.tensor4d(Int32Array.from(u8.subarray(i * 3072, (i + 1) * 3072)), [1, 32, 32, 3], "int32");
    const pre = preprocessTorchFidelity(x);
    const out = await net.forwardAsync(pre, { stemOnly: true });
    expect(relL2Error(out.block0Mean!.dataSync(), rows(readF32(V + "tfid_feat64.f32"), 64, i, i + 1))).toBeLessThan(1e-3);
    expect(relL2Error(out.block1Mean!.dataSync(), rows(readF32(V + "tfid_feat192.f32"), 192, i, i + 1))).toBeLessThan(1e-3);
    tf.dispose([x, x0, pre0, pre, ...Object.values(out)]);
  });

  it("rejects images of the wrong shape or range", () => {
    const bad = tf.ones([1, 8, 8, 1]) as tf.Tensor4D;
    expect(() => preprocessPytorchFid(bad)).toThrow(/\[N, H, W, 3\]/);
    const big = tf.fill([1, 4, 4, 3], 200) as tf.Tensor4D;
    expect(() => preprocessPytorchFid(big)).toThrow(/\[0, 1\].*divide by 255/);
    const frac = tf.fill([1, 4, 4, 3], 0.5) as tf.Tensor4D;
    expect(() => preprocessTorchFidelity(frac)).toThrow(/uint8/);
    expect(() => net.forward(big)).toThrow(/299, 299, 3/);
    tf.dispose([bad, big, frac]);
  });
});
