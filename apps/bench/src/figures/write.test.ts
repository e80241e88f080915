import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TopLevelSpec } from "vega-lite";
import { afterAll, describe, expect, it } from "vitest";
import { barSpec } from "@ebjdat/figures";
import { writeFigure } from "./write";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), "bench-fig-"));
  dirs.push(d);
  return d;
};

describe("writeFigure", () => {
  const spec = barSpec({ title: "t", categories: ["a", "b"], series: [{ name: "s", values: [1, 2] }] });

  it("writes the Vega-Lite spec, the SVG and the PNG side by side, and nothing else", async () => {
    const dir = tmp();
    const p = await writeFigure(join(dir, "sub", "fig"), spec);
    expect(p.vegaLite).toBe(join(dir, "sub", "fig.vl.json"));
    expect(readdirSync(join(dir, "sub")).sort()).toEqual(["fig.png", "fig.svg", "fig.vl.json"]);
    expect(JSON.parse(readFileSync(p.vegaLite, "utf8"))).toEqual(JSON.parse(JSON.stringify(spec)));
    expect(readFileSync(p.svg, "utf8")).toBe(p.figure.svg);
    expect(readFileSync(p.png).subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  });

  it("leaves no file, whole or half-written, when the spec does not render", async () => {
    const dir = tmp();
    await expect(writeFigure(join(dir, "bad"), { mark: "nonsense" } as unknown as TopLevelSpec)).rejects.toThrow(/invalid Vega-Lite spec/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("replaces an existing figure whole", async () => {
    const dir = tmp();
    await writeFigure(join(dir, "fig"), spec);
    const again = await writeFigure(join(dir, "fig"), barSpec({ title: "second", categories: ["a"], series: [{ name: "s", values: [3] }] }));
    expect(readdirSync(dir).sort()).toEqual(["fig.png", "fig.svg", "fig.vl.json"]);
    expect(readFileSync(again.svg, "utf8")).toContain(">second<");
  });

  it("wants the path without extension", async () => {
    await expect(writeFigure(join(tmp(), "fig.png"), spec)).rejects.toThrow(/pass the path without extension/);
  });
});
