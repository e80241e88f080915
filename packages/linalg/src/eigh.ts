import { checkSquare, type Matrix } from "./matrix";

/** Result of {@link eigh}. */
export interface SymmetricEigen {
  /** Eigenvalues λ_0 ≤ λ_1 ≤ … ≤ λ_{n−1}. */
  values: Float64Array;
  /**
   * Eigenvectors as the **rows** of an n × n matrix (row i belongs to `values[i]`), so that
   * A = Vᵀ·diag(λ)·V with V = `vectors`. Absent when only the values were asked for.
   */
  vectors?: Matrix;
}

/** Options of {@link eigh}. */
export interface EighOptions {
  /** Also compute the eigenvectors (default true). Values only is about 5× cheaper. */
  vectors?: boolean;
  /** Maximum implicit QL iterations per eigenvalue before giving up (default 60). */
  maxIterations?: number;
}

/**
 * Eigendecomposition of a real symmetric matrix in float64: A = Vᵀ diag(λ) V (spec 8.1).
 *
 * Method: Householder reduction to tridiagonal form T = Qᵀ A Q (n − 2 reflections
 * H_k = I − u uᵀ / h acting on the leading k × k block, using only the lower triangle of A),
 * then the implicit QL algorithm with Wilkinson shifts on T (Givens rotations, deflation when
 * |e_i| ≤ ε·max_j(|d_j| + |e_j|)), the rotations accumulated into Qᵀ. Only the lower triangle of
 * `a` is read.
 *
 * Accuracy: backward stable; eigenvalues carry an absolute error of a few ε‖A‖₂ (ε = 2.2e-16),
 * eigenvectors are orthonormal to ~n·ε. Cost: about (2/3)n³ multiply-adds for the reduction,
 * (2/3)n³ to form Qᵀ and ~3n³ for the rotations (vectors only); for n = 2048 this is seconds to tens
 * of seconds in Node (values only: a few seconds). See the package README for measured times.
 */
export function eigh(a: Matrix, options: EighOptions = {}): SymmetricEigen {
  const n = checkSquare(a, "eigh: matrix");
  const wantVectors = options.vectors ?? true;
  const maxIter = options.maxIterations ?? 60;
  for (let i = 0; i < n * n; i++) {
    if (!Number.isFinite(a.data[i])) throw new Error(`eigh: matrix has a non-finite entry at (${Math.floor(i / n)}, ${i % n})`);
  }
  const A = Float64Array.from(a.data);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  const hs = new Float64Array(n);
  tridiagonalize(A, n, d, e, hs);
  let zt: Float64Array | undefined;
  if (wantVectors) zt = accumulate(A, n, hs);
  implicitQl(d, e, n, zt, maxIter);
  // Sort ascending, vectors along.
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => d[i] - d[j]);
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = d[order[i]];
  if (!zt) return { values };
  const V = new Float64Array(n * n);
  for (let i = 0; i < n; i++) V.set(zt.subarray(order[i] * n, order[i] * n + n), i * n);
  return { values, vectors: { rows: n, cols: n, data: V } };
}

/**
 * Householder tridiagonalisation in place on the lower triangle of A (row-major n × n).
 * Afterwards d = diagonal of T, e[k] = T[k][k−1] (k ≥ 1), and row k of A holds the Householder
 * vector u_k in its first k entries, with hs[k] = h_k (0 when no reflection was needed).
 */
function tridiagonalize(A: Float64Array, n: number, d: Float64Array, e: Float64Array, hs: Float64Array): void {
  const p = new Float64Array(n);
  for (let k = n - 1; k >= 1; k--) {
    const ro = k * n;
    d[k] = A[ro + k];
    let scale = 0;
    for (let j = 0; j < k; j++) scale += Math.abs(A[ro + j]);
    if (k === 1 || scale === 0) {
      e[k] = A[ro + k - 1];
      hs[k] = 0;
      continue;
    }
    let sigma = 0;
    for (let j = 0; j < k; j++) {
      const v = A[ro + j] / scale;
      A[ro + j] = v;
      sigma += v * v;
    }
    const f = A[ro + k - 1];
    const g = f >= 0 ? -Math.sqrt(sigma) : Math.sqrt(sigma);
    e[k] = scale * g;
    const h = sigma - f * g;
    A[ro + k - 1] = f - g;
    hs[k] = h;
    // p = B u / h with B the leading k × k block (lower triangle stored).
    p.fill(0, 0, k);
    for (let i = 0; i < k; i++) {
      const io = i * n;
      const ui = A[ro + i];
      let s = 0;
      for (let j = 0; j < i; j++) {
        const b = A[io + j];
        s += b * A[ro + j];
        p[j] += b * ui;
      }
      p[i] += s + A[io + i] * ui;
    }
    let up = 0;
    for (let i = 0; i < k; i++) {
      p[i] /= h;
      up += A[ro + i] * p[i];
    }
    const K = up / (2 * h);
    for (let i = 0; i < k; i++) p[i] -= K * A[ro + i];
    // B ← B − u qᵀ − q uᵀ on the lower triangle.
    for (let i = 0; i < k; i++) {
      const io = i * n;
      const ui = A[ro + i], qi = p[i];
      for (let j = 0; j <= i; j++) A[io + j] -= ui * p[j] + qi * A[ro + j];
    }
  }
  d[0] = A[0];
}

/** Forms Qᵀ = H_1 H_2 ⋯ H_{n−1} (row-major) from the stored Householder vectors. */
function accumulate(A: Float64Array, n: number, hs: Float64Array): Float64Array {
  const Z = new Float64Array(n * n);
  for (let i = 0; i < n; i++) Z[i * n + i] = 1;
  // M = H_{k}⋯H_1 is the identity outside its leading k × k block; Zᵀ-storage: Z = Mᵀ,
  // and Mᵀ ← Mᵀ H_k touches only the leading block.
  for (let k = 1; k < n; k++) {
    const h = hs[k];
    if (h === 0) continue;
    const ro = k * n;
    for (let c = 0; c < k; c++) {
      const co = c * n;
      let w = 0;
      for (let r = 0; r < k; r++) w += Z[co + r] * A[ro + r];
      w /= h;
      if (w === 0) continue;
      for (let r = 0; r < k; r++) Z[co + r] -= w * A[ro + r];
    }
  }
  // Z = Mᵀ = Qᵀ: its rows are the columns of Q, the starting eigenvector rows for the QL step.
  return Z;
}

/**
 * Implicit QL with Wilkinson shifts on the tridiagonal (d, e) with e[k] = T[k][k−1].
 * Eigenvalues are left in d; when `zt` is given its rows are rotated along.
 */
function implicitQl(d: Float64Array, e: Float64Array, n: number, zt: Float64Array | undefined, maxIter: number): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  const eps = 2 ** -52;
  let f = 0;
  let tst1 = 0;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n - 1 && Math.abs(e[m]) > eps * tst1) m++;
    if (m > l) {
      let iter = 0;
      do {
        if (++iter > maxIter) throw new Error(`eigh: implicit QL did not converge for eigenvalue ${l} in ${maxIter} iterations`);
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        p = d[m];
        let c = 1, c2 = 1, c3 = 1, s = 0, s2 = 0;
        const el1 = e[l + 1];
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = Math.hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          if (zt) {
            const oi = i * n, oj = oi + n;
            for (let k = 0; k < n; k++) {
              const zi = zt[oi + k], zj = zt[oj + k];
              zt[oj + k] = s * zi + c * zj;
              zt[oi + k] = c * zi - s * zj;
            }
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > eps * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }
}
