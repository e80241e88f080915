import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../backend";
import { maxAbsRelError } from "@ebjdat/testing";
import { fill } from "../test-utils";
import { nativeAddon, nativeKernels, setNativeKernels } from "./addon";

// The native kernels against the cpu backend's own kernels, max|a−r| / (1 + max|r|) ≤ 1e-4,
// with the addon's builtin SGEMM and with the BLAS it finds (skipped when none is installed).
const TOL = 1e-4;

function canBuild(): boolean {
  const headers = [join(dirname(process.execPath), "..", "include", "node"), "/usr/include/node", "/usr/local/include/node"];
  if (!headers.some((d) => existsSync(join(d, "node_api.h")))) return false;
  try {
    execFileSync(process.env.CC || "cc", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

type Act = "linear" | "relu" | "relu6" | "leakyrelu" | "prelu" | "elu";
const fusedCases: Array<{ act: Act; bias: boolean; s: number; pad: "same" | "valid"; k: number }> = [
  { act: "relu", bias: true, s: 1, pad: "same", k: 3 },
  { act: "leakyrelu", bias: true, s: 2, pad: "same", k: 3 },
  { act: "relu6", bias: true, s: 1, pad: "valid", k: 3 },
  { act: "linear", bias: false, s: 1, pad: "valid", k: 1 },
  { act: "relu", bias: true, s: 2, pad: "valid", k: 1 },
  { act: "prelu", bias: true, s: 1, pad: "same", k: 3 },
  { act: "elu", bias: true, s: 1, pad: "same", k: 3 },
];

function fused(c: (typeof fusedCases)[number]): Float32Array {
  return tf.tidy(() => {
    const x = tf.tensor4d(fill(2 * 9 * 9 * 6, 11), [2, 9, 9, 6]);
    const w = tf.tensor4d(fill(c.k * c.k * 6 * 7, 12, -0.5, 0.5), [c.k, c.k, 6, 7]);
    const bias = c.bias ? tf.tensor1d(fill(7, 13)) : undefined;
    const preluActivationWeights = c.act === "prelu" ? tf.tensor1d(fill(7, 14, 0, 0.5)) : undefined;
    const y = tf.fused.conv2d({ x, filter: w, strides: c.s, pad: c.pad, bias, activation: c.act, preluActivationWeights, leakyreluAlpha: 0.3 });
    return y.dataSync() as Float32Array;
  });
}

describe("native convolution kernels (im2col + SGEMM on the wasm heap)", () => {
  const ref = new Map<number, Float32Array>();
  beforeAll(async () => {
    await initBackend({ backend: "cpu", quiet: true });
    fusedCases.forEach((c, i) => ref.set(i, fused(c)));
    await initBackend({ backend: "wasm", quiet: true });
  });
  afterAll(() => {
    setNativeKernels(process.env.EBJDAT_NATIVE !== "0", { blas: "auto" });
  });

  it("is built and active wherever a C compiler and Node's headers exist (unless EBJDAT_NATIVE=0)", () => {
    const info = nativeKernels();
    if (process.env.EBJDAT_NATIVE === "0") {
      expect(info.active).toBe(false);
      return;
    }
    if (canBuild()) {
      expect(info.reason).toBeUndefined();
      expect(info.active).toBe(true);
      expect(info.threads).toBeGreaterThan(0);
      expect(info.blas).toMatch(/builtin|sgemm/);
    } else {
      expect(info.active).toBe(false);
      expect(info.reason).toMatch(/not built|failed/);
    }
  });

  for (const mode of ["builtin", "auto"] as const) {
    fusedCases.forEach((c, i) => {
      it(`FusedConv2D ${c.act}${c.bias ? " + bias" : ""} k${c.k} s${c.s} ${c.pad} (${mode} SGEMM) equals the cpu backend`, (ctx) => {
        if (!nativeKernels().path) ctx.skip();
        const info = setNativeKernels(true, { blas: mode });
        if (mode === "auto" && info.blas === "builtin") ctx.skip();
        expect(maxAbsRelError(fused(c), ref.get(i)!)).toBeLessThan(TOL);
      });
    });
  }

  it("Sum over axes that end before the last (native) and other Sum axes (wasm) equal the cpu backend, keepDims or not", async () => {
    const shapes: Array<[number[], number[]]> = [
      [[64, 8, 8, 16], [0, 1, 2]],
      [[64, 8, 8, 16], [2]],
      [[64, 8, 8, 16], [1, 2]],
      [[300, 7], [0]],
      [[5, 3, 4], [1]],
      [[4, 6, 5], [0, 2]],
      [[4, 6, 5], [2]],
    ];
    const run = (): Float32Array[] =>
      shapes.flatMap(([shape, axes], i) =>
        [false, true].map((keep) =>
          tf.tidy(() => {
            const x = tf.tensor(fill(shape.reduce((a, b) => a * b, 1), 30 + i), shape);
            const y = tf.sum(x, axes, keep);
            expect(y.shape.length).toBe(keep ? shape.length : shape.length - axes.length);
            return y.dataSync() as Float32Array;
          }),
        ),
      );
    const onWasm = run();
    await initBackend({ backend: "cpu", quiet: true });
    const onCpu = run();
    await initBackend({ backend: "wasm", quiet: true });
    onWasm.forEach((v, i) => expect(maxAbsRelError(v, onCpu[i]!)).toBeLessThan(TOL));
  });

  it("leakyRelu and its fused gradient equal TF.js's composition, NaN included", async () => {
    const values = Float32Array.from([-2, -0.5, -0, 0, 1e-30, -1e-30, 3, Number.NaN, ...fill(70000, 40)]);
    const run = (): Float32Array[] =>
      tf.tidy(() => {
        const x = tf.tensor1d(values);
        const [y, dx] = [tf.leakyRelu(x, 0.3), tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.leakyRelu(v, 0.3), tf.range(0, values.length))))(x)];
        return [y.dataSync() as Float32Array, dx.dataSync() as Float32Array];
      });
    const onWasm = run();
    await initBackend({ backend: "cpu", quiet: true });
    const onCpu = run();
    await initBackend({ backend: "wasm", quiet: true });
    for (let k = 0; k < 2; k++) {
      expect(Number.isNaN(onWasm[k]![7]!)).toBe(Number.isNaN(onCpu[k]![7]!));
      const a = onWasm[k]!.filter((_, i) => i !== 7);
      const b = onCpu[k]!.filter((_, i) => i !== 7);
      expect(maxAbsRelError(a, b)).toBeLessThan(1e-6);
    }
  });

  it("threads: 1 and 3 threads give the cpu backend's result", (ctx) => {
    if (!nativeKernels().path) ctx.skip();
    for (const threads of [1, 3]) {
      setNativeKernels(true, { blas: "builtin", threads });
      expect(maxAbsRelError(fused(fusedCases[1]!), ref.get(1)!)).toBeLessThan(TOL);
    }
    setNativeKernels(true, { blas: "builtin", threads: 0 });
  });

  it("reports why it is off, and the wasm kernels then give the same values", () => {
    const off = setNativeKernels(false);
    expect(off.active).toBe(false);
    if (off.path) expect(off.reason).toMatch(/disabled/);
    expect(maxAbsRelError(fused(fusedCases[0]!), ref.get(0)!)).toBeLessThan(TOL);
    setNativeKernels(true);
  });

  it("rejects operands outside the memory and an unloadable BLAS before any work", (ctx) => {
    const addon = nativeAddon();
    if (!addon) ctx.skip();
    const mem = new ArrayBuffer(1024);
    expect(() => addon!.conv2d(mem, [0, 0, 4096], [1, 4, 4, 1, 3, 3, 1, 4, 4, 1, 1, 1, 1])).toThrow(/outside the memory buffer/);
    expect(() => addon!.conv2d(mem, [0, 2, 0], [1, 4, 4, 1, 3, 3, 1, 4, 4, 1, 1, 1, 1])).toThrow(/outside the memory buffer/);
    expect(() => addon!.conv2d(new Float32Array(256) as unknown as ArrayBuffer, [0, 0, 0], [1, 4, 4, 1, 3, 3, 1, 4, 4, 1, 1, 1, 1])).toThrow(/expected \(memory: ArrayBuffer/);
    expect(() => addon!.conv2d(mem, [0, 0, 0], [1, 4, 4])).toThrow(/geometry: \[13\]/);
    expect(() => addon!.leakyRelu(mem, [0, 1000], [100], 0.2)).toThrow(/outside the memory buffer/);
    expect(() => addon!.columnSum(mem, [0, 0], [1, 300, 1])).toThrow(/outside the memory buffer/);
    expect(() => setNativeKernels(true, { blas: "/nonexistent/libblas.so" })).toThrow(/could not be loaded/);
    setNativeKernels(true, { blas: "auto" });
  });

  it("signals: the main thread blocks SIGTERM from the addon's load on, Node's handler still runs (EBJDAT_SIGNAL_THREAD=0: untouched)", (ctx) => {
    const path = nativeKernels().path;
    if (!path || process.platform !== "linux") ctx.skip();
    expect(nativeKernels().signalThread).toBe(process.env.EBJDAT_SIGNAL_THREAD !== "0");
    // a child loads the addon, reads its main thread's blocked set, sends itself SIGTERM while
    // convolutions run, and reports from its handler
    const child = `
      const addon = require(${JSON.stringify(path)});
      const blocked = (tid) => (BigInt("0x" + /SigBlk:\\s*([0-9a-f]+)/.exec(require("fs").readFileSync("/proc/self/task/" + tid + "/status", "utf8"))[1]) >> 14n) & 1n;
      const mainBlocks = blocked(process.pid) === 1n;
      const mem = new ArrayBuffer(4 * 4096);
      let calls = 0;
      process.on("SIGTERM", () => { console.log(JSON.stringify({ mainBlocks, signalThread: addon.info().signalThread, calls })); process.exit(143); });
      setTimeout(() => process.kill(process.pid, "SIGTERM"), 50);
      const work = () => { for (let i = 0; i < 50; i++, calls++) addon.conv2d(mem, [0, 256, 512], [4, 8, 8, 2, 3, 3, 4, 8, 8, 1, 1, 1, 1]); setImmediate(work); };
      work();`;
    for (const off of [false, true]) {
      let out = "";
      let status = 0;
      try {
        out = execFileSync(process.execPath, ["-e", child], { env: { ...process.env, EBJDAT_SIGNAL_THREAD: off ? "0" : "" }, encoding: "utf8" });
      } catch (e) {
        ({ stdout: out, status } = e as { stdout: string; status: number });
      }
      expect(status).toBe(143);
      const r = JSON.parse(out) as { mainBlocks: boolean; signalThread: boolean; calls: number };
      expect(r).toMatchObject({ mainBlocks: !off, signalThread: !off });
      expect(r.calls).toBeGreaterThan(0);
    }
  });

  it("keeps tensors and backend buffers flat over 20 fused conv gradient steps", (ctx) => {
    if (!nativeKernels().path) ctx.skip();
    setNativeKernels(true, { blas: "auto" });
    const x = tf.tensor4d(fill(2 * 8 * 8 * 4, 21), [2, 8, 8, 4]);
    const w = tf.variable(tf.tensor4d(fill(3 * 3 * 4 * 5, 22, -0.5, 0.5), [3, 3, 4, 5]));
    const b = tf.variable(tf.tensor1d(fill(5, 23)));
    const step = (): void => {
      tf.tidy(() => {
        const { grads } = tf.variableGrads(() => tf.sum(tf.square(tf.fused.conv2d({ x, filter: w, strides: 2, pad: "same", bias: b, activation: "leakyrelu", leakyreluAlpha: 0.2 }))), [w, b]);
        w.assign(tf.sub(w, tf.mul(grads[w.name]!, 0.01)));
      });
    };
    step();
    const before = { t: tf.memory().numTensors, d: tf.engine().backend.numDataIds() };
    for (let i = 0; i < 20; i++) step();
    expect(tf.memory().numTensors).toBe(before.t);
    expect(tf.engine().backend.numDataIds()).toBe(before.d);
    tf.dispose([x, w, b]);
  });
});
