import { checkSquare, dot, type Matrix } from "./matrix";

/**
 * Cholesky factor of a symmetric positive-definite matrix (spec 3.1 Σ_c + jitter·I, spec 8.1 Σ₁):
 * A = L Lᵀ with L lower triangular, row by row: L_ij = (A_ij − Σ_{k<j} L_ik L_jk) / L_jj, L_ii = √(A_ii − Σ_{k<i} L_ik²).
 * Returns undefined when a pivot is below `n·ε·max_i A_ii` (A singular, numerically singular or
 * indefinite in float64), so callers can fall back to an eigendecomposition. Cost n³/6
 * multiply-adds. Only the lower triangle of `a` is read.
 */
export function cholesky(a: Matrix): Matrix | undefined {
  const n = checkSquare(a, "cholesky: matrix");
  const A = a.data, L = new Float64Array(n * n);
  let maxDiag = 0;
  for (let i = 0; i < n; i++) maxDiag = Math.max(maxDiag, A[i * n + i]);
  const tol = n * 2 ** -52 * maxDiag;
  for (let i = 0; i < n; i++) {
    const io = i * n;
    for (let j = 0; j <= i; j++) {
      const jo = j * n;
      const s = A[io + j] - dot(L, io, L, jo, 0, j);
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
