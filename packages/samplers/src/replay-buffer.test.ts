import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend, Rng } from "@ebjdat/runtime";
import { ReplayBuffer } from "./replay-buffer";
import { uniformInit } from "./initializer";

beforeAll(async () => {
  await initBackend({ quiet: true });
});

describe("ReplayBuffer", () => {
  it("uniform initialisation lies in [-1, 1] with mean ~0 and variance ~1/3", () => {
    const b = ReplayBuffer.create(200, uniformInit([4, 4, 3]), new Rng(1));
    expect(b.size).toBe(200);
    let s = 0;
    let ss = 0;
    let bad = 0;
    for (const v of b.data) {
      if (!(v >= -1 && v < 1)) bad++;
      s += v;
      ss += v * v;
    }
    expect(bad).toBe(0);
    const n = b.data.length;
    expect(Math.abs(s / n)).toBeLessThan(0.03);
    expect(Math.abs(ss / n - 1 / 3)).toBeLessThan(0.02);
  });

  it("re-initialisation frequency is binomially consistent with reinitFreq", () => {
    const b = new ReplayBuffer(new Float32Array(50 * 2).fill(5), [1, 1, 2], { init: uniformInit([1, 1, 2]) });
    const rng = new Rng(3);
    const p = 0.05;
    const trials = 20000;
    let count = 0;
    let wrong = 0;
    for (let t = 0; t < trials / 100; t++) {
      const d = b.draw(100, rng, { reinitFreq: p });
      const x = d.x.dataSync();
      for (let i = 0; i < 100; i++) {
        count += d.reinit[i]!;
        // re-initialised rows come from U(-1, 1), the others from the buffer (value 5)
        if (!(d.reinit[i] ? Math.abs(x[2 * i]!) <= 1 : x[2 * i] === 5)) wrong++;
      }
      d.x.dispose();
    }
    expect(wrong).toBe(0);
    const mean = trials * p;
    const sd = Math.sqrt(trials * p * (1 - p));
    expect(Math.abs(count - mean)).toBeLessThan(4 * sd);
  });

  it("class-conditional draws stay in the class block y*(N/K) + randint(N/K)", () => {
    const b = new ReplayBuffer(new Float32Array(100), [1, 1, 1], { numClasses: 10 });
    const y = Int32Array.from({ length: 200 }, (_, i) => i % 10);
    const d = b.draw(200, new Rng(4), { y, reinitFreq: 0 });
    for (let i = 0; i < 200; i++) {
      expect(d.indices[i]).toBeGreaterThanOrEqual(y[i]! * 10);
      expect(d.indices[i]).toBeLessThan(y[i]! * 10 + 10);
    }
    d.x.dispose();
    expect(() => new ReplayBuffer(new Float32Array(10), [1, 1, 1]).draw(2, new Rng(1), { y: [0, 1] })).toThrow(/numClasses/);
    expect(() => b.draw(2, new Rng(1), { y: [0, 10] })).toThrow(/label 1 is 10/);
  });

  it("write-back: last write wins for repeated indices", () => {
    const b = new ReplayBuffer(new Float32Array(4 * 2), [1, 1, 2]);
    b.writeBack(Int32Array.from([1, 3, 1]), Float32Array.from([1, 1, 2, 2, 3, 3]));
    expect(Array.from(b.data)).toEqual([0, 0, 3, 3, 0, 0, 2, 2]);
    expect(() => b.writeBack(Int32Array.from([4]), Float32Array.from([1, 1]))).toThrow(/outside/);
  });

  it("is deterministic given the seed", () => {
    const a = ReplayBuffer.create(20, uniformInit([2, 2, 1]), new Rng(9));
    const b = ReplayBuffer.create(20, uniformInit([2, 2, 1]), new Rng(9));
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    const da = a.draw(8, new Rng(2), { reinitFreq: 0.5 });
    const db = b.draw(8, new Rng(2), { reinitFreq: 0.5 });
    expect(Array.from(da.x.dataSync())).toEqual(Array.from(db.x.dataSync()));
    tf.dispose([da.x, db.x]);
  });
});
