import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDataset, type Dataset } from "@ebjdat/data";
import { rangeContentHash } from "./content-key";
import { chunksOf } from "./settings";
import { planShards, readShardPlan, shardKey, shardRanges, writeShardPlan, type ShardPlan } from "./shard-plan";

const root = mkdtempSync(join(tmpdir(), "ebjdat-plan-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("shardRanges", () => {
  it("splits a range into contiguous shards of whole chunks, balanced by count", () => {
    for (const [range, batch, n] of [
      [[0, 40], 4, 4],
      [[5, 43], 10, 3],
      [[0, 1000], 100, 7],
      [[3, 4], 2, 1],
      [[0, 17], 1, 17],
    ] as [[number, number], number, number][]) {
      const shards = shardRanges(range, batch, n);
      expect(shards).toHaveLength(n);
      expect(shards[0]![0]).toBe(range[0]);
      expect(shards.at(-1)![1]).toBe(range[1]);
      const whole = chunksOf(range, batch);
      const starts = new Set(whole.map((c) => c[0]));
      shards.forEach((s, k) => {
        expect(s[1]).toBeGreaterThan(s[0]);
        if (k > 0) expect(s[0]).toBe(shards[k - 1]![1]);
        // whole chunks: a shard's chunks are the chunks of a single run
        expect(starts.has(s[0])).toBe(true);
        expect(chunksOf(s, batch).every(([a, b]) => whole.some(([c, d]) => c === a && d === b))).toBe(true);
      });
      const sizes = shards.map(([a, b]) => b - a);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(batch);
    }
    expect(shardRanges([0, 40], 4, 4)).toEqual([[0, 8], [8, 20], [20, 28], [28, 40]]);
  });

  it("refuses more shards than chunks, naming the numbers", () => {
    expect(() => shardRanges([0, 10], 4, 4)).toThrow("images 0-10 are 3 chunks of 4 (a shard is made of whole chunks), so they cannot be split into 4 shards; ask for at most 3 shards or a smaller batch size");
    expect(() => shardRanges([0, 10], 4, 0)).toThrow(/integer >= 1, got 0/);
  });
});

describe("shard plans", () => {
  let data: Dataset;
  let plan: ShardPlan;
  beforeAll(async () => {
    data = await loadDataset("cifar10-exact-test");
    plan = planShards({ hash: "a".repeat(64), label: "m.safetensors", path: "m.safetensors" }, data, { attack: "pgd3", range: [10, 50], batchSize: 4, seed: 2 }, 3);
  });

  it("holds the whole range's key, each shard's range and data hash, and an id", () => {
    expect(plan.format).toBe("ebjdat-shard-plan/1");
    expect(plan.balance).toBe("count");
    expect(plan.id).toMatch(/^[0-9a-f]{16}$/);
    expect(plan.key).toMatchObject({ model: "a".repeat(64), attack: "pgd3", batchSize: 4, seed: 2, data: { name: "cifar10-exact-test", range: [10, 50], hash: rangeContentHash(data, [10, 50]) } });
    expect(plan.shards.map((s) => s.range)).toEqual([[10, 24], [24, 36], [36, 50]]);
    expect(plan.shards.map((s) => s.chunks)).toEqual([4, 3, 4]);
    expect(plan.shards[1]!.dataHash).toBe(rangeContentHash(data, [24, 36]));
    expect(shardKey(plan, 1)).toEqual({ ...plan.key, data: { name: "cifar10-exact-test", hash: rangeContentHash(data, [24, 36]), range: [24, 36] } });
    // the same evaluation gives the same plan id
    expect(planShards(plan.model, data, { attack: "pgd3", range: [10, 50], batchSize: 4, seed: 2 }, 3).id).toBe(plan.id);
  });

  it("is written once per folder: the same plan again is left alone, another plan is refused naming the differences", () => {
    const dir = join(root, "a");
    expect(writeShardPlan(dir, plan)).toBe("written");
    expect(readShardPlan(join(dir, "plan.json"))).toEqual(plan);
    const again = planShards(plan.model, data, { attack: "pgd3", range: [10, 50], batchSize: 4, seed: 2 }, 3);
    expect(writeShardPlan(dir, again)).toBe("unchanged");
    expect(JSON.parse(readFileSync(join(dir, "plan.json"), "utf8"))).toEqual(plan);
    const other = planShards(plan.model, data, { attack: "pgd3", range: [10, 50], batchSize: 4, seed: 3 }, 2);
    expect(() => writeShardPlan(dir, other)).toThrow(/a is the results folder of another plan \(.*plan\.json, id [0-9a-f]{16}\):\n {2}seed: 2 → 3\n {2}shards: 3 \[\[10,24\],\[24,36\],\[36,50\]\] → 2 \[\[10,28\],\[28,50\]\]/);
    const stray = join(root, "stray");
    writeShardPlan(join(stray, "sub"), plan);
    writeFileSync(join(stray, "shard-0.json"), "{}");
    expect(() => writeShardPlan(stray, plan)).toThrow(/stray holds shard results \(shard-0\.json\) but no plan\.json/);
  });

  it("reads only plan files, naming the file otherwise", () => {
    expect(() => readShardPlan(join(root, "none", "plan.json"))).toThrow(/none\/plan\.json does not exist/);
    writeFileSync(join(root, "bad.json"), '{"format": "something"}');
    expect(() => readShardPlan(join(root, "bad.json"))).toThrow(/bad\.json is not a shard plan of format 'ebjdat-shard-plan\/1'/);
  });
});
