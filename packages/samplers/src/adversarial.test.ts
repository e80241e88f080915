import * as tf from "@tensorflow/tfjs-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initBackend, modelEps, Rng } from "@ebjdat/runtime";
import { advObjectiveTerms, advSample, advStepRule, type AdvSamplerMode } from "./adversarial";
import { tinyConvNet } from "./fixtures/models";

let net: ReturnType<typeof tinyConvNet>;
beforeAll(async () => {
  await initBackend({ quiet: true });
  net = tinyConvNet(21, 3, 6, 5);
});
afterAll(() => net.dispose());

const y = [0, 1, 2, 3, 4, 0];

function objective(mode: AdvSamplerMode, x: tf.Tensor4D, xa: tf.Tensor4D, opts: { energy?: "marginal" | "joint" } = {}): Float32Array {
  const t = advObjectiveTerms(net.fn, x, xa, y, { mode, ...opts });
  const j = tf.tidy(() => tf.add(t.main, t.perception).dataSync() as Float32Array);
  tf.dispose([t.main, t.perception]);
  return j;
}

describe("EB-JDAT adversarial sampler", () => {
  const cases: { mode: AdvSamplerMode; energy?: "marginal" | "joint" }[] = [
    { mode: "code" },
    { mode: "code-ce" },
    { mode: "paper" },
    { mode: "paper", energy: "joint" },
    { mode: "pgd-ce" },
  ];
  for (const c of cases) {
    it(`${c.mode}${c.energy ? "/" + c.energy : ""}: one small sign step raises exactly the documented objective of every sample`, () => {
      const rng = new Rng(1);
      const x = rng.uniform<tf.Rank.R4>([6, 6, 6, 3], -0.8, 0.8);
      const start = tf.tidy(() => tf.add(x, rng.uniform<tf.Rank.R4>(x.shape, -0.03, 0.03)) as tf.Tensor4D);
      const x1 = advSample(net.fn, x, y, rng, { mode: c.mode, energy: c.energy, steps: 1, alpha: modelEps(1e-3), start });
      const j0 = objective(c.mode, x, start, c);
      const j1 = objective(c.mode, x, x1, c);
      for (let i = 0; i < y.length; i++) expect(j1[i]!).toBeGreaterThan(j0[i]!);
      tf.dispose([x, start, x1]);
    });
  }

  it("code lowers the joint energy E(x̃, y); paper raises the marginal energy E(x̃)", () => {
    const rng = new Rng(2);
    const x = rng.uniform<tf.Rank.R4>([6, 6, 6, 3], -0.8, 0.8);
    const e = (xa: tf.Tensor4D, kind: "joint" | "marginal"): number =>
      tf.tidy(() => {
        const l = net.fn(xa, "eval");
        const v = kind === "joint" ? tf.neg(tf.sum(tf.mul(l, tf.oneHot(tf.tensor1d(y, "int32"), 5)))) : tf.neg(tf.sum(tf.logSumExp(l, 1)));
        return v.dataSync()[0]!;
      });
    const code = advSample(net.fn, x, y, new Rng(3), { mode: "code", alpha: modelEps(0.01), eps: modelEps(0) });
    const paper = advSample(net.fn, x, null, new Rng(3), { mode: "paper", alpha: modelEps(0.01), eps: modelEps(0.05) });
    expect(e(code, "joint")).toBeLessThan(e(x, "joint"));
    expect(e(paper, "marginal")).toBeGreaterThan(e(x, "marginal"));
    tf.dispose([x, code, paper]);
  });

  it("with projection no sample leaves B∞(x, ε) ∩ [-1, 1]; without it (code) the distance reaches ε + Kα", () => {
    const rng = new Rng(4);
    // half the pixels near the box boundary
    const x = tf.tidy(() => tf.clipByValue(tf.mul(rng.uniform<tf.Rank.R4>([6, 6, 6, 3], -1, 1), 1.3), -1, 1) as tf.Tensor4D);
    const eps = modelEps(8 / 255);
    for (const mode of ["paper", "pgd-ce", "code"] as const) {
      const xa = advSample(net.fn, x, y, new Rng(5), { mode, eps, alpha: modelEps(0.02), steps: 6, ...(mode === "code" ? {} : { noiseStd: modelEps(0) }) });
      const dist = tf.tidy(() => tf.max(tf.abs(tf.sub(xa, x))).dataSync()[0]!);
      const lo = tf.tidy(() => tf.min(xa).dataSync()[0]!);
      const hi = tf.tidy(() => tf.max(xa).dataSync()[0]!);
      expect(lo).toBeGreaterThanOrEqual(-1);
      expect(hi).toBeLessThanOrEqual(1);
      if (mode === "code") {
        expect(dist).toBeGreaterThan(eps + 0.02);
        expect(dist).toBeLessThanOrEqual(eps + 6 * 0.02 + 1e-6);
      } else {
        expect(dist).toBeLessThanOrEqual(eps + 1e-6);
      }
      xa.dispose();
    }
    const noisy = advSample(net.fn, x, null, new Rng(5), { mode: "paper", eps, alpha: modelEps(0.02), noiseStd: modelEps(0.1) });
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(noisy, x))).dataSync()[0]!)).toBeLessThanOrEqual(eps + 1e-6);
    tf.dispose([x, noisy]);
  });

  it("each mode runs the PGD core with its rule: official ε 8/255, α 2/255 (model space), projection per mode, the clamp range", () => {
    expect(advStepRule({ mode: "code" })).toEqual({ stepSize: 2 / 255, eps: 8 / 255, norm: "linf", project: false, box: [-1, 1], linfProjection: "bounds", noiseStd: 0 });
    expect(advStepRule({ mode: "code-ce" }).project).toBe(false);
    expect(advStepRule({ mode: "paper" }).project).toBe(true);
    expect(advStepRule({ mode: "pgd-ce" }).project).toBe(true);
    expect(advStepRule({ mode: "code", project: true, clampRange: null, noiseStd: undefined })).toMatchObject({ project: true, box: null });
    expect(advStepRule({ mode: "paper", noiseStd: modelEps(0.01) }).noiseStd).toBe(0.01);
    expect(() => advStepRule({ mode: "paper", eps: -1 as ReturnType<typeof modelEps> })).toThrow(/eps must be >= 0/);
  });

  it("runs in BN eval mode by default, is deterministic and validates its input", () => {
    const x = new Rng(6).uniform<tf.Rank.R4>([6, 6, 6, 3], -1, 1);
    net.modes.length = 0;
    const a = advSample(net.fn, x, y, new Rng(7), { mode: "code" });
    expect(net.modes.length).toBeGreaterThan(0);
    expect(net.modes.every((m) => m === "eval")).toBe(true);
    const b = advSample(net.fn, x, y, new Rng(7), { mode: "code" });
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    expect(() => advSample(net.fn, x, null, new Rng(7), { mode: "code" })).toThrow(/needs labels/);
    expect(() => advSample(net.fn, x, y, new Rng(7), { mode: "code", noiseStd: modelEps(0.1) })).toThrow(/paper/);
    tf.dispose([x, a, b]);
  });

  it("does not leak tensors", () => {
    const x = new Rng(8).uniform<tf.Rank.R4>([6, 6, 6, 3], -1, 1);
    const run = (): void => {
      for (const mode of ["code", "code-ce", "paper", "pgd-ce"] as const) tf.dispose(advSample(net.fn, x, y, new Rng(1), { mode, steps: 2, noiseStd: modelEps(mode === "paper" ? 0.01 : 0) }));
    };
    run();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 10; i++) run();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
