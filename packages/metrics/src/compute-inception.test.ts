import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "@ebjdat/runtime";
import { readF32 } from "@ebjdat/testing";
import { computeMetrics } from "./compute";
import { featureSetFrechetDistance } from "./feature-distance";
import { inceptionScore } from "./inception-score";
import { kernelInceptionDistance } from "./kid";
import { NumpyRandomState } from "./numpy-random";
import { deterministicInceptionWeights } from "./inception/deterministic-weights";
import { FidInception } from "./inception/network";

// End-to-end: computeMetrics through the Inception (12 image passes). Cheap on wasm (~10 s), about
// 5 minutes on the pure-JS cpu backend, so it runs only on wasm (the default backend order picks it).
const V = "vectors/metrics/";
let backend = "";
beforeAll(async () => {
  backend = (await initBackend({ quiet: true })).name;
});
const rowsOf = (name: string, cols: number, r0: number, r1: number) => ({ rows: r1 - r0, cols, data: readF32(V + name).slice(r0 * cols, r1 * cols) });
const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe("computeMetrics with the FID Inception (deterministic weights)", () => {
  it("FID / IS / KID equal the metrics of the reference features (images 0-2 real, 3-5 fake)", async (ctx) => {
    if (backend !== "wasm") ctx.skip();
    const imgs = tf.tensor4d(readF32(V + "images01.f32"), [6, 32, 32, 3]);
    const real = tf.slice(imgs, [0, 0, 0, 0], [3, -1, -1, -1]) as tf.Tensor4D;
    const fake = tf.slice(imgs, [3, 0, 0, 0], [3, -1, -1, -1]) as tf.Tensor4D;
    const net = FidInception.fromStateDict(deterministicInceptionWeights());
    const r = await computeMetrics({ real, fake, metrics: ["fid", "is", "kid"], inception: net, inceptionSource: "deterministic", isSplits: 3, kidSubsets: 2, kidSubsetSize: 3, batchSize: 2 });
    net.dispose();
    // The network outputs match the references to ~1e-6 (float32); the derived tolerance here is 1e-3.
    const fid = featureSetFrechetDistance(rowsOf("pfid_pool3.f32", 2048, 0, 3), rowsOf("pfid_pool3.f32", 2048, 3, 6), "FID").value;
    expect(rel(r.metrics.fid!.value!, fid)).toBeLessThan(1e-3);
    expect(r.metrics.fid!.protocol).toMatch(/pytorch-fid/);
    const is = inceptionScore(rowsOf("tfid_logits_unbiased.f32", 1008, 3, 6), { splits: 3 });
    expect(rel(r.metrics.is!.value!, is.mean)).toBeLessThan(1e-3);
    const g = new NumpyRandomState(2020);
    const kid = kernelInceptionDistance(rowsOf("tfid_feat2048.f32", 2048, 0, 3), rowsOf("tfid_feat2048.f32", 2048, 3, 6), { subsets: 2, subsetSize: 3, permutation: (n) => g.permutation(n) });
    expect(rel(r.metrics.kid!.value!, kid.mean)).toBeLessThan(1e-3);
    expect(r.metrics.fid!.warning).toMatch(/rank-deficient/);
    tf.dispose([imgs, real, fake]);
  });
});
