// Parity with the official samplers: shared/vectors/steps (vectors README sections 5, 6.1-6.4).
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend, modelEps, Rng } from "@ebjdat/runtime";
import { pgdStart, pgdStep } from "@ebjdat/attacks";
import { fractionWithin, loadVectors, maxAbsRelError, relL2Error, sharedPath, tensorOf } from "@ebjdat/testing";
import type { RawTensor } from "@ebjdat/formats";
import { loadModel } from "@ebjdat/models";
import { advObjectiveTerms, advSample, advStepRule } from "./adversarial";
import { chainStep } from "./chain";
import { samplerConfig } from "./config";
import { sgldUpdate, pyldUpdate } from "./langevin";
import { chainGradient } from "./objective";
import { ReplayBuffer } from "./replay-buffer";
import type { NetLogitsFn } from "@ebjdat/runtime";

// Tolerances: vectors README section 5 (never loosened).
const TOL_STORED = 1e-6; // update rules applied to stored gradients/draws: max abs
const TOL_SCALAR = 1e-4; // loss-term scalars: max abs / (1 + max|ref|)
const TOL_GRAD = 1e-3; // input gradients: rel L2
const TOL_RUNNING = 1e-5; // BN running statistics: rel L2

beforeAll(async () => {
  await initBackend({ quiet: true });
});

function t4(v: Map<string, RawTensor>, k: string): tf.Tensor4D {
  const r = v.get(k);
  if (!r) throw new Error(`vector ${k} missing`);
  return tensorOf(r) as tf.Tensor4D;
}

function maxAbs(a: tf.Tensor, b: tf.Tensor | RawTensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b instanceof tf.Tensor ? b : tensorOf(b)))).dataSync()[0]!);
}

async function netFn(file: string): Promise<{ fn: NetLogitsFn; dispose: () => void; stateDict: () => Map<string, RawTensor> }> {
  const { model } = await loadModel(sharedPath("vectors", "models", file));
  return { fn: (x, mode) => model.netLogits(x, mode), dispose: () => model.dispose(), stateDict: () => model.stateDict() };
}

describe("6.1 jem_sgld_step (JEM SGLD, eval mode)", () => {
  let v: Map<string, RawTensor>;
  beforeAll(() => {
    v = loadVectors("vectors/steps/jem_sgld_step.safetensors").tensors;
  });

  it("draw composition and re-init decision reproduce x0; write-back keeps the last write", () => {
    const buffer = ReplayBuffer.fromTensor(t4(v, "replay_buffer"));
    const inds = Int32Array.from(v.get("draw.inds")!.data as Int32Array);
    const chooseRand = v.get("draw.choose_rand")!.data as Float32Array;
    const choose = v.get("choose_random")!.data as Int32Array;
    for (let i = 0; i < 4; i++) expect(chooseRand[i]! < 0.05 ? 1 : 0).toBe(choose[i]);
    const x0 = tf.tidy(() => {
      const g = buffer.gather(inds);
      const c = tf.reshape(tf.tensor1d(Float32Array.from(choose)), [4, 1, 1, 1]);
      return tf.add(tf.mul(c, t4(v, "draw.random_samples")), tf.mul(tf.sub(1, c), g));
    });
    expect(maxAbs(x0, v.get("x0")!)).toBeLessThanOrEqual(TOL_STORED);
    buffer.writeBack(inds, t4(v, "x1"));
    const d = 32 * 32 * 3;
    const x1 = v.get("x1")!.data as Float32Array;
    const last = new Map<number, number>();
    inds.forEach((r, i) => last.set(r, i));
    for (const [r, i] of last) expect(buffer.data.subarray(r * d, (r + 1) * d)).toEqual(x1.subarray(i * d, (i + 1) * d));
    x0.dispose();
  });

  it("update rule on stored f_prime and noise gives x1 (max abs <= 1e-6)", () => {
    const cfg = samplerConfig("jem");
    const x1 = tf.tidy(() => sgldUpdate(t4(v, "x0"), t4(v, "f_prime"), t4(v, "draw.noise"), cfg));
    expect(maxAbs(x1, v.get("x1")!)).toBeLessThanOrEqual(TOL_STORED);
    x1.dispose();
  });

  it("own gradient: f_prime (rel L2 <= 1e-3) and the displacement x1 - x0", async () => {
    const net = await netFn("jem_wrn16_2_none.pt");
    const x0 = t4(v, "x0");
    const g = chainGradient(net.fn, x0, "eval");
    expect(relL2Error(g, v.get("f_prime")!)).toBeLessThanOrEqual(TOL_GRAD);
    const x1 = tf.tidy(() => sgldUpdate(x0, g, t4(v, "draw.noise"), samplerConfig("jem")));
    const disp = tf.tidy(() => tf.sub(x1, x0));
    const refDisp = tf.tidy(() => tf.sub(t4(v, "x1"), x0));
    expect(relL2Error(disp, refDisp)).toBeLessThanOrEqual(TOL_GRAD);
    tf.dispose([x0, g, x1, disp, refDisp]);
    net.dispose();
  });
});

describe("6.2 jempp_pyld_step (JEM++ PYLD, train mode)", () => {
  let v: Map<string, RawTensor>;
  beforeAll(() => {
    v = loadVectors("vectors/steps/jempp_pyld_step.safetensors").tensors;
  });

  it("inner steps on the stored eta give x_inner1 and x1 (max abs <= 1e-6)", () => {
    const cfg = samplerConfig("jempp");
    let inner1: tf.Tensor4D | undefined;
    const inners: tf.Tensor4D[] = [];
    const x1 = tf.tidy(() =>
      pyldUpdate(t4(v, "x0"), t4(v, "eta"), null, { ...cfg }, (k, z) => {
        inners.push(z);
        if (k === 0) inner1 = z;
      }),
    );
    expect(inners.length).toBe(5);
    expect(maxAbs(inner1!, v.get("x_inner1")!)).toBeLessThanOrEqual(TOL_STORED);
    expect(maxAbs(x1, v.get("x1")!)).toBeLessThanOrEqual(TOL_STORED);
    tf.dispose([x1, ...inners]);
  });

  it("own step: eta (rel L2 <= 1e-3), displacement x1 - x0 (rel L2 <= 1e-3), bn1 running stats after one train forward (<= 1e-5)", async () => {
    const net = await netFn("jempp_yopo_wrn10_1_bn_c100.safetensors");
    const x0 = t4(v, "x0");
    const g = chainGradient(net.fn, x0, "train");
    expect(relL2Error(g, v.get("eta")!)).toBeLessThanOrEqual(TOL_GRAD);
    g.dispose();
    const net2 = await netFn("jempp_yopo_wrn10_1_bn_c100.safetensors");
    const x1 = chainStep(net2.fn, x0, samplerConfig("jempp", { nSteps: 1 }), new Rng(1));
    const disp = tf.tidy(() => tf.sub(x1, x0));
    const refDisp = tf.tidy(() => tf.sub(t4(v, "x1"), x0));
    expect(relL2Error(disp, refDisp)).toBeLessThanOrEqual(TOL_GRAD);
    const sd = net2.stateDict();
    for (const k of ["running_mean", "running_var"]) {
      expect(relL2Error(sd.get(`f.bn1.${k}`)!, v.get(`after_sampling.f.bn1.${k}`)!)).toBeLessThanOrEqual(TOL_RUNNING);
    }
    tf.dispose([x0, x1, disp, refDisp]);
    net.dispose();
    net2.dispose();
  });
});

describe("6.3 sadajem_sgld_step (SADA-JEM, train mode)", () => {
  let v: Map<string, RawTensor>;
  beforeAll(() => {
    v = loadVectors("vectors/steps/sadajem_sgld_step.safetensors").tensors;
  });

  it("update rule on the stored eta gives x1 (max abs <= 1e-6)", () => {
    const x1 = tf.tidy(() => sgldUpdate(t4(v, "x0"), t4(v, "eta"), null, samplerConfig("sadajem")));
    expect(maxAbs(x1, v.get("x1")!)).toBeLessThanOrEqual(TOL_STORED);
    x1.dispose();
  });

  it("own gradient: eta (rel L2 <= 1e-3) and the displacement of one step (rel L2 <= 1e-3)", async () => {
    const net = await netFn("sadajem_wrn16_2_bn.pt");
    const x0 = t4(v, "x0");
    const g = chainGradient(net.fn, x0, "train");
    expect(relL2Error(g, v.get("eta")!)).toBeLessThanOrEqual(TOL_GRAD);
    const x1 = tf.tidy(() => sgldUpdate(x0, g, null, samplerConfig("sadajem")));
    const disp = tf.tidy(() => tf.sub(x1, x0));
    const refDisp = tf.tidy(() => tf.sub(t4(v, "x1"), x0));
    expect(relL2Error(disp, refDisp)).toBeLessThanOrEqual(TOL_GRAD);
    tf.dispose([x0, g, x1, disp, refDisp]);
    net.dispose();
  });
});

// The 5-step check runs on the small WRN-10-1 model only (the WRN-16-2 ones cost ~10 s per
// step on a 2-core CPU); the one-step checks cover all three.
const XADV: { variant: string; model: string; fiveSteps: boolean }[] = [
  { variant: "jem", model: "jem_wrn16_2_none.pt", fiveSteps: false },
  { variant: "jempp", model: "jempp_yopo_wrn10_1_bn_c100.safetensors", fiveSteps: true },
  { variant: "sadajem", model: "sadajem_wrn16_2_bn.pt", fiveSteps: false },
];

for (const c of XADV) {
  describe(`6.4 ${c.variant}_xadv_step (EB-JDAT sampleXadv, mode 'code', eval)`, () => {
    let v: Map<string, RawTensor>;
    const alpha = modelEps(2 / 255);
    const eps = modelEps(8 / 255);
    const arr = (t: tf.Tensor): Float32Array => Float32Array.from(t.dataSync() as Float32Array);
    // the sampler's random start and its `code` step rule, through the PGD core of @ebjdat/attacks
    const rule = (): ReturnType<typeof advStepRule> => advStepRule({ mode: "code", alpha, eps });
    const advStart = (x: tf.Tensor4D, u: tf.Tensor4D): tf.Tensor4D => tf.tensor4d(pgdStart(arr(x), arr(u), rule().box), x.shape);
    const advUpdate = (xa: tf.Tensor4D, g: tf.Tensor4D, x: tf.Tensor4D): tf.Tensor4D => tf.tensor4d(pgdStep(arr(xa), arr(x), arr(g), rule(), x.size / x.shape[0]), x.shape);
    beforeAll(() => {
      v = loadVectors(`vectors/steps/${c.variant}_xadv_step.safetensors`).tensors;
    });

    it("random start and one sign step on the stored draws (max abs <= 1e-6)", () => {
      const x = t4(v, "x");
      const xa0 = advStart(x, t4(v, "draw.uniform"));
      expect(maxAbs(xa0, v.get("x_adv0")!)).toBeLessThanOrEqual(TOL_STORED);
      const xa1 = tf.tidy(() => advUpdate(t4(v, "x_adv0"), t4(v, "step1.f_prime"), x));
      expect(maxAbs(xa1, v.get("x_adv1")!)).toBeLessThanOrEqual(TOL_STORED);
      tf.dispose([x, xa0, xa1]);
    });

    it(`own model: objective terms, gradient, x_adv1${c.fiveSteps ? " and x_adv5" : ""} within the README tolerances`, async () => {
      const net = await netFn(c.model);
      const x = t4(v, "x");
      const xa0 = t4(v, "x_adv0");
      const y = Array.from(v.get("y")!.data as Int32Array);
      // per sub-batch of 2: energy_sum = Σ f(x̃)[y], p_loss = Σ ‖n(f(x)) - n(f(x̃))‖²
      const terms = advObjectiveTerms(net.fn, x, xa0, y, { mode: "code" });
      const main = terms.main.dataSync();
      const per = terms.perception.dataSync();
      const eSum = [main[0]! + main[1]!, main[2]! + main[3]!];
      const pSum = [per[0]! + per[1]!, per[2]! + per[3]!];
      expect(maxAbsRelError(eSum, v.get("step1.energy_sum")!)).toBeLessThanOrEqual(TOL_SCALAR);
      expect(maxAbsRelError(pSum, v.get("step1.p_loss")!)).toBeLessThanOrEqual(TOL_SCALAR);
      tf.dispose([terms.main, terms.perception]);
      const g = tf.grad((z: tf.Tensor) => {
        const t = advObjectiveTerms(net.fn, x, z as tf.Tensor4D, y, { mode: "code" });
        return tf.add(tf.sum(t.main), tf.sum(t.perception));
      })(xa0);
      expect(relL2Error(g, v.get("step1.f_prime")!)).toBeLessThanOrEqual(TOL_GRAD);
      // one step with the own gradient: >= 99.9% within 1e-6, the rest differ by one sign step
      const xa1 = advUpdate(xa0, g as tf.Tensor4D, x);
      g.dispose();
      const ref1 = v.get("x_adv1")!;
      expect(fractionWithin(xa1, ref1, 1e-6)).toBeGreaterThanOrEqual(0.999);
      expect(maxAbs(xa1, ref1)).toBeLessThanOrEqual(2 * alpha + 1e-6);
      if (c.fiveSteps) {
        // advSample itself, five steps: >= 99% within 1e-5, all inside |x̃ - x| <= 18/255 and [-1, 1]
        const xa5 = advSample(net.fn, x, y, new Rng(1), { mode: "code", steps: 5, start: xa0 });
        expect(fractionWithin(xa5, v.get("x_adv5")!, 1e-5)).toBeGreaterThanOrEqual(0.99);
        expect(maxAbs(xa5, x)).toBeLessThanOrEqual(eps + 5 * alpha + 1e-6);
        expect(tf.tidy(() => tf.max(tf.abs(xa5)).dataSync()[0]!)).toBeLessThanOrEqual(1);
        xa5.dispose();
      }
      tf.dispose([x, xa0, xa1]);
      net.dispose();
    });
  });
}
