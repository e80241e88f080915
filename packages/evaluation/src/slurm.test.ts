import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runSchedulerCommand, sbatchScript, SchedulerCommandError, shellQuote, slurmArraySpec, slurmJobsNamed, submitSbatch } from "./slurm";

const root = mkdtempSync(join(tmpdir(), "ebjdat-slurm-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A stand-in for a Slurm command: records its arguments and prints `answer`. */
function fakeCommand(name: string, answer: string): string {
  const path = join(root, name);
  writeFileSync(path, `#!/bin/sh\necho "$@" >> ${join(root, `${name}.args`)}\necho '${answer}'\n`);
  chmodSync(path, 0o755);
  return path;
}

describe("Slurm scripts and submission", () => {
  it("writes an sbatch script: directives, setup, and the command quoted for the shell", () => {
    const text = sbatchScript({
      jobName: "ebjdat-eval-1234abcd",
      array: [0, 1, 2, 3],
      time: "01:00:00",
      mem: "4G",
      cpusPerTask: 2,
      requeue: true,
      output: "/r/logs/shard-%a.out",
      extra: ["--partition=gpu"],
      setup: ["export EBJDAT_THREADS=2"],
      command: ["node", "/opt/cli.js", "eval", "--plan", "/r/plan.json", "--data-dir", "/my data/it's"],
    });
    const lines = text.split("\n");
    expect(lines[0]).toBe("#!/bin/bash");
    expect(lines.filter((l) => l.startsWith("#SBATCH "))).toEqual([
      "#SBATCH --job-name=ebjdat-eval-1234abcd",
      "#SBATCH --array=0-3",
      "#SBATCH --time=01:00:00",
      "#SBATCH --mem=4G",
      "#SBATCH --cpus-per-task=2",
      "#SBATCH --requeue",
      "#SBATCH --output=/r/logs/shard-%a.out",
      "#SBATCH --open-mode=append",
      "#SBATCH --partition=gpu",
    ]);
    expect(lines.at(-2)).toBe(`exec node /opt/cli.js eval --plan /r/plan.json --data-dir '/my data/it'\\''s'`);
    expect(text.indexOf("export EBJDAT_THREADS=2")).toBeLessThan(text.indexOf("exec "));
    expect(() => sbatchScript({ jobName: "x", output: "/a b/log", command: ["true"] })).toThrow(/'--output=\/a b\/log' contains white space/);
  });

  it("writes array indices as Slurm ranges and quotes shell words", () => {
    expect(slurmArraySpec([3, 0, 1, 2])).toBe("0-3");
    expect(slurmArraySpec([1, 3, 5, 6, 7, 9])).toBe("1,3,5-7,9");
    expect(() => slurmArraySpec([])).toThrow(/at least one index/);
    expect(shellQuote("plain/path-1.json")).toBe("plain/path-1.json");
    expect(shellQuote("$HOME")).toBe("'$HOME'");
  });

  it("submits with sbatch --parsable and dependencies, and reads the job id", () => {
    const sbatch = fakeCommand("sbatch", "4711;cluster");
    expect(submitSbatch("/r/eval.sbatch", { sbatch })).toBe("4711");
    expect(submitSbatch("/r/merge.sbatch", { sbatch, dependency: "afterok:4711", killOnInvalidDep: true })).toBe("4711");
    expect(readFileSync(`${sbatch}.args`, "utf8").trim().split("\n")).toEqual(["--parsable /r/eval.sbatch", "--parsable --dependency=afterok:4711 --kill-on-invalid-dep=yes /r/merge.sbatch"]);
    const squeue = fakeCommand("squeue", "12_1\n12_[2-3]");
    expect(slurmJobsNamed("ebjdat-eval-x", squeue)).toEqual(["12_1", "12_[2-3]"]);
  });

  it("names a scheduler command that is not installed or fails", () => {
    expect(() => submitSbatch("/r/eval.sbatch", { sbatch: "ebjdat-no-such-sbatch" })).toThrow(SchedulerCommandError);
    expect(() => submitSbatch("/r/eval.sbatch", { sbatch: "ebjdat-no-such-sbatch" })).toThrow(/^ebjdat-no-such-sbatch is not installed here \(not found on PATH\); submit from a Slurm login node/);
    expect(() => runSchedulerCommand("sh", ["-c", "echo 'sbatch: error: invalid partition' >&2; exit 1"])).toThrow(/sh -c .* failed \(exit 1\): sbatch: error: invalid partition/);
    const silly = fakeCommand("sbatch-silly", "Submitted batch job");
    expect(() => submitSbatch("/r/x", { sbatch: silly })).toThrow(/answered 'Submitted batch job', not a job id/);
  });
});
