/**
 * Plain float64 dense matrices, row-major. Nothing here uses TF.js: TF.js has no float64, and the
 * Fréchet distance (spec 8.1) and the class-conditional Gaussians (spec 3.1) need it.
 */

/** A dense row-major matrix: element (i, j) is `data[i * cols + j]`. */
export interface Matrix {
  rows: number;
  cols: number;
  data: Float64Array;
}

/** Rows of features: `rows` samples of `cols` values each, row-major (float32 or float64). */
export interface FeatureMatrix {
  rows: number;
  cols: number;
  data: Float32Array | Float64Array;
}

/** Checks that `m` is a well-formed `rows × cols` matrix (data.length = rows·cols, cols ≥ 1; spec 3.1, 8.1); `what` names it in the error. */
export function checkMatrix(m: { rows: number; cols: number; data: ArrayLike<number> }, what: string): void {
  if (!Number.isInteger(m.rows) || !Number.isInteger(m.cols) || m.rows < 0 || m.cols < 1) {
    throw new Error(`${what}: expected positive integer rows/cols, got ${m.rows} x ${m.cols}`);
  }
  if (m.data.length !== m.rows * m.cols) {
    throw new Error(`${what}: expected ${m.rows} x ${m.cols} = ${m.rows * m.cols} values, got ${m.data.length}`);
  }
}

/** Checks that `m` is a well-formed square n × n matrix (spec 3.1, 8.1); returns n. */
export function checkSquare(m: Matrix, what: string): number {
  checkMatrix(m, what);
  if (m.rows !== m.cols) throw new Error(`${what}: expected a square matrix, got ${m.rows} x ${m.cols}`);
  return m.rows;
}

/**
 * Σ_{k=from}^{to−1} x[xo + k]·y[yo + k] with four partial sums (they break the floating-point add
 * dependency chain), added up as (s0 + s1 + s2 + s3). For the row-by-row products of the Cholesky
 * factor and of {@link congruence} (spec 3.1, 8.1).
 */
export function dot(x: Float64Array, xo: number, y: Float64Array, yo: number, from: number, to: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0, k = from;
  for (; k + 3 < to; k += 4) {
    s0 += x[xo + k] * y[yo + k];
    s1 += x[xo + k + 1] * y[yo + k + 1];
    s2 += x[xo + k + 2] * y[yo + k + 2];
    s3 += x[xo + k + 3] * y[yo + k + 3];
  }
  for (; k < to; k++) s0 += x[xo + k] * y[yo + k];
  return s0 + s1 + s2 + s3;
}

/** Trace tr A = Σ_i A_ii of a square matrix (the tr Σ terms of the Fréchet distance, spec 8.1). */
export function trace(a: Matrix): number {
  const n = checkSquare(a, "trace");
  let t = 0;
  for (let i = 0; i < n; i++) t += a.data[i * n + i];
  return t;
}

/** Transpose (Aᵀ)_ij = A_ji of a matrix (spec 3.1, 8.1). */
export function transpose(a: Matrix): Matrix {
  const out = new Float64Array(a.rows * a.cols);
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < a.cols; j++) out[j * a.rows + i] = a.data[i * a.cols + j];
  }
  return { rows: a.cols, cols: a.rows, data: out };
}

/**
 * Matrix product C = A·B, C_ij = Σ_k A_ik B_kj, in float64 (spec 3.1, 8.1): i-k-j order, four
 * output rows at a time so that each row of B is read once per four rows of A.
 */
export function matmul(a: Matrix, b: Matrix): Matrix {
  if (a.cols !== b.rows) throw new Error(`matmul: inner dimensions differ (${a.rows}x${a.cols} · ${b.rows}x${b.cols})`);
  const m = a.rows, k = a.cols, n = b.cols;
  const A = a.data, B = b.data, C = new Float64Array(m * n);
  let i = 0;
  for (; i + 3 < m; i += 4) {
    const c0 = i * n, c1 = c0 + n, c2 = c1 + n, c3 = c2 + n;
    for (let p = 0; p < k; p++) {
      const a0 = A[i * k + p], a1 = A[(i + 1) * k + p], a2 = A[(i + 2) * k + p], a3 = A[(i + 3) * k + p];
      if (a0 === 0 && a1 === 0 && a2 === 0 && a3 === 0) continue;
      const bo = p * n;
      for (let j = 0; j < n; j++) {
        const bv = B[bo + j];
        C[c0 + j] += a0 * bv;
        C[c1 + j] += a1 * bv;
        C[c2 + j] += a2 * bv;
        C[c3 + j] += a3 * bv;
      }
    }
  }
  for (; i < m; i++) {
    const co = i * n;
    for (let p = 0; p < k; p++) {
      const av = A[i * k + p];
      if (av === 0) continue;
      const bo = p * n;
      for (let j = 0; j < n; j++) C[co + j] += av * B[bo + j];
    }
  }
  return { rows: m, cols: n, data: C };
}

/**
 * The congruence F·S·Fᵀ (r × r, symmetric) of a symmetric d × d matrix S by an r × d matrix F
 * (spec 8.1: M = F Σ₂ Fᵀ with Σ₁ = Fᵀ F has the eigenvalues of √Σ₁ Σ₂ √Σ₁):
 * B = F·S by {@link matmul}, then (F S Fᵀ)_ij = B_i · F_j for j ≤ i, mirrored. With
 * `upperTriangular` (F_jk = 0 for k < j, e.g. F = Lᵀ of a Cholesky factor) each dot product starts
 * at column j. Cost r·d² + r²·d/2 multiply-adds.
 */
export function congruence(f: Matrix, s: Matrix, options: { upperTriangular?: boolean } = {}): Matrix {
  checkMatrix(f, "congruence: F");
  const d = checkSquare(s, "congruence: S");
  if (f.cols !== d) throw new Error(`congruence: F is ${f.rows}x${f.cols}, expected ${d} columns like S (${d}x${d})`);
  const r = f.rows, F = f.data;
  const B = matmul(f, s).data;
  const M = new Float64Array(r * r);
  for (let i = 0; i < r; i++) {
    for (let j = 0; j <= i; j++) {
      const v = dot(B, i * d, F, j * d, options.upperTriangular ? j : 0, d);
      M[i * r + j] = v;
      M[j * r + i] = v;
    }
  }
  return { rows: r, cols: r, data: M };
}
