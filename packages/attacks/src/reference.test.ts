// Reduced checks against the official fra31/auto-attack results on the adversarially trained
// WRN-16-2 (shared/vectors/autoattack/README.md). The full comparison is tools/src/attacks/reference.ts
// (`pnpm --filter @ebjdat/tools attacks:reference`).
import { readFileSync } from "node:fs";
import * as tf from "@tensorflow/tfjs-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initBackend, type LogitsFn } from "@ebjdat/runtime";
import { loadModel, type WideResNet } from "@ebjdat/models";
import { readCifarBinaryFile, subset, toUnitFloat } from "@ebjdat/data";
import { maxAbsRelError, readF32NchwAsNhwc, sharedPath } from "@ebjdat/testing";
import { runAttack } from "./runAttack";
import { STANDARD_EPS, STANDARD_PGD_STEP } from "./budgets";
import { argmaxRows, gatherInt, gatherRows, logitsOf } from "./modelEval";

interface Ref {
  standard: { clean_logits: number[][]; clean_acc: number; per_sample_outcome: string[]; adv_examples: { indices: number[]; official_adv_pred: number[] } };
  pgd_N: { runs: { pgd20_zeroinit: { robust: number[] } } };
}

// WRN-16-2 forward/backward passes: wasm (the default backend) runs these in ~1 min; the
// pure-JS cpu backend would take ~20 min, so there they need EBJDAT_SLOW_TESTS=1.
const slowOk = process.env.EBJDAT_BACKEND !== "cpu" || process.env.EBJDAT_SLOW_TESTS === "1";
const D = 3072;
let wrn: WideResNet;
let f: LogitsFn;
let ref: Ref;
let data: { x: Float32Array; y: Int32Array };

describe.skipIf(!slowOk)("official AutoAttack reference (subset)", () => {
  beforeAll(async () => {
    await initBackend({ quiet: true });
    ref = JSON.parse(readFileSync(sharedPath("vectors/autoattack/reference.json"), "utf8")) as Ref;
    wrn = (await loadModel(sharedPath("vectors/autoattack/model.safetensors"))).model;
    f = wrn.toLogitsFn("eval");
    const first = subset(readCifarBinaryFile(sharedPath("data/cifar10/test.bin")), Array.from({ length: 200 }, (_, i) => i));
    data = { x: toUnitFloat(first.images), y: first.labels };
  });
  afterAll(() => wrn?.dispose());

  it("clean logits and accuracy of the 200 images match the official run", () => {
    const z = new Float32Array(200 * 10);
    for (let s = 0; s < 200; s += 50) z.set(logitsOf(f, data.x.subarray(s * D, (s + 50) * D), 50, [32, 32, 3]), s * 10);
    expect(maxAbsRelError(z, ref.standard.clean_logits.flat())).toBeLessThanOrEqual(1e-4);
    const pred = argmaxRows(z, 10);
    expect(pred.reduce((a, p, i) => a + (p === data.y[i] ? 1 : 0), 0)).toBe(Math.round(ref.standard.clean_acc * 200)); // 111 = 55.5 %
  });

  it("the official adversarial images are misclassified as the official run says", () => {
    const adv = readF32NchwAsNhwc("vectors/autoattack/adv_standard.bin", [3, 32, 32]);
    const k = adv.length / D;
    const pred = argmaxRows(logitsOf(f, adv, k, [32, 32, 3]), 10);
    const mismatch = ref.standard.adv_examples.official_adv_pred.filter((p, i) => p !== pred[i]).length;
    expect(mismatch).toBeLessThanOrEqual(2);
  });

  it("PGD-20 zero start agrees per image with the official run (first 16 images)", async () => {
    const n = 16;
    const x = tf.tensor4d(data.x.subarray(0, n * D), [n, 32, 32, 3]);
    const r = await runAttack("pgd20", f, x, data.y.subarray(0, n), { eps: STANDARD_EPS, stepSize: STANDARD_PGD_STEP, randomStart: false, batchSize: 16 });
    const off = ref.pgd_N.runs.pgd20_zeroinit.robust.slice(0, n);
    expect(Array.from(r.robust).filter((v, i) => v !== off[i]).length).toBeLessThanOrEqual(1);
    x.dispose();
    r.xAdv.dispose();
  });

  it("APGD-CE (25 it.) breaks the images official APGD-CE broke; APGD-T (3 targets) those APGD-T broke", async () => {
    const o = ref.standard.per_sample_outcome;
    const ce = o.map((v, i) => (v === "apgd-ce" ? i : -1)).filter((i) => i >= 0).slice(0, 6);
    const robust = o.map((v, i) => (v === "robust" ? i : -1)).filter((i) => i >= 0).slice(0, 2);
    const idx = [...ce, ...robust];
    const x = tf.tensor4d(gatherRows(data.x, idx, D), [idx.length, 32, 32, 3]);
    const r = await runAttack("apgd-ce", f, x, gatherInt(data.y, idx), { eps: STANDARD_EPS, steps: 25, seed: 0 });
    expect(Array.from(r.robust.subarray(0, ce.length)).filter((v) => v === 0).length).toBeGreaterThanOrEqual(ce.length - 1);
    x.dispose();
    r.xAdv.dispose();
    const tIdx = o.map((v, i) => (v === "apgd-t" ? i : -1)).filter((i) => i >= 0);
    const xt = tf.tensor4d(gatherRows(data.x, tIdx, D), [tIdx.length, 32, 32, 3]);
    const rt = await runAttack("apgd-t", f, xt, gatherInt(data.y, tIdx), { eps: STANDARD_EPS, steps: 25, targetClasses: 3, seed: 0 });
    expect(Array.from(rt.robust).filter((v) => v === 0).length).toBeGreaterThanOrEqual(tIdx.length - 2);
    xt.dispose();
    rt.xAdv.dispose();
  });
});
