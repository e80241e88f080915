import * as tf from "@tensorflow/tfjs-core";
import { Rng } from "@ebjdat/runtime";
import { checkImageShape, imageSize, type ImageShape, type Initializer } from "./initializer";
import { cholesky, eigh, matmul, orthonormalizeColumns } from "@ebjdat/linalg";

/**
 * How the class covariance Σ_c is kept (spec 3.1, option `init: 'gm-full' | 'gm-diag'` plus
 * the project's low-rank option):
 * - `full`: the lower Cholesky factor of Σ_c + jitter·I, D² floats per class
 *   (CIFAR D = 3072: 37.7 MB per class, 377 MB for 10 classes, 3.8 GB for 100);
 * - `diag`: the diagonal only, 2·D floats per class (24 KB);
 * - `pca`: the top-r eigenpairs plus one isotropic residual variance,
 *   Σ_c ≈ V_r (Λ_r - δI) V_rᵀ + δ·I with δ = mean of the remaining eigenvalues (exact in the
 *   top-r subspace, exact total variance), (D·r + r + D) floats per class (r = 64: 0.8 MB).
 */
export type CovarianceKind = "full" | "diag" | "pca";

/** Options of {@link fitClassGaussians}. */
export interface FitGaussiansOptions {
  numClasses: number;
  /** Default `full` (the official JEM++/SADA-JEM choice). */
  covariance?: CovarianceKind;
  /** Rank r of the `pca` option (default 64). */
  rank?: number;
  /** Subspace iterations of the `pca` option (default 10). */
  iterations?: number;
  /** Added to the covariance diagonal: N(μ_c, Σ_c + jitter·I) (official 1e-4). */
  jitter?: number;
  /** Seed of the `pca` start basis (default 1). */
  seed?: number;
}

/** Fitted class-conditional Gaussians N(μ_c, Σ_c + jitter·I) in model space (spec 3.1). */
export interface ClassGaussians {
  covariance: CovarianceKind;
  numClasses: number;
  imageShape: ImageShape;
  jitter: number;
  /** K·D class means (row c = μ_c, flattened NHWC). */
  means: Float32Array;
  /** Images per class used for the fit. */
  counts: Int32Array;
  /** `full`: per class the D×D row-major lower Cholesky factor of Σ_c + jitter·I. */
  chol?: Float32Array[];
  /** `diag`: K·D standard deviations sqrt(Σ_c[d,d] + jitter). */
  diagStd?: Float32Array;
  /** `pca`: rank r. */
  rank?: number;
  /** `pca`: per class the D×r row-major orthonormal basis V_r. */
  basis?: Float32Array[];
  /** `pca`: K·r scales sqrt(λ_j - δ). */
  basisScale?: Float32Array;
  /** `pca`: K residual standard deviations sqrt(δ + jitter). */
  isoStd?: Float32Array;
}

/**
 * Bytes the fitted statistics of one covariance kind occupy in float32 (spec 3.1 memory cost):
 * full K·D², diag 2·K·D, pca K·(D·r + r + 1) (+ K·D means each).
 */
export function gaussianMemoryBytes(kind: CovarianceKind, d: number, numClasses: number, rank = 64): number {
  const per = kind === "full" ? d * d : kind === "diag" ? d : d * rank + rank + 1;
  return 4 * numClasses * (per + d);
}

/** Image data as a tensor or a flat NHWC array with its shape. */
export type ImageData = tf.Tensor4D | { data: Float32Array; shape: readonly number[] };

function flatData(x: ImageData): { data: Float32Array; n: number; shape: ImageShape } {
  if (x instanceof tf.Tensor) {
    if (x.rank !== 4) throw new Error(`fitClassGaussians: images must be NHWC rank 4, got [${x.shape.join(", ")}]`);
    return { data: x.dataSync() as Float32Array, n: x.shape[0], shape: checkImageShape(x.shape.slice(1), "fitClassGaussians") };
  }
  if (x.shape.length !== 4) throw new Error(`fitClassGaussians: images must be NHWC [N, H, W, C], got [${x.shape.join(", ")}]`);
  const shape = checkImageShape(x.shape.slice(1), "fitClassGaussians");
  const n = x.shape[0]!;
  if (x.data.length !== n * imageSize(shape)) throw new Error(`fitClassGaussians: data has ${x.data.length} values, shape [${x.shape.join(", ")}] needs ${n * imageSize(shape)}`);
  return { data: x.data, n, shape };
}

/**
 * Fits class-conditional Gaussians to model-space training images (spec 3.1, JEM++
 * `category_mean`): μ_c = mean of X_c, Σ_c = (X_c - μ_c)ᵀ(X_c - μ_c) / N_c (population),
 * sampled as N(μ_c, Σ_c + jitter·I). See {@link CovarianceKind} for time and memory per option.
 */
export function fitClassGaussians(x: ImageData, y: Int32Array | number[], options: FitGaussiansOptions): ClassGaussians {
  const { data, n, shape } = flatData(x);
  const k = options.numClasses;
  const kind = options.covariance ?? "full";
  const jitter = options.jitter ?? 1e-4;
  if (!(Number.isInteger(k) && k >= 1)) throw new Error(`fitClassGaussians: numClasses must be a positive integer, got ${k}`);
  if (y.length !== n) throw new Error(`fitClassGaussians: expected ${n} labels, got ${y.length}`);
  if (!(jitter >= 0)) throw new Error(`fitClassGaussians: jitter must be >= 0, got ${jitter}`);
  const d = imageSize(shape);
  const rank = options.rank ?? 64;
  if (kind === "pca" && !(Number.isInteger(rank) && rank >= 1 && rank < d)) throw new Error(`fitClassGaussians: rank must be an integer in [1, ${d}), got ${rank}`);
  const rows: number[][] = Array.from({ length: k }, () => []);
  for (let i = 0; i < n; i++) {
    const c = y[i]!;
    if (!(Number.isInteger(c) && c >= 0 && c < k)) throw new Error(`fitClassGaussians: label ${i} is ${c}, expected an integer in [0, ${k})`);
    rows[c]!.push(i);
  }
  const means = new Float32Array(k * d);
  const counts = new Int32Array(k);
  const out: ClassGaussians = { covariance: kind, numClasses: k, imageShape: shape, jitter, means, counts };
  if (kind === "full") out.chol = [];
  if (kind === "diag") out.diagStd = new Float32Array(k * d);
  if (kind === "pca") {
    out.rank = rank;
    out.basis = [];
    out.basisScale = new Float32Array(k * rank);
    out.isoStd = new Float32Array(k);
  }
  const rng = new Rng(options.seed ?? 1);
  for (let c = 0; c < k; c++) {
    const idx = rows[c]!;
    const nc = idx.length;
    if (nc < 2) throw new Error(`fitClassGaussians: class ${c} has ${nc} images, need at least 2`);
    counts[c] = nc;
    const mu = new Float64Array(d);
    for (const i of idx) for (let j = 0; j < d; j++) mu[j]! += data[i * d + j]!;
    for (let j = 0; j < d; j++) mu[j]! /= nc;
    means.set(mu, c * d);
    // centred class matrix X_c - μ_c, [N_c, D]
    const xc = new Float32Array(nc * d);
    idx.forEach((i, r) => {
      for (let j = 0; j < d; j++) xc[r * d + j] = data[i * d + j]! - mu[j]!;
    });
    const variance = new Float64Array(d);
    for (let r = 0; r < nc; r++) for (let j = 0; j < d; j++) variance[j]! += xc[r * d + j]! ** 2;
    for (let j = 0; j < d; j++) variance[j]! /= nc;
    if (kind === "diag") {
      for (let j = 0; j < d; j++) out.diagStd![c * d + j] = Math.sqrt(variance[j]! + jitter);
    } else if (kind === "full") {
      const cov = tf.tidy(() => {
        const t = tf.tensor2d(xc, [nc, d]);
        return tf.div(tf.matMul(t, t, true, false), nc);
      });
      const a = Float64Array.from(cov.dataSync());
      cov.dispose();
      for (let j = 0; j < d; j++) a[j * d + j] = variance[j]! + jitter; // exact float64 diagonal
      const l = cholesky({ rows: d, cols: d, data: a });
      if (!l) throw new Error(`fitClassGaussians: the covariance of class ${c} plus jitter·I (jitter ${jitter}) is not positive definite; raise jitter`);
      out.chol!.push(Float32Array.from(l.data));
    } else {
      const { basis, values } = topEigen(xc, nc, d, rank, options.iterations ?? 10, rng);
      let tr = 0;
      for (let j = 0; j < d; j++) tr += variance[j]!;
      let top = 0;
      for (let j = 0; j < rank; j++) top += values[j]!;
      const delta = Math.max(0, (tr - top) / (d - rank));
      for (let j = 0; j < rank; j++) out.basisScale![c * rank + j] = Math.sqrt(Math.max(0, values[j]! - delta));
      out.isoStd![c] = Math.sqrt(delta + jitter);
      out.basis!.push(Float32Array.from(basis));
    }
  }
  return out;
}

/** Top-r eigenpairs of Σ = XᵀX/N by subspace iteration on X (never forming the D×D matrix). */
function topEigen(xc: Float32Array, nc: number, d: number, r: number, iterations: number, rng: Rng): { basis: Float64Array; values: Float64Array } {
  const x = tf.tensor2d(xc, [nc, d]);
  try {
    const v = Float64Array.from(rng.normalArray(d * r));
    orthonormalizeColumns({ rows: d, cols: r, data: v });
    for (let it = 0; it < iterations; it++) {
      const y = tf.tidy(() => {
        const vt = tf.tensor2d(Float32Array.from(v), [d, r]);
        return tf.div(tf.matMul(x, tf.matMul(x, vt), true, false), nc);
      });
      v.set(y.dataSync());
      y.dispose();
      orthonormalizeColumns({ rows: d, cols: r, data: v });
    }
    // Rayleigh-Ritz: B = Vᵀ Σ V = (XV)ᵀ(XV)/N
    const b = tf.tidy(() => {
      const xv = tf.matMul(x, tf.tensor2d(Float32Array.from(v), [d, r]));
      return tf.div(tf.matMul(xv, xv, true, false), nc);
    });
    const bm = Float64Array.from(b.dataSync());
    b.dispose();
    for (let i = 0; i < r; i++) for (let j = 0; j < i; j++) bm[i * r + j] = bm[j * r + i] = 0.5 * (bm[i * r + j]! + bm[j * r + i]!);
    // B = Wᵀ diag(λ) W, λ ascending with eigenvector i in row i of W; the basis is V·U with U's
    // column j the eigenvector of the j-th largest eigenvalue.
    const { values: ascending, vectors } = eigh({ rows: r, cols: r, data: bm });
    const w = vectors!.data;
    const values = new Float64Array(r);
    const u = new Float64Array(r * r);
    for (let j = 0; j < r; j++) {
      const i = r - 1 - j;
      values[j] = ascending[i]!;
      for (let l = 0; l < r; l++) u[l * r + j] = w[i * r + l]!;
    }
    const basis = matmul({ rows: d, cols: r, data: v }, { rows: r, cols: r, data: u }).data;
    return { basis, values };
  } finally {
    x.dispose();
  }
}

/** Options of {@link gaussianInit}. */
export interface GaussianInitOptions {
  /** Clamp of every draw (official: [-1, 1]; `null` for none). */
  clamp?: readonly [number, number] | null;
}

/**
 * The informative initialiser of JEM++ / SADA-JEM (spec 3.1): x = clamp(μ_c + L_c z, -1, 1),
 * z ~ N(0, I) (full), μ_c + σ_c ⊙ z (diag), or μ_c + V_r (s ⊙ z_r) + sqrt(δ + jitter) z (pca).
 * Without classes each image picks its class uniformly (official `init_random`).
 */
export function gaussianInit(g: ClassGaussians, options: GaussianInitOptions = {}): Initializer {
  const clamp = options.clamp === undefined ? ([-1, 1] as const) : options.clamp;
  const d = imageSize(g.imageShape);
  const k = g.numClasses;
  return {
    kind: `gm-${g.covariance}`,
    imageShape: g.imageShape,
    numClasses: k,
    sample(n: number, rng: Rng, classes?: Int32Array): Float32Array {
      if (classes !== undefined && classes.length !== n) throw new Error(`gaussianInit.sample: expected ${n} classes, got ${classes.length}`);
      const cls = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const c = classes ? classes[i]! : rng.int(0, k);
        if (!(c >= 0 && c < k)) throw new Error(`gaussianInit.sample: class ${c} outside [0, ${k})`);
        cls[i] = c;
      }
      const z = rng.normalArray(n * d);
      const out = new Float32Array(n * d);
      if (g.covariance === "diag") {
        for (let i = 0; i < n; i++) {
          const c = cls[i]!;
          for (let j = 0; j < d; j++) out[i * d + j] = g.means[c * d + j]! + g.diagStd![c * d + j]! * z[i * d + j]!;
        }
      } else {
        // group rows by class, one matmul per class present
        for (let c = 0; c < k; c++) {
          const members: number[] = [];
          for (let i = 0; i < n; i++) if (cls[i] === c) members.push(i);
          if (members.length === 0) continue;
          const m = members.length;
          const zc = new Float32Array(m * d);
          members.forEach((i, r) => zc.set(z.subarray(i * d, (i + 1) * d), r * d));
          let res: Float32Array;
          if (g.covariance === "full") {
            const t = tf.tidy(() => tf.matMul(tf.tensor2d(zc, [m, d]), tf.tensor2d(g.chol![c]!, [d, d]), false, true));
            res = t.dataSync() as Float32Array;
            t.dispose();
          } else {
            const r = g.rank!;
            const zr = rng.normalArray(m * r);
            for (let i = 0; i < m; i++) for (let j = 0; j < r; j++) zr[i * r + j]! *= g.basisScale![c * r + j]!;
            const t = tf.tidy(() => tf.matMul(tf.tensor2d(zr, [m, r]), tf.tensor2d(g.basis![c]!, [d, r]), false, true));
            res = Float32Array.from(t.dataSync() as Float32Array);
            t.dispose();
            const iso = g.isoStd![c]!;
            for (let q = 0; q < m * d; q++) res[q]! += iso * zc[q]!;
          }
          members.forEach((i, r) => {
            for (let j = 0; j < d; j++) out[i * d + j] = g.means[c * d + j]! + res[r * d + j]!;
          });
        }
      }
      if (clamp) {
        const [lo, hi] = clamp;
        for (let q = 0; q < out.length; q++) out[q] = Math.min(hi, Math.max(lo, out[q]!));
      }
      return out;
    },
  };
}
