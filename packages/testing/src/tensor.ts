import * as tf from "@tensorflow/tfjs-core";
import { numel, toFloat32, type RawTensor } from "@ebjdat/formats";

/**
 * A TF.js tensor holding `raw`: float dtypes → float32, integer and bool dtypes → int32 (int64
 * values must fit in int32). `shape` overrides the stored shape (same element count).
 */
export function tensorOf(raw: RawTensor, shape?: number[]): tf.Tensor {
  const shp = shape ?? raw.shape;
  if (numel(shp) !== raw.data.length) {
    throw new Error(`tensorOf: shape [${shp.join(", ")}] holds ${numel(shp)} elements but the tensor has ${raw.data.length}`);
  }
  switch (raw.dtype) {
    case "float32":
    case "float64":
    case "float16":
    case "bfloat16":
      return tf.tensor(toFloat32(raw), shp, "float32");
    case "int64": {
      const d = raw.data as BigInt64Array;
      const out = new Int32Array(d.length);
      for (let i = 0; i < d.length; i++) {
        const v = d[i]!;
        if (v > 2147483647n || v < -2147483648n) throw new Error(`tensorOf: int64 element ${i} = ${v} does not fit in int32`);
        out[i] = Number(v);
      }
      return tf.tensor(out, shp, "int32");
    }
    default:
      return tf.tensor(Int32Array.from(raw.data as ArrayLike<number>), shp, "int32");
  }
}
