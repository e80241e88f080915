import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Dataset } from "@ebjdat/data";
import { writeJsonAtomic } from "@ebjdat/runtime";
import { canonicalJson, evaluationKey, rangeContentHash, settingsHash } from "./content-key";
import { keyDifferences } from "./results-file";
import { chunksOf, resolveSettings, type EvaluationSettings } from "./settings";
import type { EvaluationKey } from "./types";

/** Format tag of a shard plan (`plan.json`). */
export const SHARD_PLAN_FORMAT = "ebjdat-shard-plan/1";

/** The plan's file name in its results folder. */
export const PLAN_FILE = "plan.json";

/** One shard: whole chunks of images [range[0], range[1]). */
export interface Shard {
  index: number;
  range: [number, number];
  images: number;
  chunks: number;
  /** Content hash of the shard's images and labels (`rangeContentHash`). */
  dataHash: string;
}

/** An evaluation split into shards: what every shard job and the merge read from `plan.json`. */
export interface ShardPlan {
  format: string;
  /** The plan's identity: hash of its key and shard ranges (16 hex digits). */
  id: string;
  /** How shards are balanced: `count` = equal numbers of images, in whole chunks. */
  balance: "count";
  /** The model: weight hash (checked by every shard), label for people, where to load it from. */
  model: { hash: string; label?: string; path?: string };
  data: { spec: string; name: string };
  /** The evaluation settings of the whole range; a shard evaluates them on its range. */
  settings: EvaluationSettings;
  /** The content key of the whole range: what a single run of it records, and the merge too. */
  key: EvaluationKey;
  shards: Shard[];
  createdAt: string;
}

/** A plan that cannot be made, read or used; names the file or setting and what was expected. */
export class ShardPlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ShardPlanError";
  }
}

/**
 * Splits `range` into `shards` contiguous shards of whole chunks (chunks start at multiples of
 * `batchSize`, as `evaluate` works), balanced by count: shard k ends at the chunk boundary
 * nearest to k/N of the images, so shards differ by at most about one chunk.
 */
export function shardRanges(range: readonly [number, number], batchSize: number, shards: number): [number, number][] {
  const chunks = chunksOf(range, batchSize);
  if (!Number.isInteger(shards) || shards < 1) throw new ShardPlanError(`the number of shards must be an integer >= 1, got ${shards}`);
  if (shards > chunks.length) {
    throw new ShardPlanError(
      `images ${range[0]}-${range[1]} are ${chunks.length} chunks of ${batchSize} (a shard is made of whole chunks), so they cannot be split into ${shards} shards; ask for at most ${chunks.length} shards or a smaller batch size`,
    );
  }
  const bounds = [range[0], ...chunks.map((c) => c[1])];
  const n = range[1] - range[0];
  const cut: number[] = [0];
  for (let k = 1; k < shards; k++) {
    const target = range[0] + (k * n) / shards;
    let best = cut[k - 1]! + 1;
    for (let j = best; j <= chunks.length - (shards - k); j++) if (Math.abs(bounds[j]! - target) < Math.abs(bounds[best]! - target)) best = j;
    cut.push(best);
  }
  cut.push(chunks.length);
  return cut.slice(0, -1).map((c, k) => [bounds[c]!, bounds[cut[k + 1]!]!]);
}

/**
 * Plans an evaluation of `model` on `data` under `settings` as `shards` shards (balanced by
 * count, whole chunks: `shardRanges`). The plan holds the content key of the whole range (model
 * weights hash, data hash, every resolved setting) and each shard's range and data hash, so a
 * shard run checks that it evaluates the planned model on the planned images and the merge
 * accepts only this plan's shards. Any split gives the per-chunk results of a single run,
 * because each chunk's result depends only on its images, the settings and the seed.
 */
export function planShards(model: ShardPlan["model"], data: Dataset, settings: EvaluationSettings, shards: number): ShardPlan {
  const r = resolveSettings(settings, data.n);
  const key = evaluationKey(model.hash, data, r);
  const ranges = shardRanges(r.range, r.batchSize, shards);
  const list: Shard[] = ranges.map((range, index) => ({ index, range, images: range[1] - range[0], chunks: chunksOf(range, r.batchSize).length, dataHash: rangeContentHash(data, range) }));
  return {
    format: SHARD_PLAN_FORMAT,
    id: settingsHash({ key, shards: ranges }).slice(0, 16),
    balance: "count",
    model,
    data: { spec: data.spec, name: data.name },
    settings: { ...settings, range: r.range },
    key,
    shards: list,
    createdAt: new Date().toISOString(),
  };
}

/** The content key a shard's results file must have: the plan's key on the shard's images. */
export function shardKey(plan: ShardPlan, index: number): EvaluationKey {
  const s = plan.shards[index]!;
  return { ...plan.key, data: { ...plan.key.data, hash: s.dataHash, range: s.range } };
}

/** The results file of shard `index` in the plan's folder. */
export function shardResultsPath(dir: string, index: number): string {
  return join(dir, `shard-${index}.json`);
}

/** The files of a folder that are shard results (`shard-*.json`). */
export function shardFilesIn(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((f) => /^shard-.*\.json$/.test(f)).sort((a, b) => a.localeCompare(b, "en", { numeric: true })) : [];
}

/**
 * The shards of `plan` that are not finished in `dir`: no results file, an unfinished one, or one
 * of another evaluation (its key is not the shard's), i.e. the shards to run (again).
 */
export function unfinishedShards(plan: ShardPlan, dir: string): number[] {
  return plan.shards
    .filter((s) => {
      try {
        const f = JSON.parse(readFileSync(shardResultsPath(dir, s.index), "utf8")) as { complete?: boolean; key?: Record<string, unknown> };
        return !(f.complete === true && f.key && keyDifferences(shardKey(plan, s.index) as unknown as Record<string, unknown>, f.key).length === 0);
      } catch {
        return true;
      }
    })
    .map((s) => s.index);
}

/** Reads and checks a plan file; a missing or foreign file is a ShardPlanError naming it. */
export function readShardPlan(path: string): ShardPlan {
  if (!existsSync(path)) throw new ShardPlanError(`${path} does not exist: a results folder holds the plan.json that \`ebjdat plan\` wrote`);
  let plan: Partial<ShardPlan>;
  try {
    plan = JSON.parse(readFileSync(path, "utf8")) as Partial<ShardPlan>;
  } catch (e) {
    throw new ShardPlanError(`${path} is not valid JSON (${(e as Error).message})`);
  }
  if (!plan || plan.format !== SHARD_PLAN_FORMAT || !plan.key || !Array.isArray(plan.shards) || !plan.id || !plan.model?.hash) {
    throw new ShardPlanError(`${path} is not a shard plan of format '${SHARD_PLAN_FORMAT}' (write one with \`ebjdat plan\`)`);
  }
  return plan as ShardPlan;
}

/** The differences between two plans, as `field: old → new` lines (the shard ranges included). */
function planDifferences(a: ShardPlan, b: ShardPlan): string[] {
  const diff = keyDifferences(a.key as unknown as Record<string, unknown>, b.key as unknown as Record<string, unknown>);
  const ra = canonicalJson(a.shards.map((s) => s.range));
  const rb = canonicalJson(b.shards.map((s) => s.range));
  if (ra !== rb) diff.push(`shards: ${a.shards.length} ${ra} → ${b.shards.length} ${rb}`);
  return diff;
}

/**
 * Writes `plan` as `dir/plan.json` (atomically). A folder that already holds this plan is left
 * as it is (`unchanged`: its shards resume); a folder with another plan, or with shard results
 * but no plan, is refused naming the differences, so results of two plans are never mixed.
 */
export function writeShardPlan(dir: string, plan: ShardPlan): "written" | "unchanged" {
  const path = join(dir, PLAN_FILE);
  if (existsSync(path)) {
    const old = readShardPlan(path);
    if (old.id === plan.id) return "unchanged";
    throw new ShardPlanError(`${dir} is the results folder of another plan (${path}, id ${old.id}):\n  ${planDifferences(old, plan).join("\n  ")}\nchoose another --results-dir, or remove that folder to start over`);
  }
  const stray = shardFilesIn(dir);
  if (stray.length > 0) throw new ShardPlanError(`${dir} holds shard results (${stray.join(", ")}) but no ${PLAN_FILE}; choose an empty --results-dir`);
  writeJsonAtomic(path, plan);
  return "written";
}
