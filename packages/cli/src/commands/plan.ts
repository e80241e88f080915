import { existsSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { loadDataset } from "@ebjdat/data";
import { EvaluationSettingsError, modelContentHash, planShards, ShardPlanError, writeShardPlan } from "@ebjdat/evaluation";
import { loadModel } from "@ebjdat/models";
import { defineCommand } from "../command";
import { int, str, UsageError } from "../args";
import { backendFrom, dataDirFrom } from "./common";
import { evalCommand, settingsFrom } from "./eval";

const { plan: _plan, shard: _shard, json: _json, ...EVAL_OPTIONS } = evalCommand.spec.options;
const { "--plan <dir>/plan.json": _p, "--shard i/N": _s, "--json <file>": _j, ...EVAL_HELP } = evalCommand.spec.help;

/**
 * `ebjdat plan`: splits an evaluation (the options of `ebjdat eval`) into shards of whole chunks,
 * balanced by count, and writes `<results folder>/plan.json` with the model's weight hash, the
 * data hash and every setting. Shards then run anywhere (`ebjdat eval --plan`, a Slurm job array,
 * a Kubernetes Indexed Job: `ebjdat cluster`) and `ebjdat merge` combines them.
 */
export const planCommand = defineCommand(
  {
    name: "plan",
    summary: "Split an evaluation into shards (for job arrays) and write <results folder>/plan.json",
    usage: "ebjdat plan --model <checkpoint> --data <dataset spec> [eval options] --shards N --results-dir <dir>",
    help: {
      "--shards <n>": "number of shards: contiguous image ranges of whole chunks (--batch), balanced by image count",
      "--results-dir <dir>": "results folder on storage every job sees: plan.json, shard-<i>.json, logs; an existing folder must hold this same plan",
      ...EVAL_HELP,
    },
    options: { ...EVAL_OPTIONS, shards: { type: "string" }, "results-dir": { type: "string" } },
  },
  async (values) => {
    const modelPath = str(values, "model");
    const spec = str(values, "data");
    const dir = str(values, "results-dir");
    const shards = int(values, "shards", 1, 100000);
    if (!modelPath) throw new UsageError("--model <checkpoint> is required.");
    if (!existsSync(modelPath)) throw new UsageError(`--model '${modelPath}' does not exist.`);
    if (!spec) throw new UsageError("--data <dataset spec> is required (e.g. cifar10:test).");
    if (!dir) throw new UsageError("--results-dir <dir> is required (a folder every job can read and write).");
    if (shards === undefined) throw new UsageError("--shards <n> is required.");
    const settings = settingsFrom(values);
    await backendFrom(values);
    const ds = await loadDataset(spec, dataDirFrom(values));
    if (settings.range) settings.range = [settings.range[0], Math.min(settings.range[1], ds.n)];
    const { model, replayBuffer } = await loadModel(modelPath);
    replayBuffer?.dispose();
    let hash: string;
    try {
      if (model.config.numClasses !== ds.numClasses) throw new UsageError(`The model has ${model.config.numClasses} classes but ${spec} has ${ds.numClasses}.`);
      hash = modelContentHash(model);
    } finally {
      model.dispose();
    }
    const absDir = resolve(dir);
    const rel = relative(absDir, resolve(modelPath));
    // a model inside the results folder travels with it (a relative path), e.g. onto a Kubernetes volume
    const path = rel.startsWith("..") || rel.startsWith(sep) ? resolve(modelPath) : rel;
    let plan;
    try {
      plan = planShards({ hash, label: modelPath, path }, ds, settings, shards);
    } catch (e) {
      if (e instanceof ShardPlanError || e instanceof EvaluationSettingsError) throw new UsageError(`${(e as Error).message}.`);
      throw e;
    }
    const written = writeShardPlan(absDir, plan);
    const r = plan.key.data.range;
    const lines = [
      `plan ${plan.id}: ${plan.key.attack} (${plan.key.protocol} protocol) on images ${r[0]}-${r[1]} of ${spec}, ${plan.shards.length} shards of whole chunks of ${plan.key.batchSize}, balanced by image count`,
      ...plan.shards.map((s) => `  shard ${s.index}: images ${s.range[0]}-${s.range[1]} (${s.images} images, ${s.chunks} chunks)`),
      written === "written" ? `wrote ${join(absDir, "plan.json")}` : `${join(absDir, "plan.json")} already holds this plan (finished shards are kept)`,
      "next: run every shard, then merge:",
      `  ebjdat eval --plan ${join(absDir, "plan.json")} --shard i/${plan.shards.length}     (or as a job array: ebjdat cluster --plan ${join(absDir, "plan.json")} --scheduler slurm|kubernetes)`,
      `  ebjdat merge ${absDir} --json merged.json`,
    ];
    process.stdout.write(lines.join("\n") + "\n");
    return 0;
  },
);
