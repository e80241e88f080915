import { checkSquare, type Matrix } from "./matrix";

/**
 * Cholesky factor of a symmetric positive-definite matrix: A = L Lᵀ with L lower triangular,
 * row by row: L_ij = (A_ij − Σ_{k<j} L_ik L_jk) / L_jj, L_ii = √(A_ii − Σ_{k<i} L_ik²).
 * Returns undefined when a pivot is below `n·ε·max_i A_ii` (A singular, numerically singular or
 * indefinite in float64), so callers can fall back to an eigendecomposition. Cost n³/6
 * multiply-adds. Only the lower triangle of `a` is read.
 */
export function choleskyLower(a: Matrix): Matrix | undefined {
  const n = checkSquare(a, "cholesky: matrix");
  const A = a.data, L = new Float64Array(n * n);
  let maxDiag = 0;
  for (let i = 0; i < n; i++) maxDiag = Math.max(maxDiag, A[i * n + i]);
  const tol = n * 2 ** -52 * maxDiag;
  for (let i = 0; i < n; i++) {
    const io = i * n;
    for (let j = 0; j <= i; j++) {
      const jo = j * n;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0, k = 0;
      for (; k + 3 < j; k += 4) {
        s0 += L[io + k] * L[jo + k];
        s1 += L[io + k + 1] * L[jo + k + 1];
        s2 += L[io + k + 2] * L[jo + k + 2];
        s3 += L[io + k + 3] * L[jo + k + 3];
      }
      for (; k < j; k++) s0 += L[io + k] * L[jo + k];
      const s = A[io + j] - (s0 + s1 + s2 + s3);
      if (i === j) {
        if (!(s > tol)) return undefined;
        L[io + i] = Math.sqrt(s);
      } else {
        L[io + j] = s / L[jo + j];
      }
    }
  }
  return { rows: n, cols: n, data: L };
}
