import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWideResNet, saveModel } from "@ebjdat/models";
import { initBackend } from "@ebjdat/runtime";
import type { EvaluationFile } from "@ebjdat/evaluation";
import { runCli, signalWhenChunks, type CliRun } from "../../test/cli-process";

const root = mkdtempSync(join(tmpdir(), "ebjdat-cli-shards-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Runs `ebjdat` from its sources with no scheduler index in the environment; `kill` sends SIGTERM once `file` has that many chunks. */
function ebjdat(args: string[], env: Record<string, string> = {}, kill?: { file: string; chunks: number }): Promise<CliRun> {
  return runCli(args, { env: { SLURM_ARRAY_TASK_ID: "", JOB_COMPLETION_INDEX: "", ...env }, ...(kill ? { watch: signalWhenChunks(kill.file, kill.chunks, "SIGTERM") } : {}) });
}

const timeless = (path: string): unknown => JSON.parse(readFileSync(path, "utf8"), (k, v: unknown) => (k === "seconds" || k === "startedAt" || k === "finishedAt" ? undefined : v));

describe("ebjdat plan / eval --plan / merge / cluster", () => {
  const model = join(root, "model");
  const dir = join(root, "results");
  const settings = ["--data", "cifar10-exact-test", "--range", "0:40", "--attack", "pgd5", "--batch", "4", "--seed", "3", "--energy-gap"];
  beforeAll(async () => {
    await initBackend({ quiet: true });
    const m = createWideResNet({ depth: 10, width: 1, numClasses: 10, norm: "batch" }, 21);
    await saveModel(m, model);
    m.dispose();
  }, 60_000);

  it("N processes with JOB_COMPLETION_INDEX=i (as pods of an Indexed Job), one stopped by SIGTERM and rerun, merge into the single run's file", async () => {
    const single = join(root, "single.json");
    const [a, p] = await Promise.all([ebjdat(["eval", "--model", model, ...settings, "--json", single]), ebjdat(["plan", "--model", model, ...settings, "--shards", "4", "--results-dir", dir])]);
    expect(a.code).toBe(0);
    expect(p.err).not.toMatch(/error/i);
    expect(p.code).toBe(0);
    expect(p.out).toMatch(/pgd5 \(standard protocol\) on images 0-40 of cifar10-exact-test, 4 shards of whole chunks of 4, balanced by image count/);
    expect(p.out).toContain("  shard 0: images 0-8 (8 images, 2 chunks)");
    // the same plan again leaves the folder alone
    expect((await ebjdat(["plan", "--model", model, ...settings, "--shards", "4", "--results-dir", dir])).out).toMatch(/already holds this plan/);

    const shard = (i: number): string => join(dir, `shard-${i}.json`);
    // shard 1 is stopped like a cancelled job (SIGTERM after its first chunk) and resumed by its rerun
    const first = await Promise.all([0, 1, 2, 3].map((i) => ebjdat(["eval", "--plan", join(dir, "plan.json")], { JOB_COMPLETION_INDEX: String(i) }, i === 1 ? { file: shard(1), chunks: 1 } : undefined)));
    first.forEach((r, i) => expect(r.code, r.err).toBe(i === 1 ? 143 : 0));
    expect(first[2]!.err).toMatch(/shard 2 of 4 \(JOB_COMPLETION_INDEX=2\) of plan [0-9a-f]{16}: images 20-28 \(2 chunks\)/);
    expect(first[2]!.err).toMatch(/shard ready after [\d.]+ s: process start-up and imports [\d.]+ s, backend wasm [\d.]+ s, model load and hash [\d.]+ s, data [\d.]+ s/);
    expect((JSON.parse(readFileSync(shard(1), "utf8")) as EvaluationFile).complete).toBe(false);

    const early = await ebjdat(["merge", dir, "--json", join(root, "early.json")]);
    expect(early.code).toBe(1);
    expect(early.err).toMatch(/cannot merge the shards in .*results:\n {2}shard 1 is unfinished \(shard-1\.json: [1-9]\/12 images\): rerun it, it resumes/);
    expect(existsSync(join(root, "early.json"))).toBe(false);

    expect((await ebjdat(["eval", "--plan", join(dir, "plan.json"), "--shard", "1/4"])).code).toBe(0);
    const m = await ebjdat(["merge", dir, "--json", join(root, "merged.json")]);
    expect(m.code, m.err).toBe(0);
    expect(m.err).toMatch(/merged 4 shards of plan [0-9a-f]{16} \(40 images/);
    expect(m.out).toMatch(/pgd5 at eps 0\.03137 \(linf, standard protocol\) on 40 images of cifar10-exact-test/);
    expect(timeless(join(root, "merged.json"))).toEqual(timeless(single));
  }, 600_000);

  it("bad input: shard out of range, settings beside --plan, a folder of another plan, duplicate shards, no sbatch", async () => {
    const plan = join(dir, "plan.json");
    const outOfRange = await ebjdat(["eval", "--plan", plan, "--shard", "4/4"]);
    expect(outOfRange.code).toBe(2);
    expect(outOfRange.err).toContain("ebjdat eval: --shard 4/4 is out of range: the plan has 4 shards, 0-3.");
    const slurmIndex = await ebjdat(["eval", "--plan", plan], { SLURM_ARRAY_TASK_ID: "9" });
    expect(slurmIndex.err).toContain("SLURM_ARRAY_TASK_ID=9 is out of range: the plan has 4 shards, 0-3.");
    expect((await ebjdat(["eval", "--plan", plan])).err).toMatch(/no shard index: give --shard i\/4, or run as a Slurm array task/);
    expect((await ebjdat(["eval", "--plan", plan, "--shard", "0/4", "--seed", "2"])).err).toContain("--plan fixes the evaluation: leave out --seed.");

    const other = await ebjdat(["plan", "--model", model, ...settings, "--shards", "5", "--results-dir", dir]);
    expect(other.code).toBe(1);
    expect(other.err).toMatch(/results is the results folder of another plan \(.*plan\.json, id [0-9a-f]{16}\):\n {2}shards: 4 \[\[0,8\],.* → 5 \[\[0,8\],/);

    const dup = join(root, "dup");
    mkdirSync(dup);
    for (const f of ["plan.json", "shard-0.json", "shard-1.json", "shard-3.json"]) copyFileSync(join(dir, f), join(dup, f));
    copyFileSync(join(dir, "shard-3.json"), join(dup, "shard-3-again.json"));
    const d = await ebjdat(["merge", dup]);
    expect(d.code).toBe(1);
    expect(d.err).toContain("missing shard 2 of 4 (no results file of this plan: shard-2.json); run it");
    expect(d.err).toContain("shard 3 is in 2 files (shard-3-again.json, shard-3.json): a duplicate; keep one");
    expect(existsSync(join(dup, "merged.json"))).toBe(false);

    const k = await ebjdat(["cluster", "--plan", plan, "--scheduler", "kubernetes", "--image", "ebjdat:test", "--pvc", "results", "--model", "/results/model"]);
    expect(k.code, k.err).toBe(0);
    const manifest = readFileSync(join(dir, "kubernetes", "eval-job.yaml"), "utf8");
    expect(manifest).toContain('completionMode: "Indexed"');
    expect(manifest).toContain("completions: 4");
    expect(k.out).toMatch(/kubectl apply -f .*eval-job\.yaml/);

    const s = await ebjdat(["cluster", "--plan", plan, "--scheduler", "slurm", "--time", "00:20:00"]);
    expect(s.code, s.err).toBe(0);
    expect(s.out).toMatch(/wrote .*slurm\/eval\.sbatch \(array of shards 0,1,2,3\)/);
    expect(readFileSync(join(dir, "slurm", "eval.sbatch"), "utf8")).toContain("#SBATCH --time=00:20:00");
    const none = await ebjdat(["cluster", "--plan", plan, "--scheduler", "slurm", "--submit"], { PATH: join(root, "empty-path") });
    expect(none.code).toBe(1);
    expect(none.err).toMatch(/ebjdat cluster: squeue is not installed here \(not found on PATH\)/);
  }, 300_000);
});
