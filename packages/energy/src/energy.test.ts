import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "@ebjdat/runtime";
import { computeEnergies, energy, jointEnergy, labelsTensor, logPYGivenX } from "./energy";

beforeAll(async () => {
  await initBackend({ quiet: true });
});

function lse(row: number[]): number {
  const m = Math.max(...row);
  return m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
}

describe("energies", () => {
  const rows = [
    [1, 2, 3],
    [-5, 0.5, 100],
    [0, 0, 0],
  ];
  it("E(x) = -LSE f(x), stable for large logits", () => {
    const e = tf.tidy(() => energy(tf.tensor2d(rows)).arraySync());
    rows.forEach((r, i) => expect(e[i]).toBeCloseTo(-lse(r), 4));
  });
  it("E(x, y) = -f(x)[y] and log p(y|x) = E(x) - E(x, y)", () => {
    const y = [2, 0, 1];
    const ej = tf.tidy(() => jointEnergy(tf.tensor2d(rows), y).arraySync());
    expect(ej).toEqual([-3, 5, -0]);
    const lp = tf.tidy(() => logPYGivenX(tf.tensor2d(rows), y).arraySync());
    rows.forEach((r, i) => expect(lp[i]).toBeCloseTo(r[y[i]!]! - lse(r), 4));
    const full = tf.tidy(() => logPYGivenX(tf.tensor2d(rows)).arraySync());
    expect(full[2]![0]).toBeCloseTo(-Math.log(3), 5);
  });
  it("rejects bad input with a message naming it", () => {
    expect(() => jointEnergy(tf.tensor2d(rows), [0, 1])).toThrow(/jointEnergy.*3 labels/);
    expect(() => jointEnergy(tf.tensor2d(rows), [0, 1, 3])).toThrow(/label 2 is 3/);
    expect(() => energy(tf.tensor1d([1, 2]) as unknown as tf.Tensor2D)).toThrow(/rank-2/);
  });
  it("labelsTensor checks labels against the batch (and the classes when known) before work", () => {
    const t = labelsTensor([2, 0, 7], 3, "chain");
    expect(Array.from(t.dataSync())).toEqual([2, 0, 7]);
    expect(t.dtype).toBe("int32");
    t.dispose();
    expect(() => labelsTensor([2, 0, 7], 3, "chain", 5)).toThrow(/chain: label 2 is 7, expected an integer in \[0, 5\)/);
    expect(() => labelsTensor([0, -1, 1], 3, "chain")).toThrow(/chain: label 1 is -1, expected a non-negative integer/);
    expect(() => labelsTensor([0, 1], 3, "chain")).toThrow(/chain: expected 3 labels, got 2/);
    const own = tf.tensor1d([1, 0], "int32");
    expect(labelsTensor(own, 2, "chain")).toBe(own);
    expect(() => labelsTensor(own, 3, "chain")).toThrow(/shape \[3\]/);
    own.dispose();
  });
  it("computeEnergies batches any logits function and does not leak", () => {
    const w = tf.tensor2d([
      [1, -1],
      [0.5, 2],
      [0, 0],
    ]);
    const fn = (x: tf.Tensor4D): tf.Tensor2D => tf.matMul(tf.reshape(x, [x.shape[0], 3]), w);
    const x = tf.tensor4d(Array.from({ length: 7 * 3 }, (_, i) => Math.sin(i)), [7, 1, 1, 3]);
    const full = tf.tidy(() => energy(fn(x)).dataSync());
    const before = tf.memory().numTensors;
    const e = computeEnergies(fn, x, { batchSize: 3 });
    const ej = computeEnergies(fn, x, { batchSize: 2, kind: "joint", y: [0, 1, 0, 1, 0, 1, 0] });
    expect(tf.memory().numTensors).toBe(before);
    for (let i = 0; i < 7; i++) expect(e[i]).toBeCloseTo(full[i]!, 5);
    expect(ej.length).toBe(7);
    expect(() => computeEnergies(fn, x, { kind: "joint" })).toThrow(/needs labels/);
  });
  it("tensor count stays flat over many calls", () => {
    const l = tf.randomNormal([16, 10]) as tf.Tensor2D;
    const before = tf.memory().numTensors;
    for (let i = 0; i < 200; i++) {
      tf.dispose([energy(l), jointEnergy(l, new Int32Array(16)), logPYGivenX(l), logPYGivenX(l, new Int32Array(16))]);
    }
    expect(tf.memory().numTensors).toBe(before);
    l.dispose();
  });
});
