import { describe, expect, it } from "vitest";
import { histogramSpec, type HistogramRow } from "./histogram";
import { compileSpec } from "./compile";

const loose = (spec: unknown) =>
  spec as { data: { values: HistogramRow[] }; mark: { type: string; fillOpacity: number }; encoding: Record<string, { field?: string; scale?: { domain?: unknown[] } }> };

describe("histogramSpec (Figure 2)", () => {
  const series = [
    { name: "clean", values: [-3, -2.5, -2, -1] },
    { name: "adversarial", values: [-2, -1.5, -1, -0.5] },
    { name: "generated", values: [0, 0.5, 1, Number.NaN] },
  ];
  const spec = histogramSpec({ title: "Figure 2", xLabel: "E(x)", series, bins: 8, nonFinite: "drop" });
  const s = loose(spec);

  it("compiles with Vega-Lite without warnings", () => {
    const warnings: string[] = [];
    compileSpec(spec, warnings);
    expect(warnings).toEqual([]);
    expect(s.mark.type).toBe("rect");
    expect(s.encoding.x!.field).toBe("lo");
    expect(s.encoding.y!.field).toBe("density");
  });

  it("has one row per bin and series over shared edges, each series integrating to 1", () => {
    expect(s.data.values).toHaveLength(3 * 8);
    const labels = ["clean (n=4)", "adversarial (n=4)", "generated (n=3, 1 non-finite dropped)"];
    expect(s.encoding.color!.scale!.domain).toEqual(labels);
    for (const label of labels) {
      const rows = s.data.values.filter((r) => r.set === label);
      expect(rows[0]!.lo).toBe(-3);
      expect(rows[7]!.hi).toBe(1);
      expect(rows.reduce((a, r) => a + r.density * (r.hi - r.lo), 0)).toBeCloseTo(1, 12);
    }
    // the clean set's -3 falls in the first bin [-3, -2.5)
    expect(s.data.values[0]).toMatchObject({ set: "clean (n=4)", count: 1, density: 0.5 });
  });

  it("counts values outside a given range in the legend", () => {
    const r = loose(histogramSpec({ series: [{ name: "a", values: [0, 1, 2, 10] }], range: [0, 4], bins: 4 }));
    expect(r.encoding.color!.scale!.domain).toEqual(["a (n=3, 1 outside the range)"]);
    expect(r.data.values.map((row) => row.count)).toEqual([1, 1, 1, 0]);
  });

  it("names the bad series before any work", () => {
    expect(() => histogramSpec({ series })).toThrow(/histogramSpec: series "generated" value 3 is NaN; pass nonFinite: "drop"/);
    expect(() => histogramSpec({ series: [] })).toThrow(/need at least one series/);
    expect(() => histogramSpec({ series: [series[0]!, series[0]!] })).toThrow(/series name "clean" is used twice/);
    expect(() => histogramSpec({ series, bins: 0, nonFinite: "drop" })).toThrow(/bins must be an integer in \[1, 10000\], got 0/);
    expect(() => histogramSpec({ series, range: [1, 1], nonFinite: "drop" })).toThrow(/range must be \[lo, hi\] with finite lo < hi/);
    expect(() => histogramSpec({ series: [{ name: "x", values: [Number.NaN] }], nonFinite: "drop" })).toThrow(/no finite values in any series/);
  });
});
