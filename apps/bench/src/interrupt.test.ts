import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadModel } from "@ebjdat/models";
import { initBackend } from "@ebjdat/runtime";
import { readLog, train } from "@ebjdat/trainer";
import { readDone } from "./cache";
import { runJob, type TrainDone } from "./jobs";
import { buildPlan, type TrainJob } from "./plan";
import { runJobs } from "./scheduler";
import { SCALES } from "./scales";

const root = mkdtempSync(join(tmpdir(), "bench-interrupt-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
// the data folder of every bench test: EBJDAT_DATA, else ../shared/data beside the repository
const dataDir = process.env.EBJDAT_DATA;

function trainJob(cacheRoot: string): TrainJob {
  const jobs = buildPlan({ scale: SCALES.smoke, cacheRoot, codeVersion: "t", seeds: 1, rows: ["standard"], data: [{ dataset: "cifar10", train: "cifar10-train-balanced", test: "cifar10-exact-test" }] });
  return jobs.find((j) => j.kind === "train") as TrainJob;
}

async function weights(dir: string): Promise<number[][]> {
  const { model } = await loadModel(join(dir, "checkpoint", "model"));
  const w = model.trainableVariables().map((v) => Array.from(v.dataSync()));
  model.dispose();
  return w;
}

describe("bench interruption", () => {
  it("a signal stops the running job with its checkpoint, starts no other, and a rerun finishes it with the weights of an uninterrupted run", async () => {
    await initBackend({ quiet: true });
    const job = trainJob(join(root, "cache"));
    const lines: string[] = [];
    const stop = new AbortController();
    const first = await runJobs([job], {
      concurrency: 1,
      ...(dataDir ? { dataDir } : {}),
      signal: stop.signal,
      log: (l) => {
        lines.push(l);
        // as a signal handler does, on the event loop while the job trains
        if (l.includes(": step ")) setImmediate(() => stop.abort("SIGINT"));
      },
    });
    const o = first.get(job.id)!;
    expect(o).toMatchObject({ ok: false, interrupted: true });
    expect(!o.ok && o.error).toMatch(/interrupted by SIGINT; checkpoint saved at step \d+\/3/);
    expect(lines.some((l) => l.includes("⏸"))).toBe(true);
    expect(readDone(job.dir)).toBeUndefined();
    expect(existsSync(join(job.dir, "job.lock"))).toBe(false);

    const second = await runJobs([job], { concurrency: 1, ...(dataDir ? { dataDir } : {}), log: () => {} });
    const done = second.get(job.id)!;
    expect(done.ok).toBe(true);
    expect((readDone<TrainDone>(job.dir)!.result.steps)).toBe(3);
    expect(readLog(join(job.dir, "run")).map((r) => r.step)).toEqual([1, 2, 3]);

    const ref = join(root, "reference");
    await train(job.config, { outDir: ref, ...(dataDir ? { dataDir } : {}), onWarning: () => {} });
    expect(await weights(join(job.dir, "run"))).toEqual(await weights(ref));
  }, 300_000);

  it("refuses to run a job whose folder another process holds", async () => {
    const job = trainJob(join(root, "busy"));
    mkdirSync(job.dir, { recursive: true });
    const other = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)"]);
    try {
      writeFileSync(join(job.dir, "job.lock"), JSON.stringify({ pid: other.pid, host: hostname(), startedAt: "2026-01-01T00:00:00.000Z", command: "bench --run-job" }));
      await expect(runJob(job, undefined)).rejects.toThrow(new RegExp(`bench job 'train cifar10/standard/seed1' .* is in use by pid ${other.pid}`));
    } finally {
      other.kill("SIGKILL");
    }
  });
});
