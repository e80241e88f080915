import { checkMatrix, type FeatureMatrix } from "@ebjdat/linalg";

/** Options of {@link kernelInceptionDistance}. */
export interface KidOptions {
  /** Number of subsets (torch-fidelity default 100). */
  subsets?: number;
  /** Subset size m (default min(1000, N_a, N_b)). */
  subsetSize?: number;
  /** Polynomial degree (default 3). */
  degree?: number;
  /** γ (default 1/d). */
  gamma?: number;
  /** coef0 (default 1). */
  coef0?: number;
  /**
   * Subset indices: `subsetIndices(s)` returns the rows of A and of B for subset s. Default: a
   * seeded draw without replacement from `rng` (required then).
   */
  subsetIndices?: (s: number) => { a: ArrayLike<number>; b: ArrayLike<number> };
  /** Source of random draws when `subsetIndices` is absent: returns a permutation of 0..n−1. */
  permutation?: (n: number) => ArrayLike<number>;
}

/** KID: mean and population std of the unbiased MMD² over subsets. */
export interface KidResult {
  mean: number;
  std: number;
  subsetValues: number[];
  subsetSize: number;
}

/**
 * Unbiased MMD² with the polynomial kernel k(x, y) = (γ·xᵀy + c₀)^deg between row sets X, Y of
 * equal size m (spec 8.3):
 *   MMD² = [Σ_{i≠j} k(x_i,x_j) + Σ_{i≠j} k(y_i,y_j)] / (m(m−1)) − 2·Σ_{i,j} k(x_i,y_j) / m².
 * Float64 arithmetic.
 */
export function polynomialMmd2(x: FeatureMatrix, y: FeatureMatrix, options: { degree?: number; gamma?: number; coef0?: number } = {}): number {
  checkMatrix(x, "mmd2: X");
  checkMatrix(y, "mmd2: Y");
  if (x.cols !== y.cols) throw new Error(`mmd2: feature sizes differ (${x.cols} vs ${y.cols})`);
  if (x.rows !== y.rows) throw new Error(`mmd2: the unbiased estimate here needs equal set sizes (${x.rows} vs ${y.rows})`);
  const m = x.rows, d = x.cols;
  if (m < 2) throw new Error(`mmd2: needs at least 2 samples per set, got ${m}`);
  const deg = options.degree ?? 3, gamma = options.gamma ?? 1 / d, c0 = options.coef0 ?? 1;
  const X = Float64Array.from(x.data), Y = Float64Array.from(y.data);
  const k = (A: Float64Array, i: number, B: Float64Array, j: number): number => {
    let s = 0;
    const ao = i * d, bo = j * d;
    for (let t = 0; t < d; t++) s += A[ao + t] * B[bo + t];
    return (gamma * s + c0) ** deg;
  };
  let kxx = 0, kyy = 0, kxy = 0;
  for (let i = 0; i < m; i++) {
    for (let j = i + 1; j < m; j++) {
      kxx += 2 * k(X, i, X, j);
      kyy += 2 * k(Y, i, Y, j);
    }
    for (let j = 0; j < m; j++) kxy += k(X, i, Y, j);
  }
  return (kxx + kyy) / (m * (m - 1)) - (2 * kxy) / (m * m);
}

function gather(f: FeatureMatrix, rows: ArrayLike<number>, what: string): FeatureMatrix {
  const d = f.cols, out = new Float64Array(rows.length * d);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    if (!Number.isInteger(r) || r < 0 || r >= f.rows) throw new Error(`kid: ${what} subset index ${r} is outside 0..${f.rows - 1}`);
    for (let j = 0; j < d; j++) out[i * d + j] = f.data[r * d + j];
  }
  return { rows: rows.length, cols: d, data: out };
}

/**
 * Kernel Inception Distance (spec 8.3, torch-fidelity `kid_features_to_metric`): for each of
 * `subsets` subsets draw m rows of A and m rows of B without replacement (A first, then B),
 * compute the unbiased polynomial-kernel MMD² ({@link polynomialMmd2}); report the mean and the
 * population std over subsets.
 */
export function kernelInceptionDistance(a: FeatureMatrix, b: FeatureMatrix, options: KidOptions = {}): KidResult {
  checkMatrix(a, "kid: features A");
  checkMatrix(b, "kid: features B");
  if (a.cols !== b.cols) throw new Error(`kid: feature sizes differ (${a.cols} vs ${b.cols})`);
  const subsets = options.subsets ?? 100;
  const m = options.subsetSize ?? Math.min(1000, a.rows, b.rows);
  if (m < 2) throw new Error(`kid: needs at least 2 samples in each set, got ${a.rows} and ${b.rows}`);
  if (m > a.rows || m > b.rows) {
    throw new Error(`kid: subset size ${m} exceeds the number of samples (${a.rows} real, ${b.rows} fake)`);
  }
  const draw = options.subsetIndices ?? ((): { a: ArrayLike<number>; b: ArrayLike<number> } => {
    if (!options.permutation) throw new Error("kid: give subsetIndices or a permutation source");
    const pa = Array.from(options.permutation(a.rows)).slice(0, m);
    const pb = Array.from(options.permutation(b.rows)).slice(0, m);
    return { a: pa, b: pb };
  });
  const kopts = { degree: options.degree, gamma: options.gamma ?? 1 / a.cols, coef0: options.coef0 };
  const subsetValues: number[] = [];
  for (let s = 0; s < subsets; s++) {
    const idx = draw(s);
    if (idx.a.length !== m || idx.b.length !== m) throw new Error(`kid: subset ${s} has ${idx.a.length}/${idx.b.length} rows, expected ${m}`);
    subsetValues.push(polynomialMmd2(gather(a, idx.a, "A"), gather(b, idx.b, "B"), kopts));
  }
  const mean = subsetValues.reduce((x, y) => x + y, 0) / subsets;
  const std = Math.sqrt(subsetValues.reduce((x, y) => x + (y - mean) ** 2, 0) / subsets);
  return { mean, std, subsetValues, subsetSize: m };
}
