import { describe, expect, it } from "vitest";
import { Rng, imageEps } from "@ebjdat/runtime";
import { apgdSchedule, apgdSingleRun, checkOscillation } from "./apgd";
import { runAttack } from "./runAttack";
import { useTinyConvModel, selfLabelled } from "./test-helpers";
import type { AttackContext } from "./types";

const model = useTinyConvModel(3);

describe("APGD schedule and oscillation check (spec 7.3)", () => {
  it("schedule constants", () => {
    expect(apgdSchedule(100)).toEqual({ n2: 22, nMin: 6, sizeDecr: 3 });
    expect(apgdSchedule(20)).toEqual({ n2: 4, nMin: 1, sizeDecr: 1 });
  });
  it("reads the zero last row at the first checkpoint (quirk) and counts increases", () => {
    const rows = [1, 2, 3, 4, 0, 0].map((v) => Float32Array.of(v, -v));
    // j = 3, k = 4: compares rows 3>2, 2>1, 1>0, 0>row(-1)=0 (last row, zero)
    // sample 0: 1>0 true → 4 increases > 0.75·4 → no halving; sample 1: -1>0 false, others false → halve
    expect(Array.from(checkOscillation(rows, 3, 4, 0.75))).toEqual([0, 1]);
    const rows2 = [1, 2, 3, 2, 0, 0].map((v) => Float32Array.of(v));
    // 3 increases (incl. 1 > 0) ≤ 3 → halve
    expect(Array.from(checkOscillation(rows2, 3, 4, 0.75))).toEqual([1]);
  });
});

describe("APGD on a synthetic conv model", () => {
  const dims: [number, number, number] = [8, 8, 3];
  it("best loss never decreases, step sizes are 2ε/2^m, result inside the ball", () => {
    const { x, y } = selfLabelled(model, 6, dims, 11);
    const ctx: AttackContext = { model, dims, numClasses: 10, box: [0, 1], warn: () => {} };
    const xs = Float32Array.from(x.dataSync());
    const eps = 0.03;
    for (const loss of ["ce", "dlr"] as const) {
      const run = apgdSingleRun(ctx, xs, y, new Rng(1), { eps, norm: "linf", steps: 20, restarts: 1, loss, rho: 0.75, eotIter: 1 });
      for (let k = 0; k < 6; k++) {
        for (const row of run.lossSteps) expect(run.lossBest[k]!).toBeGreaterThanOrEqual(row[k]!);
        const m = Math.log2((2 * eps) / run.stepSize[k]!);
        expect(Math.abs(m - Math.round(m))).toBeLessThan(1e-9);
      }
      for (let i = 0; i < xs.length; i++) expect(Math.abs(run.xBestAdv[i]! - xs[i]!)).toBeLessThanOrEqual(eps + 1e-6);
    }
    x.dispose();
  });

  it("APGD-CE/DLR/T break points, deterministic for a seed, l2 variant stays in the l2 ball", async () => {
    const { x, y } = selfLabelled(model, 12, dims, 5);
    const a = await runAttack("apgd-ce", model, x, y, { eps: imageEps(0.05), steps: 20, seed: 3 });
    const b = await runAttack("apgd-ce", model, x, y, { eps: imageEps(0.05), steps: 20, seed: 3 });
    expect(Array.from(a.xAdv.dataSync())).toEqual(Array.from(b.xAdv.dataSync()));
    expect(a.cleanAccuracy).toBe(1);
    expect(a.robustAccuracy).toBeLessThan(1);
    expect(a.maxPerturbation).toBeLessThanOrEqual(0.05 + 1e-6);
    const t = await runAttack("apgd-t", model, x, y, { eps: imageEps(0.05), steps: 10, targetClasses: 3, seed: 3 });
    expect(t.robustAccuracy).toBeLessThan(1);
    const dl = await runAttack("apgd-dlr", model, x, y, { eps: imageEps(0.05), steps: 10, seed: 3 });
    expect(dl.robustAccuracy).toBeLessThan(1);
    const l2 = await runAttack("apgd-ce", model, x, y, { eps: imageEps(0.5), norm: "l2", steps: 10, seed: 3 });
    expect(l2.maxPerturbation).toBeLessThanOrEqual(0.5 * (1 + 1e-5));
    expect(l2.robustAccuracy).toBeLessThan(1);
    for (const r of [a, b, t, dl, l2]) r.xAdv.dispose();
    x.dispose();
  });
});
