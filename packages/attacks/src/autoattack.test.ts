import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, it } from "vitest";
import { imageEps, modelEps, Rng, type LogitsFn, type ModelEps } from "@ebjdat/runtime";
import { autoAttack, type AutoAttackOptions } from "./autoattack";
import { PAPER_EPS } from "./budgets";
import { ensembleFor } from "./ensembles";
import { checkSquareSr } from "./checks";
import { runAttack } from "./runAttack";
import { selfLabelled, useTinyConvModel } from "./test-helpers";

const model = useTinyConvModel(5);

const dims: [number, number, number] = [8, 8, 3];

describe("AutoAttack ensembles (spec 7.6, 7.9)", () => {
  it("versions list the official attacks and settings", () => {
    expect(ensembleFor("standard").map((e) => e.attack)).toEqual(["apgd-ce", "apgd-t", "fab-t", "square"]);
    expect(ensembleFor("plus").map((e) => e.attack)).toEqual(["apgd-ce", "apgd-dlr", "fab", "square", "apgd-t", "fab-t"]);
    expect(ensembleFor("rand").map((e) => e.options)).toEqual([
      { steps: 100, restarts: 1, eotIter: 20 },
      { steps: 100, restarts: 1, eotIter: 20 },
    ]);
    const paper = ensembleFor("paper");
    expect(paper.map((e) => e.attack)).toEqual(["apgd-ce", "apgd-dlr", "fab-t", "square"]);
    expect(paper[2]).toEqual({ attack: "fab-t", options: { steps: 20, restarts: 1, targetClasses: 9, fabBox: [0.5, 1] } });
    expect(paper[3]).toEqual({ attack: "square", options: { queries: 5000, restarts: 1, pInit: 0.8, rescaleSchedule: true } });
    expect(ensembleFor("paper", undefined, "valid")[2]!.options).not.toHaveProperty("fabBox");
    expect(ensembleFor("custom", ["pgd7", "square"])).toEqual([
      { attack: "pgd", options: { steps: 7 } },
      { attack: "square", options: {} },
    ]);
  });

  it("bookkeeping: only still-robust points are attacked, outcomes and accuracies agree", async () => {
    const { x, y } = selfLabelled(model, 20, dims, 21, 3);
    const sizes: number[] = [];
    const counting: LogitsFn = (xi) => {
      sizes.push(xi.shape[0]);
      return model(xi);
    };
    const { report, xAdv } = await autoAttack(counting, x, y, {
      version: "custom",
      attacks: ["fgsm", "apgd-ce", "apgd-t", "fab-t", "square"],
      eps: imageEps(0.03),
      batchSize: 8,
      seed: 2,
      attackOptions: { "apgd-ce": { steps: 8 }, "apgd-t": { steps: 4, targetClasses: 2 }, "fab-t": { steps: 4, targetClasses: 2 }, square: { queries: 30 } },
      onWarning: () => {},
    });
    expect(report.n).toBe(20);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(8); // batched by batchSize
    expect(report.cleanAccuracy).toBeCloseTo(17 / 20, 10);
    expect(report.outcome.slice(0, 3)).toEqual(["misclassified", "misclassified", "misclassified"]);
    let prev = report.cleanAccuracy;
    for (const st of report.stages) {
      expect(st.robustAccuracyAfter).toBeLessThanOrEqual(prev);
      expect(st.given).toBeCloseTo(prev * 20, 6);
      expect(st.broken).toBe(report.outcome.filter((o) => o === st.attack).length);
      expect(st.robustAccuracyAfter).toBeCloseTo(prev - st.broken / 20, 10);
      prev = st.robustAccuracyAfter;
    }
    expect(report.robustAccuracy).toBe(prev);
    expect(report.outcome.filter((o) => o === "robust").length).toBe(Math.round(prev * 20));
    expect(report.robustAccuracy).toBeLessThan(report.cleanAccuracy);
    // final predictions agree with the returned images
    const pred = tf.tidy(() => tf.argMax(model(xAdv), 1).dataSync() as Int32Array);
    report.outcome.forEach((o, i) => {
      expect(pred[i]).toBe(report.predAdv[i]);
      expect(pred[i] === y[i]).toBe(o === "robust");
    });
    expect(report.maxPerturbation).toBeLessThanOrEqual(0.03 + 1e-6);
    expect(() => JSON.stringify(report)).not.toThrow();
    xAdv.dispose();
    x.dispose();
  });

  it("the sanity checks warn: softmax outputs, randomised model, Square beating white-box", async () => {
    const { x, y } = selfLabelled(model, 6, dims, 4);
    const warnings: string[] = [];
    const soft: LogitsFn = (xi) => tf.tidy(() => tf.softmax(model(xi)));
    const r1 = await autoAttack(soft, x, y, { version: "custom", attacks: ["fgsm"], eps: imageEps(0.01), onWarning: (m) => warnings.push(m) });
    expect(warnings.some((w) => w.includes("probability"))).toBe(true);
    const rng = new Rng(1);
    const noisy: LogitsFn = (xi) => tf.tidy(() => tf.add(model(xi), tf.tensor1d([rng.next(), 0, 0, 0, 0, 0, 0, 0, 0, 0])));
    const r2 = await autoAttack(noisy, x, y, { version: "custom", attacks: ["fgsm"], eps: imageEps(0.01), onWarning: (m) => warnings.push(m) });
    expect(warnings.some((w) => w.includes("randomized"))).toBe(true);
    expect(checkSquareSr({ clean: 0.9, "apgd-ce": 0.5, square: 0.45 })).toMatch(/Square/);
    expect(checkSquareSr({ clean: 0.9, "apgd-ce": 0.5, square: 0.5 })).toBeUndefined();
    r1.xAdv.dispose();
    r2.xAdv.dispose();
    x.dispose();
  });

  it("paper preset: σ adds the seeded noise σ/2·N(0, I) on the image scale once per image; eps 4/255", async () => {
    const n = 8;
    const { x, y } = selfLabelled(model, n, dims, 8);
    const xs = Float32Array.from(x.dataSync());
    const sigma = modelEps(0.4);
    const options: AutoAttackOptions = { version: "paper", seed: 3, attacks: ["apgd-ce"], attackOptions: { "apgd-ce": { steps: 2 } }, checks: false, onWarning: () => {} };
    const noisy = await autoAttack(model, x, y, { ...options, sigma });
    const clean = await autoAttack(model, x, y, options);
    expect(noisy.report.eps).toBe(PAPER_EPS);
    expect(noisy.report.eps).toBeCloseTo(4 / 255, 15);
    expect(noisy.report.sigma).toBe(sigma);
    const noise = new Rng(3).fork("paper-noise").normalArray(xs.length, 0, sigma / 2);
    const xNoisy = Float32Array.from(xs, (v, i) => v + noise[i]!);
    // clean predictions are those of the noisy images, and differ from the noise-free run's
    const predNoisy = tf.tidy(() => Array.from(tf.argMax(model(tf.tensor4d(xNoisy, [n, ...dims])), 1).dataSync()));
    expect(noisy.report.predClean).toEqual(predNoisy);
    expect(noisy.report.predClean).not.toEqual(clean.report.predClean);
    // an image no attack broke comes back as the attacked input: x + noise, or x without σ
    const d = dims[0] * dims[1] * dims[2];
    const advNoisy = noisy.xAdv.dataSync();
    const advClean = clean.xAdv.dataSync();
    let unbroken = 0;
    for (let i = 0; i < n; i++) {
      if (noisy.report.outcome[i] !== "apgd-ce") {
        unbroken++;
        expect(Array.from(advNoisy.subarray(i * d, i * d + d))).toEqual(Array.from(xNoisy.subarray(i * d, i * d + d)));
      }
      if (clean.report.outcome[i] !== "apgd-ce") expect(Array.from(advClean.subarray(i * d, i * d + d))).toEqual(Array.from(xs.subarray(i * d, i * d + d)));
    }
    expect(unbroken).toBeGreaterThan(0);
    tf.dispose([noisy.xAdv, clean.xAdv, x]);
  });

  it("paper preset: FAB-T in the official box (model-01) keeps its iterates in [0.5, 1] and breaks nothing; in [0, 1] (valid) it breaks images", async () => {
    const n = 8;
    const { x, y } = selfLabelled(model, n, dims, 12);
    const xs = Float32Array.from(x.dataSync());
    const d = dims[0] * dims[1] * dims[2];
    const rows = Array.from({ length: n }, (_, i) => xs.subarray(i * d, i * d + d));
    /** Every image the model saw that is not a clean one, with the clean image it is closest to (l1). */
    const run = async (fabBox: "model-01" | "valid"): Promise<{ broken: number; iterates: [Float32Array, Float32Array][] }> => {
      const iterates: [Float32Array, Float32Array][] = [];
      const recording: LogitsFn = (xi) => {
        const v = xi.dataSync();
        for (let r = 0; r < xi.shape[0]; r++) {
          const row = Float32Array.from(v.subarray(r * d, r * d + d));
          const dist = rows.map((c) => c.reduce((m, cv, i) => m + Math.abs(cv - row[i]!), 0));
          const nearest = dist.indexOf(Math.min(...dist));
          if (dist[nearest]! > 0) iterates.push([row, rows[nearest]!]);
        }
        return model(xi);
      };
      const r = await autoAttack(recording, x, y, { version: "paper", fabBox, eps: imageEps(0.1), attacks: ["fab-t"], attackOptions: { "fab-t": { steps: 10, targetClasses: 3 } }, checks: false, onWarning: () => {} });
      r.xAdv.dispose();
      return { broken: r.report.stages[0]!.broken, iterates };
    };
    // below the box's 0.5: a FAB iterate in [0, 1] that left the official box (FAB's step back
    // towards x, x1 = x + β(x1 - x), may bring a clamped iterate only back to x itself)
    const belowBox = (row: Float32Array, clean: Float32Array): boolean => row.some((v, i) => v < Math.min(clean[i]!, 0.5) || v > 1);
    const official = await run("model-01");
    expect(official.iterates.length).toBeGreaterThan(0);
    expect(official.iterates.filter(([row, clean]) => belowBox(row, clean)).length).toBe(0);
    expect(official.broken).toBe(0); // pixels below 0.4 are clamped further than eps from x: every candidate is rejected (spec 7.8)
    const valid = await run("valid");
    expect(valid.iterates.filter(([row, clean]) => belowBox(row, clean)).length).toBeGreaterThan(0);
    expect(valid.broken).toBeGreaterThan(0);
    x.dispose();
  });
});

describe("bad input (issue 3)", () => {
  it("throws clear errors before any work", async () => {
    const { x, y } = selfLabelled(model, 4, dims, 1);
    const eps = imageEps(0.1);
    await expect(runAttack("pgd", model, x, y, { eps: imageEps(0) })).rejects.toThrow(/eps/);
    await expect(runAttack("pgd", model, x, y, { eps: imageEps(1) })).rejects.toThrow(/eps/);
    await expect(runAttack("nope", model, x, y, { eps })).rejects.toThrow(/unknown attack 'nope'/);
    await expect(autoAttack(model, x, y, { version: "bogus" as "standard" })).rejects.toThrow(/unknown AutoAttack version/);
    const big = tf.mul(x, 2) as tf.Tensor4D;
    await expect(runAttack("pgd", model, big, y, { eps })).rejects.toThrow(/images must lie in \[0, 1\]/);
    const r3 = tf.squeeze(tf.slice(x, [0, 0, 0, 0], [1, 8, 8, 3]), [0]);
    await expect(runAttack("pgd", model, r3 as unknown as tf.Tensor4D, y, { eps })).rejects.toThrow(/rank 4/);
    await expect(runAttack("pgd", model, x, Int32Array.of(0, 1, 2, 10), { eps })).rejects.toThrow(/labels\[3\] = 10 is out of range/);
    await expect(runAttack("pgd", model, x, Int32Array.of(0, 1), { eps })).rejects.toThrow(/labels has 2 entries/);
    const nan: LogitsFn = (xi) => tf.tidy(() => tf.mul(model(xi), NaN));
    await expect(runAttack("pgd", nan, x, y, { eps })).rejects.toThrow(/non-finite logit/);
    await expect(runAttack("square", model, x, y, { eps, norm: "l2" })).rejects.toThrow(/attack 'square' supports norm 'linf' only/);
    await expect(autoAttack(model, x, y, { norm: "l2", eps })).rejects.toThrow(/norm 'l2' is supported by fgsm, pgd, apgd-ce, apgd-dlr, apgd-t only; 'fab-t, square' is not/);
    await expect(autoAttack(model, x, y, { version: "paper", sigma: -1 as ModelEps })).rejects.toThrow(/sigma must be/);
    for (const t of [big, r3, x]) t.dispose();
  });
});

describe("memory", () => {
  it("tf.memory().numTensors stays flat across repeated attacks and ensembles", async () => {
    const { x, y } = selfLabelled(model, 6, dims, 2);
    const run = async (): Promise<void> => {
      for (const name of ["fgsm", "pgd", "apgd-ce", "apgd-t", "fab-t", "square"]) {
        const r = await runAttack(name, model, x, y, { eps: imageEps(0.03), steps: 3, queries: 3, targetClasses: 2, batchSize: 4 });
        r.xAdv.dispose();
      }
      const a = await autoAttack(model, x, y, { version: "custom", attacks: ["apgd-ce", "square"], eps: imageEps(0.03), batchSize: 4, attackOptions: { "apgd-ce": { steps: 3 }, square: { queries: 5 } }, onWarning: () => {} });
      a.xAdv.dispose();
    };
    await run();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) await run();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it("same seed gives the same PGD result; another seed differs", async () => {
    const { x, y } = selfLabelled(model, 4, dims, 3);
    const eps = imageEps(0.03);
    const a = await runAttack("pgd20", model, x, y, { eps, seed: 1 });
    const b = await runAttack("pgd20", model, x, y, { eps, seed: 1 });
    const c = await runAttack("pgd20", model, x, y, { eps, seed: 2 });
    expect(Array.from(a.xAdv.dataSync())).toEqual(Array.from(b.xAdv.dataSync()));
    expect(Array.from(a.xAdv.dataSync())).not.toEqual(Array.from(c.xAdv.dataSync()));
    for (const r of [a, b, c]) r.xAdv.dispose();
    x.dispose();
  });
});
