import { join } from "node:path";
import { DataError } from "@ebjdat/data";
import { readJsonFile, JsonFileError } from "@ebjdat/runtime";
import { ConfigError, hasCheckpoint, resolveConfig, train, PRESETS, type TrainResult } from "@ebjdat/trainer";
import { defineCommand } from "../command";
import { int, str, UsageError, type ParsedValues } from "../args";
import { ProgressBar } from "../progress";
import { interruptExitCode, onInterrupt } from "../interrupt";
import { backendFrom, COMMON_HELP, COMMON_OPTIONS, DATA_HELP, DATA_OPTIONS } from "./common";

/** The config of the options; every bad key, value or file is a UsageError before any work. */
function configFrom(values: ParsedValues): ReturnType<typeof resolveConfig> {
  const presetName = str(values, "preset");
  const configPath = str(values, "config");
  if (presetName && configPath) throw new UsageError("Give --preset or --config, not both.");
  let overrides: Record<string, unknown> = {};
  try {
    if (configPath) overrides = readJsonFile<Record<string, unknown>>(configPath, "a training config: a JSON object with keys as in the presets (see --help)", (v) => (typeof v === "object" && v !== null && !Array.isArray(v) ? undefined : "not a JSON object"));
    const seed = int(values, "seed", 0, 2 ** 32 - 1);
    if (seed !== undefined) overrides = { ...overrides, seed };
    return resolveConfig(overrides, presetName ?? "standard-smoke");
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(configPath ? `${configPath}: ${e.message}` : e.message);
    if (e instanceof JsonFileError) throw new UsageError(e.message);
    throw e;
  }
}

/** The command that continues a run with the same settings. */
function resumeCommand(values: ParsedValues): string {
  const parts = ["ebjdat train"];
  for (const k of ["preset", "config", "out", "seed", "backend", "data-dir"]) {
    const v = str(values, k);
    if (v !== undefined) parts.push(`--${k} ${/\s/.test(v) ? JSON.stringify(v) : v}`);
  }
  if (values.download === true) parts.push("--download");
  return `${parts.join(" ")} --resume`;
}

function lossText(r: TrainResult): string {
  return Number.isFinite(r.lastLoss) ? `, last loss ${r.lastLoss.toFixed(4)}` : "";
}

/** `ebjdat train`: trains a model from a preset or a JSON config, with a progress bar and checkpoints. */
export const trainCommand = defineCommand(
  {
    name: "train",
    summary: "Train a model from a preset or a JSON config (resumable)",
    usage: "ebjdat train (--preset <name> | --config <file.json>) --out <dir> [--resume | --resume-or-start] [--steps n] [--backend b] [--seed n]",
    help: {
      "--preset <name>": `one of ${Object.keys(PRESETS).join(", ")}`,
      "--config <file>": "a JSON config (keys as in the preset; `preset` key picks the base)",
      "--out <dir>": "output folder: checkpoint/, log.jsonl, config.json, result.json (one process at a time: train.lock)",
      "--resume": "continue the checkpoint in --out (an error when there is none)",
      "--resume-or-start": "continue the checkpoint in --out when there is one, else start there (for schedulers)",
      "--steps <n>": "stop after n steps of this call (checkpoint saved; --resume continues)",
      ...COMMON_HELP,
      ...DATA_HELP,
    },
    options: {
      ...COMMON_OPTIONS,
      ...DATA_OPTIONS,
      preset: { type: "string" },
      config: { type: "string" },
      out: { type: "string" },
      resume: { type: "boolean" },
      "resume-or-start": { type: "boolean" },
      steps: { type: "string" },
    },
  },
  async (values) => {
    const out = str(values, "out");
    if (!out) throw new UsageError("--out <dir> is required.");
    if (values.resume === true && values["resume-or-start"] === true) throw new UsageError("Give --resume or --resume-or-start, not both.");
    const config = configFrom(values);
    const steps = int(values, "steps", 1);
    if (values.resume === true && !hasCheckpoint(join(out, "checkpoint"))) {
      throw new UsageError(`--resume: '${out}' holds no checkpoint (expected ${join(out, "checkpoint")}). Check --out, or pass --resume-or-start to start a new run there when there is none.`);
    }
    const controller = new AbortController();
    const release = onInterrupt(controller, "finishing the current step and saving a checkpoint (Ctrl-C again to quit at once)");
    const dataDir = str(values, "data-dir");
    try {
      const backend = await backendFrom(values);
      const bar = new ProgressBar(`train ${config.method}`);
      const result = await train(config, {
        outDir: out,
        resume: values.resume === true ? true : values["resume-or-start"] === true ? "or-start" : false,
        onProgress: bar.callback,
        onWarning: (m) => process.stderr.write(`\n${m}\n`),
        signal: controller.signal,
        ...(dataDir ? { dataDir } : {}),
        ...(values.download === true ? { download: true } : {}),
        ...(steps !== undefined ? { maxSteps: steps } : {}),
      });
      bar.done();
      if (result.alreadyFinished) {
        process.stdout.write(`already finished: ${result.steps}/${result.totalSteps} steps; nothing to do (result.json left as it was: ${join(result.outDir, "result.json")})\ncheckpoint: ${result.checkpoint}\n`);
        return 0;
      }
      if (result.interrupted !== undefined) {
        const what = result.finished ? `all ${result.steps} steps are done and saved; the final evaluation was interrupted` : `checkpoint saved at step ${result.steps}/${result.totalSteps}`;
        process.stderr.write(`interrupted by ${result.interrupted}: ${what} (${result.steps - (result.startStep ?? 0)} steps in this run${lossText(result)})\ncheckpoint: ${result.checkpoint}\nresume with: ${resumeCommand(values)}\n`);
        return interruptExitCode(result.interrupted);
      }
      const acc = result.eval ? `, eval accuracy ${(result.eval.accuracy * 100).toFixed(1)}% on ${result.eval.n} images of ${result.eval.data}` : "";
      process.stdout.write(
        `${result.finished ? "finished" : "stopped"} at step ${result.steps}/${result.totalSteps} on ${backend.name} in ${result.seconds.toFixed(1)} s${lossText(result)}${acc}\ncheckpoint: ${result.checkpoint}\n`,
      );
      return 0;
    } catch (e) {
      // a missing or unknown dataset fails before the first step
      if (e instanceof DataError || (e as Error).name === "DataError") throw new UsageError((e as Error).message);
      throw e;
    } finally {
      release();
    }
  },
);
