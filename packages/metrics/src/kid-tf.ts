import * as tf from "@tensorflow/tfjs-core";
import { checkMatrix, type FeatureMatrix } from "@ebjdat/linalg";
import type { KidOptions, KidResult } from "./kid";

/**
 * {@link kernelInceptionDistance} for large sets (spec 8.3): the Gram matrices XXᵀ, YYᵀ, XYᵀ of each
 * subset come from `tf.matMul` (float32, on the active backend, as torch-fidelity computes them);
 * the kernel (γ·g + c₀)^deg and the unbiased MMD² sums are evaluated in float64. Agrees with the
 * float64 version to ~1e-6 relative (vectors/metrics README section 5).
 */
export async function kernelInceptionDistanceTf(a: FeatureMatrix, b: FeatureMatrix, options: KidOptions = {}): Promise<KidResult> {
  checkMatrix(a, "kid: features A");
  checkMatrix(b, "kid: features B");
  if (a.cols !== b.cols) throw new Error(`kid: feature sizes differ (${a.cols} vs ${b.cols})`);
  const d = a.cols;
  const subsets = options.subsets ?? 100;
  const m = options.subsetSize ?? Math.min(1000, a.rows, b.rows);
  if (m < 2 || m > a.rows || m > b.rows) {
    throw new Error(`kid: subset size ${m} must be in 2..min(real, fake) = ${Math.min(a.rows, b.rows)} (got ${a.rows} real and ${b.rows} fake samples; KID needs at least 2 of each)`);
  }
  const deg = options.degree ?? 3, gamma = options.gamma ?? 1 / d, c0 = options.coef0 ?? 1;
  const draw = options.subsetIndices ?? ((): { a: ArrayLike<number>; b: ArrayLike<number> } => {
    if (!options.permutation) throw new Error("kid: give subsetIndices or a permutation source");
    return { a: Array.from(options.permutation(a.rows)).slice(0, m), b: Array.from(options.permutation(b.rows)).slice(0, m) };
  });
  const A = tf.tensor2d(a.data instanceof Float32Array ? a.data : Float32Array.from(a.data), [a.rows, d]);
  const B = tf.tensor2d(b.data instanceof Float32Array ? b.data : Float32Array.from(b.data), [b.rows, d]);
  const kernelSum = (g: Float32Array, skipDiag: boolean): number => {
    let s = 0;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < m; j++) {
        if (skipDiag && i === j) continue;
        s += (gamma * g[i * m + j] + c0) ** deg;
      }
    }
    return s;
  };
  const subsetValues: number[] = [];
  try {
    for (let s = 0; s < subsets; s++) {
      const idx = draw(s);
      if (idx.a.length !== m || idx.b.length !== m) throw new Error(`kid: subset ${s} has ${idx.a.length}/${idx.b.length} rows, expected ${m}`);
      const grams = tf.tidy(() => {
        const X = tf.gather(A, tf.tensor1d(Int32Array.from(idx.a), "int32"));
        const Y = tf.gather(B, tf.tensor1d(Int32Array.from(idx.b), "int32"));
        return [tf.matMul(X, X, false, true), tf.matMul(Y, Y, false, true), tf.matMul(X, Y, false, true)];
      });
      const [gxx, gyy, gxy] = (await Promise.all(grams.map((g) => g.data()))) as Float32Array[];
      tf.dispose(grams);
      const mmd = (kernelSum(gxx, true) + kernelSum(gyy, true)) / (m * (m - 1)) - (2 * kernelSum(gxy, false)) / (m * m);
      subsetValues.push(mmd);
    }
  } finally {
    tf.dispose([A, B]);
  }
  const mean = subsetValues.reduce((x, y) => x + y, 0) / subsets;
  const std = Math.sqrt(subsetValues.reduce((x, y) => x + (y - mean) ** 2, 0) / subsets);
  return { mean, std, subsetValues, subsetSize: m };
}
