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
import type { Objective } from "./objective";

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

describe("train (JEM family: replay buffer, p(x) batch, SAM)", () => {
  const jem = resolveConfig(
    {
      iterations: 3,
      batchSize: 8,
      data: { perClass: 2 },
      eval: { n: 0 },
      jem: { px: { batchSize: 8 }, buffer: { size: 24 }, sampler: { nSteps: 1 } },
      adv: { steps: 1 },
      schedule: { warmupIters: 0, decayEpochs: [], decayRate: 1 },
    },
    "ebjdat-sadajem-smoke",
  );

  it("resumes EB-JDAT-SADAJEM to the same weights and replay buffer as an uninterrupted run", async () => {
    const a = tmp();
    const b = tmp();
    const n0 = tf.memory().numTensors;
    await train(jem, { outDir: a, dataDir });
    expect(tf.memory().numTensors).toBe(n0);
    await train(jem, { outDir: b, dataDir, maxSteps: 1 });
    const rest = await train(jem, { outDir: b, dataDir, resume: true });
    expect(rest.steps).toBe(3);
    const la = await loadModel(join(a, "checkpoint", "model"));
    const lb = await loadModel(join(b, "checkpoint", "model"));
    expect(la.replayBuffer?.shape).toEqual([24, 32, 32, 3]);
    expect(Array.from(lb.replayBuffer!.dataSync())).toEqual(Array.from(la.replayBuffer!.dataSync()));
    const va = la.model.trainableVariables();
    const vb = lb.model.trainableVariables();
    for (let i = 0; i < va.length; i++) expect(Array.from(vb[i]!.dataSync())).toEqual(Array.from(va[i]!.dataSync()));
    expect(readLog(b).at(-1)!.terms.sam_grad_norm).toBeGreaterThan(0);
    tf.dispose([la.replayBuffer!, lb.replayBuffer!]);
    la.model.dispose();
    lb.model.dispose();
  });
});

describe("divergence guard", () => {
  const nanAt = (step: number, times: number) => (inner: Objective): Objective => {
    let fired = 0;
    return {
      name: inner.name,
      run(ctx, batch) {
        const r = ctx.accumulate(() => inner.loss!(ctx.net, batch));
        if (ctx.step === step && fired < times) {
          fired += 1;
          return { loss: Number.NaN, terms: r.terms };
        }
        return r;
      },
    };
  };

  it("recovers from an injected NaN: restores the last good checkpoint, lowers lr, logs the event", async () => {
    const out = tmp();
    const c = { ...config, checkpointEvery: 1 };
    const r = await train(c, { outDir: out, dataDir, wrapObjective: nanAt(2, 1) });
    expect(r.finished).toBe(true);
    const log = readLog(out);
    const ev = log.filter((l) => l.event === "divergence");
    expect(ev).toHaveLength(1);
    expect(ev[0]!.reason).toMatch(/NaN/);
    const steps = log.filter((l) => !l.event);
    expect(steps.map((l) => l.step)).toEqual([1, 2, 3, 4]);
    expect(steps[2]!.lr).toBeCloseTo(steps[1]!.lr * c.guard.lrFactor, 12);
    expect(log.every((l) => l.event || Number.isFinite(l.loss))).toBe(true);
  });

  it("stops with a clear message after the bounded number of retries", async () => {
    const out = tmp();
    await expect(train(config, { outDir: out, dataDir, wrapObjective: nanAt(1, 100) })).rejects.toThrow(/diverged.*after 3 restarts.*last good checkpoint/);
    expect(readLog(out).filter((l) => l.event === "divergence")).toHaveLength(4);
  });
});
