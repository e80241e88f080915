import { describe, expect, it } from "vitest";
import { compileSpec } from "./compile";
import { scatterSpec, type ScatterPoint, type ScatterRow } from "./scatter";

interface LooseLayer {
  data?: { values: Record<string, number | string>[] };
  transform?: { filter?: string }[];
  mark: { type: string; filled?: boolean };
  encoding: Record<string, { field?: string; scale?: { domain?: unknown[]; range?: unknown[] } }>;
}
const loose = (spec: unknown) => spec as { data: { values: ScatterRow[] }; layer: LooseLayer[]; title: { text: string; subtitle: string } };

const points: ScatterPoint[] = [
  { label: "Standard", source: "ours (smoke)", x: 10, y: 0 },
  { label: "Standard (paper)", group: "Standard", source: "paper", x: 95.8, y: 0, reference: true },
  { label: "EB-JDAT-JEM++ [code]", group: "EB-JDAT-JEM++", source: "ours [code]", x: 12, y: 3, xError: 0.5, yError: 1 },
  { label: "EB-JDAT-JEM++ [paper]", group: "EB-JDAT-JEM++", source: "ours [paper]", x: 11, y: 2 },
  { label: "EB-JDAT-JEM++ (paper)", group: "EB-JDAT-JEM++", source: "paper", x: 90.1, y: 57.4, reference: true },
];

describe("scatterSpec (Figure 1)", () => {
  const spec = scatterSpec({ title: "Figure 1", subtitle: "sub", xLabel: "clean accuracy (%)", yLabel: "AutoAttack accuracy (%)", points });
  const s = loose(spec);

  it("compiles with Vega-Lite without warnings", () => {
    const warnings: string[] = [];
    expect(compileSpec(spec, warnings).marks?.length).toBeGreaterThan(0);
    expect(warnings).toEqual([]);
    expect(s.title).toEqual({ text: "Figure 1", subtitle: "sub" });
  });

  it("has one data row per point with its [code]/[paper] label, and the paper's reference points", () => {
    expect(s.data.values.map((r) => r.label)).toEqual(points.map((p) => p.label));
    expect(s.data.values.filter((r) => r.reference).map((r) => [r.label, r.x, r.y])).toEqual([["Standard (paper)", 95.8, 0], ["EB-JDAT-JEM++ (paper)", 90.1, 57.4]]);
    expect(s.data.values[0]).toEqual({ label: "Standard", group: "Standard", source: "ours (smoke)", x: 10, y: 0, xError: 0, yError: 0, reference: false });
  });

  it("draws own points filled, references hollow, shapes by source with squares for the references", () => {
    const pts = s.layer.filter((l) => l.mark.type === "point");
    expect(pts.map((l) => [l.mark.filled, l.transform?.[0]?.filter])).toEqual([[true, "!datum.reference"], [false, "datum.reference"]]);
    const shape = pts[0]!.encoding.shape!;
    expect(shape.field).toBe("source");
    expect(shape.scale?.domain).toEqual(["ours (smoke)", "ours [code]", "ours [paper]", "paper"]);
    expect(shape.scale?.range).toEqual(["circle", "triangle-up", "diamond", "square"]);
    expect(pts[0]!.encoding.color!.scale?.domain).toEqual(["Standard", "EB-JDAT-JEM++"]);
  });

  it("joins each own point to its group's reference and draws error bars where given", () => {
    const rules = s.layer.filter((l) => l.mark.type === "rule");
    expect(rules).toHaveLength(3);
    expect(rules[0]!.data!.values).toEqual([
      { group: "Standard", x: 10, y: 0, x2: 95.8, y2: 0 },
      { group: "EB-JDAT-JEM++", x: 12, y: 3, x2: 90.1, y2: 57.4 },
      { group: "EB-JDAT-JEM++", x: 11, y: 2, x2: 90.1, y2: 57.4 },
    ]);
    expect(rules.slice(1).map((l) => l.transform?.[0]?.filter)).toEqual(["datum.xError > 0", "datum.yError > 0"]);
    const plain = loose(scatterSpec({ points: points.map((p) => ({ ...p, xError: undefined, yError: undefined })), connect: false }));
    expect(plain.layer.filter((l) => l.mark.type === "rule")).toHaveLength(0);
  });

  it("names the bad point before any work", () => {
    expect(() => scatterSpec({ points: [] })).toThrow(/scatterSpec: need at least one point/);
    expect(() => scatterSpec({ points: [{ ...points[2]!, y: Number.NaN }] })).toThrow(/point 0 \("EB-JDAT-JEM\+\+ \[code\]"\) y must be a finite number, got NaN/);
    expect(() => scatterSpec({ points, xDomain: [0, 50] })).toThrow(/"Standard \(paper\)"\) has x = 95.8, outside xDomain \[0, 50\]/);
    expect(() => scatterSpec({ points: [{ ...points[0]!, xError: -1 }] })).toThrow(/error bars must be >= 0/);
    expect(() => scatterSpec({ points: [points[0]!, { ...points[1]!, source: "ours (smoke)" }] })).toThrow(/used for reference and for own points: ours \(smoke\)/);
    expect(() => scatterSpec({ points, width: 10 })).toThrow(/scatterSpec: width must be an integer in \[100, 4000\], got 10/);
  });
});
