import { inflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { PALETTE, parseColor } from "./color";
import { demoPlots } from "./demo";
import { measureText } from "./font";
import { barPlot, histogramPlot, plotScene, plotToPng, plotToSvg, scatterPlot } from "./plots";

/** Strict PNG reader for the tests: checks signature, every chunk's CRC, IHDR, and unfilters IDAT. */
function readPng(bytes: Uint8Array): { width: number; height: number; channels: number; pixels: Uint8Array; chunks: string[] } {
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  expect(Array.from(bytes.slice(0, 8))).toEqual(sig);
  const table = new Uint32Array(256).map((_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Uint8Array): number => {
    let c = 0xffffffff;
    for (const v of b) c = table[(c ^ v) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const chunks: string[] = [];
  const idat: Uint8Array[] = [];
  let width = 0;
  let height = 0;
  let channels = 0;
  for (let off = 8; off < bytes.length; ) {
    const len = view.getUint32(off);
    const type = String.fromCharCode(...bytes.slice(off + 4, off + 8));
    const body = bytes.slice(off + 8, off + 8 + len);
    expect(view.getUint32(off + 8 + len), `CRC of ${type}`).toBe(crc(bytes.slice(off + 4, off + 8 + len)));
    chunks.push(type);
    if (type === "IHDR") {
      width = view.getUint32(off + 8);
      height = view.getUint32(off + 12);
      expect(body[8]).toBe(8); // bit depth
      expect([2, 6]).toContain(body[9]); // RGB or RGBA
      expect(body[12]).toBe(0); // not interlaced
      channels = body[9] === 6 ? 4 : 3;
    }
    if (type === "IDAT") idat.push(body);
    off += 12 + len;
  }
  expect(chunks[0]).toBe("IHDR");
  expect(chunks[chunks.length - 1]).toBe("IEND");
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  expect(raw.length).toBe(height * (stride + 1));
  const px = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)]!;
    for (let x = 0; x < stride; x++) {
      const v = raw[y * (stride + 1) + 1 + x]!;
      const a = x >= channels ? px[y * stride + x - channels]! : 0;
      const b = y > 0 ? px[(y - 1) * stride + x]! : 0;
      const c = x >= channels && y > 0 ? px[(y - 1) * stride + x - channels]! : 0;
      let pred = 0;
      if (f === 1) pred = a;
      else if (f === 2) pred = b;
      else if (f === 3) pred = (a + b) >> 1;
      else if (f === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      } else expect(f).toBe(0);
      px[y * stride + x] = (v + pred) & 0xff;
    }
  }
  return { width, height, channels, pixels: px, chunks };
}

function rgbAt(img: ReturnType<typeof readPng>, x: number, y: number): number[] {
  const i = (y * img.width + x) * img.channels;
  return Array.from(img.pixels.slice(i, i + 3));
}

/** Uniform-ish deterministic values in [lo, hi). */
function spread(n: number, lo: number, hi: number): number[] {
  return Array.from({ length: n }, (_, i) => lo + ((i * 0.618034) % 1) * (hi - lo));
}

describe("PNG output", () => {
  it("is a valid PNG of the figure size whose pixels match the layout", () => {
    const plot = barPlot({ categories: ["ce"], series: [{ name: "ours", values: [10] }], valueLabels: false, legend: "none", width: 400, height: 300 });
    const img = readPng(plotToPng(plot));
    expect([img.width, img.height]).toEqual([400, 300]);
    expect(rgbAt(img, 1, 1)).toEqual([255, 255, 255]);
    const bar = plotScene(plot).shapes.find((s) => s.kind === "rect" && s.fill === PALETTE[0]);
    if (!bar || bar.kind !== "rect") throw new Error("no bar in the scene");
    expect(rgbAt(img, Math.round(bar.x + bar.w / 2), Math.round(bar.y + bar.h / 2))).toEqual([...parseColor(PALETTE[0]!)]);
    // just outside the bar is background again
    expect(rgbAt(img, Math.floor(bar.x) - 3, Math.round(bar.y + bar.h / 2))).toEqual([255, 255, 255]);
  });

  it("scales with pixelRatio and keeps the layout", () => {
    const plot = barPlot({ categories: ["a", "b"], series: [{ name: "s", values: [1, 2] }], width: 300, height: 200 });
    const img = readPng(plotToPng(plot, { pixelRatio: 2 }));
    expect([img.width, img.height]).toEqual([600, 400]);
    expect(() => plotToPng(plot, { pixelRatio: 1.5 })).toThrow(/pixelRatio must be an integer/);
  });

  it("is deterministic: same description, same bytes", () => {
    const a = demoPlots();
    const b = demoPlots();
    for (const k of ["histogram", "scatter", "bar"] as const) {
      expect(Buffer.from(plotToPng(a[k])).equals(Buffer.from(plotToPng(b[k])))).toBe(true);
      expect(plotToSvg(a[k])).toBe(plotToSvg(b[k]));
    }
  });
});

describe("SVG output", () => {
  it("has the series names, tick labels, title and axis labels as text", () => {
    const plot = histogramPlot({
      title: "Fig 2 <energies>",
      xLabel: "E(x)",
      series: [
        { name: "clean", values: spread(400, 0, 10) },
        { name: "adv & co", values: spread(300, 2, 8) },
      ],
      range: [0, 10],
      bins: 20,
    });
    const svg = plotToSvg(plot);
    expect(svg.startsWith("<?xml")).toBe(true);
    expect(svg).toContain("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"960\" height=\"600\"");
    expect(svg).toContain(">clean (n=400)</text>");
    expect(svg).toContain(">adv &amp; co (n=300)</text>");
    expect(svg).toContain(">Fig 2 &lt;energies&gt;</text>");
    expect(svg).toContain(">E(x)</text>");
    expect(svg).toContain(">density</text>");
    for (const t of ["0", "2", "4", "6", "8", "10"]) expect(svg).toContain(`>${t}</text>`);
    expect(svg).toMatch(/>0\.\d+<\/text>/); // density ticks
    expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
  });

  it("scatter and bar SVGs carry point labels, categories and values", () => {
    const { scatter, bar } = demoPlots();
    const s = plotToSvg(scatter);
    for (const t of ["EB-JDAT-SADAJEM", "PGD-AT", "paper", "ours (standard protocol)", "clean accuracy (%)"]) expect(s).toContain(`>${t}</text>`);
    expect(s).toContain("stroke-dasharray"); // connectLabels
    const b = plotToSvg(bar);
    for (const t of ["MART", "EB-JDAT", "21.5", "n/a", "CE = 1"]) expect(b).toContain(`>${t}</text>`);
  });

  it("connectLabels joins each point of a group to the group's last point", () => {
    const dashes = (spec: Parameters<typeof scatterPlot>[0]): number => (plotToSvg(scatterPlot(spec)).match(/stroke-dasharray/g) ?? []).length;
    const series = (group: string | undefined) => [
      { name: "ours", points: [{ x: 20, y: 0, label: "A [code]", group }, { x: 16, y: 20, label: "A [paper]", group }] },
      { name: "paper", points: [{ x: 90, y: 65, label: "A" }] },
    ];
    expect(dashes({ series: series("A"), connectLabels: true })).toBe(2);
    expect(dashes({ series: series(undefined), connectLabels: true })).toBe(0);
    expect(dashes({ series: series("A"), connectLabels: false })).toBe(0);
    expect(() => scatterPlot({ series: [{ name: "s", points: [{ x: 1, y: 1, group: 3 as unknown as string }] }] })).toThrow(/group must be a string/);
  });
});

describe("layout", () => {
  it("keeps every text inside the figure (no clipping) for the demo and awkward figures", () => {
    const cats = ["Standard", "PGD-AT", "TRADES", "MART", "JEM", "JEM++", "SADA-JEM", "EB-JDAT (code)", "EB-JDAT (paper)", "EB-JDAT (ce)"];
    const awkward = {
      rotatedBars: barPlot({ title: "gap", categories: cats, series: [{ name: "ours", values: cats.map((_, i) => Math.sin(i) * 3) }, { name: "paper", values: cats.map((_, i) => -i / 7) }] }),
      constant: histogramPlot({ series: [{ name: "c", values: [2, 2, 2] }] }),
      small: histogramPlot({ width: 480, height: 320, legend: "outside", series: [{ name: "clean", values: [1, 2, 3] }, { name: "generated", values: [2, 5] }], bins: 8 }),
      longLabels: barPlot({
        width: 320,
        height: 240,
        title: "Supercalifragilisticexpialidocious-title-without-spaces",
        xLabel: "an x label much longer than the figure is wide, which must shrink and then be cut",
        yLabel: "a y label much longer than the figure is high, which must shrink and then be cut",
        categories: ["a category name far too long to stand under its bar even when rotated"],
        series: [{ name: "a legend entry longer than half of this small figure", values: [1] }],
      }),
      edgePoints: scatterPlot({ series: [{ name: "s", points: [{ x: 0, y: 0, label: "origin point" }, { x: 100, y: 100, label: "far corner point" }] }], xRange: [0, 100], yRange: [0, 100] }),
    };
    for (const [name, plot] of Object.entries({ ...demoPlots(), ...awkward })) {
      const scene = plotScene(plot);
      for (const s of scene.shapes) {
        if (s.kind !== "text") continue;
        const m = measureText(s.text, s.size);
        const off = s.anchor === "middle" ? m.width / 2 : s.anchor === "end" ? m.width : 0;
        const box = s.rotate
          ? { x0: s.x - m.ascent, x1: s.x + m.descent, y0: s.y - m.width + off, y1: s.y + off }
          : { x0: s.x - off, x1: s.x - off + m.width, y0: s.y - m.ascent, y1: s.y + m.descent };
        const where = `${name}: ${JSON.stringify(s.text)} at ${JSON.stringify(box)}`;
        expect(box.x0, where).toBeGreaterThanOrEqual(0);
        expect(box.y0, where).toBeGreaterThanOrEqual(0);
        expect(box.x1, where).toBeLessThanOrEqual(scene.width);
        expect(box.y1, where).toBeLessThanOrEqual(scene.height);
      }
    }
  });

  it("bins raw values into densities that integrate to 1, and accepts pre-binned data", () => {
    const h = histogramPlot({ series: [{ name: "a", values: [0, 0.5, 1, 1.5, 1.7, 2, 3, 4] }], bins: 4, range: [0, 4] });
    expect(Array.from(h.edges)).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(h.series[0]!.heights)).toEqual([2 / 8, 3 / 8, 1 / 8, 2 / 8]); // last bin includes 4
    expect(h.series[0]!.heights.reduce((a, b) => a + b, 0) * 1).toBeCloseTo(1, 12); // bin width 1
    const pre = histogramPlot({ binned: { edges: h.edges, sets: [{ name: "a", density: h.series[0]!.heights, n: 8 }] } });
    expect(plotToSvg(pre)).toBe(plotToSvg(h));
    const counts = histogramPlot({ series: [{ name: "a", values: [0, 1, 3, 3.5, 9] }], bins: 2, range: [0, 4], normalize: "count" });
    expect(Array.from(counts.series[0]!.heights)).toEqual([2, 2]);
    expect(counts.series[0]!.outside).toBe(1);
    expect(plotToSvg(counts)).toContain(">a (n=4, 1 outside)</text>");
  });

  it("drops non-finite values only when asked, and says so in the legend", () => {
    const h = histogramPlot({ series: [{ name: "gen", values: [1, 2, Number.NaN, Infinity, 3] }], nonFinite: "drop" });
    expect(h.series[0]!.n).toBe(3);
    expect(plotToSvg(h)).toContain(">gen (n=3, 2 non-finite dropped)</text>");
  });
});

describe("bad input", () => {
  const ok = { name: "clean", values: [1, 2, 3] };
  it("histogram: empty series, NaN, bad ranges, bad bins name the problem", () => {
    expect(() => histogramPlot({ series: [ok, { name: "adversarial", values: [] }] })).toThrow(/series "adversarial" is empty/);
    expect(() => histogramPlot({ series: [ok, { name: "generated", values: [1, Number.NaN, 2] }] })).toThrow(/series "generated" has 1 non-finite value\(s\) \(first: NaN at index 1\)/);
    expect(() => histogramPlot({ series: [{ name: "gen", values: [Number.NaN] }], nonFinite: "drop" })).toThrow(/series "gen" has no finite values/);
    expect(() => histogramPlot({ series: [ok], range: [0, Infinity] })).toThrow(/range must be two finite numbers \[lo, hi\] with lo < hi, got \[0,"Infinity"\]/);
    expect(() => histogramPlot({ series: [ok], range: [2, 2] })).toThrow(/range must be/);
    expect(() => histogramPlot({ series: [ok], bins: 0 })).toThrow(/bins must be an integer/);
    expect(() => histogramPlot({ series: [] })).toThrow(/at least one series/);
    expect(() => histogramPlot({ series: [ok, ok] })).toThrow(/"clean" is used twice/);
    expect(() => histogramPlot({})).toThrow(/exactly one of series/);
    expect(() => histogramPlot({ series: [{ ...ok, color: "blue" }] })).toThrow(/series "clean" color: expected a colour as #rrggbb/);
    expect(() => histogramPlot({ binned: { edges: [0, 1, 2], sets: [{ name: "x", density: [1] }] } })).toThrow(/series "x" has 1 densities, expected 2/);
    expect(() => histogramPlot({ binned: { edges: [0, 1, 2], sets: [{ name: "x", density: [1, Number.NaN] }] } })).toThrow(/series "x" density\[1\] is NaN/);
    expect(() => histogramPlot({ binned: { edges: [0, 2, 1], sets: [{ name: "x", density: [1, 1] }] } })).toThrow(/edges must increase/);
    expect(() => histogramPlot({ series: [ok], width: 100 })).toThrow(/width must be an integer in \[240, 8000\]/);
  });

  it("scatter: non-finite points and out-of-range points name series and point", () => {
    expect(() => scatterPlot({ series: [{ name: "ours", points: [{ x: 1, y: 2 }, { x: Number.NaN, y: 1, label: "JEM" }] }] })).toThrow(/series "ours" point 1 \("JEM"\) has x = NaN/);
    expect(() => scatterPlot({ series: [{ name: "paper", points: [{ x: 120, y: 2 }] }], xRange: [0, 100] })).toThrow(/series "paper" point 0 has x = 120, outside xRange \[0, 100\]/);
    expect(() => scatterPlot({ series: [{ name: "paper", points: [] }] })).toThrow(/series "paper" has no points/);
    expect(() => scatterPlot({ series: [{ name: "p", points: [{ x: 1, y: 1 }] }], yRange: [Number.NaN, 1] })).toThrow(/yRange must be two finite numbers/);
  });

  it("bar: wrong lengths and non-finite values name series and category", () => {
    expect(() => barPlot({ categories: ["a", "b"], series: [{ name: "ours", values: [1] }] })).toThrow(/series "ours" has 1 values, expected 2/);
    expect(() => barPlot({ categories: ["PGD", "MART"], series: [{ name: "ours", values: [1, Infinity] }] })).toThrow(/series "ours" value for "MART" is Infinity/);
    expect(() => barPlot({ categories: [], series: [{ name: "ours", values: [] }] })).toThrow(/at least one category/);
  });

  it("a figure too small for its labels is an error, not a clipped picture", () => {
    const plot = barPlot({ categories: ["a"], series: [{ name: "s", values: [1] }], width: 240, height: 200, title: "a rather long title that wraps over several lines here" });
    expect(() => plotToSvg(plot)).toThrow(/plot area after labels/);
  });
});
