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

const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), "ebjdat-resume-"));
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

async function weights(dir: string): Promise<number[][]> {
  const { model } = await loadModel(join(dir, "checkpoint", "model"));
  const out = model.trainableVariables().map((v) => Array.from(v.dataSync()));
  model.dispose();
  return out;
}

let reference: { dir: string; weights: number[][] } | undefined;
/** An uninterrupted run of `config`, for comparisons. */
async function uninterrupted(): Promise<{ dir: string; weights: number[][] }> {
  if (!reference) {
    const dir = tmp();
    await train(config, { ...quiet, outDir: dir });
    reference = { dir, weights: await weights(dir) };
  }
  return reference;
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
    expect(await weights(out)).toEqual(ref.weights);
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
      expect(await weights(out)).toEqual(ref.weights);
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
      expect(await weights(out)).toEqual(ref.weights);
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
    expect(await weights(out)).toEqual(ref.weights);
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
