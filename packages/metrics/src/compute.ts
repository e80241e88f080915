import * as tf from "@tensorflow/tfjs-core";
import { featureSetFrechetDistance, type FeatureFn } from "./feature-distance";
import { collectFeatures, type ImageSource, type MetricsProgress } from "./images";
import { inceptionScore } from "./inception-score";
import { kernelInceptionDistanceTf } from "./kid-tf";
import { NumpyRandomState } from "./numpy-random";
import { FidInception } from "./inception/network";
import { preprocessPytorchFid, preprocessTorchFidelity, toUint8Values, uint8Wrap } from "./inception/preprocess";
import { fetchInceptionWeightsBytes, readInceptionStateDict, type InceptionWeightsOptions } from "./inception/weights-file";
import type { FeatureMatrix } from "@ebjdat/linalg";

/**
 * Metric names: `fid`, `is`, `kid` (standard protocols), `fd-wrn` / `kid-wrn` (on the features of
 * `featureModel`, reported under its name), `fid-paper` / `is-paper` (the official EB-JDAT
 * evaluation of spec 8.4, with the uint8 wrap-around; not comparable to standard FID/IS).
 */
export type MetricName = "fid" | "is" | "kid" | "fd-wrn" | "kid-wrn" | "fid-paper" | "is-paper";

/** One computed metric, JSON-serialisable, saying which protocol and pipeline produced it. */
export interface MetricEntry {
  /** Display name (e.g. `FID`, `IS`, `KID`, `FD-WRN`, `FID (paper protocol)`). */
  name: string;
  /** FID/FD value, or the mean for IS/KID. */
  value?: number;
  /** IS/KID standard deviation over splits/subsets (population, ddof = 0). */
  std?: number;
  /** Which reference implementation this reproduces. */
  protocol: string;
  /** Preprocessing and features. */
  pipeline: string;
  nReal?: number;
  nFake?: number;
  /** Extra settings (splits, subsets, …). */
  settings?: Record<string, number | string | boolean | null>;
  warning?: string;
  /** Set instead of `value` when the metric could not be computed and `onMissingWeights: 'skip'`. */
  skipped?: string;
}

/** Result of {@link computeMetrics}. */
export interface MetricsReport {
  metrics: Partial<Record<MetricName, MetricEntry>>;
  nReal?: number;
  nFake: number;
  /** Where the Inception weights came from (`deterministic test weights` or a file), when used. */
  inceptionWeights?: string;
  backend: string;
}

/** Options of {@link computeMetrics}. */
export interface ComputeMetricsOptions {
  /** Reference images, [0, 1] NHWC (needed by every metric except `is` / `is-paper`). */
  real?: ImageSource;
  /** Generated images, [0, 1] NHWC. */
  fake: ImageSource;
  metrics: MetricName[];
  /** A built network, or where to get the official weights (path or options; default cache/download). */
  inception?: FidInception | string | InceptionWeightsOptions;
  /** Label recorded for a caller-built `inception` (default "caller-provided FidInception"). */
  inceptionSource?: string;
  /** Features for `fd-wrn` / `kid-wrn`; `name` is how the FD is reported (e.g. `FD-WRN`). */
  featureModel?: { name: string; fn: FeatureFn };
  /** Images per forward pass (default 50, as pytorch-fid). */
  batchSize?: number;
  /** IS splits (default 10). */
  isSplits?: number;
  /** Shuffle fakes before the IS splits with numpy RandomState(seed) (torch-fidelity: 2020); default none (spec 8.2). */
  isShuffleSeed?: number | null;
  /** KID subsets (default 100) and subset size (default min(1000, N_real, N_fake)). */
  kidSubsets?: number;
  kidSubsetSize?: number;
  /** Seed of numpy RandomState for the KID subsets (default 2020, as torch-fidelity). */
  kidSeed?: number;
  /** When the Inception weights are unavailable: throw (default) or mark Inception metrics skipped. */
  onMissingWeights?: "throw" | "skip";
  onProgress?: (p: MetricsProgress) => void;
}

const PFID = "pytorch-fid: bilinear resize to 299 (half-pixel centres), 2x−1; FID Inception pool3 (2048)";
const TFID = "torch-fidelity: round(255x) to uint8, TF1-style bilinear resize to 299, (x−128)/128; FID Inception";
const PAPER =
  "EB-JDAT official eval (torchmetrics 0.10.2): fakes ⌊255·x/(1+5e-6)⌋, reals round(255x), uint8 wrap v ↦ (256−v) mod 256, TF1 resize, (x−128)/128";

/**
 * Computes the requested image-generation metrics (spec 8.1–8.4) in one pass over each image set:
 * FID (pytorch-fid pipeline, pool3, Fréchet distance in float64), IS (torch-fidelity pipeline,
 * logits without bias, 10 splits), KID (torch-fidelity pool3, polynomial kernel, unbiased MMD²
 * over subsets drawn with numpy RandomState(2020)), FD/KID on a named classifier's features, and the
 * paper-protocol FID/IS. Every entry of the report names its protocol and pipeline.
 */
export async function computeMetrics(options: ComputeMetricsOptions): Promise<MetricsReport> {
  const want = new Set(options.metrics);
  if (want.size === 0) throw new Error("computeMetrics: no metrics requested");
  const needsReal = [...want].some((m) => m !== "is" && m !== "is-paper");
  if (needsReal && !options.real) throw new Error(`computeMetrics: ${[...want].filter((m) => m !== "is" && m !== "is-paper").join(", ")} need real images (option "real")`);
  if ((want.has("fd-wrn") || want.has("kid-wrn")) && !options.featureModel) {
    throw new Error('computeMetrics: fd-wrn / kid-wrn need a featureModel {name, fn} (e.g. a WRN\'s penultimate features)');
  }
  const batchSize = options.batchSize ?? 50;
  const inceptionMetrics = ["fid", "is", "kid", "fid-paper", "is-paper"].filter((m) => want.has(m as MetricName));
  const report: MetricsReport = { metrics: {}, nFake: 0, backend: tf.getBackend() };

  let net: FidInception | undefined;
  let ownNet = false;
  if (inceptionMetrics.length) {
    if (options.inception instanceof FidInception) {
      net = options.inception;
      report.inceptionWeights = options.inceptionSource ?? "caller-provided FidInception";
    } else {
      try {
        const wopts = typeof options.inception === "string" ? { path: options.inception } : options.inception ?? {};
        const { bytes, source } = await fetchInceptionWeightsBytes(wopts);
        net = FidInception.fromStateDict(readInceptionStateDict(bytes, source));
        ownNet = true;
        report.inceptionWeights = source;
      } catch (e) {
        if (options.onMissingWeights !== "skip") throw e;
        for (const m of inceptionMetrics) {
          report.metrics[m as MetricName] = { name: m.toUpperCase(), protocol: "-", pipeline: "-", skipped: (e as Error).message };
        }
      }
    }
  }

  try {
    const plan = (fake: boolean) => ({
      pfid: !!net && want.has("fid"),
      tfid: !!net && (want.has("kid") || (fake && want.has("is"))),
      tfidLogits: !!net && fake && want.has("is"),
      paper: !!net && (want.has("fid-paper") || (fake && want.has("is-paper"))),
      paperLogits: !!net && fake && want.has("is-paper"),
      fm: want.has("fd-wrn") || want.has("kid-wrn"),
    });
    const extract = async (src: ImageSource, fake: boolean) => {
      const p = plan(fake);
      return collectFeatures(
        src,
        async (x) => {
          const out: Record<string, tf.Tensor2D> = {};
          if (p.pfid) {
            const pre = preprocessPytorchFid(x, { checkRange: false });
            const o = await net!.forwardAsync(pre);
            pre.dispose();
            out.pfid = o.pool3;
          }
          if (p.tfid) {
            const pre = tf.tidy(() => preprocessTorchFidelity(toUint8Values(x, "round"), { checkRange: false }));
            const o = await net!.forwardAsync(pre, { logits: p.tfidLogits });
            pre.dispose();
            out.tfid = o.pool3;
            if (o.logitsUnbiased) out.tfidLogits = o.logitsUnbiased;
            o.logits?.dispose();
          }
          if (p.paper) {
            const pre = tf.tidy(() => {
              const u8 = fake ? (tf.floor(tf.clipByValue(tf.div(tf.mul(x, 255), 1 + 5e-6), 0, 255)) as tf.Tensor4D) : toUint8Values(x, "round");
              return preprocessTorchFidelity(uint8Wrap(u8), { checkRange: false });
            });
            const o = await net!.forwardAsync(pre, { logits: p.paperLogits });
            pre.dispose();
            out.paper = o.pool3;
            if (o.logitsUnbiased) out.paperLogits = o.logitsUnbiased;
            o.logits?.dispose();
          }
          if (p.fm) out.fm = tf.tidy(() => options.featureModel!.fn(x));
          return out;
        },
        { batchSize, what: fake ? "fake images" : "real images", onProgress: options.onProgress },
      );
    };
    const realF = needsReal ? await extract(options.real!, false) : undefined;
    const fakeF = await extract(options.fake, true);
    const count = (m: Map<string, FeatureMatrix>) => [...m.values()][0].rows;
    report.nFake = count(fakeF);
    if (realF) report.nReal = count(realF);
    const stage = (s: string) => options.onProgress?.({ stage: s, done: 0 });

    const fd = (key: string, name: string, protocol: string, pipeline: string): MetricEntry => {
      stage(name);
      const r = featureSetFrechetDistance(realF!.get(key)!, fakeF.get(key)!, name);
      return { name, value: r.value, protocol, pipeline, nReal: r.nReal, nFake: r.nFake, ...(r.warning ? { warning: r.warning } : {}) };
    };
    const kid = async (key: string, name: string, protocol: string, pipeline: string): Promise<MetricEntry> => {
      stage(name);
      const a = realF!.get(key)!, b = fakeF.get(key)!;
      const rng = new NumpyRandomState(options.kidSeed ?? 2020);
      const subsets = options.kidSubsets ?? 100;
      const r = await kernelInceptionDistanceTf(a, b, { subsets, subsetSize: options.kidSubsetSize, permutation: (n) => rng.permutation(n) });
      return {
        name, value: r.mean, std: r.std, protocol, pipeline, nReal: a.rows, nFake: b.rows,
        settings: { subsets, subsetSize: r.subsetSize, degree: 3, gamma: `1/${a.cols}`, coef0: 1, seed: options.kidSeed ?? 2020, std: "population (ddof 0)" },
      };
    };
    const is = (key: string, name: string, protocol: string, pipeline: string): MetricEntry => {
      stage(name);
      const l = fakeF.get(key)!;
      const splits = options.isSplits ?? 10;
      const seed = options.isShuffleSeed ?? null;
      const r = inceptionScore(l, { splits, permutation: seed === null ? undefined : new NumpyRandomState(seed).permutation(l.rows) });
      return { name, value: r.mean, std: r.std, protocol, pipeline, nFake: l.rows, settings: { splits, shuffleSeed: seed, std: "population (ddof 0)" } };
    };

    if (net) {
      if (want.has("fid")) report.metrics.fid = fd("pfid", "FID", "pytorch-fid 0.3.0 (standard FID)", PFID);
      if (want.has("is")) report.metrics.is = is("tfidLogits", "IS", "torch-fidelity (logits_unbiased, 10 splits)", TFID + " logits without bias (1008)");
      if (want.has("kid")) report.metrics.kid = await kid("tfid", "KID", "torch-fidelity (poly kernel deg 3, unbiased MMD²)", TFID + " pool3 (2048)");
      if (want.has("fid-paper")) report.metrics["fid-paper"] = fd("paper", "FID (paper protocol)", "EB-JDAT official eval, spec 8.4 (NOT standard FID: colour-negated inputs)", PAPER + "; pool3");
      if (want.has("is-paper")) report.metrics["is-paper"] = is("paperLogits", "IS (paper protocol)", "EB-JDAT official eval, spec 8.4 (NOT standard IS: colour-negated inputs; torchmetrics also shuffles unseeded and reports the ddof-1 std, here the splits/std settings below apply)", PAPER + "; logits without bias");
    }
    if (options.featureModel) {
      const fmName = options.featureModel.name;
      const dim = fakeF.get("fm")!.cols;
      const pipe = `${fmName} features (${dim}-d) of [0, 1] images`;
      if (want.has("fd-wrn")) report.metrics["fd-wrn"] = fd("fm", fmName, `Fréchet distance on ${fmName} features (not FID)`, pipe);
      if (want.has("kid-wrn")) report.metrics["kid-wrn"] = await kid("fm", `KID-${fmName.replace(/^FD-/, "")}`, `KID on ${fmName} features (not Inception KID)`, pipe);
    }
    return report;
  } finally {
    if (ownNet) net?.dispose();
  }
}
