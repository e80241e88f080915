import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "./backend";
import { toImageSpace, toModelSpace } from "./space";

describe("image and model space (spec 0.1)", () => {
  beforeAll(async () => {
    await initBackend({ backend: "cpu", quiet: true });
  });
  it("maps [0, 1] onto [-1, 1] and back, clamping what left the box, without leaking tensors", () => {
    const before = tf.memory().numTensors;
    const x = tf.tensor1d([0, 0.25, 1]);
    const m = toModelSpace(x);
    expect(Array.from(m.dataSync())).toEqual([-1, -0.5, 1]);
    const outside = tf.tensor1d([-1, -0.5, 1, 1.5, -3]);
    const back = toImageSpace(outside);
    expect(Array.from(back.dataSync())).toEqual([0, 0.25, 1, 1, 0]);
    tf.dispose([x, m, outside, back]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
