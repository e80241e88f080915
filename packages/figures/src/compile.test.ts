import type { TopLevelSpec } from "vega-lite";
import { describe, expect, it } from "vitest";
import { collectingLogger, compileSpec } from "./compile";

describe("compileSpec", () => {
  it("compiles a valid spec to Vega", () => {
    const vg = compileSpec({ data: { values: [{ a: 1 }] }, mark: "point", encoding: { x: { field: "a", type: "quantitative" } } });
    expect(vg.marks?.length).toBeGreaterThan(0);
  });

  it("reports Vega-Lite's warnings and rejects an invalid spec with its message", () => {
    const warnings: string[] = [];
    compileSpec({ data: { values: [{ a: 1 }] }, mark: "point", encoding: { x: { field: "a", type: "quantitative" }, shape: { field: "a", type: "quantitative" } } } as TopLevelSpec, warnings);
    expect(warnings.join("\n")).toMatch(/shape/i);
    expect(() => compileSpec({ data: { values: [] }, mark: "nonsense" } as unknown as TopLevelSpec)).toThrow(/compileSpec: invalid Vega-Lite spec: ./);
    expect(() => compileSpec(null as unknown as TopLevelSpec)).toThrow(/compileSpec: spec must be a Vega-Lite spec object, got null/);
  });

  it("collectingLogger keeps warnings, throws errors and keeps its level", () => {
    const warnings: string[] = [];
    const log = collectingLogger(warnings);
    log.warn("careful", new Error("boom"));
    expect(warnings).toEqual(["careful boom"]);
    expect(() => log.error("bad")).toThrow("bad");
    log.level(4);
    expect(log.level()).toBe(4);
  });
});
