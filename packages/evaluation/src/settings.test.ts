import { describe, expect, it } from "vitest";
import { modelEps } from "@ebjdat/runtime";
import { PROTOCOLS } from "./protocol";
import { chunksOf, resolveSettings } from "./settings";

describe("protocols as data (spec 7.7, 7.9)", () => {
  it("standard: 8/255 on [0, 1], α = 2/255, fra31 standard ensemble, no noise", () => {
    const r = resolveSettings({}, 1000);
    expect(r.protocol.name).toBe("standard");
    expect(r.eps).toBeCloseTo(8 / 255, 12);
    expect(r.pgdStepSize).toBeCloseTo(2 / 255, 12);
    expect(r.attack).toEqual({ kind: "ensemble", version: "standard" });
    expect(r.noiseSigma).toBe(0);
    expect(r.range).toEqual([0, 1000]);
    expect(r.batchSize).toBe(100);
    expect(r.seed).toBe(0);
  });
  it("paper: the official model-space 8/255 is 4/255 on [0, 1], α = 0.5/255, the paper ensemble", () => {
    const r = resolveSettings({ protocol: "paper", attack: "pgd20" }, 1000);
    expect(r.eps).toBeCloseTo(4 / 255, 12);
    expect(r.pgdStepSize).toBeCloseTo(0.5 / 255, 12);
    expect(r.attack).toEqual({ kind: "single", name: "pgd", steps: 20 });
    expect(resolveSettings({ protocol: "paper" }, 10).attack).toEqual({ kind: "ensemble", version: "paper" });
    expect(PROTOCOLS.paper.pgdMeanLoss).toBe(true);
    expect(PROTOCOLS.standard.pgdMeanLoss).toBe(false);
  });
  it("refuses settings that mix the protocols or cannot work, naming them", () => {
    expect(() => resolveSettings({ attack: "autoattack:paper" }, 10)).toThrow(/belongs to the paper protocol/);
    expect(() => resolveSettings({ protocol: "paper", attack: "autoattack:standard" }, 10)).toThrow(/belongs to the standard protocol/);
    expect(() => resolveSettings({ noiseSigma: modelEps(0.03) }, 10)).toThrow(/noise is part of the paper protocol/);
    expect(() => resolveSettings({ attack: "frobnicate" }, 10)).toThrow(/frobnicate.*autoattack/);
    expect(() => resolveSettings({ range: [5, 20] }, 10)).toThrow(/range \[5, 20\).*10 images/);
    expect(() => resolveSettings({ range: [3, 3] }, 10)).toThrow(/non-empty/);
    expect(() => resolveSettings({ batchSize: 0 }, 10)).toThrow(/batchSize/);
    expect(() => resolveSettings({ protocol: "paper", norm: "l2" }, 10)).toThrow(/ℓ∞ only/);
    // @ts-expect-error an unknown protocol name
    expect(() => resolveSettings({ protocol: "robustbench" }, 10)).toThrow(/unknown evaluation protocol 'robustbench'/);
  });
});

describe("chunksOf", () => {
  it("starts chunks at multiples of the batch size, so a sub-range reuses the same chunks", () => {
    expect(chunksOf([0, 10], 4)).toEqual([[0, 4], [4, 8], [8, 10]]);
    expect(chunksOf([5, 13], 4)).toEqual([[5, 8], [8, 12], [12, 13]]);
    expect(chunksOf([8, 12], 4)).toEqual([[8, 12]]);
  });
});
