import { FEATURE_PIPELINES } from "../feature/table";
import type { FeaturePipeline } from "../feature/types";
import { METRIC_NAMES, METRICS, type MetricName } from "./table";
import type { MetricDefinition } from "./types";

/** What a list of metrics needs, each as the requested names that need it (in request order). */
export interface MetricRequirements {
  /** Metrics that compare with real images. */
  needsReal: MetricName[];
  /** Metrics whose features come from the FID Inception. */
  needsInception: MetricName[];
  /** Metrics whose features come from the caller's feature model. */
  needsFeatureModel: MetricName[];
}

/** The entry of a metric; `what` names the caller in the error for an unknown name. */
export function metricDefinition(name: string, what = "metrics"): MetricDefinition<MetricName> {
  const m = METRICS.find((d) => d.name === name);
  if (!m) throw new Error(`${what}: unknown metric '${name}'; expected one of ${METRIC_NAMES.join(", ")}`);
  return m;
}

/** The feature pipeline a metric reads. */
export function pipelineOf(metric: MetricDefinition): FeaturePipeline {
  const p = FEATURE_PIPELINES.find((f) => f.key === metric.features);
  if (!p) throw new Error(`metric '${metric.name}': no feature pipeline '${metric.features}'`);
  return p;
}

/**
 * Derives from the metric entries which of `names` need real images, the FID Inception (spec 8.1)
 * or a feature model. Throws on unknown names.
 */
export function metricRequirements(names: readonly MetricName[]): MetricRequirements {
  const defs = [...new Set(names)].map((n) => metricDefinition(n, "metricRequirements"));
  const which = (test: (d: MetricDefinition<MetricName>) => boolean | undefined) => defs.filter(test).map((d) => d.name);
  return {
    needsReal: which((d) => d.needsReal),
    needsInception: which((d) => pipelineOf(d).needsInception),
    needsFeatureModel: which((d) => pipelineOf(d).needsFeatureModel),
  };
}

/** The feature pipelines `metrics` read (each once, in `FEATURE_PIPELINES` order). */
export function pipelinesFor(metrics: readonly MetricDefinition[]): FeaturePipeline[] {
  const keys = new Set<string>(metrics.map((m) => m.features));
  return FEATURE_PIPELINES.filter((p) => keys.has(p.key));
}
