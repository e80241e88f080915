import { checkMatrix, type Matrix } from "./matrix";

/**
 * Orthonormalises the columns of a d × r matrix in place (spec 3.1, the start basis and the
 * subspace iterations of the low-rank class covariances): modified Gram-Schmidt,
 * q_j ← (y_j − Σ_{i<j} (q_iᵀ y_j) q_i) / ‖·‖, applied twice for stability. A column that vanishes
 * (norm ≤ 1e-300) is replaced by zeros. Cost 2·d·r² multiply-adds per pass.
 */
export function orthonormalizeColumns(m: Matrix): void {
  checkMatrix(m, "orthonormalizeColumns: matrix");
  const d = m.rows, r = m.cols, y = m.data;
  for (let pass = 0; pass < 2; pass++) {
    for (let j = 0; j < r; j++) {
      for (let i = 0; i < j; i++) {
        let dot = 0;
        for (let k = 0; k < d; k++) dot += y[k * r + i] * y[k * r + j];
        for (let k = 0; k < d; k++) y[k * r + j] -= dot * y[k * r + i];
      }
      let nrm = 0;
      for (let k = 0; k < d; k++) nrm += y[k * r + j] ** 2;
      nrm = Math.sqrt(nrm);
      const inv = nrm > 1e-300 ? 1 / nrm : 0;
      for (let k = 0; k < d; k++) y[k * r + j] *= inv;
    }
  }
}
