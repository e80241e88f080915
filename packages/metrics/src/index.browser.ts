/**
 * @ebjdat/metrics in a browser (package.json `exports["."].browser`): the array parts. See
 * DEVELOPING.md, "Browser builds". The full package:
 *
 * FID (pytorch-fid's Inception, float64 Fréchet distance), Inception Score and KID
 * (torch-fidelity), FD/KID on a named classifier's features (FD-WRN), accuracy, robust accuracy and
 * expected calibration error (spec section 8).
 */
// High level: computeMetrics (it fetches and caches the Inception weights in files) is Node only
// The metric table (one entry per metric) and the feature pipelines the metrics read
export { METRICS, METRIC_NAMES } from "./metric/table";
export type { MetricName } from "./metric/table";
export { metricRequirements } from "./metric/requirements";
export type { MetricRequirements } from "./metric/requirements";
export type { MetricContext, MetricDefinition, MetricEntry, MetricSettings } from "./metric/types";
export { FEATURE_PIPELINES } from "./feature/table";
export type { FeatureKey } from "./feature/table";
export type { FeatureContext, FeaturePipeline, InceptionInput } from "./feature/types";
export { featureFrechetDistance, featureSetFrechetDistance, covarianceWarning } from "./feature-distance";
export type { FeatureDistanceResult, FeatureFn } from "./feature-distance";
export type { ImageSource, MetricsProgress } from "./images";
// Distances and scores on features
export { frechetDistance, frechetDistanceLowRank, frechetDistanceParts } from "./frechet";
export type { FrechetParts } from "./frechet";
export { inceptionScore } from "./inception-score";
export type { InceptionScoreOptions, InceptionScoreResult } from "./inception-score";
export { kernelInceptionDistance, polynomialMmd2 } from "./kid";
export type { KidOptions, KidResult } from "./kid";
export { kernelInceptionDistanceTf } from "./kid-tf";
export { NumpyRandomState } from "./numpy-random";
// Classification
export { accuracy, robustAccuracy, expectedCalibrationError, argmaxRows } from "./classification";
export type { CalibrationResult, LogitsInput } from "./classification";
// The matrix types of the signatures above (the float64 linear algebra itself is @ebjdat/linalg)
export type { Matrix, FeatureMatrix } from "@ebjdat/linalg";
// FID Inception
export { FidInception } from "./inception/network";
export type { ForwardOptions, InceptionOutputs } from "./inception/network";
export { preprocessPytorchFid, preprocessTorchFidelity, toUint8Values, uint8Wrap, INCEPTION_SIZE } from "./inception/preprocess";
export { deterministicInceptionWeights } from "./inception/deterministic-weights";
export { prepareInceptionStateDict, oihwToHwio, linearToKernel } from "./inception/layout";
export type { Float32Raw } from "./inception/layout";
// (the weights file helpers of ./inception/weights-file.ts are Node only: files, a cache folder)
