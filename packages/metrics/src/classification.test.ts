import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "@ebjdat/runtime";
import { accuracy, expectedCalibrationError, robustAccuracy } from "./classification";

beforeAll(async () => {
  await initBackend({ quiet: true });
});

const m = (rows: number[][]) => ({ rows: rows.length, cols: rows[0].length, data: Float64Array.from(rows.flat()) });

describe("accuracy", () => {
  it("clean and robust accuracy", () => {
    const clean = m([[2, 1, 0], [0, 3, 1], [0, 0, 1], [1, 0, 0]]);
    const adv = m([[2, 1, 0], [3, 0, 1], [0, 0, 1], [0, 1, 0]]);
    const y = [0, 1, 2, 1];
    expect(accuracy(clean, y)).toBe(0.75);
    expect(robustAccuracy(adv, y)).toBe(0.75); // rows 0, 2, 3 correct on adv
    expect(robustAccuracy(adv, y, clean)).toBe(0.5); // row 3 was wrong clean
    const t = tf.tensor2d([[0, 1], [1, 0]]);
    expect(accuracy(t, [1, 1])).toBe(0.5);
    t.dispose();
  });
  it("rejects bad labels", () => {
    expect(() => accuracy(m([[1, 0]]), [2])).toThrow(/label 2 .* outside 0..1/);
    expect(() => accuracy(m([[1, 0]]), [0, 1])).toThrow(/2 labels for 1 rows/);
  });
});

describe("expected calibration error (spec 8.5)", () => {
  it("matches a hand computation with 15 bins", () => {
    // confidences: softmax of [a, 0] = 1/(1+e^-a)
    const conf = [0.95, 0.95, 0.55, 0.55, 0.7];
    const logits = conf.map((c) => [Math.log(c / (1 - c)), 0]);
    const y = [0, 1, 0, 0, 1];
    const r = expectedCalibrationError(m(logits), y);
    // bins: 0.95 → bin 14 (acc 0.5, conf 0.95); 0.55 → bin 8 (acc 1, conf .55); 0.7 → bin 10 (acc 0, conf .7)
    const ref = (2 / 5) * Math.abs(0.5 - 0.95) + (2 / 5) * Math.abs(1 - 0.55) + (1 / 5) * 0.7;
    expect(r.ece).toBeCloseTo(ref, 12);
    expect(r.bins).toHaveLength(15);
    expect(r.bins[14].count).toBe(2);
  });
  it("bin edges are right-closed: conf exactly 1/15·k goes to bin k−1", () => {
    const c = 0.6; // 9/15
    const r = expectedCalibrationError(m([[Math.log(c / (1 - c)), 0]]), [0]);
    expect(r.bins[8].count + r.bins[9].count).toBe(1);
  });
});
