import * as tf from "@tensorflow/tfjs-core";
import type { FeatureMatrix } from "@ebjdat/linalg";
import type { FeatureFn } from "./feature-distance";
import { extractFeatures } from "./feature/extract";
import { sourceSize, type ImageSource, type MetricsProgress } from "./images";
import { FidInception } from "./inception/network";
import { fetchInceptionWeightsBytes, readInceptionStateDict, type InceptionWeightsOptions } from "./inception/weights-file";
import { metricDefinition, pipelineOf, pipelinesFor } from "./metric/requirements";
import { METRICS, type MetricName } from "./metric/table";
import type { MetricEntry, MetricSettings } from "./metric/types";

/** Result of {@link computeMetrics}. */
export interface MetricsReport {
  metrics: Partial<Record<MetricName, MetricEntry>>;
  nReal?: number;
  nFake: number;
  /** Where the Inception weights came from (`deterministic test weights` or a file), when used. */
  inceptionWeights?: string;
  backend: string;
}

/** Options of {@link computeMetrics}. */
export interface ComputeMetricsOptions extends MetricSettings {
  /** Reference images, [0, 1] NHWC (needed by every metric with `needsReal`, i.e. all but `is` / `is-paper`). */
  real?: ImageSource;
  /** Generated images, [0, 1] NHWC. */
  fake: ImageSource;
  /** Names from `METRIC_NAMES`. */
  metrics: MetricName[];
  /** A built network, or where to get the official weights (path or options; default cache/download). */
  inception?: FidInception | string | InceptionWeightsOptions;
  /** Label recorded for a caller-built `inception` (default "caller-provided FidInception"). */
  inceptionSource?: string;
  /** Features for `fd-wrn` / `kid-wrn`; `name` is how the FD is reported (e.g. `FD-WRN`). */
  featureModel?: { name: string; fn: FeatureFn };
  /** Images per forward pass (default 50, as pytorch-fid). */
  batchSize?: number;
  /** When the Inception weights are unavailable: throw (default) or mark Inception metrics skipped. */
  onMissingWeights?: "throw" | "skip";
  onProgress?: (p: MetricsProgress) => void;
}

/**
 * Computes the requested image-generation metrics (spec 8.1–8.4; the entries of `METRICS`) in one
 * pass over each image set: FID (pytorch-fid pipeline, pool3, Fréchet distance in float64), IS
 * (torch-fidelity pipeline, logits without bias, 10 splits), KID (torch-fidelity pool3, polynomial
 * kernel, unbiased MMD² over subsets drawn with numpy RandomState(2020)), FD/KID on a named
 * classifier's features, and the paper-protocol FID/IS. Only the feature pipelines the requested
 * metrics read run. Every entry of the report names its protocol and pipeline.
 */
export async function computeMetrics(options: ComputeMetricsOptions): Promise<MetricsReport> {
  const wanted = [...new Set(options.metrics)].map((n) => metricDefinition(n, "computeMetrics"));
  if (wanted.length === 0) throw new Error("computeMetrics: no metrics requested");
  const needsReal = wanted.filter((m) => m.needsReal);
  if (needsReal.length && !options.real) throw new Error(`computeMetrics: ${needsReal.map((m) => m.name).join(", ")} need real images (option "real")`);
  const needsModel = wanted.filter((m) => pipelineOf(m).needsFeatureModel);
  if (needsModel.length && !options.featureModel) {
    throw new Error(`computeMetrics: ${needsModel.map((m) => m.name).join(" / ")} need a featureModel {name, fn} (e.g. a WRN's penultimate features)`);
  }
  const report: MetricsReport = { metrics: {}, nFake: 0, backend: tf.getBackend() };
  const inceptionMetrics = wanted.filter((m) => pipelineOf(m).needsInception);

  let net: FidInception | undefined;
  let ownNet = false;
  let skipped: string | undefined;
  if (inceptionMetrics.length) {
    if (options.inception instanceof FidInception) {
      net = options.inception;
      report.inceptionWeights = options.inceptionSource ?? "caller-provided FidInception";
    } else {
      try {
        const wopts = typeof options.inception === "string" ? { path: options.inception } : options.inception ?? {};
        const { bytes, source } = await fetchInceptionWeightsBytes(wopts);
        net = FidInception.fromStateDict(readInceptionStateDict(bytes, source));
        ownNet = true;
        report.inceptionWeights = source;
      } catch (e) {
        if (options.onMissingWeights !== "skip") throw e;
        skipped = (e as Error).message;
      }
    }
  }

  try {
    const runnable = wanted.filter((m) => net || !pipelineOf(m).needsInception);
    const env = { net, featureModel: options.featureModel, batchSize: options.batchSize ?? 50, onProgress: options.onProgress };
    const realPipelines = pipelinesFor(runnable.filter((m) => m.needsReal));
    const fakePipelines = pipelinesFor(runnable);
    const realF = realPipelines.length ? await extractFeatures(options.real!, realPipelines, { ...env, fake: false }) : undefined;
    const fakeF = fakePipelines.length ? await extractFeatures(options.fake, fakePipelines, { ...env, fake: true }) : undefined;
    const count = (m: Map<string, FeatureMatrix>) => [...m.values()][0].rows;
    report.nFake = fakeF ? count(fakeF) : sourceSize(options.fake) ?? 0;
    if (realF) report.nReal = count(realF);

    const byName = new Set(wanted);
    for (const m of METRICS) {
      if (!byName.has(m)) continue;
      if (!runnable.includes(m)) {
        report.metrics[m.name] = { name: m.name.toUpperCase(), protocol: "-", pipeline: "-", skipped: skipped ?? "the FID Inception is not loaded" };
        continue;
      }
      const fake = fakeF!.get(m.features)!;
      report.metrics[m.name] = await m.compute({
        real: m.needsReal ? realF!.get(m.features) : undefined,
        fake,
        pipeline: pipelineOf(m).describe({ dim: fake.cols, featureModelName: options.featureModel?.name }),
        settings: options,
        featureModelName: options.featureModel?.name,
        stage: (s) => options.onProgress?.({ stage: s, done: 0 }),
      });
    }
    return report;
  } finally {
    if (ownNet) net?.dispose();
  }
}
