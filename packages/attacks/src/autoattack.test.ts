import * as tf from "@tensorflow/tfjs-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initBackend, Rng, type LogitsFn } from "@ebjdat/runtime";
import { autoAttack, ensembleFor } from "./autoattack";
import { checkSquareSr } from "./checks";
import { runAttack } from "./runAttack";
import { selfLabelled, tinyConvModel } from "./test-helpers";

let model: LogitsFn;
let vars: tf.Tensor[] = [];
beforeAll(async () => {
  await initBackend({ quiet: true });
  ({ model, vars } = tinyConvModel(5));
});
afterAll(() => vars.forEach((v) => v.dispose()));

const dims: [number, number, number] = [8, 8, 3];

describe("AutoAttack ensembles (spec 7.6, 7.9)", () => {
  it("versions list the official attacks and settings", () => {
    expect(ensembleFor("standard").map((e) => e.attack)).toEqual(["apgd-ce", "apgd-t", "fab-t", "square"]);
    expect(ensembleFor("plus").map((e) => e.attack)).toEqual(["apgd-ce", "apgd-dlr", "fab", "square", "apgd-t", "fab-t"]);
    expect(ensembleFor("rand").every((e) => e.options.eotIter === 20)).toBe(true);
    const paper = ensembleFor("paper");
    expect(paper.map((e) => e.attack)).toEqual(["apgd-ce", "apgd-dlr", "fab-t", "square"]);
    expect(paper[2]!.options.fabBox).toEqual([0.5, 1]);
    expect(paper[3]!.options.rescaleSchedule).toBe(true);
    expect(ensembleFor("paper", undefined, "valid")[2]!.options.fabBox).toBeUndefined();
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
      eps: 0.03,
      batchSize: 8,
      seed: 2,
      attackOptions: { "apgd-ce": { steps: 8 }, "apgd-t": { steps: 4, targetClasses: 2 }, "fab-t": { steps: 4, targetClasses: 2 }, square: { steps: 30 } },
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
    const r1 = await autoAttack(soft, x, y, { version: "custom", attacks: ["fgsm"], eps: 0.01, onWarning: (m) => warnings.push(m) });
    expect(warnings.some((w) => w.includes("probability"))).toBe(true);
    const rng = new Rng(1);
    const noisy: LogitsFn = (xi) => tf.tidy(() => tf.add(model(xi), tf.tensor1d([rng.next(), 0, 0, 0, 0, 0, 0, 0, 0, 0])));
    const r2 = await autoAttack(noisy, x, y, { version: "custom", attacks: ["fgsm"], eps: 0.01, onWarning: (m) => warnings.push(m) });
    expect(warnings.some((w) => w.includes("randomized"))).toBe(true);
    expect(checkSquareSr({ clean: 0.9, "apgd-ce": 0.5, square: 0.45 })).toMatch(/Square/);
    expect(checkSquareSr({ clean: 0.9, "apgd-ce": 0.5, square: 0.5 })).toBeUndefined();
    r1.xAdv.dispose();
    r2.xAdv.dispose();
    x.dispose();
  });

  it("paper preset: eps 4/255, noise σ/2 on the API scale, FAB box [0.5, 1]", async () => {
    const { x, y } = selfLabelled(model, 6, dims, 8);
    const { report, xAdv } = await autoAttack(model, x, y, {
      version: "paper",
      sigma: 0.03,
      attackOptions: { "apgd-ce": { steps: 4 }, "apgd-dlr": { steps: 4 }, "fab-t": { steps: 2, targetClasses: 2 }, square: { steps: 10 } },
      onWarning: () => {},
    });
    expect(report.eps).toBeCloseTo(4 / 255, 12);
    expect(report.sigma).toBe(0.03);
    expect(report.attacks).toEqual(["apgd-ce", "apgd-dlr", "fab-t", "square"]);
    xAdv.dispose();
    x.dispose();
  });
});

describe("bad input (issue 3)", () => {
  it("throws clear errors before any work", async () => {
    const { x, y } = selfLabelled(model, 4, dims, 1);
    await expect(runAttack("pgd", model, x, y, { eps: 0 })).rejects.toThrow(/eps/);
    await expect(runAttack("pgd", model, x, y, { eps: 1 })).rejects.toThrow(/eps/);
    await expect(runAttack("nope", model, x, y, { eps: 0.1 })).rejects.toThrow(/unknown attack 'nope'/);
    await expect(autoAttack(model, x, y, { version: "bogus" as "standard" })).rejects.toThrow(/unknown AutoAttack version/);
    const big = tf.mul(x, 2) as tf.Tensor4D;
    await expect(runAttack("pgd", model, big, y, { eps: 0.1 })).rejects.toThrow(/images must lie in \[0, 1\]/);
    const r3 = tf.squeeze(tf.slice(x, [0, 0, 0, 0], [1, 8, 8, 3]), [0]);
    await expect(runAttack("pgd", model, r3 as unknown as tf.Tensor4D, y, { eps: 0.1 })).rejects.toThrow(/rank 4/);
    await expect(runAttack("pgd", model, x, Int32Array.of(0, 1, 2, 10), { eps: 0.1 })).rejects.toThrow(/labels\[3\] = 10 is out of range/);
    await expect(runAttack("pgd", model, x, Int32Array.of(0, 1), { eps: 0.1 })).rejects.toThrow(/labels has 2 entries/);
    const nan: LogitsFn = (xi) => tf.tidy(() => tf.mul(model(xi), NaN));
    await expect(runAttack("pgd", nan, x, y, { eps: 0.1 })).rejects.toThrow(/non-finite logit/);
    await expect(runAttack("square", model, x, y, { eps: 0.1, norm: "l2" })).rejects.toThrow(/linf/);
    for (const t of [big, r3, x]) t.dispose();
  });
});

describe("memory", () => {
  it("tf.memory().numTensors stays flat across repeated attacks and ensembles", async () => {
    const { x, y } = selfLabelled(model, 6, dims, 2);
    const run = async (): Promise<void> => {
      for (const name of ["fgsm", "pgd", "apgd-ce", "apgd-t", "fab-t", "square"]) {
        const r = await runAttack(name, model, x, y, { eps: 0.03, steps: 3, targetClasses: 2, batchSize: 4 });
        r.xAdv.dispose();
      }
      const a = await autoAttack(model, x, y, { version: "custom", attacks: ["apgd-ce", "square"], eps: 0.03, batchSize: 4, attackOptions: { "apgd-ce": { steps: 3 }, square: { steps: 5 } }, onWarning: () => {} });
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
    const a = await runAttack("pgd20", model, x, y, { eps: 0.03, seed: 1 });
    const b = await runAttack("pgd20", model, x, y, { eps: 0.03, seed: 1 });
    const c = await runAttack("pgd20", model, x, y, { eps: 0.03, seed: 2 });
    expect(Array.from(a.xAdv.dataSync())).toEqual(Array.from(b.xAdv.dataSync()));
    expect(Array.from(a.xAdv.dataSync())).not.toEqual(Array.from(c.xAdv.dataSync()));
    for (const r of [a, b, c]) r.xAdv.dispose();
    x.dispose();
  });
});
