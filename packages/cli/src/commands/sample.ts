import { existsSync } from "node:fs";
import { gridLabels, loadReplayBuffer, ReplayBuffer, sample, saveImageGrid, saveReplayBuffer, type SamplerPresetName } from "@ebjdat/samplers";
import { loadModel } from "@ebjdat/models";
import { saveSafetensorsFile } from "@ebjdat/formats";
import { defineCommand } from "../command";
import { int, str, UsageError } from "../args";
import { ProgressBar } from "../progress";
import { interruptExitCode, onInterrupt } from "../interrupt";
import { backendFrom, COMMON_HELP, COMMON_OPTIONS } from "./common";

const SAMPLERS: SamplerPresetName[] = ["jem", "jempp", "sadajem"];

/** Thrown from the progress callback once a signal has aborted sampling. */
class SamplingInterrupted extends Error {}

/**
 * `ebjdat sample`: draws samples from a checkpoint's energy with a Langevin sampler (persistent
 * chains from a replay buffer, or fresh ones), class-conditional with --class or --per-class, and
 * writes a PNG (or SVG) grid.
 */
export const sampleCommand = defineCommand(
  {
    name: "sample",
    summary: "Draw samples from a model's energy and write a PNG/SVG grid",
    usage: "ebjdat sample --model <checkpoint> [--buffer <file>] --n 64 [--class c | --per-class k] [--steps k] [--sampler jem|jempp|sadajem] --out grid.png",
    help: {
      "--model <path>": "checkpoint (.pt/.pth official, .safetensors, or a saved TF.js model folder)",
      "--buffer <file>": "replay buffer (.safetensors written by --save-buffer); default: the checkpoint's own buffer, else fresh U(-1,1) chains",
      "--n <n>": "number of samples (default 64)",
      "--class <c>": "sample x given y = c (conditional, spec 6.1)",
      "--per-class <k>": "k samples of every class, one row per class (Figure 4 style)",
      "--steps <k>": "Langevin steps (default: the sampler preset's)",
      "--sampler <name>": "jem (SGLD, default) | jempp (PYLD) | sadajem (clipped SGLD)",
      "--out <file>": "grid image, .png or .svg",
      "--save-buffer <file>": "write the updated replay buffer (.safetensors)",
      "--save-samples <file>": "write the samples as .safetensors ('images' [N,H,W,3] in [0,1], for ebjdat metrics)",
      "--nrow <k>": "images per grid row (default sqrt(n))",
      ...COMMON_HELP,
    },
    options: {
      ...COMMON_OPTIONS,
      model: { type: "string" },
      buffer: { type: "string" },
      n: { type: "string" },
      class: { type: "string" },
      "per-class": { type: "string" },
      steps: { type: "string" },
      sampler: { type: "string" },
      out: { type: "string" },
      "save-buffer": { type: "string" },
      "save-samples": { type: "string" },
      nrow: { type: "string" },
    },
  },
  async (values) => {
    const modelPath = str(values, "model");
    if (!modelPath) throw new UsageError("--model <checkpoint> is required.");
    if (!existsSync(modelPath)) throw new UsageError(`--model '${modelPath}' does not exist.`);
    const out = str(values, "out");
    if (!out) throw new UsageError("--out <grid.png|grid.svg> is required.");
    if (!/\.(png|svg)$/i.test(out)) throw new UsageError(`--out must end in .png or .svg, got '${out}'.`);
    const sampler = (str(values, "sampler") ?? "jem") as SamplerPresetName;
    if (!SAMPLERS.includes(sampler)) throw new UsageError(`--sampler must be one of ${SAMPLERS.join(", ")}, got '${sampler}'.`);
    const bufferPath = str(values, "buffer");
    if (bufferPath && !existsSync(bufferPath)) throw new UsageError(`--buffer '${bufferPath}' does not exist.`);
    const steps = int(values, "steps", 0, 100000);
    const seed = int(values, "seed", 0, 2 ** 32 - 1) ?? 1;
    const cls = int(values, "class", 0);
    const perClass = int(values, "per-class", 1, 1000);
    if (cls !== undefined && perClass !== undefined) throw new UsageError("Give --class or --per-class, not both.");
    const nOption = int(values, "n", 1, 100000);
    const nrowOption = int(values, "nrow", 1);
    const saveSamples = str(values, "save-samples");
    if (saveSamples !== undefined && !/\.safetensors$/i.test(saveSamples)) throw new UsageError(`--save-samples must end in .safetensors (read by ebjdat metrics --fake), got '${saveSamples}'.`);
    const saveBuffer = str(values, "save-buffer");

    const stop = new AbortController();
    const release = onInterrupt(stop, "sample: stopping after the current batch of chains (Ctrl-C again to quit at once)");
    let backend;
    let loaded;
    try {
      backend = await backendFrom(values);
      loaded = await loadModel(modelPath);
    } catch (e) {
      release();
      throw e;
    }
    const { model, replayBuffer } = loaded;
    const K = model.config.numClasses;
    if (cls !== undefined && cls >= K) {
      release();
      model.dispose();
      replayBuffer?.dispose();
      throw new UsageError(`--class ${cls} is out of range: the model has ${K} classes (0-${K - 1}).`);
    }
    let n = nOption ?? 64;
    let classLabel: number | Int32Array | undefined = cls;
    if (perClass !== undefined) {
      classLabel = gridLabels(K, perClass);
      n = classLabel.length;
    }
    const bar = new ProgressBar(`sample ${sampler}`);
    let drawn = 0;
    try {
      let buffer: ReplayBuffer | undefined;
      if (bufferPath) buffer = loadReplayBuffer(bufferPath);
      else if (replayBuffer) buffer = ReplayBuffer.fromTensor(replayBuffer, { numClasses: K });
      replayBuffer?.dispose();
      const result = await sample((x, mode) => model.netLogits(x, mode), {
        n,
        sampler,
        seed,
        numClasses: K,
        ...(classLabel !== undefined ? { classLabel } : {}),
        ...(steps !== undefined ? { steps } : {}),
        ...(buffer ? { buffer } : {}),
        onProgress: (p) => {
          // the sampler yields between batches, where the signal handler runs: stop at the next batch
          if (stop.signal.aborted) throw new SamplingInterrupted();
          drawn = p.done;
          bar.update({ done: p.done, total: p.total, label: `step ${p.step}/${p.nSteps}` });
        },
      });
      bar.done();
      const nrow = nrowOption ?? (perClass ?? Math.ceil(Math.sqrt(n)));
      saveImageGrid(result.images, out, { nrow });
      if (saveSamples) saveSafetensorsFile(saveSamples, { images: { dtype: "float32", shape: result.images.shape, data: result.images.dataSync() as Float32Array } }, { model: modelPath, sampler, seed: String(seed), backend: backend.name });
      if (saveBuffer && buffer) saveReplayBuffer(buffer, saveBuffer, { model: modelPath });
      result.images.dispose();
      result.xNet.dispose();
      process.stdout.write(`${n} samples (${sampler}${buffer ? ", persistent chains" : ", fresh chains"}${classLabel !== undefined ? ", class-conditional" : ""}) on ${backend.name}: ${out}\n`);
      return 0;
    } catch (e) {
      if (e instanceof SamplingInterrupted) {
        bar.done();
        process.stderr.write(`interrupted by ${String(stop.signal.reason)} after ${drawn}/${n} samples: nothing written (${[out, saveSamples, saveBuffer].filter(Boolean).join(", ")} are written at the end); rerun the command to sample again.\n`);
        return interruptExitCode(stop.signal.reason);
      }
      throw e;
    } finally {
      release();
      model.dispose();
    }
  },
);
