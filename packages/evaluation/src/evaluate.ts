import { yieldToEventLoop } from "@ebjdat/runtime";
import * as tf from "@tensorflow/tfjs-core";
import { autoAttack, ensembleFor, runAttack, type AttackName } from "@ebjdat/attacks";
import type { LogitsFn } from "@ebjdat/runtime";
import { gatherImages, gatherLabels, imageSize, toUnitFloat, type Dataset } from "@ebjdat/data";
import { computeEnergies } from "@ebjdat/energy";
import { evaluationKey } from "./content-key";
import { addTestNoise } from "./noise";
import { newResultsFile, readResumable, writeResults } from "./results-file";
import { chunksOf, resolveSettings, type EvaluationSettings, type ResolvedSettings } from "./settings";
import { completeResults } from "./summary";
import type { EvaluatedModel, EvaluateOptions, EvaluationChunk, EvaluationFile } from "./types";

/** Thrown when `options.signal` stops an evaluation; every finished chunk is in the results file. */
export class EvaluationInterrupted extends Error {
  constructor(
    readonly done: number,
    readonly total: number,
    readonly resultsPath: string | undefined,
  ) {
    super(`evaluation interrupted after ${done}/${total} images${resultsPath ? `; finished chunks are saved in ${resultsPath}` : ""}`);
    this.name = "EvaluationInterrupted";
  }
}

/** The inputs of images [s, e) as the protocol attacks them: [0, 1] pixels plus the paper noise. */
function chunkInputs(data: Dataset, s: number, e: number, r: ResolvedSettings): { x: tf.Tensor4D; y: Int32Array } {
  const idx = Array.from({ length: e - s }, (_, i) => s + i);
  const flat = toUnitFloat(gatherImages(data, idx));
  addTestNoise(flat, s, imageSize(data), r.noiseSigma, r.seed);
  return { x: tf.tensor4d(flat, [e - s, data.height, data.width, data.channels]), y: gatherLabels(data, idx) };
}

interface ChunkAttack {
  outcome: string[];
  predClean: number[];
  predAdv: number[];
  stages: string[];
  warnings: string[];
  xAdv: tf.Tensor4D;
}

/**
 * Rough model-call count per image of one attack with `options` (for progress only: steps ×
 * restarts × target classes, plus the clean and final passes). Square's query budget is an upper
 * bound; the measured count of the previous chunk replaces this estimate from the second chunk on.
 */
function nominalCallsPerImage(attack: string, options: Record<string, number>, defaultSteps?: number): number {
  const steps = options.steps ?? defaultSteps ?? (attack === "fgsm" ? 1 : attack === "square" ? 5000 : 100);
  const targets = attack.endsWith("-t") ? (options.targetClasses ?? 9) : 1;
  return steps * (options.restarts ?? 1) * targets + 2;
}

/** Estimated model calls per image of the whole attack of `r` (the ensemble's stages added up). */
function nominalWorkPerImage(r: ResolvedSettings): number {
  const own = (name: string): Record<string, number> => r.attackOptions[name as AttackName] ?? {};
  if (r.attack.kind === "ensemble") return ensembleFor(r.attack.version).reduce((a, e) => a + nominalCallsPerImage(e.attack, { ...(e.options as Record<string, number>), ...own(e.attack) }), 0);
  return nominalCallsPerImage(r.attack.name, own(r.attack.name), r.attack.steps);
}

/**
 * Progress inside a chunk, per attack step: the attacks run synchronously and report per batch
 * (AutoAttack without a total), so the model's calls are counted (weighted by images) against the
 * work the chunk is expected to take: the previous chunk's measured work per image, or the
 * nominal step counts for the first chunk. Never reaches 1 before the chunk is finished.
 */
class ChunkMeter {
  private work = 0;
  private expected = 1;
  private perImage: number | undefined;
  constructor(private readonly nominal: number) {}
  start(images: number): void {
    this.work = 0;
    this.expected = Math.max(1, (this.perImage ?? this.nominal) * images);
  }
  /** Counts a call on `images` images; returns the chunk's estimated fraction done. */
  count(images: number): number {
    this.work += images;
    return Math.min(0.99, this.work / this.expected);
  }
  finish(images: number): void {
    if (images > 0 && this.work > 0) this.perImage = this.work / images;
  }
}

async function attackChunk(model: EvaluatedModel, x: tf.Tensor4D, y: Int32Array, r: ResolvedSettings, onBatch: (stage: string) => void, warn: (m: string) => void): Promise<ChunkAttack> {
  const warnings: string[] = [];
  const onWarning = (m: string): void => {
    if (!warnings.includes(m)) warnings.push(m);
    warn(m);
  };
  if (r.attack.kind === "ensemble") {
    const { report, xAdv } = await autoAttack(model.logits, x, y, {
      version: r.attack.version,
      eps: r.eps,
      norm: r.norm,
      seed: r.seed,
      batchSize: r.batchSize,
      attackOptions: r.attackOptions,
      inputsOutsideBox: r.noiseSigma > 0,
      onProgress: (ev) => onBatch(ev.label ?? "autoattack"),
      onWarning,
    });
    return { outcome: report.outcome, predClean: report.predClean, predAdv: report.predAdv, stages: report.attacks, warnings, xAdv };
  }
  const name = r.attack.name as AttackName;
  const isPgd = name === "pgd";
  const res = await runAttack(r.attackLabel, model.logits, x, y, {
    eps: r.eps,
    norm: r.norm,
    seed: r.seed,
    batchSize: r.batchSize,
    inputsOutsideBox: r.noiseSigma > 0,
    ...(isPgd ? { stepSize: r.pgdStepSize, paper: r.protocol.pgdMeanLoss } : {}),
    ...(r.attackOptions[name] ?? {}),
    onProgress: () => onBatch(r.attackLabel),
    onWarning,
  });
  const outcome = Array.from(res.cleanCorrect, (c, i) => (c === 0 ? "misclassified" : res.robust[i] ? "robust" : r.attackLabel));
  return { outcome, predClean: Array.from(res.predClean), predAdv: Array.from(res.predAdv), stages: [r.attackLabel], warnings, xAdv: res.xAdv };
}


/**
 * Evaluates `model` on images `range` of `data` under one protocol (spec 7.7 standard, 7.9
 * paper): clean predictions, then one attack or an AutoAttack ensemble on the still-correct
 * images (spec 7.6), per-image outcomes, accuracy after every stage and, with `energyGap`, the
 * Table 1 statistic d_i = E(x_adv,i) − E(x_i) (spec 1.1). Works in chunks of `batchSize` images
 * starting at multiples of it; with `resultsPath` each finished chunk is written atomically and a
 * rerun with an equal content key (model weights hash, data hash, every setting) continues where
 * it stopped; a file of another key is refused, naming the differences. Every setting is checked
 * before any work. Deterministic for a seed; the result does not depend on interruptions.
 */
export async function evaluate(model: EvaluatedModel, data: Dataset, settings: EvaluationSettings, options: EvaluateOptions = {}): Promise<EvaluationFile> {
  const r = resolveSettings(settings, data.n);
  if (!model.hash) throw new Error("evaluate: the model needs its content hash (modelContentHash) for the results key");
  const key = evaluationKey(model.hash, data, r);
  const path = options.resultsPath;
  const previous = path ? readResumable(path, key as unknown as Record<string, unknown>) : undefined;
  const n = r.range[1] - r.range[0];
  const file: EvaluationFile =
    previous ??
    newResultsFile(key, {
      protocol: r.protocol,
      model: { hash: model.hash, ...(model.label ? { label: model.label } : {}) },
      data: { name: data.name, spec: data.spec, range: r.range },
      versions: { "@tensorflow/tfjs-core": tf.version_core, ...(options.versions ?? {}) },
    });
  const warn = options.onWarning ?? ((m: string) => console.warn(`ebjdat/evaluation: ${m}`));
  const finished = new Set(file.chunks.map((c) => c.start));
  const backend = options.backend ?? tf.getBackend() ?? "unknown";
  const meter = new ChunkMeter(nominalWorkPerImage(r));
  let stageLabel = "";
  let inChunk = { label: "", size: 0 };
  const report = (fraction: number): void => options.onProgress?.({ done: file.done, total: n, label: inChunk.label + stageLabel, fraction: (file.done + inChunk.size * fraction) / n });
  const logits: LogitsFn = (xb) => {
    const out = model.logits(xb);
    report(meter.count(xb.shape[0]));
    return out;
  };
  const counted: EvaluatedModel = { ...model, logits };
  for (const [s, e] of chunksOf(r.range, r.batchSize)) {
    if (finished.has(s)) continue;
    await yieldToEventLoop();
    if (options.signal?.aborted) throw new EvaluationInterrupted(file.done, n, path);
    const t0 = Date.now();
    const label = `images ${s}-${e}`;
    inChunk = { label, size: e - s };
    stageLabel = "";
    meter.start(e - s);
    report(0);
    const { x, y } = chunkInputs(data, s, e, r);
    let chunk: EvaluationChunk;
    try {
      const a = await attackChunk(counted, x, y, r, (stage) => {
        stageLabel = `: ${stage}`;
      }, warn);
      try {
        chunk = { start: s, end: e, outcome: a.outcome, predClean: a.predClean, predAdv: a.predAdv, warnings: a.warnings, backend, seconds: 0 };
        if (r.energyGap) {
          chunk.energyClean = Array.from(computeEnergies(model.logits, x, { batchSize: r.batchSize }));
          chunk.energyAdv = Array.from(computeEnergies(model.logits, a.xAdv, { batchSize: r.batchSize }));
        }
      } finally {
        a.xAdv.dispose();
      }
      file.stages = a.stages;
    } finally {
      x.dispose();
    }
    meter.finish(e - s);
    chunk.seconds = (Date.now() - t0) / 1000;
    file.chunks.push(chunk);
    file.chunks.sort((p, q) => p.start - q.start);
    file.done += e - s;
    file.seconds += chunk.seconds;
    for (const w of chunk.warnings) if (!file.warnings.includes(w)) file.warnings.push(w);
    if (!file.backends.includes(backend)) file.backends.push(backend);
    if (path) writeResults(path, file);
    inChunk = { label, size: 0 };
    stageLabel = "";
    options.onProgress?.({ done: file.done, total: n, label, fraction: file.done / n, chunkSeconds: chunk.seconds });
  }
  if (!file.complete) {
    completeResults(file);
    if (path) writeResults(path, file);
  }
  return file;
}
