/**
 * @ebjdat/metrics: FID (pytorch-fid's Inception, float64 Fréchet distance), Inception Score and KID
 * (torch-fidelity), FD/KID on a named classifier's features (FD-WRN), accuracy, robust accuracy and
 * expected calibration error (spec section 8).
 */
// The portable part, also the browser entry (package.json `exports["."].browser`; DEVELOPING.md, "Browser builds").
export * from "./index.browser";
// Node only (files, Node built-ins):
export { computeMetrics } from "./compute";
export type { ComputeMetricsOptions, MetricsReport } from "./compute";
export {
  loadInceptionWeights,
  fetchInceptionWeightsBytes,
  readInceptionStateDict,
  cacheDir,
  sha256Hex,
  INCEPTION_WEIGHTS_FILE,
  INCEPTION_WEIGHTS_URL,
  INCEPTION_WEIGHTS_SHA256_PREFIX,
} from "./inception/weights-file";
export type { InceptionWeightsOptions } from "./inception/weights-file";
