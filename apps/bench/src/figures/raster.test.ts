import { decodeImage } from "@ebjdat/data";
import { describe, expect, it } from "vitest";
import { glyph, GLYPH_WIDTH } from "./font";
import { Raster } from "./raster";

const WHITE = [255, 255, 255, 255];

describe("Raster", () => {
  it("starts filled with the opaque background", () => {
    const r = new Raster(4, 3, "#102030");
    expect(r.pixel(0, 0)).toEqual([16, 32, 48, 255]);
    expect(r.pixel(3, 2)).toEqual([16, 32, 48, 255]);
    expect(r.data.length).toBe(4 * 3 * 4);
  });

  it("fills rectangles exactly on the grid and by coverage off it", () => {
    const r = new Raster(10, 10);
    r.fillRect(2, 2, 3, 2, "#ff0000");
    expect(r.pixel(2, 2)).toEqual([255, 0, 0, 255]);
    expect(r.pixel(4, 3)).toEqual([255, 0, 0, 255]);
    expect(r.pixel(5, 3)).toEqual(WHITE);
    expect(r.pixel(2, 4)).toEqual(WHITE);
    r.fillRect(6.5, 6, 1, 1, "#000000");
    expect(r.pixel(6, 6)).toEqual([128, 128, 128, 255]); // half covered: 255 · (1 − ½) rounded
    expect(r.pixel(7, 6)).toEqual([128, 128, 128, 255]);
    r.fillRect(0, 8, 2, 2, "#0000ff", 0.5);
    expect(r.pixel(0, 8)).toEqual([128, 128, 255, 255]);
  });

  it("draws crisp 1-pixel axis-aligned lines and anti-aliased diagonals", () => {
    const r = new Raster(12, 12);
    r.line(1, 5, 10, 5, { color: "#000000" });
    const row = [...Array(12).keys()].map((x) => r.pixel(x, 5)[0]);
    expect(row.slice(1, 10)).toEqual(Array(9).fill(0));
    expect(r.pixel(5, 4)).toEqual(WHITE);
    expect(r.pixel(5, 6)).toEqual(WHITE);
    const d = new Raster(12, 12);
    d.line(0, 0, 12, 12, { color: "#000000", width: 2 });
    expect(d.pixel(6, 6)[0]).toBe(0);
    expect(d.pixel(0, 11)).toEqual(WHITE);
    const partial = d.pixel(7, 6)[0];
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(255);
  });

  it("fills polygons like rectangles where they coincide", () => {
    const a = new Raster(16, 16);
    a.fillRect(2.25, 3, 9.5, 7.5, "#009e73", 0.6);
    const b = new Raster(16, 16);
    b.fillPolygon([2.25, 3, 11.75, 3, 11.75, 10.5, 2.25, 10.5], "#009e73", 0.6);
    let maxDiff = 0;
    for (let i = 0; i < a.data.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a.data[i]! - b.data[i]!));
    expect(maxDiff).toBeLessThanOrEqual(1);
  });

  it("draws discs and rings", () => {
    const r = new Raster(20, 20);
    r.fillCircle(10, 10, 5, "#000000");
    expect(r.pixel(10, 10)[0]).toBe(0);
    expect(r.pixel(10, 17)).toEqual(WHITE);
    r.strokeCircle(10.5, 10.5, 8, 1, "#ff0000"); // passes through the centre of pixel (10, 2)
    expect(r.pixel(10, 2)).toEqual([255, 0, 0, 255]);
    expect(r.pixel(10, 0)).toEqual(WHITE);
  });

  it("draws glyph pixels as scale x scale blocks from the baseline, also rotated", () => {
    const r = new Raster(20, 20);
    r.text(2, 9, "T", { scale: 1 }); // baseline 9: rows at y = 2..8
    const g = glyph("T");
    for (let row = 0; row < 7; row++) {
      for (let c = 0; c < GLYPH_WIDTH; c++) expect(r.pixel(2 + c, 2 + row)[0], `row ${row} col ${c}`).toBe(g[row * GLYPH_WIDTH + c] ? 0 : 255);
    }
    const big = new Raster(30, 30);
    big.text(15, 20, "I", { scale: 2, anchor: "middle" });
    // "I" is 10 px wide at scale 2, centred on 15: starts at x = 10; top row y = 20 − 14 = 6
    expect(big.pixel(12, 6)[0]).toBe(0);
    expect(big.pixel(12, 5)[0]).toBe(255);
    const rot = new Raster(20, 20);
    rot.text(9, 15, "T", { rotate: true }); // reads upward: the T's top bar is the column x = 2
    for (let k = 0; k < 5; k++) expect(rot.pixel(2, 14 - k)[0]).toBe(0);
    expect(rot.pixel(2, 15)[0]).toBe(255);
  });

  it("rejects bad sizes, colours and coordinates with the argument named", () => {
    expect(() => new Raster(0, 5)).toThrow(/width must be an integer/);
    expect(() => new Raster(5, 5, "red")).toThrow(/#rrggbb/);
    const r = new Raster(5, 5);
    expect(() => r.fillRect(Number.NaN, 0, 1, 1, "#000000")).toThrow(/x must be finite/);
    expect(() => r.line(0, 0, 1, 1, { color: "#000000", width: 0 })).toThrow(/width must be > 0/);
    expect(() => r.fillPolygon([0, 0, 1, 1], "#000000")).toThrow(/at least 3 points/);
    expect(() => r.pixel(5, 0)).toThrow(/outside/);
  });

  it("encodes a PNG that decodes to the same pixels", () => {
    const r = new Raster(7, 5, "#fafafa");
    r.fillRect(1, 1, 3, 2, "#d55e00");
    r.line(0, 4, 7, 4, { color: "#0072b2" });
    const img = decodeImage(r.toPng(), "raster.png");
    expect([img.width, img.height]).toEqual([7, 5]);
    for (let i = 0; i < 35; i++) for (let c = 0; c < 3; c++) expect(img.data[i * 3 + c]).toBe(r.data[i * 4 + c]);
  });
});
