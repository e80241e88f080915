import * as tf from "@tensorflow/tfjs-core";
import { spawn } from "node:child_process";
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initBackend, resolveVersionedDir, versionCandidates, versionsFolder } from "@ebjdat/runtime";
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
const quiet = { dataDir, onWarning: () => {} };

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

let reference: { dir: string; weights: number[][] } | undefined;
/** An uninterrupted run of `config`, for comparisons. */
async function uninterrupted(): Promise<{ dir: string; weights: number[][] }> {
  if (!reference) {
    const dir = tmp();
    await train(config, { ...quiet, outDir: dir });
    reference = { dir, weights: await plainWeights(dir) };
  }
  return reference;
}

/** The weights as plain arrays (for toEqual). */
async function plainWeights(dir: string): Promise<number[][]> {
  return (await weights(dir)).map((w) => Array.from(w));
}

describe("train: resume semantics", () => {
  it("--resume on a folder without a checkpoint is an error naming the folder; or-start starts there", async () => {
    const out = join(tmp(), "mistyped");
    await expect(train(config, { ...quiet, outDir: out, resume: true })).rejects.toThrow(new RegExp(`Cannot resume: '${out}' holds no checkpoint.*--resume-or-start`));
    expect(existsSync(out)).toBe(false);
    const r = await train(config, { ...quiet, outDir: out, resume: "or-start", maxSteps: 1 });
    expect(r.steps).toBe(1);
    const r2 = await train(config, { ...quiet, outDir: out, resume: "or-start" });
    expect(r2.startStep).toBe(1);
    expect(r2.steps).toBe(4);
  });

  it("stops between steps when the signal is aborted from the event loop, saves, and resumes to the same weights", async () => {
    const ref = await uninterrupted();
    const out = tmp();
    const controller = new AbortController();
    const r = await train(config, {
      ...quiet,
      outDir: out,
      signal: controller.signal,
      onLog: (rec) => {
        // as a signal handler does: on the event loop, not inside the step
        if (rec.step === 2) setImmediate(() => controller.abort("SIGTERM"));
      },
    });
    expect(r.interrupted).toBe("SIGTERM");
    expect(r.steps).toBe(2);
    expect(r.finished).toBe(false);
    expect(existsSync(join(out, "result.json"))).toBe(false);
    const rest = await train(config, { ...quiet, outDir: out, resume: true });
    expect(rest.startStep).toBe(2);
    expect(await plainWeights(out)).toEqual(ref.weights);
    expect(readLog(out).map((l) => l.step)).toEqual([1, 2, 3, 4]);
  });

  it("cuts log.jsonl back to the checkpoint's step on resume (steps of the killed run after it, a cut last line)", async () => {
    const out = tmp();
    await train(config, { ...quiet, outDir: out, maxSteps: 2 });
    const log = readFileSync(join(out, "log.jsonl"), "utf8");
    // what a run killed after step 3 leaves: step 3 logged but not checkpointed, and a half line
    appendFileSync(join(out, "log.jsonl"), JSON.stringify({ step: 3, epoch: 0, lr: 0.1, loss: 9, terms: {}, ms: 1 }) + "\n" + '{"step": 4, "ep');
    await train(config, { ...quiet, outDir: out, resume: true });
    const steps = readLog(out).map((l) => l.step);
    expect(steps).toEqual([1, 2, 3, 4]);
    expect(readFileSync(join(out, "log.jsonl"), "utf8").startsWith(log)).toBe(true);
    expect(readLog(out).every((l) => l.loss !== 9)).toBe(true);
  });

  it("--resume of a finished run leaves result.json as it was and says so", async () => {
    const out = tmp();
    const first = await train(config, { ...quiet, outDir: out });
    const before = readFileSync(join(out, "result.json"), "utf8");
    const mtime = statSync(join(out, "result.json")).mtimeMs;
    const again = await train(config, { ...quiet, outDir: out, resume: true });
    expect(again.alreadyFinished).toBe(true);
    expect(again.finished).toBe(true);
    expect(again.lastLoss).toBe(first.lastLoss);
    expect(again.eval).toEqual(first.eval);
    expect(readFileSync(join(out, "result.json"), "utf8")).toBe(before);
    expect(statSync(join(out, "result.json")).mtimeMs).toBe(mtime);
  });

  it("writes result.json when a run was killed after its last checkpoint, with the log's last loss", async () => {
    const out = tmp();
    const first = await train(config, { ...quiet, outDir: out });
    rmSync(join(out, "result.json"));
    const again = await train(config, { ...quiet, outDir: out, resume: true });
    expect(again.alreadyFinished).toBeUndefined();
    expect(again.lastLoss).toBe(first.lastLoss);
    expect(again.eval).toEqual(first.eval);
    expect(JSON.parse(readFileSync(join(out, "result.json"), "utf8")).lastLoss).toBe(first.lastLoss);
  });
});

describe("train: checkpoints on disk", () => {
  it("keeps the current and the previous version; a damaged current one falls back to the previous with a warning", async () => {
    const ref = await uninterrupted();
    for (const damage of ["truncate", "empty", "random"] as const) {
      const out = tmp();
      await train(config, { ...quiet, outDir: out, maxSteps: 2 });
      const versions = versionCandidates(join(out, "checkpoint"));
      expect(versions).toHaveLength(2);
      const state = join(versions[0]!, "state.json");
      if (damage === "truncate") truncateSync(state, 40);
      else if (damage === "empty") writeFileSync(state, "");
      else writeFileSync(state, Buffer.from(Array.from({ length: 64 }, (_, i) => (i * 97 + 13) % 256)));
      const warnings: string[] = [];
      const r = await train(config, { ...quiet, outDir: out, resume: true, onWarning: (m) => warnings.push(m) });
      expect(warnings.join("\n")).toMatch(/the latest checkpoint is damaged: '[^']*state\.json' (is not valid JSON \([ -~]*\)|is empty); expected a checkpoint's loop state[^\n]* Resuming from the previous one, step 0/);
      expect(r.startStep).toBe(0);
      expect(await plainWeights(out)).toEqual(ref.weights);
    }
  });

  it("detects a model or optimizer file replaced by bytes of the same size (SHA-256 in state.json) and falls back", async () => {
    const ref = await uninterrupted();
    for (const target of [join("model", "weights.bin"), "optimizer.safetensors"]) {
      const out = tmp();
      await train(config, { ...quiet, outDir: out, maxSteps: 2 });
      const path = join(versionCandidates(join(out, "checkpoint"))[0]!, target);
      const size = statSync(path).size;
      writeFileSync(path, Buffer.from(Array.from({ length: size }, (_, i) => (i * 131 + 7) % 256)));
      const warnings: string[] = [];
      await train(config, { ...quiet, outDir: out, resume: true, onWarning: (m) => warnings.push(m) });
      expect(warnings.join("\n")).toContain(`'${path}' does not match the SHA-256 recorded in state.json (damaged or replaced)`);
      expect(await plainWeights(out)).toEqual(ref.weights);
    }
  });

  it("names the damaged file and what was expected when no version can be read", async () => {
    const out = tmp();
    await train(config, { ...quiet, outDir: out, maxSteps: 1 });
    for (const v of versionCandidates(join(out, "checkpoint"))) writeFileSync(join(v, "state.json"), '{"config": {"method": "standard", "unterminated');
    await expect(train(config, { ...quiet, outDir: out, resume: true })).rejects.toThrow(/'.*step-00000001\/state\.json' is not valid JSON \(.*\); expected a checkpoint's loop state.*cannot be read/);
  });

  it("resumes a checkpoint of the layout before versions (a plain checkpoint/ folder)", async () => {
    const ref = await uninterrupted();
    const out = tmp();
    await train(config, { ...quiet, outDir: out, maxSteps: 2 });
    const current = resolveVersionedDir(join(out, "checkpoint"))!;
    rmSync(join(out, "checkpoint"));
    cpSync(current, join(out, "checkpoint"), { recursive: true });
    rmSync(versionsFolder(join(out, "checkpoint")), { recursive: true });
    await train(config, { ...quiet, outDir: out, resume: true });
    expect(await plainWeights(out)).toEqual(ref.weights);
    expect(versionCandidates(join(out, "checkpoint")).map((p) => p.split("/").at(-1))).toEqual(["step-00000004", "legacy"]);
  });
});

describe("train: one writer per folder", () => {
  it("refuses a second writer naming the owner, and takes over the lock of a killed one", async () => {
    const out = tmp();
    mkdirSync(out, { recursive: true });
    const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)"]);
    try {
      writeFileSync(join(out, "train.lock"), JSON.stringify({ pid: child.pid, host: hostname(), startedAt: "2026-01-01T00:00:00.000Z", command: "ebjdat train --out x" }));
      await expect(train(config, { ...quiet, outDir: out })).rejects.toThrow(new RegExp(`the training run in '${out}' is in use by pid ${child.pid} on ${hostname()} since 2026-01-01T00:00:00.000Z \\(ebjdat train --out x\\)`));
      expect(existsSync(join(out, "checkpoint"))).toBe(false);
    } finally {
      child.kill("SIGKILL");
    }
    await new Promise((r) => child.on("exit", r));
    const warnings: string[] = [];
    const r = await train(config, { ...quiet, outDir: out, maxSteps: 1, onWarning: (m) => warnings.push(m) });
    expect(r.steps).toBe(1);
    expect(warnings.join("\n")).toMatch(new RegExp(`taking over the stale lock .*pid ${child.pid}`));
    expect(existsSync(join(out, "train.lock"))).toBe(false);
  });
});
