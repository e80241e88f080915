import { checkMatrix, type FeatureMatrix, type Matrix } from "./matrix";

/** Sample mean and covariance of a feature set. */
export interface Moments {
  /** Number of samples the statistics were computed from. */
  n: number;
  /** μ = (1/N) Σ_i x_i, length d. */
  mean: Float64Array;
  /** Σ = (1/(N−1)) Σ_i (x_i − μ)(x_i − μ)ᵀ, d × d (ddof = 1, as `np.cov(rowvar=False)`). */
  cov: Matrix;
}

/**
 * Column means μ_j = (1/N) Σ_i x_ij of the rows of `x`, in float64 (rows added in order, then one
 * division; spec 8.1). `x` must be well formed (see {@link checkMatrix}).
 */
export function columnMeans(x: FeatureMatrix): Float64Array {
  const n = x.rows, d = x.cols, X = x.data;
  const mean = new Float64Array(d);
  for (let r = 0; r < n; r++) {
    const o = r * d;
    for (let j = 0; j < d; j++) mean[j] += X[o + j];
  }
  for (let j = 0; j < d; j++) mean[j] /= n;
  return mean;
}

/**
 * Mean and sample covariance (ddof = 1) of the rows of `x`, in float64 (spec 8.1):
 * μ = (1/N) Σ x_i,  Σ = (1/(N−1)) Σ (x_i − μ)(x_i − μ)ᵀ, exactly `np.mean(axis=0)` and
 * `np.cov(rowvar=False)` as pytorch-fid computes them.
 *
 * Needs N ≥ 2 samples (a covariance with ddof = 1 is undefined for one). The covariance has full
 * rank only when N ≥ d + 1; fewer samples give a rank-deficient Σ, which the Fréchet distance
 * still handles (pytorch-fid does too) but which biases it.
 *
 * Cost: N·d²/2 multiply-adds (about a minute in JS for N = 50 000, d = 2048).
 */
export function meanAndCovariance(x: FeatureMatrix, what = "features"): Moments {
  checkMatrix(x, what);
  const n = x.rows, d = x.cols, X = x.data;
  if (n < 2) {
    throw new Error(`${what}: a covariance needs at least 2 samples (got ${n}); a full-rank ${d}-d covariance needs at least ${d + 1}`);
  }
  const mean = columnMeans(x);
  for (let j = 0; j < d; j++) {
    if (!Number.isFinite(mean[j])) throw new Error(`${what}: non-finite value in column ${j}`);
  }
  // Upper triangle of Σ (xc)(xc)ᵀ, accumulated over blocks of rows so each row of S stays in cache.
  const S = new Float64Array(d * d);
  const B = 32;
  const blk = new Float64Array(B * d);
  for (let r0 = 0; r0 < n; r0 += B) {
    const nb = Math.min(B, n - r0);
    for (let b = 0; b < nb; b++) {
      const o = (r0 + b) * d;
      for (let j = 0; j < d; j++) blk[b * d + j] = X[o + j] - mean[j];
    }
    for (let i = 0; i < d; i++) {
      const so = i * d;
      let b = 0;
      // four sample rows per sweep over S's row i: one load/store of S per four multiply-adds
      for (; b + 3 < nb; b += 4) {
        const o0 = b * d, o1 = o0 + d, o2 = o1 + d, o3 = o2 + d;
        const a0 = blk[o0 + i], a1 = blk[o1 + i], a2 = blk[o2 + i], a3 = blk[o3 + i];
        for (let j = i; j < d; j++) S[so + j] += a0 * blk[o0 + j] + a1 * blk[o1 + j] + a2 * blk[o2 + j] + a3 * blk[o3 + j];
      }
      for (; b < nb; b++) {
        const bo = b * d;
        const a = blk[bo + i];
        if (a === 0) continue;
        for (let j = i; j < d; j++) S[so + j] += a * blk[bo + j];
      }
    }
  }
  const inv = 1 / (n - 1);
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) {
      const v = S[i * d + j] * inv;
      S[i * d + j] = v;
      S[j * d + i] = v;
    }
  }
  return { n, mean, cov: { rows: d, cols: d, data: S } };
}
