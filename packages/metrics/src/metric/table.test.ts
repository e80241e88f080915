import { describe, expect, it } from "vitest";
import { FEATURE_PIPELINES } from "../feature/table";
import { metricDefinition, metricRequirements, pipelineOf, pipelinesFor } from "./requirements";
import { METRIC_NAMES, METRICS, type MetricName } from "./table";

describe("the metric table", () => {
  it("names each metric once, in report order, and every metric reads a known feature pipeline", () => {
    expect(METRIC_NAMES).toEqual(METRICS.map((m) => m.name));
    expect(METRIC_NAMES.slice(0, 7)).toEqual(["fid", "is", "kid", "fid-paper", "is-paper", "fd-wrn", "kid-wrn"]);
    expect(new Set(METRIC_NAMES).size).toBe(METRICS.length);
    const keys = FEATURE_PIPELINES.map((p) => p.key);
    expect(new Set(keys).size).toBe(keys.length);
    for (const m of METRICS) {
      expect(keys, `${m.name} reads a listed pipeline`).toContain(m.features);
      expect(m.summary.length, `${m.name} has a summary`).toBeGreaterThan(10);
    }
  });

  it("derives what the requested metrics need, in request order", () => {
    const r = metricRequirements(["is", "kid-wrn", "fid", "is"]);
    expect(r.needsReal).toEqual(["kid-wrn", "fid"]);
    expect(r.needsInception).toEqual(["is", "fid"]);
    expect(r.needsFeatureModel).toEqual(["kid-wrn"]);
    const all = metricRequirements(["fid", "is", "kid", "fid-paper", "is-paper", "fd-wrn", "kid-wrn"]);
    expect(all.needsReal).toEqual(["fid", "kid", "fid-paper", "fd-wrn", "kid-wrn"]);
    expect(all.needsInception).toEqual(["fid", "is", "kid", "fid-paper", "is-paper"]);
    expect(all.needsFeatureModel).toEqual(["fd-wrn", "kid-wrn"]);
  });

  it("extracts only the feature pipelines the metrics read, each once", () => {
    const keysFor = (names: MetricName[]) => pipelinesFor(names.map((n) => metricDefinition(n))).map((p) => p.key);
    expect(keysFor(["is"])).toEqual(["tfidLogits"]);
    expect(keysFor(["kid-wrn", "fd-wrn"])).toEqual(["fm"]);
    expect(keysFor(["is-paper", "kid", "fid"])).toEqual(["pfid", "tfid", "paperLogits"]);
    expect(pipelineOf(metricDefinition("fid-paper")).key).toBe("paper");
  });

  it("rejects unknown names, naming them and the known ones", () => {
    expect(() => metricDefinition("fidd", "test")).toThrow(/test: unknown metric 'fidd'; expected one of fid, is, kid/);
    expect(() => metricRequirements(["fidd" as MetricName])).toThrow(/unknown metric 'fidd'/);
  });
});
