/**
 * @ebjdat/linalg: small dense float64 linear algebra in plain TypeScript (no TF.js, no Node
 * built-ins), row-major `Float64Array` matrices: symmetric eigendecomposition, Cholesky, the PSD
 * square root, mean and covariance, products. The Fréchet distance of FID (spec 8.1) and the
 * class-conditional Gaussians of JEM++ / SADA-JEM (spec 3.1) are built on it.
 */
export type { Matrix, FeatureMatrix } from "./matrix";
export { checkMatrix, checkSquare, matmul, congruence, trace, transpose } from "./matrix";
export { columnMeans, meanAndCovariance } from "./moments";
export type { Moments } from "./moments";
export { eigh } from "./eigh";
export type { EighOptions, SymmetricEigen } from "./eigh";
export { cholesky } from "./cholesky";
export { sqrtmPsd } from "./sqrtm";
export { orthonormalizeColumns } from "./orthonormalize";
