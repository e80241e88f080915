import { eigh } from "./eigh";
import { checkSquare, type Matrix } from "./matrix";

/**
 * Principal square root of a symmetric positive semi-definite matrix via its eigendecomposition
 * (spec 8.1): A = Vᵀ diag(λ) V  ⇒  √A = Vᵀ diag(√max(λ, 0)) V. Eigenvalues below zero (round-off
 * of a PSD matrix) are clamped to 0. The result is symmetric and PSD.
 *
 * Cost: one {@link eigh} with vectors plus n³ multiply-adds.
 */
export function sqrtmPsd(a: Matrix): Matrix {
  const n = checkSquare(a, "sqrtmPsd: matrix");
  const { values, vectors } = eigh(a);
  const V = vectors!.data;
  // W = diag(λ^¼) V, then √A = Wᵀ W (symmetric; only the upper triangle is computed).
  const W = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const s = Math.sqrt(Math.sqrt(Math.max(values[k], 0)));
    for (let j = 0; j < n; j++) W[k * n + j] = s * V[k * n + j];
  }
  const out = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const ko = k * n;
    for (let i = 0; i < n; i++) {
      const w = W[ko + i];
      if (w === 0) continue;
      const oo = i * n;
      for (let j = i; j < n; j++) out[oo + j] += w * W[ko + j];
    }
  }
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) out[j * n + i] = out[i * n + j];
  return { rows: n, cols: n, data: out };
}
