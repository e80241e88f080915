import { existsSync } from "node:fs";
import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { FONT_FAMILY } from "@ebjdat/figures";
import { demoSpecs } from "./demo";
import { fontFile, renderFigure, specToSvg, svgToPng } from "./render";

/** The size an SVG document declares. */
function svgSize(svg: string): [number, number] {
  const m = /<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"/.exec(svg);
  if (!m) throw new Error("no SVG size");
  return [Number(m[1]), Number(m[2])];
}

describe("rendering a Vega-Lite spec to SVG and PNG", () => {
  const specs = demoSpecs();

  it("bundles one TrueType font file (no system fonts)", () => {
    expect(fontFile()).toMatch(/DejaVuSans\.ttf$/);
    expect(existsSync(fontFile())).toBe(true);
  });

  it("renders each demo figure to an SVG with its title and axis titles in the bundled font", async () => {
    const expected: Record<string, string[]> = {
      scatter: ["Figure 1: clean accuracy vs AutoAttack (paper protocol)", "clean accuracy (%)", "AutoAttack accuracy (%)", "EB-JDAT-JEM++", "ours [code]", "paper (WRN-28-10)"],
      histogram: ["E(x) = −logsumexp f(x)", "density", "generated (n=2000, 1 non-finite dropped)"],
      bar: ["× CE step", "EB-JDAT-SADAJEM [code]", "n/a", "21.5", "CE"],
    };
    for (const [name, spec] of Object.entries(specs)) {
      const warnings: string[] = [];
      const svg = await specToSvg(spec, warnings);
      expect(warnings, name).toEqual([]);
      expect(svg.startsWith("<svg")).toBe(true);
      expect(svg).toContain(`font-family="${FONT_FAMILY}"`);
      for (const text of expected[name]!) expect(svg, `${name}: ${text}`).toContain(`>${text.replace(/&/g, "&amp;")}<`);
    }
  });

  it("gives the same SVG for the same spec", async () => {
    expect(await specToSvg(specs.scatter)).toBe(await specToSvg(specs.scatter));
  });

  it("rasterises to a PNG that decodes at the SVG size times the scale, with ink on it", async () => {
    const fig = await renderFigure(specs.histogram, { scale: 1.5 });
    const [w, h] = svgSize(fig.svg);
    expect([fig.width, fig.height]).toEqual([Math.round(w * 1.5), Math.round(h * 1.5)]);
    const png = PNG.sync.read(Buffer.from(fig.png));
    expect([png.width, png.height]).toEqual([fig.width, fig.height]);
    let dark = 0;
    for (let i = 0; i < png.data.length; i += 4) if (png.data[i]! < 100 && png.data[i + 1]! < 100 && png.data[i + 2]! < 100) dark++;
    // text and axes are drawn (a missing font would leave only the bars' colours)
    expect(dark).toBeGreaterThan(2000);
    expect(png.data[0]).toBe(255); // white background
  });

  it("rejects a bad PNG scale", () => {
    expect(() => svgToPng("<svg/>", 0)).toThrow(/svgToPng: scale must be in \(0, 8\], got 0/);
  });
});
