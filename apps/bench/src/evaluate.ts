import * as tf from "@tensorflow/tfjs-core";
import { batchTensor, loadDataset, subset, type Dataset } from "@ebjdat/data";
import type { AttackOverrides } from "@ebjdat/attacks";
import { computeEnergies } from "@ebjdat/energy";
import { evaluate, modelContentHash, PROTOCOLS, type EvaluatedModel, type EvaluationSettings, type ProtocolName } from "@ebjdat/evaluation";
import { computeMetrics, expectedCalibrationError, metricRequirements, METRIC_NAMES, type MetricEntry, type MetricName } from "@ebjdat/metrics";
import { loadModel, type WideResNet } from "@ebjdat/models";
import { modelEps, toModelSpace, toImageSpace } from "@ebjdat/runtime";
import { gridLabels, sample, saveImageGrid } from "@ebjdat/samplers";
import { join } from "node:path";
import { cachedPart } from "./cache";
import type { EvalScale } from "./scales";

/** What an evaluation job needs (all JSON, part of its content key). */
export interface EvalSettings {
  /** Checkpoint to evaluate (trainer `checkpoint/` folder, .pt/.pth or .safetensors). */
  checkpoint: string;
  /** Test set spec. */
  test: string;
  sizes: EvalScale;
  /** Noise σ (model space) of the authors' eval script for this model family (spec 7.9). */
  paperSigma: number;
  /** Sample and measure generation (JEM family): replay-buffer samples, generation metrics, Figure 4 grid. */
  generative: boolean;
  /** Measure generation metrics of a non-generative row too (SGLD from its energy), for the claims that compare with it (issue 20). */
  generationBaseline?: boolean;
  /** Classifier whose penultimate features give FD-WRN / KID-WRN (spec 8: never called FID). */
  featureCheckpoint?: string;
  /** Official Inception weights: adds FID, IS, KID (standard) and FID/IS (paper protocol). */
  inceptionWeights?: string;
  seed: number;
}

/** Robust accuracy of one attack under one protocol. */
export interface AttackNumbers {
  attack: string;
  /** Budget and step on the [0, 1] scale. */
  eps: number;
  stepSize?: number;
  n: number;
  cleanAccuracy: number;
  robustAccuracy: number;
  /** AutoAttack: accuracy after each attack in order. */
  after?: Record<string, number>;
  /** AutoAttack's sanity-check warnings (randomised model, gradient masking, Square beating the white-box attacks). */
  warnings?: string[];
  seconds: number;
}

/** Energy-gap statistic of spec 1.1 on the PGD-20 pairs of one protocol. */
export interface GapNumbers {
  mean: number;
  variance: number;
  meanAbs: number;
  n: number;
}

/** One protocol's numbers: `standard` (ε 8/255 on [0, 1], fra31 standard AA) or `paper` (spec 7.9). */
export interface ProtocolNumbers {
  protocol: ProtocolName;
  description: string;
  pgd20: AttackNumbers;
  aa: AttackNumbers;
  energyGap: GapNumbers;
}

/** Per-image results of one protocol, in test-set order: the data of the paired comparisons (issue 20). */
export interface ProtocolPerImage {
  /** `1` where the image is still correctly classified after PGD (robust), `0` otherwise; one character per image */
  pgd: string;
  /** the same after the AutoAttack ensemble */
  aa: string;
  /** E(x_adv) − E(x) per PGD image (spec 1.1 d_i) */
  gap: number[];
}

/** Everything measured on one model. */
export interface EvalResult {
  checkpoint: string;
  test: string;
  clean: { accuracy: number; n: number; ece: number };
  standard: ProtocolNumbers;
  paper: ProtocolNumbers;
  /** Per-image correctness (clean: `1` = correct) and robustness under each protocol (absent in results of older bench versions). */
  perImage?: { clean: string; standard: ProtocolPerImage; paper: ProtocolPerImage };
  /** Marginal energies E(x) (standard protocol) for the Figure 2 histograms. */
  energies: { clean: number[]; adversarial: number[]; generated: number[]; generatedFrom: string };
  /** FD-WRN / KID-WRN (and FID / IS with Inception weights) of the generated samples; JEM family only. */
  generation?: { metrics: Partial<Record<MetricName, MetricEntry>>; nFake: number; nReal: number; source: string };
  /** Figure 4: class-conditional grid (PNG + SVG file names inside the job folder). */
  grid?: { png: string; svg: string; perClass: number; steps: number };
  seconds: Record<string, number>;
}

/** Progress of an evaluation (stage names). */
export type EvalProgress = (stage: string) => void;

function firstN(ds: Dataset, n: number): { x: tf.Tensor4D; y: Int32Array } {
  const m = Math.min(n, ds.n);
  const part = subset(ds, Array.from({ length: m }, (_, i) => i));
  return batchTensor(part, Array.from({ length: m }, (_, i) => i));
}

/** `1` per image still correct after the attacks (`robust`), `0` per misclassified or broken one. */
function robustString(outcome: readonly string[] | undefined): string {
  return (outcome ?? []).map((o) => (o === "robust" ? "1" : "0")).join("");
}

/** Smoke-scale cuts of the ensembles' iterations (labelled: the smoke numbers are meaningless). */
export function aaOverrides(sizes: EvalScale): AttackOverrides | undefined {
  const o = sizes.aaOverrides;
  if (!o) return undefined;
  return { "apgd-ce": { steps: o.steps }, "apgd-dlr": { steps: o.steps }, "apgd-t": { steps: o.steps, targetClasses: 3 }, "fab-t": { steps: o.steps, targetClasses: 3 }, square: { queries: o.squareQueries } };
}

/** The file of one evaluation part (`evaluate`'s resumable results file, spec 7.7 / 7.9). */
export function partFile(dir: string, protocol: ProtocolName, attack: "pgd" | "aa"): string {
  return join(dir, "parts", `${protocol}-${attack}.eval.json`);
}

async function protocolNumbers(
  protocol: ProtocolName,
  model: EvaluatedModel,
  ds: Dataset,
  s: EvalSettings,
  dir: string,
  onStage: EvalProgress,
  signal: AbortSignal | undefined,
): Promise<{ numbers: ProtocolNumbers; energyClean: number[]; energyAdv: number[]; perImage: ProtocolPerImage }> {
  const steps = s.sizes.pgdSteps;
  // the authors' eval scripts add their σ once per image, with no clamp (spec 7.9)
  const common: EvaluationSettings = { protocol, seed: s.seed, batchSize: 100, ...(protocol === "paper" && s.paperSigma > 0 ? { noiseSigma: modelEps(s.paperSigma) } : {}) };
  const quiet = { onWarning: () => {}, ...(signal ? { signal } : {}) };
  onStage(`${protocol} PGD-${steps}`);
  const pgd = await evaluate(model, ds, { ...common, attack: `pgd${steps}`, range: [0, Math.min(s.sizes.pgd, ds.n)], energyGap: true }, { ...quiet, resultsPath: partFile(dir, protocol, "pgd") });
  onStage(`${protocol} AutoAttack`);
  const overrides = aaOverrides(s.sizes);
  const aa = await evaluate(model, ds, { ...common, attack: "autoattack", range: [0, Math.min(s.sizes.aa, ds.n)], ...(overrides ? { attackOptions: overrides } : {}) }, { ...quiet, resultsPath: partFile(dir, protocol, "aa") });
  const gap = pgd.energyGap!;
  const energyClean = pgd.chunks.flatMap((c) => c.energyClean ?? []);
  const energyAdv = pgd.chunks.flatMap((c) => c.energyAdv ?? []);
  return {
    numbers: {
      protocol,
      description: PROTOCOLS[protocol].description,
      pgd20: { attack: `PGD-${steps}`, eps: pgd.key.eps, stepSize: pgd.key.pgdStepSize, n: pgd.n, cleanAccuracy: pgd.cleanAccuracy!, robustAccuracy: pgd.robustAccuracy!, seconds: pgd.seconds },
      aa: {
        attack: protocol === "paper" ? "AutoAttack (paper preset)" : "AutoAttack (standard)",
        eps: aa.key.eps,
        n: aa.n,
        cleanAccuracy: aa.cleanAccuracy!,
        robustAccuracy: aa.robustAccuracy!,
        after: aa.robustAccuracyAfter!,
        warnings: aa.warnings,
        seconds: aa.seconds,
      },
      energyGap: { mean: gap.mean, variance: gap.variance, meanAbs: gap.meanAbs, n: gap.n },
    },
    energyClean,
    energyAdv,
    perImage: { pgd: robustString(pgd.outcome), aa: robustString(aa.outcome), gap: energyAdv.map((e, i) => e - energyClean[i]!) },
  };
}

/**
 * Evaluates one model for every table: clean accuracy and ECE, PGD-20 and AutoAttack under the
 * standard and the paper protocol (spec 7.6, 7.9), the Table 1 energy-gap statistic d_i =
 * E(x_adv,i) − E(x_i) (spec 1.1), energies of clean / adversarial / generated samples (Figure 2),
 * generation metrics and a class-conditional sample grid for the JEM family (Table 5, Figure 4).
 * Every stage is cached in `dir/parts/`, so an interrupted evaluation resumes; `signal` stops the
 * attacks between chunks (EvaluationInterrupted, the finished chunks saved).
 */
export async function evaluateModel(s: EvalSettings, dir: string, onStage: EvalProgress = () => {}, signal?: AbortSignal): Promise<EvalResult> {
  const seconds: Record<string, number> = {};
  const timed = async <T>(name: string, f: () => Promise<T>): Promise<T> => {
    const t0 = Date.now();
    const v = await f();
    seconds[name] = (Date.now() - t0) / 1000;
    return v;
  };
  const { model, replayBuffer } = await loadModel(s.checkpoint);
  const ds = await loadDataset(s.test);
  if (model.config.numClasses !== ds.numClasses) {
    model.dispose();
    replayBuffer?.dispose();
    throw new Error(`The checkpoint '${s.checkpoint}' has ${model.config.numClasses} classes but the test set '${s.test}' has ${ds.numClasses}.`);
  }
  const logits = model.toLogitsFn("eval");
  const evaluated: EvaluatedModel = { logits, hash: modelContentHash(model), label: s.checkpoint };
  try {
    onStage("clean accuracy");
    const clean = await timed("clean", () =>
      cachedPart(dir, "clean", async () => {
        const { x, y } = firstN(ds, s.sizes.clean);
        const parts: tf.Tensor2D[] = [];
        for (let i = 0; i < y.length; i += 200) parts.push(tf.tidy(() => logits(tf.slice(x, i, Math.min(200, y.length - i)))));
        const all = tf.concat(parts) as tf.Tensor2D;
        const am = tf.argMax(all, 1);
        const pred = (am.dataSync() as Int32Array).slice();
        am.dispose();
        const ece = expectedCalibrationError(all, y).ece;
        tf.dispose([x, all, ...parts]);
        const correct = Array.from(pred, (p, i) => (p === y[i] ? "1" : "0")).join("");
        return { accuracy: pred.filter((p, i) => p === y[i]).length / y.length, n: y.length, ece, correct };
      }),
    );
    const std = await timed("standard", () => protocolNumbers("standard", evaluated, ds, s, dir, onStage, signal));
    const pap = await timed("paper", () => protocolNumbers("paper", evaluated, ds, s, dir, onStage, signal));

    onStage("generated samples");
    const gen = await timed("generated", () => generatedImages(model, replayBuffer, s));
    const generatedEnergies = Array.from(computeEnergies(logits, gen.images, { batchSize: 100 }));

    let generation: EvalResult["generation"];
    if (s.generative || s.generationBaseline) {
      onStage("generation metrics");
      generation = await timed("generation", () => cachedPart(dir, "generation", () => generationMetrics(gen.images, ds, s, gen.source)));
    }
    gen.images.dispose();

    let grid: EvalResult["grid"];
    if (s.generative) {
      onStage("class-conditional grid");
      grid = await timed("grid", () => cachedPart(dir, "grid", () => conditionalGrid(model, ds.numClasses, s, dir)));
    }
    return {
      checkpoint: s.checkpoint,
      test: s.test,
      clean: { accuracy: clean.accuracy, n: clean.n, ece: clean.ece },
      perImage: { clean: clean.correct, standard: std.perImage, paper: pap.perImage },
      standard: std.numbers,
      paper: pap.numbers,
      energies: { clean: std.energyClean, adversarial: std.energyAdv, generated: generatedEnergies, generatedFrom: gen.source },
      ...(generation ? { generation } : {}),
      ...(grid ? { grid } : {}),
      seconds,
    };
  } finally {
    model.dispose();
    replayBuffer?.dispose();
  }
}

/** Generated samples in [0, 1]: the checkpoint's replay buffer when it has one (the official eval uses the buffer, spec 6.2), else short-run SGLD from U(-1, 1). */
async function generatedImages(model: WideResNet, buffer: tf.Tensor4D | undefined, s: EvalSettings): Promise<{ images: tf.Tensor4D; source: string }> {
  const n = s.sizes.generated;
  if (buffer && buffer.shape[0] > 0) {
    const m = Math.min(n, buffer.shape[0]);
    const images = tf.tidy(() => toImageSpace(tf.slice(buffer, 0, m)));
    return { images, source: `replay buffer (${m} of ${buffer.shape[0]} chains)` };
  }
  const r = await sample((x, mode) => model.netLogits(x, mode), { n, sampler: "jem", steps: s.sizes.sgldSteps, seed: s.seed, batchSize: 100, imageShape: [32, 32, 3] });
  r.xNet.dispose();
  return { images: r.images, source: `SGLD from U(-1, 1), ${s.sizes.sgldSteps} steps (jem sampler)` };
}

async function generationMetrics(fake: tf.Tensor4D, ds: Dataset, s: EvalSettings, source: string): Promise<NonNullable<EvalResult["generation"]>> {
  // every metric the inputs allow: those of a feature model with --feature-checkpoint, the Inception ones with its weights
  const needs = metricRequirements(METRIC_NAMES);
  const metrics: MetricName[] = [];
  let feature: WideResNet | undefined;
  if (s.featureCheckpoint) {
    const loaded = await loadModel(s.featureCheckpoint);
    loaded.replayBuffer?.dispose();
    feature = loaded.model;
    metrics.push(...needs.needsFeatureModel);
  }
  if (s.inceptionWeights) metrics.push(...needs.needsInception);
  if (metrics.length === 0) return { metrics: {}, nFake: fake.shape[0], nReal: 0, source };
  const { x: real } = firstN(ds, s.sizes.clean);
  try {
    const report = await computeMetrics({
      real,
      fake,
      metrics,
      batchSize: 100,
      ...(s.inceptionWeights ? { inception: s.inceptionWeights } : {}),
      ...(feature ? { featureModel: { name: "FD-WRN", fn: (x: tf.Tensor4D) => tf.tidy(() => feature!.netFeatures(toModelSpace(x), "eval")) } } : {}),
    });
    return { metrics: report.metrics, nFake: report.nFake, nReal: report.nReal ?? real.shape[0], source };
  } finally {
    real.dispose();
    feature?.dispose();
  }
}

async function conditionalGrid(model: WideResNet, numClasses: number, s: EvalSettings, dir: string): Promise<NonNullable<EvalResult["grid"]>> {
  const per = s.sizes.gridPerClass;
  const classes = Math.min(numClasses, 10);
  const labels = gridLabels(classes, per);
  const r = await sample((x, mode) => model.netLogits(x, mode), { n: labels.length, classLabel: labels, numClasses, sampler: "jem", steps: s.sizes.sgldSteps, seed: s.seed + 1, batchSize: 100, imageShape: [32, 32, 3] });
  r.xNet.dispose();
  saveImageGrid(r.images, join(dir, "grid.png"), { nrow: per });
  r.images.dispose();
  return { png: "grid.png", svg: "grid.svg", perClass: per, steps: s.sizes.sgldSteps };
}
