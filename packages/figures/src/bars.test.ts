import { describe, expect, it } from "vitest";
import { barSpec, type BarRow } from "./bars";
import { compileSpec } from "./compile";

interface LooseLayer {
  data?: { values: unknown[] };
  transform?: { filter?: string }[];
  mark: { type: string };
  encoding: Record<string, { field?: string; datum?: number; value?: unknown; format?: string }>;
}
const loose = (spec: unknown) => spec as { data: { values: BarRow[] }; layer: LooseLayer[] };

describe("barSpec (Table 3 step cost)", () => {
  const spec = barSpec({ title: "cost", categories: ["Standard", "JEM", "EB-JDAT"], series: [{ name: "× CE step", values: [1, 21.5, null] }], valueFormat: ".1f", refLine: { y: 1, label: "CE" } });
  const s = loose(spec);

  it("compiles with Vega-Lite without warnings", () => {
    const warnings: string[] = [];
    compileSpec(spec, warnings);
    expect(warnings).toEqual([]);
  });

  it("has one row per category and series; bars, value labels, n/a for missing values and the reference line", () => {
    expect(s.data.values).toEqual([
      { category: "Standard", series: "× CE step", value: 1 },
      { category: "JEM", series: "× CE step", value: 21.5 },
      { category: "EB-JDAT", series: "× CE step", value: null },
    ]);
    expect(s.layer.map((l) => l.mark.type)).toEqual(["bar", "text", "text", "rule", "text"]);
    expect(s.layer[1]!.encoding.text).toMatchObject({ field: "value", format: ".1f" });
    expect(s.layer[2]!.encoding.text).toEqual({ value: "n/a" });
    // the reference line and its label have one-row data of their own: drawn once, not per bar
    expect(s.layer[3]!.data!.values).toHaveLength(1);
    expect(s.layer[3]!.encoding.y!.datum).toBe(1);
    expect(s.layer[4]!.encoding.text).toEqual({ value: "CE" });
  });

  it("groups several series side by side with a legend", () => {
    const grouped = barSpec({ categories: ["a", "b"], series: [{ name: "ours", values: [1, 2] }, { name: "paper", values: [1.5, null] }], valueFormat: null });
    const g = loose(grouped);
    expect(g.layer.map((l) => l.mark.type)).toEqual(["bar", "text"]);
    expect(g.layer[0]!.encoding.xOffset!.field).toBe("series");
    const warnings: string[] = [];
    compileSpec(grouped, warnings);
    expect(warnings).toEqual([]);
  });

  it("names the bad series and category before any work", () => {
    expect(() => barSpec({ categories: ["a", "b"], series: [{ name: "s", values: [1] }] })).toThrow(/barSpec: series "s" has 1 values, expected 2/);
    expect(() => barSpec({ categories: ["a"], series: [{ name: "s", values: [Number.POSITIVE_INFINITY] }] })).toThrow(/series "s" value for "a" must be a finite number, got Infinity/);
    expect(() => barSpec({ categories: [], series: [] })).toThrow(/need at least one category/);
    expect(() => barSpec({ categories: ["a", "a"], series: [{ name: "s", values: [1, 2] }] })).toThrow(/category "a" is used twice/);
    expect(() => barSpec({ categories: ["a"], series: [{ name: "s", values: [1] }], refLine: { y: Number.NaN } })).toThrow(/refLine.y must be a finite number/);
  });
});
