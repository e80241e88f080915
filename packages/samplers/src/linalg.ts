/**
 * Small dense linear algebra in float64 JavaScript for the informative initialisation
 * (spec 3.1): Cholesky factor, symmetric eigen-decomposition (Jacobi), Gram-Schmidt.
 * Matrices are row-major Float64Arrays.
 */

/**
 * Lower Cholesky factor L with A = L Lᵀ of a symmetric positive-definite n×n matrix
 * (row-major; only the lower triangle of A is read). Cost n³/6 multiply-adds, memory n²
 * doubles. Throws if A is not positive definite.
 */
export function cholesky(a: Float64Array, n: number): Float64Array {
  if (a.length !== n * n) throw new Error(`cholesky: expected ${n}x${n} = ${n * n} values, got ${a.length}`);
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const rj = j * n;
      let s = a[ri + j]!;
      for (let k = 0; k < j; k++) s -= l[ri + k]! * l[rj + k]!;
      if (i === j) {
        if (!(s > 0)) throw new Error(`cholesky: matrix is not positive definite (pivot ${i} is ${s})`);
        l[ri + i] = Math.sqrt(s);
      } else {
        l[ri + j] = s / l[rj + j]!;
      }
    }
  }
  return l;
}

/**
 * Eigen-decomposition of a symmetric n×n matrix by cyclic Jacobi rotations:
 * A = V diag(values) Vᵀ, values sorted descending, `vectors` row-major with eigenvector j in
 * column j. For the small r×r Rayleigh-Ritz problems of the PCA option.
 */
export function symmetricEigen(a: Float64Array, n: number, maxSweeps = 100): { values: Float64Array; vectors: Float64Array } {
  const m = Float64Array.from(a);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    let total = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const x = m[i * n + j]! ** 2;
        total += x;
        if (i !== j) off += x;
      }
    }
    if (off <= 1e-30 * Math.max(total, 1e-300)) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const app = m[p * n + p]!;
        const aqq = m[q * n + q]!;
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const mkp = m[k * n + p]!;
          const mkq = m[k * n + q]!;
          m[k * n + p] = c * mkp - s * mkq;
          m[k * n + q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < n; k++) {
          const mpk = m[p * n + k]!;
          const mqk = m[q * n + k]!;
          m[p * n + k] = c * mpk - s * mqk;
          m[q * n + k] = s * mpk + c * mqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!;
          const vkq = v[k * n + q]!;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => m[j * n + j]! - m[i * n + i]!);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => {
    values[dst] = m[src * n + src]!;
    for (let k = 0; k < n; k++) vectors[k * n + dst] = v[k * n + src]!;
  });
  return { values, vectors };
}

/**
 * Orthonormalises the r columns of a row-major d×r matrix in place (modified Gram-Schmidt,
 * applied twice for stability). A column that vanishes is replaced by zeros.
 */
export function orthonormalizeColumns(y: Float64Array, d: number, r: number): void {
  for (let pass = 0; pass < 2; pass++) {
    for (let j = 0; j < r; j++) {
      for (let i = 0; i < j; i++) {
        let dot = 0;
        for (let k = 0; k < d; k++) dot += y[k * r + i]! * y[k * r + j]!;
        for (let k = 0; k < d; k++) y[k * r + j]! -= dot * y[k * r + i]!;
      }
      let nrm = 0;
      for (let k = 0; k < d; k++) nrm += y[k * r + j]! ** 2;
      nrm = Math.sqrt(nrm);
      const inv = nrm > 1e-300 ? 1 / nrm : 0;
      for (let k = 0; k < d; k++) y[k * r + j]! *= inv;
    }
  }
}
