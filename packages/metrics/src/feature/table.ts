import { fm } from "./feature-model";
import { paper, paperLogits } from "./paper";
import { pfid } from "./pytorch-fid";
import { tfid, tfidLogits } from "./torch-fidelity";

/**
 * The feature pipelines of `computeMetrics`, in the order they run on each batch. A new pipeline is
 * one entry (a `FeaturePipeline` in its own file) plus one line here.
 */
export const FEATURE_PIPELINES = [pfid, tfid, tfidLogits, paper, paperLogits, fm] as const;

/** The key of a feature pipeline (`pfid`, `tfid`, `tfidLogits`, `paper`, `paperLogits`, `fm`). */
export type FeatureKey = (typeof FEATURE_PIPELINES)[number]["key"];
