import { describe, expect, it } from "vitest";
import { CLAIMS, judgeClaims } from "./claims";
import type { EvalDone } from "./jobs";
import type { ModelOutcome } from "./report";
import { ROWS } from "./rows";

const bits = (n: number, ones: number): string => "1".repeat(ones) + "0".repeat(n - ones);

/** An evaluated model whose per-image results have `clean`, `aa` (both protocols) correct images of 100, gaps `gap`, FD-WRN `fd`. */
function model(row: string, seed: number, clean: number, aa: number, gap: number, fd?: number): ModelOutcome {
  const prot = { pgd: bits(100, aa), aa: bits(100, aa), gap: Array.from({ length: 100 }, (_, i) => (i % 2 ? gap : -gap)) };
  const e = {
    clean: { accuracy: clean / 100, n: 100, ece: 0 },
    perImage: { clean: bits(100, clean), standard: prot, paper: prot },
    ...(fd !== undefined ? { generation: { metrics: { "fd-wrn": { name: "FD-WRN", value: fd, protocol: "", pipeline: "" } }, nFake: 1, nReal: 1, source: "" } } : {}),
  } as unknown as EvalDone;
  return { row, dataset: "cifar10", seed, eval: e };
}

describe("claims", () => {
  it("every claim names rows that exist, a source and a direction", () => {
    for (const c of CLAIMS) {
      expect(c.source).not.toBe("");
      for (const v of c.variants) for (const cmp of c.comparisons(v)) for (const id of [cmp.a, cmp.b]) expect(ROWS.map((r) => r.id)).toContain(id);
    }
  });

  it("judges each claim per variant and protocol: holds, fails, undecided, not measured", () => {
    const models: ModelOutcome[] = [];
    for (const seed of [1, 2, 3]) {
      models.push(model("jem", seed, 60, 5, 2, 50), model("jempp", seed, 60, 10, 2, 40), model("sadajem", seed, 60, 8, 2, 45));
      models.push(model("pgd-at", seed, 50, 30, 0.5, 90));
      // [code]: far more robust than every JEM, cleaner than PGD-AT, smaller gap, better samples
      models.push(model("ebjdat-jempp@code", seed, 70, 40, 0.2, 30 + seed));
      // [paper]: about as robust as the JEMs, less clean than PGD-AT (fails)
      models.push(model("ebjdat-jempp@paper", seed, 30, seed === 2 ? 12 : 8, 2, 60));
    }
    const v = judgeClaims(models);
    const get = (id: string, variant: string, protocol: string) => v.find((x) => x.id === id && x.variant === variant && x.protocol === protocol)!;
    expect(get("aa-above-jems", "code", "standard").verdict).toBe("holds");
    expect(get("aa-above-jems", "code", "paper").verdict).toBe("holds");
    // ebjdat-jem@code and ebjdat-sadajem@code were not run: listed, not counted
    expect(get("aa-above-jems", "code", "standard").comparisons.filter((c) => c.verdict === "not measured")).toHaveLength(6);
    expect(get("clean-above-pgd-at", "code", "-").verdict).toBe("holds");
    expect(get("generation-better-than-pgd-at", "code", "-").verdict).toBe("holds");
    expect(get("gap-below-jems", "code", "standard").verdict).toBe("holds");
    expect(get("clean-above-pgd-at", "paper", "-").verdict).toBe("fails");
    // [paper] AA 8, 12, 8 of 100: above JEM (5) on every resample, but against JEM++ (10) the seeds disagree
    const paper = get("aa-above-jems", "paper", "standard");
    expect(paper.verdict).toBe("undecided at this scale");
    expect(paper.comparisons.find((x) => x.a === "ebjdat-jempp@paper" && x.b === "jem")!.verdict).toBe("holds");
    expect(paper.comparisons.find((x) => x.a === "ebjdat-jempp@paper" && x.b === "jempp")!.verdict).toBe("undecided at this scale");
    expect(get("aa-above-jems", "ce", "standard").verdict).toBe("not measured");
    expect(get("table6-w2", "code", "standard").verdict).toBe("not measured");
    const c = get("aa-above-jems", "code", "standard").comparisons.find((x) => x.a === "ebjdat-jempp@code" && x.b === "jem")!;
    expect(c.difference!.difference).toBeCloseTo(0.35, 12);
    expect(c.difference!.images).toBe(100);
    expect(c.paperDifference).toBeCloseTo(64.61 - 4.28, 10);
  });
});
