import { beforeAll, describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { tensorOf } from "./tensor.js";
import { maxAbsRelError } from "./compare.js";
import { loadVectors } from "./vectors.js";

describe("tensorOf", () => {
  beforeAll(async () => {
    await tf.setBackend("cpu");
  });

  it("makes float32 and int32 tensors and honours a shape override", () => {
    const f = tensorOf({ dtype: "float16", shape: [2], data: Uint16Array.from([0x3c00, 0xc000]) }, [1, 2]);
    expect(f.dtype).toBe("float32");
    expect(f.shape).toEqual([1, 2]);
    expect([...f.dataSync()]).toEqual([1, -2]);
    const i = tensorOf({ dtype: "int64", shape: [], data: BigInt64Array.from([3n]) });
    expect(i.dtype).toBe("int32");
    expect(i.shape).toEqual([]);
    expect(i.dataSync()[0]).toBe(3);
    tf.dispose([f, i]);
    expect(() => tensorOf({ dtype: "int64", shape: [1], data: BigInt64Array.from([2n ** 40n]) })).toThrow(/does not fit in int32/);
    expect(() => tensorOf({ dtype: "float32", shape: [2], data: new Float32Array(2) }, [3])).toThrow(/shape \[3\] holds 3 elements but the tensor has 2/);
  });

  it("loads shared vectors as tensors without leaking", () => {
    const { tensors } = loadVectors("vectors/models/input_batch.safetensors");
    const before = tf.memory().numTensors;
    for (let k = 0; k < 20; k++) {
      const x = tensorOf(tensors.get("x01")!);
      const xnet = tensorOf(tensors.get("x_net")!);
      const err = tf.tidy(() => maxAbsRelError(tf.div(tf.sub(x, 0.5), 0.5), xnet));
      expect(err).toBe(0);
      const y = tensorOf(tensors.get("y10")!);
      expect(y.dtype).toBe("int32");
      tf.dispose([x, xnet, y]);
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
