import * as tf from "@tensorflow/tfjs-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../backend";
import { maxAbsRelError } from "@ebjdat/testing";
import { fill } from "../test-utils";
import { nativeKernels, setNativeKernels } from "../native/addon";
import { convGradStrategy, setConvGradStrategy, type ConvGradStrategy } from "./conv2d-grad";

// Every custom wasm kernel is compared against the cpu backend's own kernels, error measured
// as max|a−r| / (1 + max|r|) ≤ 1e-4.
const TOL = 1e-4;

type Pad = "same" | "valid" | number | [[0, 0], [number, number], [number, number], [0, 0]];
interface Case {
  n: number;
  h: number;
  w: number;
  ci: number;
  co: number;
  kh: number;
  kw: number;
  s: number;
  pad: Pad;
}

const cases: Case[] = [
  { n: 2, h: 8, w: 8, ci: 3, co: 4, kh: 3, kw: 3, s: 1, pad: "same" },
  { n: 2, h: 8, w: 8, ci: 3, co: 4, kh: 3, kw: 3, s: 2, pad: "same" },
  { n: 3, h: 9, w: 9, ci: 4, co: 5, kh: 3, kw: 3, s: 2, pad: "same" },
  { n: 2, h: 8, w: 8, ci: 4, co: 6, kh: 3, kw: 3, s: 1, pad: "valid" },
  { n: 2, h: 9, w: 10, ci: 4, co: 6, kh: 3, kw: 3, s: 2, pad: "valid" },
  { n: 2, h: 8, w: 8, ci: 5, co: 3, kh: 1, kw: 1, s: 1, pad: "same" },
  { n: 2, h: 8, w: 8, ci: 5, co: 16, kh: 1, kw: 1, s: 2, pad: "valid" },
  { n: 2, h: 8, w: 7, ci: 16, co: 8, kh: 3, kw: 3, s: 1, pad: [[0, 0], [1, 2], [0, 1], [0, 0]] },
  { n: 2, h: 8, w: 8, ci: 3, co: 8, kh: 3, kw: 3, s: 2, pad: [[0, 0], [2, 0], [1, 1], [0, 0]] },
  { n: 2, h: 6, w: 6, ci: 3, co: 4, kh: 3, kw: 3, s: 2, pad: 1 },
  { n: 2, h: 7, w: 10, ci: 3, co: 8, kh: 5, kw: 2, s: 2, pad: "same" },
  { n: 4, h: 16, w: 16, ci: 32, co: 32, kh: 3, kw: 3, s: 1, pad: "same" },
];

interface Grads {
  y: Float32Array;
  dx: Float32Array;
  dw: Float32Array;
}

function convGrads(c: Case): Grads {
  return tf.tidy(() => {
    const x = tf.tensor4d(fill(c.n * c.h * c.w * c.ci, 1), [c.n, c.h, c.w, c.ci]);
    const w = tf.tensor4d(fill(c.kh * c.kw * c.ci * c.co, 2, -0.5, 0.5), [c.kh, c.kw, c.ci, c.co]);
    const y = tf.conv2d(x, w, c.s, c.pad);
    const dy = tf.tensor(fill(y.size, 3), y.shape);
    const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.s, c.pad), dy)))([x, w]);
    return { y: y.dataSync() as Float32Array, dx: dx!.dataSync() as Float32Array, dw: dw!.dataSync() as Float32Array };
  });
}

function label(c: Case): string {
  return `N${c.n} ${c.h}x${c.w}x${c.ci}->${c.co} k${c.kh}x${c.kw} s${c.s} pad ${JSON.stringify(c.pad)}`;
}

describe("wasm Conv2D gradients equal the cpu backend's kernels", () => {
  const ref = new Map<Case, Grads>();
  let saved: ConvGradStrategy;
  beforeAll(async () => {
    await initBackend({ backend: "cpu", quiet: true });
    for (const c of cases) ref.set(c, convGrads(c));
    await initBackend({ backend: "wasm", quiet: true });
    saved = convGradStrategy();
  });
  afterAll(() => {
    setConvGradStrategy(saved);
    setNativeKernels(true, { blas: "auto" });
  });

  // The composed wasm kernels (native addon off), then the native addon with its own SGEMM and
  // with the BLAS it finds (when one is installed; see native.test.ts for what must be built).
  const paths: Array<{ name: string; st: ConvGradStrategy; native?: "builtin" | "auto" }> = [
    { name: "wasm im2col/conv", st: { filter: "im2col", input: "conv" } },
    { name: "wasm conv/native", st: { filter: "conv", input: "native" } },
    { name: "wasm conv/conv", st: { filter: "conv", input: "conv" } },
    { name: "native builtin sgemm", st: { filter: "conv", input: "conv" }, native: "builtin" },
    { name: "native blas", st: { filter: "conv", input: "conv" }, native: "auto" },
  ];
  for (const p of paths) {
    for (const c of cases) {
      it(`${p.name}: ${label(c)}`, (ctx) => {
        if (p.native) {
          if (!nativeKernels().path) ctx.skip();
          const info = setNativeKernels(true, { blas: p.native });
          if (p.native === "auto" && info.blas === "builtin") ctx.skip();
        } else {
          setNativeKernels(false);
        }
        setConvGradStrategy(p.st);
        expect(tf.getBackend()).toBe("wasm");
        const got = convGrads(c);
        const r = ref.get(c)!;
        expect(maxAbsRelError(got.y, r.y)).toBeLessThan(TOL);
        expect(maxAbsRelError(got.dx, r.dx)).toBeLessThan(TOL);
        expect(maxAbsRelError(got.dw, r.dw)).toBeLessThan(TOL);
      });
    }
  }

  it("fused conv2d + bias + leakyRelu trains on wasm (its gradient calls the kernels directly)", async () => {
    setConvGradStrategy(saved);
    setNativeKernels(true, { blas: "auto" });
    const run = (): Float32Array[] =>
      tf.tidy(() => {
        const x = tf.tensor4d(fill(2 * 8 * 8 * 3, 4), [2, 8, 8, 3]);
        const w = tf.tensor4d(fill(3 * 3 * 3 * 4, 5), [3, 3, 3, 4]);
        const b = tf.tensor1d(fill(4, 6));
        const g = tf.grads((a: tf.Tensor, f: tf.Tensor, bias: tf.Tensor) =>
          tf.sum(tf.square(tf.fused.conv2d({ x: a as tf.Tensor4D, filter: f as tf.Tensor4D, strides: 2, pad: "same", bias, activation: "leakyrelu", leakyreluAlpha: 0.2 }))),
        )([x, w, b]);
        return g.map((t) => t.dataSync() as Float32Array);
      });
    const onWasm = run();
    await initBackend({ backend: "cpu", quiet: true });
    const onCpu = run();
    await initBackend({ backend: "wasm", quiet: true });
    for (let i = 0; i < 3; i++) expect(maxAbsRelError(onWasm[i]!, onCpu[i]!)).toBeLessThan(TOL);
  });
});
