import { describe, expect, it } from "vitest";
import { resolveShardIndex, ShardIndexError } from "./shard-index";

describe("resolveShardIndex", () => {
  it("takes the index from --shard, else SLURM_ARRAY_TASK_ID, else JOB_COMPLETION_INDEX", () => {
    expect(resolveShardIndex(4, "2/4", { SLURM_ARRAY_TASK_ID: "1" })).toEqual({ index: 2, source: "--shard 2/4" });
    expect(resolveShardIndex(4, "3", {})).toEqual({ index: 3, source: "--shard 3" });
    expect(resolveShardIndex(4, undefined, { SLURM_ARRAY_TASK_ID: "1", JOB_COMPLETION_INDEX: "0" })).toEqual({ index: 1, source: "SLURM_ARRAY_TASK_ID=1" });
    expect(resolveShardIndex(4, undefined, { SLURM_ARRAY_TASK_ID: "", JOB_COMPLETION_INDEX: "0" })).toEqual({ index: 0, source: "JOB_COMPLETION_INDEX=0" });
  });

  it("refuses an index out of range, malformed or missing, naming where it came from", () => {
    expect(() => resolveShardIndex(4, "4/4", {})).toThrow("--shard 4/4 is out of range: the plan has 4 shards, 0-3");
    expect(() => resolveShardIndex(4, "1/8", {})).toThrow("--shard 1/8: the plan has 4 shards, 0-3, not 8");
    expect(() => resolveShardIndex(4, "-1", {})).toThrow("--shard must look like i/N (e.g. 0/4), got '-1'");
    expect(() => resolveShardIndex(4, undefined, { SLURM_ARRAY_TASK_ID: "7" })).toThrow("SLURM_ARRAY_TASK_ID=7 is out of range: the plan has 4 shards, 0-3");
    expect(() => resolveShardIndex(1, undefined, { JOB_COMPLETION_INDEX: "x" })).toThrow("JOB_COMPLETION_INDEX=x is not a shard index (a whole number); the plan has 1 shard, 0-0");
    expect(() => resolveShardIndex(4, undefined, {})).toThrow(ShardIndexError);
    expect(() => resolveShardIndex(4, undefined, {})).toThrow(/no shard index: give --shard i\/4, or run as a Slurm array task \(SLURM_ARRAY_TASK_ID\) or a Kubernetes Indexed Job pod \(JOB_COMPLETION_INDEX\)/);
  });
});
