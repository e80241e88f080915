import { describe, expect, it } from "vitest";
import { logitsOf, rankedClass } from "./modelEval";
import { runRestarts, targetRanks, type RobustSubset } from "./restarts";
import { selfLabelled, useTinyConvModel } from "./test-helpers";
import type { AttackContext } from "./types";

const model = useTinyConvModel(8);

const dims: [number, number, number] = [4, 4, 3];
const d = 48;

describe("restart driver (fra31 perturb, spec 7.3-7.5)", () => {
  it("attacks the clean-correct points still robust, keeps what each attempt broke, stops when none is left", () => {
    const n = 6;
    const { x, y } = selfLabelled(model, n, dims, 3, 2); // points 0 and 1 are misclassified
    const xs = Float32Array.from(x.dataSync());
    const ctx: AttackContext = { model, dims, numClasses: 10, box: [0, 1], warn: () => {} };
    const calls: { idx: number[]; restart: number; target?: number[] }[] = [];
    // each attempt breaks the first point of its subset, with a marker image
    const out = runRestarts(ctx, xs, y, { restarts: 2, targetRanks: targetRanks(3) }, (sub: RobustSubset, restart) => {
      calls.push({ idx: sub.idx, restart, ...(sub.target ? { target: Array.from(sub.target) } : {}) });
      expect(Array.from(sub.y)).toEqual(sub.idx.map((i) => y[i]));
      expect(Array.from(sub.x)).toEqual(sub.idx.flatMap((i) => Array.from(xs.subarray(i * d, i * d + d))));
      const adv = Float32Array.from(sub.x, (_, i) => sub.idx[Math.floor(i / d)]! / 10);
      return { adv, robust: Uint8Array.from(sub.idx, (_, j) => (j === 0 ? 0 : 1)) };
    });
    expect(calls.map((c) => [c.idx, c.restart])).toEqual([
      [[2, 3, 4, 5], 0],
      [[3, 4, 5], 1],
      [[4, 5], 0],
      [[5], 1],
    ]);
    // targets: the rank-th clean logit of each still-robust point (ranks 2, 2, 3, 3)
    const clean = logitsOf(model, xs, n, dims);
    calls.forEach((c, i) => {
      const rank = [2, 2, 3, 3][i]!;
      expect(c.target).toEqual(c.idx.map((g) => rankedClass(clean.subarray(g * 10, g * 10 + 10), 10, rank)[0]));
    });
    for (let g = 0; g < n; g++) {
      const row = Array.from(out.subarray(g * d, g * d + d));
      expect(row).toEqual(g < 2 ? Array.from(xs.subarray(g * d, g * d + d)) : new Array(d).fill(Math.fround(g / 10)));
    }
    x.dispose();
  });

  it("untargeted: no targets, restarts only; nothing broken leaves the clean images", () => {
    const { x, y } = selfLabelled(model, 3, dims, 4);
    const xs = Float32Array.from(x.dataSync());
    const ctx: AttackContext = { model, dims, numClasses: 10, box: [0, 1], warn: () => {} };
    let attempts = 0;
    const out = runRestarts(ctx, xs, y, { restarts: 3 }, (sub) => {
      attempts++;
      expect(sub.target).toBeUndefined();
      return { adv: new Float32Array(sub.x.length), robust: new Uint8Array(sub.idx.length).fill(1) };
    });
    expect(attempts).toBe(3);
    expect(Array.from(out)).toEqual(Array.from(xs));
    x.dispose();
  });
});
