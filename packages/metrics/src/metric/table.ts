import { fdWrn } from "./fd-wrn";
import { fid } from "./fid";
import { fidPaper } from "./fid-paper";
import { is } from "./is";
import { isPaper } from "./is-paper";
import { kid } from "./kid";
import { kidWrn } from "./kid-wrn";

/**
 * The metrics of `computeMetrics`, in report order. A new metric is one entry (a
 * `MetricDefinition` in its own file) plus one line here; `MetricName`, `METRIC_NAMES`, the
 * requirement checks, the features to extract and the CLI's `--metrics` help follow from it.
 */
export const METRICS = [fid, is, kid, fidPaper, isPaper, fdWrn, kidWrn] as const;

/**
 * The name of a metric of {@link METRICS}: `fid`, `is`, `kid` (standard protocols), `fd-wrn` /
 * `kid-wrn` (on the features of `featureModel`, reported under its name), `fid-paper` / `is-paper`
 * (the official EB-JDAT evaluation of spec 8.4; not comparable to standard FID/IS), ….
 */
export type MetricName = (typeof METRICS)[number]["name"];

/** The names of {@link METRICS}, in report order. */
export const METRIC_NAMES: readonly MetricName[] = METRICS.map((m) => m.name);
