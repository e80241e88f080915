import * as tf from "@tensorflow/tfjs-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../backend";
import { nativeKernels, setNativeKernels } from "../native/addon";
import { fill } from "../test-utils";

// The native Add / Sub / Multiply against the cpu backend's kernels: float32 arithmetic of one
// rounding each, so the results are equal bit for bit, for every broadcast the native kernel takes
// (equal shapes, a per-channel vector on either side, a scalar on either side) and one it leaves to
// wasm's own kernel ([B, 1, 1, C] against [B, H, W, C]).
const shapes: Array<[string, number[], number[]]> = [
  ["equal shapes", [3, 8, 9, 16], [3, 8, 9, 16]],
  ["per-channel vector on the right", [3, 8, 9, 16], [16]],
  ["per-channel [1,1,1,C] on the left", [1, 1, 1, 16], [3, 8, 9, 16]],
  ["scalar on the right", [3, 8, 9, 16], []],
  ["scalar on the left", [], [3, 8, 9, 16]],
  ["per-image vector (wasm's own kernel)", [3, 1, 1, 16], [3, 8, 9, 16]],
  ["small (wasm's own kernel)", [4, 16], [16]],
];
const ops = { add: tf.add, sub: tf.sub, mul: tf.mul } as const;

function run(op: keyof typeof ops, a: number[], b: number[]): Float32Array {
  return tf.tidy(() => ops[op](tf.tensor(fill(Math.max(1, tf.util.sizeFromShape(a)), 1), a), tf.tensor(fill(Math.max(1, tf.util.sizeFromShape(b)), 2), b)).dataSync() as Float32Array);
}

describe("native Add, Sub, Multiply on wasm", () => {
  const ref = new Map<string, Float32Array>();
  beforeAll(async () => {
    await initBackend({ backend: "cpu", quiet: true });
    for (const [name, a, b] of shapes) for (const op of Object.keys(ops) as (keyof typeof ops)[]) ref.set(`${op} ${name}`, run(op, a, b));
    await initBackend({ backend: "wasm", quiet: true });
  });
  afterAll(() => setNativeKernels(process.env.EBJDAT_NATIVE !== "0"));

  for (const [name, a, b] of shapes) {
    for (const op of Object.keys(ops) as (keyof typeof ops)[]) {
      it(`${op}, ${name}: equal to the cpu backend`, () => {
        const got = run(op, a, b);
        expect(got.length).toBe(ref.get(`${op} ${name}`)!.length);
        expect(Array.from(got)).toEqual(Array.from(ref.get(`${op} ${name}`)!));
      });
    }
  }

  it("gives the same results with the native kernels off (wasm's own kernels)", () => {
    if (!nativeKernels().active) return;
    const on = run("mul", [3, 8, 9, 16], [16]);
    setNativeKernels(false);
    const off = run("mul", [3, 8, 9, 16], [16]);
    setNativeKernels(true);
    expect(Array.from(on)).toEqual(Array.from(off));
  });

  it("leaves no tensor behind", () => {
    const before = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) run("add", [3, 8, 9, 16], [16]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
