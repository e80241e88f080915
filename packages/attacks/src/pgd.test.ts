import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend, backendInfo, modelEps, Rng } from "@ebjdat/runtime";
import { loadVectors, fractionWithin, maxAbsRelError, relL2Error, sharedPath, valuesOf } from "@ebjdat/testing";
import { loadModel } from "@ebjdat/models";
import { pgdCore, pgdStart, pgdStep, type PgdStepRule } from "./pgd-core";
import { lossAndGrad } from "./modelEval";
import type { AttackContext, Box } from "./types";

beforeAll(async () => {
  await initBackend({ quiet: true });
});

const EPS = modelEps(8 / 255); // official model-space values (vectors README 6.5)
const ALPHA = modelEps(1 / 255);
const BOX: Box = [-1, 1];
/** torchattacks' PGD step in model space (spec 7.1): sign step, delta-form projection, clamp to [-1, 1]. */
const RULE: PgdStepRule<"model"> = { stepSize: ALPHA, eps: EPS, norm: "linf", project: true, box: BOX, linfProjection: "delta" };
const D = 32 * 32 * 3;

function maxAbs(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

for (const [file, modelFile] of [
  ["jem_pgd20", "jem_wrn16_2_none.pt"],
  ["sadajem_pgd20", "sadajem_wrn16_2_bn.pt"],
] as const) {
  describe(`official PGD-20 step vectors: ${file} (vectors README 6.5)`, () => {
    const v = loadVectors(`vectors/steps/${file}.safetensors`).tensors;
    const get = (k: string): Float32Array => Float32Array.from(valuesOf(v.get(k)!));
    const images = get("images");
    const y = Int32Array.from(valuesOf(v.get("y")!));

    it("adv0 and adv1 from the stored draws and gradient (≤ 1e-6)", () => {
      const adv0 = pgdStart(images, get("draw.uniform"), BOX);
      expect(maxAbs(adv0, get("adv0"))).toBeLessThanOrEqual(1e-6);
      const adv1 = pgdStep(get("adv0"), images, get("step1.grad"), RULE, D);
      expect(maxAbs(adv1, get("adv1"))).toBeLessThanOrEqual(1e-6);
    });

    // the WRN-16-2 passes take minutes on the pure-JS cpu backend: run them on wasm (the default)
    // The WRN-16-2 passes take minutes on the pure-JS cpu backend: they run on wasm (the default
    // backend), and on cpu only with EBJDAT_SLOW_TESTS=1.
    const slowOk = process.env.EBJDAT_BACKEND !== "cpu" || process.env.EBJDAT_SLOW_TESTS === "1";
    it.skipIf(!slowOk)("own gradient: cost, grad, adv1 and adv20 within the README tolerances", async () => {
      const { model } = await loadModel(sharedPath("vectors/models", modelFile));
      const ctx: AttackContext = { model: (x) => model.netLogits(x, "eval"), dims: [32, 32, 3], numClasses: 10, box: BOX, warn: () => {} };
      const adv0 = get("adv0");
      const lg = lossAndGrad(ctx.model, adv0, 4, ctx.dims, "ce", y, undefined, "mean");
      const cost = lg.loss.reduce((a, b) => a + b, 0) / 4;
      expect(maxAbsRelError([cost], get("step1.cost"))).toBeLessThanOrEqual(1e-4);
      expect(relL2Error(lg.grad, get("step1.grad"))).toBeLessThanOrEqual(1e-3);
      const adv1 = pgdStep(adv0, images, lg.grad, RULE, D);
      const ref1 = get("adv1");
      expect(fractionWithin(adv1, ref1, 1e-6)).toBeGreaterThanOrEqual(0.999);
      for (let i = 0; i < adv1.length; i++) {
        const diff = Math.abs(adv1[i]! - ref1[i]!);
        if (diff > 1e-6) expect(Math.abs(diff - ALPHA)).toBeLessThan(1e-6 + ALPHA); // at most one step apart
      }
      // adv20 (20 sign steps on an untrained, nearly flat model) is chaotic in the rounding. For
      // sadajem on wasm the first gradient sign flip against cpu appears at step 7, at |g| = 1.5e-8
      // (4e-4 of the rms gradient, below float32 summation noise), and the flips then cascade to
      // 98.8 % of elements within 1e-5 of the reference, below the README's 99 %; the cpu backend
      // reproduces PyTorch's adv20 on 100 % of elements. The limit is not loosened: this
      // multi-step check runs on the cpu backend whatever the default backend is.
      let iterCtx = ctx;
      let cpuModel: Awaited<ReturnType<typeof loadModel>>["model"] | undefined;
      const previous = backendInfo()?.name;
      if (file === "sadajem_pgd20" && previous !== "cpu") {
        await initBackend({ backend: "cpu", quiet: true });
        cpuModel = (await loadModel(sharedPath("vectors/models", modelFile))).model;
        iterCtx = { ...ctx, model: (x) => cpuModel!.netLogits(x, "eval") };
      }
      // the PGD core's 20 steps one at a time (each from the last iterate), yielding between steps:
      // on the cpu backend the whole loop takes ~1.5 min, longer than vitest's 60 s worker RPC
      // timeout if run in one go. Gradient of the batch-mean CE, as torchattacks (spec 7.1).
      const meanCe = (xa: Float32Array): Float32Array => lossAndGrad(iterCtx.model, xa, 4, iterCtx.dims, "ce", y, undefined, "mean").grad;
      let adv20 = adv0;
      for (let k = 0; k < 20; k++) {
        adv20 = pgdCore(images, D, meanCe, new Rng(0), { ...RULE, steps: 1, start: { kind: "given", x0: adv20 } });
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      if (cpuModel) {
        cpuModel.dispose();
        await initBackend({ backend: previous!, quiet: true });
      }
      expect(fractionWithin(adv20, get("adv20"), 1e-5)).toBeGreaterThanOrEqual(0.99);
      for (let i = 0; i < adv20.length; i++) {
        const a = adv20[i]!;
        expect(a).toBeGreaterThanOrEqual(-1);
        expect(a).toBeLessThanOrEqual(1);
        const inside = images[i]! >= -1 && images[i]! <= 1;
        if (inside) expect(Math.abs(a - images[i]!)).toBeLessThanOrEqual(EPS + 1e-6);
      }
      const z = tf.tidy(() => ctx.model(tf.tensor4d(adv20, [4, 32, 32, 3])).dataSync() as Float32Array);
      expect(maxAbsRelError(z, get("logits_adv20"))).toBeLessThanOrEqual(1e-3);
      model.dispose();
    }, 300_000); // sadajem's 20 steps on the pure-JS cpu backend take ~110 s on an idle 2-core VM
  });
}
