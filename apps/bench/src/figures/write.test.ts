import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeImage } from "@ebjdat/data";
import { afterAll, describe, expect, it } from "vitest";
import { plotToPng, scatterPlot } from "./plots";
import { writeFigure } from "./write";

const dir = mkdtempSync(join(tmpdir(), "figures-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const plot = scatterPlot({ title: "t", series: [{ name: "ours", points: [{ x: 1, y: 2, label: "A" }, { x: 3, y: 1, label: "B" }] }], width: 320, height: 240 });

describe("writeFigure", () => {
  it("writes the PNG and the SVG, creating folders, leaving no temporary files", () => {
    const out = writeFigure(join(dir, "sub", "fig1"), plot);
    expect(out).toEqual({ png: join(dir, "sub", "fig1.png"), svg: join(dir, "sub", "fig1.svg") });
    const png = readFileSync(out.png);
    expect(Buffer.from(plotToPng(plot)).equals(png)).toBe(true);
    const img = decodeImage(png, out.png);
    expect([img.width, img.height]).toEqual([320, 240]);
    expect(readFileSync(out.svg, "utf8")).toContain(">ours</text>");
    expect(readdirSync(join(dir, "sub")).sort()).toEqual(["fig1.png", "fig1.svg"]);
  });

  it("wants the path without extension", () => {
    expect(() => writeFigure(join(dir, "fig.png"), plot)).toThrow(/without extension/);
    expect(() => writeFigure("", plot)).toThrow(/non-empty path/);
  });
});
