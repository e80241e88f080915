import { execFileSync } from "node:child_process";
import * as tf from "@tensorflow/tfjs-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { maxAbsRelError } from "@ebjdat/testing";
import { initBackend } from "../backend";
import { fill } from "../test-utils";
import { nativeKernels, setNativeKernels } from "./addon";

// The convolution passes on oneDNN's primitives (native/conv_dnnl.c) against the cpu backend's
// kernels, max|a−r| / (1 + max|r|) ≤ 1e-4, and the switch between them and im2col + SGEMM.
const TOL = 1e-4;

type Pad = "same" | "valid" | tf.backend_util.ExplicitPadding;
interface Case {
  n: number;
  hw: number;
  ci: number;
  co: number;
  k: [number, number];
  s: number;
  pad: Pad;
}

const cases: Case[] = [
  { n: 1, hw: 9, ci: 3, co: 16, k: [3, 3], s: 1, pad: "same" },
  { n: 3, hw: 9, ci: 3, co: 16, k: [3, 3], s: 1, pad: "same" },
  { n: 64, hw: 8, ci: 3, co: 16, k: [3, 3], s: 1, pad: "same" },
  { n: 3, hw: 10, ci: 32, co: 64, k: [3, 3], s: 1, pad: "same" },
  { n: 3, hw: 10, ci: 32, co: 64, k: [3, 3], s: 2, pad: "same" },
  { n: 64, hw: 6, ci: 32, co: 64, k: [3, 3], s: 2, pad: "same" },
  { n: 3, hw: 8, ci: 32, co: 64, k: [1, 1], s: 2, pad: "valid" },
  { n: 64, hw: 5, ci: 16, co: 32, k: [1, 1], s: 1, pad: "valid" },
  { n: 1, hw: 7, ci: 4, co: 5, k: [3, 3], s: 2, pad: [[0, 0], [1, 2], [0, 1], [0, 0]] },
  { n: 3, hw: 7, ci: 6, co: 7, k: [3, 3], s: 1, pad: [[0, 0], [2, 2], [2, 2], [0, 0]] },
  { n: 3, hw: 9, ci: 5, co: 8, k: [5, 2], s: 2, pad: "valid" },
];

function label(c: Case): string {
  return `batch ${c.n}, ${c.hw}x${c.hw}, ${c.ci}->${c.co}, ${c.k.join("x")} s${c.s} ${typeof c.pad === "string" ? c.pad : JSON.stringify(c.pad)}`;
}

/** y = conv2d(x, W), and the input and filter gradients of Σ y · r (r fixed, so dy is not all ones). */
function passes(c: Case, seed: number): Float32Array[] {
  return tf.tidy(() => {
    const x = tf.tensor4d(fill(c.n * c.hw * c.hw * c.ci, seed), [c.n, c.hw, c.hw, c.ci]);
    const w = tf.tensor4d(fill(c.k[0] * c.k[1] * c.ci * c.co, seed + 1, -0.5, 0.5), [c.k[0], c.k[1], c.ci, c.co]);
    const conv = (a: tf.Tensor4D, b: tf.Tensor4D): tf.Tensor4D => tf.conv2d(a, b, c.s, c.pad);
    const y = conv(x, w);
    const r = tf.tensor(fill(y.size, seed + 2), y.shape);
    const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv(a as tf.Tensor4D, b as tf.Tensor4D), r)))([x, w]);
    return [y, dx!, dw!].map((t) => t.dataSync() as Float32Array);
  });
}

function dnnlRuns(): boolean {
  return nativeKernels().conv?.startsWith("dnnl primitives") ?? false;
}

describe("convolutions on oneDNN's primitives (native/conv_dnnl.c)", () => {
  const ref: Float32Array[][] = [];
  beforeAll(async () => {
    await initBackend({ backend: "cpu", quiet: true });
    cases.forEach((c, i) => ref.push(passes(c, 100 + 10 * i)));
    await initBackend({ backend: "wasm", quiet: true });
  });
  afterAll(() => {
    setNativeKernels(process.env.EBJDAT_NATIVE !== "0", { blas: "auto", conv: "auto" });
  });

  for (const conv of ["dnnl", "im2col"] as const) {
    cases.forEach((c, i) => {
      it(`${conv}: forward, input and filter gradient, ${label(c)}, equal the cpu backend`, (ctx) => {
        if (!nativeKernels().path) ctx.skip(); // addon not built (no C compiler or Node headers)
        setNativeKernels(true, { blas: "auto", conv });
        // libdnnl.so.2 (oneDNN 2.x, Debian libdnnl2) is not installed here: nothing to test on this path
        if (conv === "dnnl" && !dnnlRuns()) ctx.skip();
        const [y, dx, dw] = passes(c, 100 + 10 * i);
        const [ry, rdx, rdw] = ref[i]!;
        expect(maxAbsRelError(y!, ry!), "forward").toBeLessThan(TOL);
        expect(maxAbsRelError(dx!, rdx!), "input gradient").toBeLessThan(TOL);
        expect(maxAbsRelError(dw!, rdw!), "filter gradient").toBeLessThan(TOL);
      });
    });
  }

  it("reports the path: dnnl when oneDNN 2.x is the BLAS, im2col + the SGEMM otherwise (builtin SGEMM, conv im2col)", (ctx) => {
    if (!nativeKernels().path) ctx.skip();
    expect(setNativeKernels(true, { blas: "builtin", conv: "auto" }).conv).toBe("im2col + builtin");
    expect(setNativeKernels(true, { blas: "builtin", conv: "dnnl" }).conv).toBe("im2col + builtin (dnnl asked for: oneDNN is not the loaded BLAS)");
    const auto = setNativeKernels(true, { blas: "auto", conv: "im2col" });
    expect(auto.conv).toBe(`im2col + ${auto.blas}`);
    const dnnl = setNativeKernels(true, { blas: "auto", conv: "auto" });
    if (dnnl.blas?.startsWith("dnnl_sgemm (libdnnl.so.2)")) expect(dnnl.conv).toMatch(/^dnnl primitives \(libdnnl\.so\.2 2\.\d+\.\d+\)$/);
    expect(() => setNativeKernels(true, { conv: "direct" as never })).toThrow(/unknown conv "direct" \(expected auto, dnnl, im2col\)/);
  });

  it("EBJDAT_CONV=im2col selects im2col + SGEMM at load, EBJDAT_CONV=dnnl says why it cannot run", (ctx) => {
    const path = nativeKernels().path;
    if (!path) ctx.skip();
    const conv = (env: Record<string, string>): string =>
      execFileSync(process.execPath, ["-e", `console.log(require(${JSON.stringify(path)}).info().conv)`], { env: { ...process.env, ...env }, encoding: "utf8" }).trim();
    expect(conv({ EBJDAT_CONV: "im2col" })).toMatch(/^im2col \+ (builtin|\w+_sgemm \(.+\))$/);
    expect(conv({ EBJDAT_CONV: "dnnl", EBJDAT_BLAS: "builtin" })).toBe("im2col + builtin (dnnl asked for: oneDNN is not the loaded BLAS)");
  });
});
