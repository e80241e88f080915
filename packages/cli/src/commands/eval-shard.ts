import { dirname, isAbsolute, resolve } from "node:path";
import { existsSync } from "node:fs";
import { loadDataset } from "@ebjdat/data";
import { evaluateShard, modelContentHash, readShardPlan, resolveShardIndex, shardResultsPath, ShardIndexError } from "@ebjdat/evaluation";
import { loadModel } from "@ebjdat/models";
import { str, UsageError, type OptionSpec, type ParsedValues } from "../args";
import { backendFrom, dataDirFrom } from "./common";
import { runEvaluation } from "./run-evaluation";

/** The options of `ebjdat eval` that run one shard of a plan. */
export const PLAN_OPTIONS: OptionSpec = {
  plan: { type: "string" },
  shard: { type: "string" },
};

export const PLAN_HELP: Record<string, string> = {
  "--plan <dir>/plan.json": "run one shard of a plan (`ebjdat plan`) into <dir>/shard-<i>.json, resumed when rerun; the plan fixes model, data and settings (--model may name the same weights elsewhere)",
  "--shard i/N": "with --plan: which shard (default: SLURM_ARRAY_TASK_ID, else JOB_COMPLETION_INDEX)",
};

/** Settings a plan fixes: giving them with --plan is a usage error. */
const FIXED_BY_PLAN = ["data", "range", "protocol", "attack", "eps", "norm", "noise-sigma", "batch", "seed", "energy-gap", "json"];

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/**
 * `ebjdat eval --plan <dir>/plan.json [--shard i/N]`: runs one shard of a plan into
 * `<dir>/shard-<i>.json` (i from --shard, SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX), after
 * checking that the model and data are the planned ones. Prints the shard's overhead before the
 * first chunk (process start-up, backend, model, data) so users can size shards.
 */
export async function runPlannedShard(values: ParsedValues): Promise<number> {
  const startup = process.uptime() * 1000;
  const planPath = str(values, "plan");
  if (!planPath) throw new UsageError("--shard needs --plan <results folder>/plan.json.");
  const fixed = FIXED_BY_PLAN.filter((k) => values[k] !== undefined);
  if (fixed.length > 0) throw new UsageError(`--plan fixes the evaluation: leave out ${fixed.map((k) => `--${k}`).join(", ")}.`);
  const plan = readShardPlan(planPath);
  const dir = dirname(resolve(planPath));
  let index: number;
  let source: string;
  try {
    ({ index, source } = resolveShardIndex(plan.shards.length, str(values, "shard")));
  } catch (e) {
    if (e instanceof ShardIndexError) throw new UsageError(`${e.message}.`);
    throw e;
  }
  const shard = plan.shards[index]!;
  const modelPath = str(values, "model") ?? (plan.model.path && !isAbsolute(plan.model.path) ? resolve(dir, plan.model.path) : plan.model.path);
  if (!modelPath) throw new UsageError(`the plan ${planPath} names no model file; give --model <checkpoint>.`);
  if (!existsSync(modelPath)) throw new UsageError(`the model '${modelPath}' does not exist${str(values, "model") ? "" : ` (named by ${planPath}); give --model <checkpoint> with the same weights`}.`);
  const jsonPath = shardResultsPath(dir, index);
  process.stderr.write(`ebjdat eval: shard ${index} of ${plan.shards.length} (${source}) of plan ${plan.id}: images ${shard.range[0]}-${shard.range[1]} (${shard.chunks} chunks) into ${jsonPath}\n`);

  let t = Date.now();
  const backend = await backendFrom(values);
  const backendMs = Date.now() - t;
  t = Date.now();
  const { model, replayBuffer } = await loadModel(modelPath);
  replayBuffer?.dispose();
  try {
    const hash = modelContentHash(model);
    const modelMs = Date.now() - t;
    t = Date.now();
    const ds = await loadDataset(plan.data.spec, dataDirFrom(values));
    const dataMs = Date.now() - t;
    process.stderr.write(
      `ebjdat eval: shard ready after ${seconds(startup + backendMs + modelMs + dataMs)}: process start-up and imports ${seconds(startup)}, backend ${backend.name} ${seconds(backendMs)}, model load and hash ${seconds(modelMs)}, data ${seconds(dataMs)}\n`,
    );
    const evaluated = { logits: model.toLogitsFn("eval"), hash, ...(plan.model.label ? { label: plan.model.label } : {}) };
    return await runEvaluation(`shard ${index}/${plan.shards.length} ${plan.key.attack}`, jsonPath, (o) => evaluateShard(evaluated, ds, plan, dir, index, { ...o, backend: backend.name }), { attack: plan.key.attack, batchSize: plan.key.batchSize });
  } finally {
    model.dispose();
  }
}
