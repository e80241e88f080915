import { checkMatrix, checkSquare, cholesky, columnMeans, congruence, eigh, matmul, trace, transpose, type FeatureMatrix, type Matrix } from "@ebjdat/linalg";

/** The parts of a Fréchet distance, for reports and debugging. */
export interface FrechetParts {
  /** d² = ‖μ₁ − μ₂‖² + tr Σ₁ + tr Σ₂ − 2·tr √(Σ₁Σ₂). */
  value: number;
  meanTerm: number;
  traceSigma1: number;
  traceSigma2: number;
  /** tr √(Σ₁Σ₂) = Σ_i √max(λ_i, 0), λ = eigenvalues of √Σ₁ Σ₂ √Σ₁. */
  traceSqrt: number;
  /** How many eigenvalues of √Σ₁ Σ₂ √Σ₁ were negative (round-off) and clamped to 0. */
  clampedEigenvalues: number;
  /**
   * How the trace term was computed: Cholesky of Σ₁ (positive definite), its eigendecomposition
   * (rank-deficient, or forced), or the low-rank route from the features ({@link frechetDistanceLowRank}).
   */
  factor: "cholesky" | "eigh" | "low-rank";
}

/**
 * Fréchet distance between two Gaussians N(μ₁, Σ₁), N(μ₂, Σ₂) in float64 (spec 8.1):
 *
 *   d² = ‖μ₁ − μ₂‖² + tr Σ₁ + tr Σ₂ − 2·Σ_i √λ_i,   λ = eig(√Σ₁ · Σ₂ · √Σ₁)  (negatives → 0).
 *
 * This equals pytorch-fid's `tr sqrtm(Σ₁Σ₂)` (the matrices Σ₁Σ₂ and √Σ₁Σ₂√Σ₁ are similar) but is
 * computed with symmetric eigendecompositions: Σ₁ = Vᵀ diag(s) V, then the eigenvalues of the
 * symmetric PSD matrix M = diag(√s) V Σ₂ Vᵀ diag(√s) (similar to √Σ₁Σ₂√Σ₁). Rank-deficient
 * covariances need no ε offset. When Σ₁ is positive definite the same eigenvalues come ~3× cheaper
 * from the Cholesky factor, M = Lᵀ Σ₂ L (also similar to √Σ₁Σ₂√Σ₁); `method: "eigh"` forces the
 * eigendecomposition. Cost for d = 2048: Cholesky d³/6 (or eigh with vectors), ~d³ multiply-adds,
 * one eigh without vectors.
 */
export function frechetDistance(mu1: Float64Array, sigma1: Matrix, mu2: Float64Array, sigma2: Matrix): number {
  return frechetDistanceParts(mu1, sigma1, mu2, sigma2).value;
}

/** {@link frechetDistance} with its terms (spec 8.1). */
export function frechetDistanceParts(
  mu1: Float64Array,
  sigma1: Matrix,
  mu2: Float64Array,
  sigma2: Matrix,
  options: { method?: "auto" | "eigh" } = {},
): FrechetParts {
  const method = options.method ?? "auto";
  const d = checkSquare(sigma1, "frechetDistance: sigma1");
  if (checkSquare(sigma2, "frechetDistance: sigma2") !== d) {
    throw new Error(`frechetDistance: sigma2 is ${sigma2.rows}x${sigma2.cols}, expected ${d}x${d} like sigma1`);
  }
  if (mu1.length !== d || mu2.length !== d) {
    throw new Error(`frechetDistance: means must have length ${d} (got ${mu1.length} and ${mu2.length})`);
  }
  let meanTerm = 0;
  for (let i = 0; i < d; i++) {
    const t = mu1[i] - mu2[i];
    meanTerm += t * t;
  }
  if (!Number.isFinite(meanTerm)) throw new Error("frechetDistance: the means contain non-finite values");
  const traceSigma1 = trace(sigma1), traceSigma2 = trace(sigma2);
  // A factor F of Σ₁ = Fᵀ F (r × d): Cholesky when Σ₁ is positive definite (F = Lᵀ), else the
  // eigendecomposition (F = diag(√s) V, rows with s ≤ 0 dropped). Either way M = F Σ₂ Fᵀ has the
  // eigenvalues of √Σ₁ Σ₂ √Σ₁.
  const L = method === "auto" ? cholesky(sigma1) : undefined;
  let F: Matrix;
  let factor: "cholesky" | "eigh";
  if (L) {
    factor = "cholesky";
    F = transpose(L);
  } else {
    factor = "eigh";
    const { values: s, vectors } = eigh(sigma1);
    const V = vectors!.data;
    const keep: number[] = [];
    for (let k = 0; k < d; k++) if (s[k] > 0) keep.push(k);
    F = { rows: keep.length, cols: d, data: new Float64Array(keep.length * d) };
    for (let a = 0; a < keep.length; a++) {
      const k = keep[a], sc = Math.sqrt(s[k]);
      for (let j = 0; j < d; j++) F.data[a * d + j] = sc * V[k * d + j];
    }
  }
  const r = F.rows;
  // with the Cholesky factor, row j of F = Lᵀ is zero before column j
  const M = congruence(F, sigma2, { upperTriangular: factor === "cholesky" });
  let traceSqrt = 0, clampedEigenvalues = 0;
  if (r > 0) {
    const lam = eigh(M, { vectors: false }).values;
    for (let i = 0; i < r; i++) {
      if (lam[i] > 0) traceSqrt += Math.sqrt(lam[i]);
      else if (lam[i] < 0) clampedEigenvalues++;
    }
  }
  const value = meanTerm + traceSigma1 + traceSigma2 - 2 * traceSqrt;
  return { value, meanTerm, traceSigma1, traceSigma2, traceSqrt, clampedEigenvalues, factor };
}

/**
 * Fréchet distance straight from two feature sets when samples are few (spec 8.1, same value as
 * {@link frechetDistance} on their mean/covariance): with centred rows X_a (n_a × d), X_b (n_b × d),
 * Σ = XᵀX/(n−1), the non-zero eigenvalues of Σ_aΣ_b are those of G Gᵀ/((n_a−1)(n_b−1)) with
 * G = X_a X_bᵀ (n_a × n_b), so tr √(Σ_aΣ_b) = Σ_i √λ_i(G Gᵀ) / √((n_a−1)(n_b−1)) (the nuclear norm of
 * G, scaled). Cost d·n_a·n_b + min(n_a, n_b)³ instead of O(d³): the right route when n ≤ d.
 */
export function frechetDistanceLowRank(a: FeatureMatrix, b: FeatureMatrix): FrechetParts {
  checkMatrix(a, "frechetDistanceLowRank: features A");
  checkMatrix(b, "frechetDistanceLowRank: features B");
  const d = a.cols;
  if (b.cols !== d) throw new Error(`frechetDistanceLowRank: feature sizes differ (${a.cols} vs ${b.cols})`);
  for (const [m, w] of [[a, "A"], [b, "B"]] as const) {
    if (m.rows < 2) throw new Error(`frechetDistanceLowRank: a covariance needs at least 2 samples, set ${w} has ${m.rows}`);
  }
  const centre = (m: FeatureMatrix): { x: Float64Array; mean: Float64Array; tr: number } => {
    const n = m.rows, mean = columnMeans(m), x = new Float64Array(n * d);
    let tr = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) {
        const v = m.data[i * d + j] - mean[j];
        x[i * d + j] = v;
        tr += v * v;
      }
    }
    return { x, mean, tr: tr / (n - 1) };
  };
  // Let the smaller set be the rows of G so that G Gᵀ is the smaller matrix.
  const [p, q] = a.rows <= b.rows ? [a, b] : [b, a];
  const cp = centre(p), cq = centre(q);
  const np = p.rows, nq = q.rows;
  const G = matmul({ rows: np, cols: d, data: cp.x }, transpose({ rows: nq, cols: d, data: cq.x }));
  const GG = matmul(G, transpose(G));
  const lam = eigh(GG, { vectors: false }).values;
  let s = 0, clampedEigenvalues = 0;
  for (const l of lam) {
    if (l > 0) s += Math.sqrt(l);
    else if (l < 0) clampedEigenvalues++;
  }
  const traceSqrt = s / Math.sqrt((np - 1) * (nq - 1));
  let meanTerm = 0;
  for (let j = 0; j < d; j++) meanTerm += (cp.mean[j] - cq.mean[j]) ** 2;
  const traceSigma1 = a === p ? cp.tr : cq.tr, traceSigma2 = a === p ? cq.tr : cp.tr;
  const value = meanTerm + traceSigma1 + traceSigma2 - 2 * traceSqrt;
  return { value, meanTerm, traceSigma1, traceSigma2, traceSqrt, clampedEigenvalues, factor: "low-rank" };
}
