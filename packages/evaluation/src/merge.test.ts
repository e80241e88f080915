import { copyFileSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDataset, type Dataset } from "@ebjdat/data";
import { createWideResNet, type WideResNet } from "@ebjdat/models";
import { initBackend, modelEps } from "@ebjdat/runtime";
import { modelContentHash } from "./content-key";
import { evaluate } from "./evaluate";
import { mergeShards, ShardMergeError } from "./merge";
import { planShards, unfinishedShards, writeShardPlan, type ShardPlan } from "./shard-plan";
import { evaluateShard } from "./shard-run";
import type { EvaluatedModel, EvaluationFile } from "./types";
import type { EvaluationSettings } from "./settings";

const root = mkdtempSync(join(tmpdir(), "ebjdat-merge-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The file without what legitimately differs between two runs (wall-clock times). */
function timeless(f: EvaluationFile): unknown {
  return JSON.parse(JSON.stringify(f), (k, v: unknown) => (k === "seconds" || k === "startedAt" || k === "finishedAt" ? undefined : v));
}

const quiet = { onWarning: (): void => {} };
// a cut-down ensemble (every stage runs, few iterations) and the paper protocol's per-image noise
const SETTINGS: EvaluationSettings = {
  protocol: "paper",
  attack: "autoattack",
  noiseSigma: modelEps(0.03),
  range: [2, 26],
  batchSize: 4,
  seed: 7,
  energyGap: true,
  attackOptions: { "apgd-ce": { steps: 3 }, "apgd-dlr": { steps: 3 }, "fab-t": { steps: 3, targetClasses: 2 }, square: { queries: 10 } },
};

describe("shards and merge", () => {
  let data: Dataset;
  let net: WideResNet;
  let model: EvaluatedModel;
  let plan: ShardPlan;
  let single: EvaluationFile;
  const dir = join(root, "run");
  beforeAll(async () => {
    await initBackend({ quiet: true });
    data = await loadDataset("cifar10-exact-test");
    net = createWideResNet({ depth: 10, width: 1, numClasses: 10, norm: "batch" }, 5);
    model = { logits: net.toLogitsFn("eval"), hash: modelContentHash(net), label: "wrn-10-1 seed 5" };
    single = await evaluate(model, data, SETTINGS, quiet);
    plan = planShards({ hash: model.hash, label: "wrn-10-1 seed 5" }, data, SETTINGS, 3);
    writeShardPlan(dir, plan);
    for (const i of [2, 0, 1]) await evaluateShard(model, data, plan, dir, i, quiet);
  }, 300_000);
  afterAll(() => net.dispose());

  it("merges the shards into the file of a single run of the whole range (all but times equal)", () => {
    expect(plan.shards.map((s) => s.range)).toEqual([[2, 8], [8, 16], [16, 26]]);
    const { file, files } = mergeShards(dir);
    expect(files.map((f) => f.slice(dir.length + 1))).toEqual(["shard-0.json", "shard-1.json", "shard-2.json"]);
    expect(unfinishedShards(plan, dir)).toEqual([]);
    expect(single.stages).toEqual(["apgd-ce", "apgd-dlr", "fab-t", "square"]);
    expect(file.outcome).toHaveLength(24);
    expect(file.energyGap?.n).toBe(24);
    expect(timeless(file)).toEqual(timeless(single));
    const shardSeconds = [0, 1, 2].map((i) => (JSON.parse(readFileSync(join(dir, `shard-${i}.json`), "utf8")) as EvaluationFile).seconds);
    expect(file.seconds).toBeCloseTo(shardSeconds.reduce((a, b) => a + b, 0), 9);
  });

  it("a shard checks the model and data against the plan before any work", async () => {
    const other = createWideResNet({ depth: 10, width: 1, numClasses: 10, norm: "batch" }, 6);
    try {
      const swapped = { logits: other.toLogitsFn("eval"), hash: modelContentHash(other), label: "other.safetensors" };
      await expect(evaluateShard(swapped, data, plan, dir, 0, quiet)).rejects.toThrow(/the model other\.safetensors has other weights than the planned one wrn-10-1 seed 5: weight hash [0-9a-f]{16}… instead of [0-9a-f]{16}…/);
    } finally {
      other.dispose();
    }
    const shifted: Dataset = { ...data, images: data.images.slice(3072), labels: data.labels.slice(1), n: data.n - 1 };
    await expect(evaluateShard(model, shifted, plan, dir, 1, quiet)).rejects.toThrow(/images 8-16 of cifar10-exact-test .* are not the planned ones/);
    await expect(evaluateShard(model, data, plan, dir, 3, quiet)).rejects.toThrow("shard 3 is not in the plan (it has shards 0-2)");
  });

  it("reports missing, unfinished and duplicate shards and shards of another plan, all at once, naming them", async () => {
    const bad = join(root, "bad");
    writeShardPlan(bad, plan);
    expect(() => mergeShards(bad)).toThrow(/missing shards 0, 1, 2 of 3 \(no results file of this plan: shard-0\.json, shard-1\.json, shard-2\.json\); run them/);
    copyFileSync(join(dir, "shard-0.json"), join(bad, "shard-0.json"));
    copyFileSync(join(dir, "shard-0.json"), join(bad, "shard-0-copy.json"));
    // an unfinished shard: shard 1 with only its first chunk
    const s1 = JSON.parse(readFileSync(join(dir, "shard-1.json"), "utf8")) as EvaluationFile;
    writeFileSync(join(bad, "shard-1.json"), JSON.stringify({ ...s1, chunks: s1.chunks.slice(0, 1), done: 4, complete: false }));
    // shard 2 of the same ranges but another seed, and a shard of a plan with other ranges
    const seed8 = planShards(plan.model, data, { ...SETTINGS, seed: 8 }, 3);
    await evaluateShard(model, data, seed8, join(root, "seed8"), 2, quiet);
    copyFileSync(join(root, "seed8", "shard-2.json"), join(bad, "shard-2.json"));
    const two = planShards(plan.model, data, SETTINGS, 2);
    await evaluateShard(model, data, two, join(root, "two"), 1, quiet);
    copyFileSync(join(root, "two", "shard-1.json"), join(bad, "shard-9.json"));
    // to run again: shard 1 (unfinished) and shard 2 (a finished file, but of another seed)
    expect(unfinishedShards(plan, bad)).toEqual([1, 2]);
    let err: ShardMergeError | undefined;
    try {
      mergeShards(bad);
    } catch (e) {
      err = e as ShardMergeError;
    }
    expect(err).toBeInstanceOf(ShardMergeError);
    expect(err!.message).toMatch(/^cannot merge the shards in .*bad:/);
    expect(err!.problems).toEqual([
      "shard-2.json: shard 2 of another evaluation than the plan's (plan → file):\n    seed: 7 → 8",
      "shard-9.json: covers images 12-26, which is no shard of this plan (2-8, 8-16, 16-26): a results file of another plan",
      "missing shard 2 of 3 (no results file of this plan: shard-2.json); run it",
      "shard 0 is in 2 files (shard-0-copy.json, shard-0.json): a duplicate; keep one",
      "shard 1 is unfinished (shard-1.json: 4/8 images): rerun it, it resumes",
    ]);
    expect(() => mergeShards(join(root, "nothing"))).toThrow(/nothing\/plan\.json does not exist/);
  }, 300_000);

  it("a rerun shard resumes its results file and a folder's file of another plan is refused", async () => {
    const again = join(root, "again");
    writeShardPlan(again, plan);
    const s0 = JSON.parse(readFileSync(join(dir, "shard-0.json"), "utf8")) as EvaluationFile;
    writeFileSync(join(again, "shard-0.json"), JSON.stringify({ ...s0, chunks: s0.chunks.slice(0, 1), done: 2, complete: false, outcome: undefined }));
    const chunks: string[] = [];
    const resumed = await evaluateShard(model, data, plan, again, 0, { ...quiet, onProgress: (p) => chunks.push(p.label) });
    expect(chunks.every((l) => l.startsWith("images 4-8"))).toBe(true);
    expect(timeless(resumed)).toEqual(timeless(s0));
    renameSync(join(again, "shard-0.json"), join(again, "shard-1.json"));
    await expect(evaluateShard(model, data, plan, again, 1, quiet)).rejects.toThrow(/shard-1\.json: holds an evaluation with other settings[\s\S]*data: /);
  }, 300_000);
});
