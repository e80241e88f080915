import * as tf from "@tensorflow/tfjs-core";

/** Labels as a JS array or an int32 tensor `[B]`. */
export type Labels = Int32Array | number[] | tf.Tensor1D;

function checkLogits(logits: tf.Tensor, what: string): void {
  if (logits.rank !== 2) {
    throw new Error(`${what}: logits must be a rank-2 tensor [B, K], got shape [${logits.shape.join(", ")}]`);
  }
}

/**
 * The labels y of E(x, y) = -f(x)[y] (spec 1) as an int32 tensor `[batch]`, checked first: a
 * tensor must have shape `[batch]` (it is returned as is when int32, else cast); an array must
 * hold `batch` integers in [0, numClasses), or ≥ 0 when `numClasses` is not known yet. `what`
 * names the caller in the error.
 */
export function labelsTensor(y: Labels, batch: number, what: string, numClasses = Infinity): tf.Tensor1D {
  if (y instanceof tf.Tensor) {
    if (y.rank !== 1 || y.shape[0] !== batch) {
      throw new Error(`${what}: labels must have shape [${batch}], got [${y.shape.join(", ")}]`);
    }
    return y.dtype === "int32" ? y : tf.cast(y, "int32");
  }
  if (y.length !== batch) throw new Error(`${what}: expected ${batch} labels, got ${y.length}`);
  for (let i = 0; i < y.length; i++) {
    const v = y[i]!;
    if (!Number.isInteger(v) || v < 0 || v >= numClasses) {
      throw new Error(`${what}: label ${i} is ${v}, expected ${numClasses === Infinity ? "a non-negative integer" : `an integer in [0, ${numClasses})`}`);
    }
  }
  return tf.tensor1d(Int32Array.from(y), "int32");
}

/**
 * Marginal energy E(x) = -LogSumExp_y f(x)[y] for a batch of logits `[B, K]` (spec 1).
 * Returns `[B]`. The official code's `CCF.forward(x)` returns -E(x).
 */
export function energy(logits: tf.Tensor2D): tf.Tensor1D {
  checkLogits(logits, "energy");
  return tf.tidy(() => tf.neg(tf.logSumExp(logits, 1)) as tf.Tensor1D);
}

/**
 * Joint energy E(x, y) = -f(x)[y] (spec 1), the negative logit of label y. Returns `[B]`.
 */
export function jointEnergy(logits: tf.Tensor2D, y: Labels): tf.Tensor1D {
  checkLogits(logits, "jointEnergy");
  const [b, k] = logits.shape;
  return tf.tidy(() => {
    const yt = labelsTensor(y, b, "jointEnergy", k);
    const oh = tf.oneHot(yt, k);
    return tf.neg(tf.sum(tf.mul(logits, oh), 1)) as tf.Tensor1D;
  });
}

/**
 * log p(y|x) = f(x)[y] - LogSumExp f(x) = E(x) - E(x, y) (spec 1). With `y` returns `[B]`,
 * without it the full log-softmax `[B, K]`.
 */
export function logPYGivenX(logits: tf.Tensor2D): tf.Tensor2D;
export function logPYGivenX(logits: tf.Tensor2D, y: Labels): tf.Tensor1D;
export function logPYGivenX(logits: tf.Tensor2D, y?: Labels): tf.Tensor1D | tf.Tensor2D {
  checkLogits(logits, "logPYGivenX");
  const [b, k] = logits.shape;
  return tf.tidy(() => {
    const ls = tf.logSoftmax(logits, 1) as tf.Tensor2D;
    if (y === undefined) return ls;
    const oh = tf.oneHot(labelsTensor(y, b, "logPYGivenX", k), k);
    return tf.sum(tf.mul(ls, oh), 1) as tf.Tensor1D;
  });
}

/** Which energy a statistic uses: marginal E(x) = -LSE f(x) or joint E(x, y) = -f(x)[y]. */
export type EnergyKind = "marginal" | "joint";

/** Options of {@link computeEnergies}. */
export interface ComputeEnergiesOptions {
  /** `marginal` (default) or `joint` (needs `y`). */
  kind?: EnergyKind;
  /** Labels for the joint energy. */
  y?: Int32Array | number[];
  /** Images per forward pass (default 100). */
  batchSize?: number;
}

/**
 * Energies of a whole image set through any logits function, batched, as a Float32Array:
 * E(x_i) = -LSE f(x_i), or E(x_i, y_i) = -f(x_i)[y_i] with `kind: 'joint'` (spec 1).
 */
export function computeEnergies(
  logitsFn: (x: tf.Tensor4D) => tf.Tensor2D,
  x: tf.Tensor4D,
  options: ComputeEnergiesOptions = {},
): Float32Array {
  const kind = options.kind ?? "marginal";
  const bs = options.batchSize ?? 100;
  if (x.rank !== 4) throw new Error(`computeEnergies: x must be NHWC rank 4, got shape [${x.shape.join(", ")}]`);
  if (!(bs >= 1)) throw new Error(`computeEnergies: batchSize must be >= 1, got ${bs}`);
  const n = x.shape[0];
  if (kind === "joint") {
    if (!options.y) throw new Error("computeEnergies: kind 'joint' needs labels y");
    if (options.y.length !== n) throw new Error(`computeEnergies: expected ${n} labels, got ${options.y.length}`);
  }
  const out = new Float32Array(n);
  for (let start = 0; start < n; start += bs) {
    const size = Math.min(bs, n - start);
    const e = tf.tidy(() => {
      const xb = tf.slice(x, [start, 0, 0, 0], [size, -1, -1, -1]);
      const logits = logitsFn(xb);
      return kind === "joint"
        ? jointEnergy(logits, Array.from(options.y!.slice(start, start + size)))
        : energy(logits);
    });
    out.set(e.dataSync() as Float32Array, start);
    e.dispose();
  }
  return out;
}
