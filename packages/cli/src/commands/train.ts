import { existsSync, readFileSync } from "node:fs";
import { resolveConfig, train, PRESETS } from "@ebjdat/trainer";
import { defineCommand } from "../command";
import { int, str, UsageError } from "../args";
import { ProgressBar } from "../progress";
import { onInterrupt } from "../interrupt";
import { backendFrom, COMMON_HELP, COMMON_OPTIONS } from "./common";

/** `ebjdat train`: trains a model from a preset or a JSON config, with a progress bar and checkpoints. */
export const trainCommand = defineCommand(
  {
    name: "train",
    summary: "Train a model from a preset or a JSON config (resumable)",
    usage: "ebjdat train (--preset <name> | --config <file.json>) --out <dir> [--resume] [--backend b] [--seed n]",
    help: {
      "--preset <name>": `one of ${Object.keys(PRESETS).join(", ")}`,
      "--config <file>": "a JSON config (keys as in the preset; `preset` key picks the base)",
      "--out <dir>": "output folder: checkpoint/, log.jsonl, config.json, result.json",
      "--resume": "continue the checkpoint in --out",
      "--steps <n>": "stop after n steps of this call (checkpoint saved; --resume continues)",
      ...COMMON_HELP,
    },
    options: { ...COMMON_OPTIONS, preset: { type: "string" }, config: { type: "string" }, out: { type: "string" }, resume: { type: "boolean" }, steps: { type: "string" } },
  },
  async (values) => {
    const out = str(values, "out");
    if (!out) throw new UsageError("--out <dir> is required.");
    const presetName = str(values, "preset");
    const configPath = str(values, "config");
    if (presetName && configPath) throw new UsageError("Give --preset or --config, not both.");
    let overrides: Record<string, unknown> = {};
    if (configPath) {
      if (!existsSync(configPath)) throw new UsageError(`Config file '${configPath}' does not exist.`);
      try {
        overrides = JSON.parse(readFileSync(configPath, "utf8")) as Record<string, unknown>;
      } catch (e) {
        throw new UsageError(`Config file '${configPath}' is not valid JSON: ${(e as Error).message}`);
      }
    }
    const seed = int(values, "seed", 0, 2 ** 32 - 1);
    if (seed !== undefined) overrides = { ...overrides, seed };
    const config = resolveConfig(overrides, presetName ?? "standard-smoke");
    const backend = await backendFrom(values);
    const bar = new ProgressBar(`train ${config.method}`);
    const controller = new AbortController();
    const release = onInterrupt(controller, "finishing the current step and saving a checkpoint (Ctrl-C again to quit at once)");
    const steps = int(values, "steps", 1);
    const dataDir = str(values, "data-dir");
    try {
      const result = await train(config, {
        outDir: out,
        resume: values.resume === true,
        onProgress: bar.callback,
        signal: controller.signal,
        ...(dataDir ? { dataDir } : {}),
        ...(steps !== undefined ? { maxSteps: steps } : {}),
      });
      bar.done();
      const acc = result.eval ? `, eval accuracy ${(result.eval.accuracy * 100).toFixed(1)}% on ${result.eval.n} images of ${result.eval.data}` : "";
      process.stdout.write(
        `${result.finished ? "finished" : "stopped"} at step ${result.steps}/${result.totalSteps} on ${backend.name} in ${result.seconds.toFixed(1)} s, last loss ${result.lastLoss.toFixed(4)}${acc}\ncheckpoint: ${result.checkpoint}\n`,
      );
      return 0;
    } finally {
      release();
    }
  },
);
