import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "@ebjdat/runtime";
import { energyGap, energyGapStats } from "./gap-stats";

beforeAll(async () => {
  await initBackend({ quiet: true });
});

describe("Table 1 energy-gap statistic", () => {
  const clean = [-10, -9, -8, -7];
  const adv = [-9, -9.5, -6, -7];
  it("signed, population variance (default)", () => {
    const s = energyGapStats(clean, adv);
    // d = [1, -0.5, 2, 0]
    expect(s.mean).toBeCloseTo(0.625, 12);
    const v = ((1 - 0.625) ** 2 + (-0.5 - 0.625) ** 2 + (2 - 0.625) ** 2 + 0.625 ** 2) / 4;
    expect(s.variance).toBeCloseTo(v, 12);
    expect(s.n).toBe(4);
  });
  it("absolute differences and sample variance", () => {
    const s = energyGapStats(clean, adv, { diff: "absolute", variance: "sample" });
    expect(s.mean).toBeCloseTo(0.875, 12);
    const v = ((1 - 0.875) ** 2 + (0.5 - 0.875) ** 2 + (2 - 0.875) ** 2 + 0.875 ** 2) / 3;
    expect(s.variance).toBeCloseTo(v, 12);
  });
  it("rejects unpaired sets", () => {
    expect(() => energyGapStats([1, 2], [1])).toThrow(/one-to-one/);
    expect(() => energyGapStats([], [])).toThrow(/at least one/);
  });
  it("through a logits function: marginal and joint energies", () => {
    const x = tf.tensor4d([0, 1, 2, 3], [2, 1, 1, 2]);
    const xa = tf.tensor4d([0, 2, 2, 2], [2, 1, 1, 2]);
    const fn = (t: tf.Tensor4D): tf.Tensor2D => tf.reshape(t, [t.shape[0], 2]) as tf.Tensor2D;
    const lse = (a: number, b: number): number => Math.log(Math.exp(a) + Math.exp(b));
    const g = energyGap(fn, x, xa);
    const d0 = -lse(0, 2) + lse(0, 1);
    const d1 = -lse(2, 2) + lse(2, 3);
    expect(g.mean).toBeCloseTo((d0 + d1) / 2, 5);
    const gj = energyGap(fn, x, xa, { energy: "joint", y: [1, 0] });
    expect(gj.diffs[0]).toBeCloseTo(-(2 - 1), 5);
    expect(gj.diffs[1]).toBeCloseTo(0, 5);
    tf.dispose([x, xa]);
  });
});
