import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeDone } from "./cache";
import { buildPlan } from "./plan";
import { SCALES } from "./scales";
import { reportArgs, slurmTime, submitToSlurm } from "./slurm-executor";

const root = mkdtempSync(join(tmpdir(), "bench-slurm-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A stand-in sbatch: appends its arguments to a file and answers job ids 101, 102, … */
function fakeSbatch(): { path: string; calls: () => string[][] } {
  const path = join(root, "sbatch");
  const record = join(root, "sbatch.calls");
  writeFileSync(path, `#!/bin/sh\necho "$@" >> ${record}\nn=$(wc -l < ${record})\necho "$((100 + n));local"\n`);
  chmodSync(path, 0o755);
  return { path, calls: () => readFileSync(record, "utf8").trim().split("\n").map((l) => l.split(" ")) };
}

describe("the slurm executor", () => {
  it("submits unfinished jobs, evaluations after their training (afterok), and a report job after all (afterany)", () => {
    const jobs = buildPlan({ scale: SCALES.smoke, cacheRoot: join(root, "cache"), codeVersion: "t", seeds: 1, rows: ["standard", "pgd-at"], data: [{ dataset: "cifar10", train: "cifar10-train-balanced", test: "cifar10-exact-test" }] });
    expect(jobs.map((j) => j.id)).toEqual(["train cifar10/standard/seed1", "train cifar10/pgd-at/seed1", "eval cifar10/standard/seed1", "eval cifar10/pgd-at/seed1"]);
    // the Standard model is trained already: its training is not submitted, its evaluation depends on nothing
    writeDone(jobs[0]!.dir, { cached: true });
    const sbatch = fakeSbatch();
    const lines: string[] = [];
    const s = submitToSlurm(jobs, { command: ["/usr/bin/node", "/repo/apps/bench/dist/main.js"], reportArgs: ["--scale", "smoke", "--report-only"], dir: join(root, "slurm"), extra: ["--partition=cpu"], sbatch: sbatch.path, log: (l) => lines.push(l) });
    expect([...s.jobs]).toEqual([
      ["train cifar10/pgd-at/seed1", "101"],
      ["eval cifar10/standard/seed1", "102"],
      ["eval cifar10/pgd-at/seed1", "103"],
    ]);
    expect(s.report).toBe("104");
    const calls = sbatch.calls();
    expect(calls[0]).toEqual(["--parsable", join(jobs[1]!.dir, "slurm.sbatch")]);
    expect(calls[1]).toEqual(["--parsable", join(jobs[2]!.dir, "slurm.sbatch")]);
    expect(calls[2]).toEqual(["--parsable", "--dependency=afterok:101", "--kill-on-invalid-dep=yes", join(jobs[3]!.dir, "slurm.sbatch")]);
    expect(calls[3]).toEqual(["--parsable", "--dependency=afterany:101:102:103", join(root, "slurm", "report.sbatch")]);
    const script = readFileSync(join(jobs[3]!.dir, "slurm.sbatch"), "utf8").split("\n");
    expect(script).toContain(`exec /usr/bin/node /repo/apps/bench/dist/main.js --run-job ${join(jobs[3]!.dir, "job.json")}`);
    expect(script).toContain("#SBATCH --partition=cpu");
    expect(script).toContain(`#SBATCH --time=${slurmTime(jobs[3]!.estimate)}`);
    expect(script).toContain(`#SBATCH --output=${join(jobs[3]!.dir, "slurm-%j.out")}`);
    expect(JSON.parse(readFileSync(join(jobs[3]!.dir, "job.json"), "utf8")).job.id).toBe("eval cifar10/pgd-at/seed1");
    expect(readFileSync(join(root, "slurm", "report.sbatch"), "utf8")).toContain("exec /usr/bin/node /repo/apps/bench/dist/main.js --scale smoke --report-only");
    expect(lines[2]).toBe("  submitted eval cifar10/pgd-at/seed1: Slurm job 103 (after 101)");
  });

  it("names sbatch when it is not installed, before any job is submitted", () => {
    const jobs = buildPlan({ scale: SCALES.smoke, cacheRoot: join(root, "cache2"), codeVersion: "t", seeds: 1, rows: ["standard"], data: [{ dataset: "cifar10", train: "cifar10-train-balanced", test: "cifar10-exact-test" }] });
    expect(() => submitToSlurm(jobs, { command: ["node", "main.js"], reportArgs: [], dir: join(root, "slurm2"), sbatch: "ebjdat-no-sbatch-here", log: () => {} })).toThrow(/^ebjdat-no-sbatch-here is not installed here \(not found on PATH\)/);
  });

  it("gives the report job the run's options, without those that would redo work, and asks for four times the estimate", () => {
    expect(reportArgs(["--scale", "smoke", "--executor", "slurm", "--rows", "standard,pgd-at", "--force", "--with-ce", "--sbatch-option=--partition=x", "--sbatch-option", "--time=1:00:00", "--out", "o", "--jobs=2"], "/abs/out", "/abs/cache")).toEqual([
      "--scale",
      "smoke",
      "--rows",
      "standard,pgd-at",
      "--with-ce",
      "--out",
      "/abs/out",
      "--cache",
      "/abs/cache",
      "--report-only",
    ]);
    expect(slurmTime(60)).toBe("00:15:00");
    expect(slurmTime(3600)).toBe("04:00:00");
  });
});
