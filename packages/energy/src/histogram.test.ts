import { describe, expect, it } from "vitest";
import { energyHistogram } from "./histogram";
import { histogramSvg } from "./svg";

describe("energy histograms (Fig. 2)", () => {
  it("shares pooled-range bins and normalises densities", () => {
    const h = energyHistogram(
      [
        { name: "clean", values: [0, 1, 2, 3] },
        { name: "adversarial", values: [4, 5, 6, 10] },
      ],
      { bins: 5 },
    );
    expect(Array.from(h.edges)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(Array.from(h.sets[0]!.counts)).toEqual([2, 2, 0, 0, 0]);
    expect(Array.from(h.sets[1]!.counts)).toEqual([0, 0, 2, 1, 1]);
    for (const s of h.sets) {
      const integral = Array.from(s.density).reduce((a, d) => a + d * 2, 0);
      expect(integral).toBeCloseTo(1, 12);
    }
  });
  it("defaults to 100 bins; values outside a fixed range are counted apart", () => {
    const h = energyHistogram([{ name: "a", values: [-1, 0.5, 2, NaN] }], { range: [0, 1] });
    expect(h.sets[0]!.counts.length).toBe(100);
    expect(h.sets[0]!.outside).toBe(3);
    expect(() => energyHistogram([], {})).toThrow(/at least one set/);
    expect(() => energyHistogram([{ name: "a", values: [1] }], { bins: 0 })).toThrow(/bins/);
  });
  it("renders a standalone SVG with one group per set", () => {
    const h = energyHistogram([
      { name: "clean", values: [0, 1, 1, 2] },
      { name: "gen <x>", values: [1, 2, 3] },
    ]);
    const svg = histogramSvg(h, { title: "E(x)" });
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg.trim().endsWith("</svg>")).toBe(true);
    expect((svg.match(/data-set=/g) ?? []).length).toBe(2);
    expect(svg).toContain("gen &lt;x&gt;");
  });
});

describe("writeEnergyFigure", () => {
  it("writes the SVG and little-endian float32 energies", async () => {
    const { mkdtempSync, readFileSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { writeEnergyFigure } = await import("./figure");
    const dir = mkdtempSync(join(tmpdir(), "ebjdat-energy-"));
    const out = writeEnergyFigure(dir, [
      { name: "clean", values: [-1.5, -2] },
      { name: "adversarial", values: [0.25] },
    ]);
    expect(readFileSync(out.svg, "utf8")).toContain("<svg");
    const b = readFileSync(out.raw.clean!);
    expect(b.length).toBe(8);
    expect(b.readFloatLE(0)).toBe(-1.5);
    expect(b.readFloatLE(4)).toBe(-2);
    expect(() => writeEnergyFigure(dir, [{ name: "a/b", values: [1] }])).toThrow(/set name/);
    rmSync(dir, { recursive: true, force: true });
  });
});
