import * as tf from "@tensorflow/tfjs-core";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { extname, join } from "node:path";
import { batchTensor, decodeImage, subset, type Dataset } from "@ebjdat/data";
import { loadSafetensorsFile, toFloat32 } from "@ebjdat/formats";
import { computeMetrics, metricRequirements, METRIC_NAMES, METRICS, type MetricName } from "@ebjdat/metrics";
import { loadModel } from "@ebjdat/models";
import { writeJsonAtomic, toModelSpace, toImageSpace, yieldToEventLoop } from "@ebjdat/runtime";
import { defineCommand } from "../command";
import { int, str, UsageError } from "../args";
import { ProgressBar } from "../progress";
import { interruptExitCode, onInterrupt } from "../interrupt";
import { backendFrom, COMMON_HELP, COMMON_OPTIONS, DATA_HELP, DATA_OPTIONS, datasetFrom } from "./common";

/** Batches of `[0, 1]` NHWC images of a dataset (first `n`), created lazily. */
function* datasetBatches(ds: Dataset, n: number, batch: number): Generator<tf.Tensor4D> {
  for (let s = 0; s < n; s += batch) {
    const { x } = batchTensor(ds, Array.from({ length: Math.min(batch, n - s) }, (_, i) => s + i));
    yield x;
  }
}

/** Thrown between batches once a signal has aborted the metrics. */
class MetricsInterrupted extends Error {}

/** Batches of a tensor's images (slices the consumer disposes). */
function* tensorBatches(x: tf.Tensor4D, batch: number): Generator<tf.Tensor4D> {
  for (let s = 0; s < x.shape[0]; s += batch) yield tf.slice(x, [s, 0, 0, 0], [Math.min(batch, x.shape[0] - s), -1, -1, -1]);
}

/**
 * The batches of `source`, yielding to the event loop before each one so that a signal handler
 * runs, and stopping with MetricsInterrupted once `signal` is aborted.
 */
async function* interruptible(source: Iterable<tf.Tensor4D>, signal: AbortSignal): AsyncGenerator<tf.Tensor4D> {
  for (const b of source) {
    await yieldToEventLoop();
    if (signal.aborted) {
      b.dispose();
      throw new MetricsInterrupted();
    }
    yield b;
  }
}

/**
 * Messages of @ebjdat/metrics speak of its API; in the CLI the hash of --inception-weights is
 * always checked, so the API's way around it is no option here.
 */
function cliMessage(message: string): string {
  return message.replace(/,? or pass checkHash: false for a deliberately different file\.?/, ". The CLI accepts only the official file.");
}

/** Generated images from a folder of PNG/JPEG files, a safetensors sample file, or a checkpoint's replay buffer, as [0, 1] NHWC. */
async function loadFake(path: string, n: number | undefined): Promise<{ x: tf.Tensor4D; source: string }> {
  if (!existsSync(path)) throw new UsageError(`--fake '${path}' does not exist (expected a folder of PNG/JPEG images, a .safetensors sample file, or a checkpoint with a replay buffer).`);
  if (statSync(path).isDirectory() && !existsSync(join(path, "model.json"))) {
    const files = readdirSync(path).filter((f) => [".png", ".jpg", ".jpeg"].includes(extname(f).toLowerCase())).sort();
    if (files.length === 0) throw new UsageError(`--fake folder '${path}' holds no .png/.jpg images.`);
    const take = files.slice(0, n ?? files.length);
    const first = decodeImage(new Uint8Array(readFileSync(join(path, take[0]!))), take[0]!);
    const { width: w, height: h } = first;
    const data = new Float32Array(take.length * h * w * 3);
    take.forEach((f, i) => {
      const img = decodeImage(new Uint8Array(readFileSync(join(path, f))), join(path, f));
      if (img.width !== w || img.height !== h) throw new UsageError(`--fake image '${f}' is ${img.width}x${img.height}, expected ${w}x${h} like the first image.`);
      for (let k = 0; k < h * w * 3; k++) data[i * h * w * 3 + k] = img.data[k]! / 255;
    });
    return { x: tf.tensor4d(data, [take.length, h, w, 3]), source: `image folder ${path} (${take.length} files)` };
  }
  if (path.endsWith(".safetensors")) {
    const { tensors } = loadSafetensorsFile(path);
    const raw = tensors.get("images") ?? tensors.get("samples") ?? tensors.get("x");
    if (raw && raw.shape.length === 4 && raw.shape[3] === 3) {
      const data = toFloat32(raw);
      let lo = Infinity;
      let hi = -Infinity;
      for (const v of data) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      if (lo < 0 || hi > 1) throw new UsageError(`--fake '${path}': images must be in [0, 1] (found [${lo}, ${hi}]).`);
      const x = tf.tensor4d(data, raw.shape as [number, number, number, number]);
      return { x: n !== undefined && n < raw.shape[0]! ? (tf.tidy(() => tf.slice(x, 0, n)) as tf.Tensor4D) : x, source: `sample file ${path}` };
    }
    if (!tensors.has("replay_buffer")) throw new UsageError(`--fake '${path}': expected a tensor 'images' [N,H,W,3] in [0, 1] (or a model checkpoint with a replay buffer).`);
  }
  const { model, replayBuffer } = await loadModel(path);
  model.dispose();
  if (!replayBuffer) throw new UsageError(`--fake '${path}' is a checkpoint without a replay buffer.`);
  const m = replayBuffer.shape[0];
  const take = Math.min(n ?? m, m);
  const x = tf.tidy(() => toImageSpace(tf.slice(replayBuffer, 0, take)));
  replayBuffer.dispose();
  return { x, source: `replay buffer of ${path} (${take} of ${m} samples, model space mapped to [0, 1])` };
}

/** The options of `ebjdat metrics` and what --help says about them. */
const HELP: Record<string, string> = {
  "--real <spec>": "reference dataset spec (e.g. cifar10-train-balanced, cifar10:test)",
  "--fake <path>": "folder of PNG/JPEG images, a .safetensors file with 'images' [N,H,W,3] in [0,1], or a checkpoint with a replay buffer",
  "--metrics <list>": "", // one line per entry of the metrics table, set below
  "--n <N>": "use at most N real and N fake images",
  "--inception-weights <file>": "pt_inception-2015-12-05-6726825d.pth (else EBJDAT_INCEPTION_WEIGHTS, the cache, or a download when online)",
  "--feature-model <ckpt>": `classifier whose penultimate features give ${metricRequirements(METRIC_NAMES).needsFeatureModel.join(" / ")} (reported as FD-WRN, never FID)`,
  "--batch <n>": "images per forward pass (default 50)",
  "--json <file>": "results file",
  ...COMMON_HELP,
  ...DATA_HELP,
};
// One line per entry of the metrics table, 2 columns right of where commandHelp starts descriptions
// (2 + longest option + 4).
const indent = " ".repeat(Math.max(...Object.keys(HELP).map((k) => k.length), 6) + 8);
const nameWidth = Math.max(...METRIC_NAMES.map((n) => n.length)) + 2;
HELP["--metrics <list>"] = [
  "comma list (default fid,is,kid) of",
  ...METRICS.map((m) => `${indent}${m.name.padEnd(nameWidth)}${m.summary}${m.needsReal ? "" : ", needs no --real"}`),
].join("\n");

/** `ebjdat metrics`: FID / IS / KID (with the Inception weights) and FD-WRN / KID-WRN of generated images. */
export const metricsCommand = defineCommand(
  {
    name: "metrics",
    summary: "FID, IS, KID and FD-WRN of generated images against a dataset",
    usage: "ebjdat metrics --real <dataset spec> --fake <image dir | sample.safetensors | checkpoint> --metrics fid,is,kid[,fd-wrn] [--n N] --json out.json",
    help: HELP,
    options: {
      ...COMMON_OPTIONS,
      ...DATA_OPTIONS,
      real: { type: "string" },
      fake: { type: "string" },
      metrics: { type: "string" },
      n: { type: "string" },
      "inception-weights": { type: "string" },
      "feature-model": { type: "string" },
      batch: { type: "string" },
      json: { type: "string" },
    },
  },
  async (values) => {
    const fakePath = str(values, "fake");
    if (!fakePath) throw new UsageError("--fake <images> is required.");
    const jsonPath = str(values, "json");
    if (!jsonPath) throw new UsageError("--json <out.json> is required.");
    const metrics = (str(values, "metrics") ?? "fid,is,kid").split(",").map((m) => m.trim()) as MetricName[];
    for (const m of metrics) if (!METRIC_NAMES.includes(m)) throw new UsageError(`Unknown metric '${m}'. Metrics: ${METRIC_NAMES.join(", ")}.`);
    const needs = metricRequirements(metrics);
    const n = int(values, "n", 2);
    const batch = int(values, "batch", 1, 10000) ?? 50;
    const realSpec = str(values, "real");
    if (needs.needsReal.length && !realSpec) throw new UsageError(`--real <dataset spec> is required for ${needs.needsReal.join(", ")}.`);
    const featurePath = str(values, "feature-model");
    if (needs.needsFeatureModel.length && !featurePath) throw new UsageError(`${needs.needsFeatureModel.join(" / ")} need --feature-model <checkpoint> (the classifier whose features are compared).`);
    const weights = str(values, "inception-weights");
    if (weights && !existsSync(weights)) throw new UsageError(`--inception-weights '${weights}' does not exist.`);

    let real: Dataset | undefined;
    if (realSpec) {
      const full = await datasetFrom(values, "real", realSpec);
      real = subset(full, Array.from({ length: Math.min(n ?? full.n, full.n) }, (_, i) => i));
    }
    const stop = new AbortController();
    const release = onInterrupt(stop, "metrics: stopping after the current batch (Ctrl-C again to quit at once)");
    let backend;
    let fake;
    try {
      backend = await backendFrom(values);
      fake = await loadFake(fakePath, n);
    } catch (e) {
      release();
      throw e;
    }
    let featureModel: Awaited<ReturnType<typeof loadModel>>["model"] | undefined;
    const bar = new ProgressBar("metrics");
    let stage = "";
    try {
      if (featurePath) featureModel = (await loadModel(featurePath)).model;
      const nFake = fake.x.shape[0];
      const report = await computeMetrics({
        fake: interruptible(tensorBatches(fake.x, batch), stop.signal),
        ...(real ? { real: interruptible(datasetBatches(real, real.n, batch), stop.signal) } : {}),
        metrics,
        batchSize: batch,
        ...(weights ? { inception: weights } : {}),
        ...(featureModel ? { featureModel: { name: "FD-WRN", fn: (x: tf.Tensor4D) => tf.tidy(() => featureModel!.netFeatures(toModelSpace(x), "eval")) } } : {}),
        onProgress: (p) => {
          stage = p.stage;
          // the sources are generators, so their sizes come from here
          const total = p.total ?? (/fake/.test(p.stage) ? nFake : /real/.test(p.stage) ? real?.n : undefined);
          bar.update({ done: p.done, ...(total !== undefined ? { total } : {}), label: p.stage });
        },
      });
      bar.done();
      const out = { tool: "ebjdat metrics", real: realSpec, fake: fake.source, featureModel: featurePath, ...report, backend: backend.name };
      writeJsonAtomic(jsonPath, out);
      for (const [name, e] of Object.entries(report.metrics)) {
        process.stdout.write(`${name.padEnd(10)} ${e.skipped ? `skipped: ${cliMessage(e.skipped)}` : `${(e.value ?? Number.NaN).toFixed(4)}${e.std !== undefined ? ` ± ${e.std.toFixed(4)}` : ""}  (${e.protocol})`}\n`);
        if (e.warning) process.stderr.write(`warning: ${name}: ${e.warning}\n`);
      }
      process.stdout.write(`results: ${jsonPath}\n`);
      return 0;
    } catch (e) {
      if (e instanceof MetricsInterrupted) {
        bar.done();
        process.stderr.write(`interrupted by ${String(stop.signal.reason)} during ${stage || "the feature extraction"}: nothing written (${jsonPath} is written at the end); rerun the command to compute the metrics.\n`);
        return interruptExitCode(stop.signal.reason);
      }
      if (e instanceof Error) e.message = cliMessage(e.message);
      throw e;
    } finally {
      release();
      fake.x.dispose();
      featureModel?.dispose();
    }
  },
);
