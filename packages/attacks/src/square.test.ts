import { describe, expect, it } from "vitest";
import { imageEps } from "@ebjdat/runtime";
import { pSelection } from "./square";
import { runAttack } from "./runAttack";
import { selfLabelled, useTinyConvModel } from "./test-helpers";

const model = useTinyConvModel(4);

describe("Square attack (spec 7.5)", () => {
  it("p schedule: fra31 boundaries and the torchattacks rescaled variant", () => {
    const p = (i: number): number => pSelection(i, 0.8, 5000, false);
    expect([p(0), p(10), p(11), p(50), p(51), p(200), p(201), p(500), p(501)]).toEqual([0.8, 0.8, 0.4, 0.4, 0.2, 0.2, 0.1, 0.1, 0.05]);
    expect([p(1000), p(1001), p(2000), p(2001), p(4000), p(4001), p(6001), p(8001)]).toEqual([0.05, 0.025, 0.025, 0.0125, 0.0125, 0.00625, 0.003125, 0.0015625]);
    // rescaled: iteration 1000 of 5000 → it = 2000
    expect(pSelection(1000, 0.8, 5000, true)).toBe(0.025);
    expect(pSelection(1001, 0.8, 5000, true)).toBe(0.0125);
  });

  it("stays in the ε-ball and the box, is deterministic for a seed and breaks points", async () => {
    const { x, y } = selfLabelled(model, 8, [8, 8, 3], 9);
    const a = await runAttack("square", model, x, y, { eps: imageEps(0.05), queries: 200, seed: 1 });
    const b = await runAttack("square", model, x, y, { eps: imageEps(0.05), queries: 200, seed: 1 });
    expect(Array.from(a.xAdv.dataSync())).toEqual(Array.from(b.xAdv.dataSync()));
    expect(a.maxPerturbation).toBeLessThanOrEqual(0.05 + 1e-6);
    expect(a.robustAccuracy).toBeLessThan(1);
    a.xAdv.dispose();
    b.xAdv.dispose();
    x.dispose();
  });
});
