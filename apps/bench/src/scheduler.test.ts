import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeDone } from "./cache";
import { buildPlan, type TrainJob } from "./plan";
import { jobEnvironment, runJobs } from "./scheduler";
import { SCALES } from "./scales";

const root = mkdtempSync(join(tmpdir(), "bench-sched-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("runJobs", () => {
  it("reuses finished jobs, runs the rest in order, and fails the dependents of a failed job with its reason", async () => {
    const jobs = buildPlan({ scale: SCALES.smoke, cacheRoot: root, codeVersion: "t", seeds: 1, rows: ["standard", "pgd-at"], data: [{ dataset: "cifar10", train: "no-such-dataset", test: "cifar10-exact-test" }] });
    // pretend the Standard model's evaluation is finished: it is reported as cached and not rerun
    const std = jobs.find((j) => j.id === "eval cifar10/standard/seed1")!;
    writeDone(std.dir, { cached: true });
    (jobs.find((j) => j.id === "train cifar10/standard/seed1") as TrainJob).config.data.train = "cifar10-train-balanced";
    writeDone(jobs.find((j) => j.id === "train cifar10/standard/seed1")!.dir, { cached: true });
    const lines: string[] = [];
    const out = await runJobs(jobs, { concurrency: 1, log: (l) => lines.push(l) });
    expect(out.get("eval cifar10/standard/seed1")).toMatchObject({ ok: true, cached: true });
    const t = out.get("train cifar10/pgd-at/seed1")!;
    expect(t.ok).toBe(false);
    expect(!t.ok && t.error).toMatch(/no-such-dataset/);
    expect(out.get("eval cifar10/pgd-at/seed1")).toEqual({ ok: false, error: "not run: train cifar10/pgd-at/seed1 failed" });
    expect(lines[0]).toBe("2/4 jobs already done (cached); 2 to run");
    expect(lines.some((l) => l.includes("✗ train cifar10/pgd-at/seed1"))).toBe(true);
  }, 60_000);
});

describe("jobEnvironment", () => {
  it("shares the cores out between the jobs that run at once, unless EBJDAT_THREADS is set", () => {
    expect(jobEnvironment(2, { A: "1" }, 2)).toEqual({ A: "1", EBJDAT_THREADS: "1" });
    expect(jobEnvironment(4, {}, 16).EBJDAT_THREADS).toBe("4");
    expect(jobEnvironment(3, {}, 2).EBJDAT_THREADS).toBe("1");
    expect(jobEnvironment(2, { EBJDAT_THREADS: "2" }, 2).EBJDAT_THREADS).toBe("2");
  });
});
