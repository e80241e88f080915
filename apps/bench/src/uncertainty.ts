import { Rng } from "@ebjdat/runtime";

/**
 * The uncertainty of the bench's numbers (issue 20): the spread over seeds of a number, and a
 * confidence interval for the difference between two rows measured on the same test images.
 */

/** A number over seeds: mean, sample standard deviation (n − 1; 0 for one seed), seeds, images per seed. */
export interface SeedSpread {
  mean: number;
  sd: number;
  seeds: number;
  /** Test images each seed's number rests on (undefined for numbers that are not per image). */
  images?: number;
}

/**
 * Mean and sample standard deviation over seeds (Bessel-corrected: the seeds are a sample of the
 * training randomness), ignoring non-finite values; undefined when none is finite.
 */
export function seedSpread(values: readonly number[], images?: number): SeedSpread | undefined {
  const v = values.filter((x) => Number.isFinite(x));
  if (v.length === 0) return undefined;
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const sd = v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1)) : 0;
  return { mean, sd, seeds: v.length, ...(images !== undefined ? { images } : {}) };
}

/** Per-image values of one row: one array per seed, all on the same test images in the same order. */
export type PerImage = readonly (readonly number[])[];

/** A difference A − B with its confidence interval. */
export interface PairedDifference {
  /** mean over A's seeds and the images minus the same for B */
  difference: number;
  low: number;
  high: number;
  /** confidence level of [low, high] */
  level: number;
  /** images both rows were measured on (the first `images` of the test set) */
  images: number;
  seedsA: number;
  seedsB: number;
  resamples: number;
}

/** How {@link pairedBootstrap} computes its interval, for the report. */
export const PAIRED_BOOTSTRAP_METHOD =
  "paired bootstrap over images and seeds: each of 2000 resamples draws the test images with replacement (the same images for both rows, so the pairing is kept) and, independently per row, its seeds with replacement; the 95 % interval is the 2.5th to 97.5th percentile of the resampled differences";

/**
 * The difference between two rows' per-image numbers (0/1 correctness, or a per-image statistic
 * such as |E(x_adv) − E(x)|) with a percentile confidence interval from a two-level bootstrap:
 * images are resampled jointly for both rows (they are the same test images, so image difficulty
 * cancels), seeds independently per row (the training runs of two rows are unrelated). Uses the
 * first min(n_A, n_B) images. Deterministic for `seed`.
 */
export function pairedBootstrap(a: PerImage, b: PerImage, options: { resamples?: number; level?: number; seed?: number } = {}): PairedDifference | undefined {
  const A = a.filter((s) => s.length > 0);
  const B = b.filter((s) => s.length > 0);
  if (A.length === 0 || B.length === 0) return undefined;
  const n = Math.min(...A.map((s) => s.length), ...B.map((s) => s.length));
  const resamples = options.resamples ?? 2000;
  const level = options.level ?? 0.95;
  const rng = new Rng(options.seed ?? 20);
  const meanOver = (rows: PerImage, seeds: readonly number[], images: Int32Array | undefined): number => {
    let sum = 0;
    for (const s of seeds) {
      const r = rows[s]!;
      if (images) for (let i = 0; i < n; i++) sum += r[images[i]!]!;
      else for (let i = 0; i < n; i++) sum += r[i]!;
    }
    return sum / (seeds.length * n);
  };
  const all = (k: number): number[] => Array.from({ length: k }, (_, i) => i);
  const difference = meanOver(A, all(A.length), undefined) - meanOver(B, all(B.length), undefined);
  const draws = new Float64Array(resamples);
  const images = new Int32Array(n);
  const pick = (k: number): number[] => Array.from({ length: k }, () => Math.floor(rng.next() * k));
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) images[i] = Math.floor(rng.next() * n);
    draws[r] = meanOver(A, pick(A.length), images) - meanOver(B, pick(B.length), images);
  }
  draws.sort();
  const q = (p: number): number => draws[Math.min(resamples - 1, Math.max(0, Math.round(p * (resamples - 1))))]!;
  return { difference, low: q((1 - level) / 2), high: q(1 - (1 - level) / 2), level, images: n, seedsA: A.length, seedsB: B.length, resamples };
}

/**
 * A difference between two rows known only per seed (a generation metric, a training time):
 * difference of the seed means with a bootstrap interval over seeds (coarse with 3 seeds).
 */
export function seedBootstrap(a: readonly number[], b: readonly number[], options: { resamples?: number; level?: number; seed?: number } = {}): PairedDifference | undefined {
  const A = a.filter((x) => Number.isFinite(x));
  const B = b.filter((x) => Number.isFinite(x));
  if (A.length === 0 || B.length === 0) return undefined;
  const res = pairedBootstrap(
    A.map((x) => [x]),
    B.map((x) => [x]),
    options,
  );
  return res ? { ...res, images: 0 } : undefined;
}

/** A verdict on a claimed direction from an interval: the interval excludes zero on the claimed side, the other side, or neither. */
export type Verdict = "holds" | "fails" | "undecided at this scale";

/** `holds` when the whole interval of A − B lies on the claimed side of 0 (`>`: above), `fails` when it lies on the other side, else undecided. */
export function verdictOf(d: PairedDifference | undefined, claimed: ">" | "<"): Verdict {
  if (!d) return "undecided at this scale";
  const sign = claimed === ">" ? 1 : -1;
  if (sign * d.low > 0 && sign * d.high > 0) return "holds";
  if (sign * d.low < 0 && sign * d.high < 0) return "fails";
  return "undecided at this scale";
}
