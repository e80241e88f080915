/**
 * Plain float64 dense matrices (row-major) for the metric statistics. Nothing here uses TF.js:
 * TF.js has no float64, and the Fréchet distance needs it (spec 8.1).
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

/** Checks that `m` is a well-formed `rows × cols` matrix; `what` names it in the error. */
export function checkMatrix(m: { rows: number; cols: number; data: ArrayLike<number> }, what: string): void {
  if (!Number.isInteger(m.rows) || !Number.isInteger(m.cols) || m.rows < 0 || m.cols < 1) {
    throw new Error(`${what}: expected positive integer rows/cols, got ${m.rows} x ${m.cols}`);
  }
  if (m.data.length !== m.rows * m.cols) {
    throw new Error(`${what}: expected ${m.rows} x ${m.cols} = ${m.rows * m.cols} values, got ${m.data.length}`);
  }
}

/** Checks that `m` is square; returns its order. */
export function checkSquare(m: Matrix, what: string): number {
  checkMatrix(m, what);
  if (m.rows !== m.cols) throw new Error(`${what}: expected a square matrix, got ${m.rows} x ${m.cols}`);
  return m.rows;
}

/** Trace Σ_i A_ii of a square matrix. */
export function trace(a: Matrix): number {
  const n = checkSquare(a, "trace");
  let t = 0;
  for (let i = 0; i < n; i++) t += a.data[i * n + i];
  return t;
}

/** Transpose of a matrix. */
export function transpose(a: Matrix): Matrix {
  const out = new Float64Array(a.rows * a.cols);
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < a.cols; j++) out[j * a.rows + i] = a.data[i * a.cols + j];
  }
  return { rows: a.cols, cols: a.rows, data: out };
}

/**
 * Matrix product C = A·B in float64 (i-k-j order, four output rows at a time so that each row
 * of B is read once per four rows of A).
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
