import { readFileSync } from "node:fs";
import { join } from "node:path";
import { keyDifferences, newResultsFile, RESULTS_FORMAT } from "./results-file";
import { PLAN_FILE, readShardPlan, shardFilesIn, shardKey, type ShardPlan } from "./shard-plan";
import { completeResults } from "./summary";
import type { EvaluationFile } from "./types";

/** Shards that cannot be merged: every problem found, one per line (missing, duplicate, foreign). */
export class ShardMergeError extends Error {
  constructor(
    readonly dir: string,
    readonly problems: string[],
  ) {
    super(`cannot merge the shards in ${dir}:\n  ${problems.join("\n  ")}`);
    this.name = "ShardMergeError";
  }
}

/** A merged evaluation and where its parts came from. */
export interface MergedShards {
  plan: ShardPlan;
  file: EvaluationFile;
  /** Shard index → its results file. */
  files: string[];
}

const unique = <T>(xs: readonly T[]): T[] => [...new Set(xs)];

/** Versions of all shards: one value per package, or the distinct values joined when shards differ. */
function mergedVersions(files: readonly EvaluationFile[]): Record<string, string> {
  const names = unique(files.flatMap((f) => Object.keys(f.versions)));
  return Object.fromEntries(names.map((k) => [k, unique(files.map((f) => f.versions[k] ?? "absent")).join(", ")]));
}

/**
 * Merges the shard results of the plan in `dir` (`plan.json`, `shard-*.json`) into one results
 * file equal to a single run of the whole range: the same key, chunks, per-image outcomes,
 * accuracy after every stage (spec 7.6) and energy-gap statistic (spec 1.1); only times differ
 * (`seconds` adds up, `startedAt`/`finishedAt` span the shards). Every shard file must carry
 * exactly its shard's content key (model hash, data hash, every setting). Throws a
 * ShardMergeError listing all problems: missing or unfinished shards, a shard in more than one
 * file, files of another plan, model or settings (naming the differing fields).
 */
export function mergeShards(dir: string): MergedShards {
  const plan = readShardPlan(join(dir, PLAN_FILE));
  const problems: string[] = [];
  const byShard = new Map<number, { name: string; file: EvaluationFile }[]>();
  for (const name of shardFilesIn(dir)) {
    let f: EvaluationFile;
    try {
      f = JSON.parse(readFileSync(join(dir, name), "utf8")) as EvaluationFile;
    } catch (e) {
      problems.push(`${name}: not valid JSON (${(e as Error).message})`);
      continue;
    }
    if (!f || f.format !== RESULTS_FORMAT || !f.key?.data || !Array.isArray(f.chunks)) {
      problems.push(`${name}: not an evaluation results file of format '${RESULTS_FORMAT}'`);
      continue;
    }
    const r = f.key.data.range;
    const shard = plan.shards.find((s) => s.range[0] === r[0] && s.range[1] === r[1]);
    if (!shard) {
      problems.push(`${name}: covers images ${r[0]}-${r[1]}, which is no shard of this plan (${plan.shards.map((s) => `${s.range[0]}-${s.range[1]}`).join(", ")}): a results file of another plan`);
      continue;
    }
    const diff = keyDifferences(shardKey(plan, shard.index) as unknown as Record<string, unknown>, f.key as unknown as Record<string, unknown>);
    if (diff.length > 0) {
      problems.push(`${name}: shard ${shard.index} of another evaluation than the plan's (plan → file):\n    ${diff.join("\n    ")}`);
      continue;
    }
    byShard.set(shard.index, [...(byShard.get(shard.index) ?? []), { name, file: f }]);
  }
  const missing = plan.shards.filter((s) => !byShard.has(s.index)).map((s) => s.index);
  if (missing.length > 0) problems.push(`missing shard${missing.length > 1 ? "s" : ""} ${missing.join(", ")} of ${plan.shards.length} (no results file of this plan: ${missing.map((i) => `shard-${i}.json`).join(", ")}); run ${missing.length > 1 ? "them" : "it"}`);
  for (const [index, got] of byShard) {
    if (got.length > 1) problems.push(`shard ${index} is in ${got.length} files (${got.map((g) => g.name).join(", ")}): a duplicate; keep one`);
    else if (!got[0]!.file.complete) problems.push(`shard ${index} is unfinished (${got[0]!.name}: ${got[0]!.file.done}/${got[0]!.file.n} images): rerun it, it resumes`);
  }
  if (problems.length > 0) throw new ShardMergeError(dir, problems);

  const parts = plan.shards.map((s) => byShard.get(s.index)![0]!);
  const files = parts.map((p) => p.file);
  const first = files[0]!;
  const stages = unique(files.map((f) => JSON.stringify(f.stages)));
  if (stages.length > 1) throw new ShardMergeError(dir, [`the shards ran different attack stages: ${stages.join(" / ")}`]);
  const merged = newResultsFile(plan.key, { protocol: first.protocol, model: first.model, data: { ...first.data, range: plan.key.data.range }, versions: mergedVersions(files) });
  merged.startedAt = files.map((f) => f.startedAt).sort()[0]!;
  merged.stages = first.stages;
  merged.chunks = files.flatMap((f) => f.chunks).sort((p, q) => p.start - q.start);
  merged.done = merged.chunks.reduce((a, c) => a + (c.end - c.start), 0);
  merged.seconds = files.reduce((a, f) => a + f.seconds, 0);
  merged.warnings = unique(merged.chunks.flatMap((c) => c.warnings));
  merged.backends = unique(merged.chunks.map((c) => c.backend));
  completeResults(merged);
  merged.finishedAt = files.map((f) => f.finishedAt ?? "").sort().at(-1)!;
  return { plan, file: merged, files: parts.map((p) => join(dir, p.name)) };
}
