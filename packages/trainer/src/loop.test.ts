import * as tf from "@tensorflow/tfjs-core";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "@ebjdat/runtime";
import { loadModel } from "@ebjdat/models";
import { sharedPath } from "@ebjdat/testing";
import { resolveConfig } from "./config";
import { readLog, train } from "./loop";

const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), "ebjdat-train-"));
  dirs.push(d);
  return d;
}

beforeAll(async () => {
  await initBackend({ quiet: true });
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const dataDir = sharedPath("data");
const config = resolveConfig({ iterations: 4, batchSize: 8, data: { perClass: 4 }, eval: { n: 16 }, schedule: { warmupIters: 0, decayEpochs: [], decayRate: 1 } });

async function weights(dir: string): Promise<Float32Array[]> {
  const { model } = await loadModel(join(dir, "checkpoint", "model"));
  const out = model.trainableVariables().map((v) => v.dataSync() as Float32Array);
  model.dispose();
  return out;
}

describe("train (standard cross-entropy)", () => {
  it("lowers the loss on a fixed batch", async () => {
    const out = tmp();
    const c = resolveConfig({ iterations: 8, batchSize: 8, data: { perClass: 1, augment: false }, eval: { n: 0 }, optimizer: { lr: 0.05 }, schedule: { warmupIters: 0, decayEpochs: [], decayRate: 1 } });
    // 10 images, batch 8, drop-last: every step sees 8 of the same 10 images.
    await train(c, { outDir: out, dataDir });
    const log = readLog(out);
    expect(log).toHaveLength(8);
    expect(log[7]!.loss).toBeLessThan(log[0]!.loss);
  });

  it("resumes to the same weights as an uninterrupted run", async () => {
    const a = tmp();
    const b = tmp();
    const full = await train(config, { outDir: a, dataDir });
    expect(full.finished).toBe(true);
    expect(full.eval?.n).toBe(16);
    const part = await train(config, { outDir: b, dataDir, maxSteps: 2 });
    expect(part.finished).toBe(false);
    expect(part.steps).toBe(2);
    await expect(train(config, { outDir: b, dataDir })).rejects.toThrow(/--resume/);
    const rest = await train(config, { outDir: b, dataDir, resume: true });
    expect(rest.steps).toBe(4);
    const wa = await weights(a);
    const wb = await weights(b);
    expect(wb.length).toBe(wa.length);
    for (let i = 0; i < wa.length; i++) expect(Array.from(wb[i]!)).toEqual(Array.from(wa[i]!));
  });

  it("refuses to resume with another config", async () => {
    const out = tmp();
    await train(config, { outDir: out, dataDir, maxSteps: 1 });
    await expect(train({ ...config, seed: 2 }, { outDir: out, dataDir, resume: true })).rejects.toThrow(/config differs/);
  });

  it("keeps the tensor count flat across steps", async () => {
    const before = tf.memory().numTensors;
    await train(config, { outDir: tmp(), dataDir });
    expect(tf.memory().numTensors).toBe(before);
  });
});
