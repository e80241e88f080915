import { checkMatrix, type FeatureMatrix } from "@ebjdat/linalg";

/** Options of {@link inceptionScore}. */
export interface InceptionScoreOptions {
  /** Number of splits (default 10). */
  splits?: number;
  /**
   * Row order applied before splitting: `perm[i]` is the source row of row i. torch-fidelity
   * uses `np.random.RandomState(2020).permutation(N)`; the default is no permutation (spec 8.2).
   */
  permutation?: Int32Array | number[];
}

/** Inception Score: mean and (population) standard deviation over splits. */
export interface InceptionScoreResult {
  mean: number;
  /** np.std over the split scores (ddof = 0). */
  std: number;
  splitScores: number[];
}

/**
 * Inception Score from logits (spec 8.2, torch-fidelity `isc_features_to_metric`):
 * p = softmax(logits) in float64; for each of `splits` contiguous chunks
 * [s·N/S, (s+1)·N/S) (integer division), q = mean of p over the chunk and
 * score_s = exp(mean_rows Σ_c p·(log p − log q)); IS = mean(score_s), std = population std.
 */
export function inceptionScore(logits: FeatureMatrix, options: InceptionScoreOptions = {}): InceptionScoreResult {
  checkMatrix(logits, "inceptionScore: logits");
  const splits = options.splits ?? 10;
  const n = logits.rows, c = logits.cols, L = logits.data;
  if (!Number.isInteger(splits) || splits < 1) throw new Error(`inceptionScore: splits must be a positive integer, got ${splits}`);
  if (n < splits) throw new Error(`inceptionScore: needs at least one sample per split (${splits} splits), got ${n} samples`);
  const perm = options.permutation;
  if (perm && perm.length !== n) throw new Error(`inceptionScore: permutation has length ${perm.length}, expected ${n}`);
  // Per row: softmax p and log-softmax.
  const P = new Float64Array(n * c), LP = new Float64Array(n * c);
  for (let i = 0; i < n; i++) {
    const src = (perm ? perm[i] : i) * c, o = i * c;
    let mx = -Infinity;
    for (let j = 0; j < c; j++) mx = Math.max(mx, L[src + j]);
    if (!Number.isFinite(mx)) throw new Error(`inceptionScore: logits row ${i} has non-finite values`);
    let z = 0;
    for (let j = 0; j < c; j++) z += Math.exp(L[src + j] - mx);
    const lz = Math.log(z) + mx;
    for (let j = 0; j < c; j++) {
      const lp = L[src + j] - lz;
      LP[o + j] = lp;
      P[o + j] = Math.exp(lp);
    }
  }
  const splitScores: number[] = [];
  const q = new Float64Array(c);
  for (let s = 0; s < splits; s++) {
    const lo = Math.floor((s * n) / splits), hi = Math.floor(((s + 1) * n) / splits);
    q.fill(0);
    for (let i = lo; i < hi; i++) for (let j = 0; j < c; j++) q[j] += P[i * c + j];
    for (let j = 0; j < c; j++) q[j] = Math.log(q[j] / (hi - lo));
    let kl = 0;
    for (let i = lo; i < hi; i++) {
      const o = i * c;
      for (let j = 0; j < c; j++) kl += P[o + j] * (LP[o + j] - q[j]);
    }
    splitScores.push(Math.exp(kl / (hi - lo)));
  }
  const mean = splitScores.reduce((a, b) => a + b, 0) / splits;
  const std = Math.sqrt(splitScores.reduce((a, b) => a + (b - mean) ** 2, 0) / splits);
  return { mean, std, splitScores };
}
