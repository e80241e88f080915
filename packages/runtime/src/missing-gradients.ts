import * as tf from "@tensorflow/tfjs-core";

/** Comparisons and logical ops: piecewise constant, so their gradient is zero (TF semantics). */
const ZERO_GRAD_OPS = ["Greater", "Less", "LessEqual", "Equal", "NotEqual", "LogicalAnd", "LogicalOr", "LogicalNot", "All", "Any"];

function zeroGrad(kernelName: string): tf.GradConfig {
  const names = kernelName === "LogicalNot" || kernelName === "All" || kernelName === "Any" ? ["x"] : ["a", "b"];
  return {
    kernelName,
    inputsToSave: names,
    gradFunc: (_dy, saved) => Object.fromEntries(names.map((n, i) => [n, () => tf.zeros(saved[i]!.shape)])),
  };
}

/** Flat indices into x of the elements a StridedSlice reads, in output order. */
function stridedIndices(xShape: number[], attrs: tf.NamedAttrMap): Int32Array {
  const info = tf.slice_util.sliceInfo(
    xShape,
    attrs.begin as number[],
    attrs.end as number[],
    attrs.strides as number[],
    attrs.beginMask as number,
    attrs.endMask as number,
    attrs.ellipsisMask as number,
    attrs.newAxisMask as number,
    attrs.shrinkAxisMask as number,
  );
  // `finalShapeSparse` is the sliced shape over x's axes (before new/shrunk axes are applied).
  const shape = info.finalShapeSparse;
  const strides = tf.util.computeStrides(xShape);
  const total = tf.util.sizeFromShape(shape);
  const out = new Int32Array(total);
  const idx = new Array<number>(shape.length).fill(0);
  for (let k = 0; k < total; k++) {
    let flat = 0;
    for (let d = 0; d < shape.length; d++) flat += (info.begin[d]! + idx[d]! * info.strides[d]!) * (d < strides.length ? strides[d]! : 1);
    out[k] = flat;
    for (let d = shape.length - 1; d >= 0; d--) {
      idx[d]! += 1;
      if (idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
  return out;
}

/**
 * dx = scatter of dy onto the positions StridedSlice read (zeros elsewhere):
 * dx[begin + k·stride] = dy[k].
 */
const stridedSliceGrad: tf.GradConfig = {
  kernelName: "StridedSlice",
  inputsToSave: ["x"],
  gradFunc: (dy, saved, attrs) => {
    const x = saved[0]!;
    return {
      x: () =>
        tf.tidy(() => {
          const flat = stridedIndices(x.shape, attrs);
          const idx = tf.tensor2d(flat, [flat.length, 1], "int32");
          const g = tf.scatterND(idx, tf.reshape(dy as tf.Tensor, [-1]), [x.size]);
          return tf.reshape(g, x.shape);
        }),
    };
  },
};

/** dx = scatterND(indices, dy, x.shape): the adjoint of gatherND. */
const gatherNdGrad: tf.GradConfig = {
  kernelName: "GatherNd",
  inputsToSave: ["params", "indices"],
  gradFunc: (dy, saved) => {
    const [params, indices] = saved as [tf.Tensor, tf.Tensor];
    return { params: () => tf.scatterND(indices, dy as tf.Tensor, params.shape), indices: () => tf.zeros(indices.shape) };
  },
};

/**
 * Registers the gradients TF.js 4.22 core lacks that our steps can meet: zero gradients of
 * comparisons and logical ops (so `tf.where(tf.greater(x, 0), …)` is differentiable in x),
 * StridedSlice and GatherNd. Only where none is registered; idempotent; every backend.
 */
export function registerMissingGradients(): void {
  for (const name of ZERO_GRAD_OPS) if (tf.getGradient(name) === undefined) tf.registerGradient(zeroGrad(name));
  if (tf.getGradient("StridedSlice") === undefined) tf.registerGradient(stridedSliceGrad);
  if (tf.getGradient("GatherNd") === undefined) tf.registerGradient(gatherNdGrad);
}
