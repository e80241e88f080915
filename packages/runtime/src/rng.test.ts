import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "./backend";
import { Rng } from "./rng";

function draws(r: Rng, n: number): number[] {
  return Array.from({ length: n }, () => r.nextUint32());
}

function moments(a: ArrayLike<number>): { mean: number; variance: number } {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  const mean = s / a.length;
  let v = 0;
  for (let i = 0; i < a.length; i++) v += (a[i]! - mean) ** 2;
  return { mean, variance: v / (a.length - 1) };
}

describe("Rng", () => {
  beforeAll(async () => {
    await initBackend({ quiet: true });
  });
  afterAll(() => undefined);

  it("is deterministic for a seed and differs between seeds", () => {
    expect(draws(new Rng(42), 100)).toEqual(draws(new Rng(42), 100));
    expect(draws(new Rng(42), 100)).not.toEqual(draws(new Rng(43), 100));
    expect(Array.from(new Rng(7).normalArray(10))).toEqual(Array.from(new Rng(7).normalArray(10)));
  });

  it("gives forks that are reproducible, distinct by purpose and uncorrelated", () => {
    const a = new Rng(1).fork("data");
    const a2 = new Rng(1).fork("data");
    const b = new Rng(1).fork("noise");
    const xa = a.uniformArray(20000);
    expect(Array.from(a2.uniformArray(20000))).toEqual(Array.from(xa));
    const xb = b.uniformArray(20000);
    const ma = moments(xa);
    const mb = moments(xb);
    let cov = 0;
    for (let i = 0; i < xa.length; i++) cov += (xa[i]! - ma.mean) * (xb[i]! - mb.mean);
    const corr = cov / (xa.length - 1) / Math.sqrt(ma.variance * mb.variance);
    expect(Math.abs(corr)).toBeLessThan(0.03);
    // Drawing from a fork leaves the parent's stream where it was.
    const p1 = new Rng(5);
    const p2 = new Rng(5);
    const f1 = p1.fork("x");
    p2.fork("x");
    f1.uniformArray(100);
    expect(p1.nextUint32()).toBe(p2.nextUint32());
  });

  it("round-trips its state, including the Gaussian spare", () => {
    const r = new Rng(9);
    r.gaussian(); // leaves a spare
    const s = r.state();
    expect(s.spare).toBeDefined();
    const copy = new Rng(JSON.parse(JSON.stringify(s)) as typeof s);
    expect(Array.from(copy.normalArray(7))).toEqual(Array.from(r.normalArray(7)));
    expect(draws(copy, 5)).toEqual(draws(r, 5));
  });

  it("has uniform and normal moments", () => {
    const r = new Rng(123);
    const u = moments(r.uniformArray(100000, -1, 3));
    expect(Math.abs(u.mean - 1)).toBeLessThan(0.02);
    expect(Math.abs(u.variance - 16 / 12)).toBeLessThan(0.02);
    const g = moments(r.normalArray(100000, 2, 0.5));
    expect(Math.abs(g.mean - 2)).toBeLessThan(0.01);
    expect(Math.abs(g.variance - 0.25)).toBeLessThan(0.01);
    const x = r.next();
    expect(x).toBeGreaterThanOrEqual(0);
    expect(x).toBeLessThan(1);
  });

  it("draws integers in range and permutations", () => {
    const r = new Rng(3);
    const counts = new Array<number>(5).fill(0);
    for (let i = 0; i < 5000; i++) counts[r.int(0, 5)]! += 1;
    for (const c of counts) expect(Math.abs(c - 1000)).toBeLessThan(150);
    const p = Array.from(r.permutation(50));
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(p).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it("makes tensors of the requested shape without leaking", () => {
    const r = new Rng(11);
    const before = tf.memory().numTensors;
    const u = r.uniform([2, 3, 4], 0, 1);
    const n = r.normal([5], 0, 1);
    expect(u.shape).toEqual([2, 3, 4]);
    expect(u.dtype).toBe("float32");
    expect(n.shape).toEqual([5]);
    const same = new Rng(11).uniform([2, 3, 4], 0, 1);
    expect(Array.from(same.dataSync())).toEqual(Array.from(u.dataSync()));
    tf.dispose([u, n, same]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
