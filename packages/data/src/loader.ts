import { Rng, type ImageBatch } from "@ebjdat/runtime";
import { augmentedBatch, type AugmentOptions } from "./augment";
import type { Dataset } from "./dataset";
import { DataError } from "./errors";

export interface BatchOrderOptions {
  batchSize: number;
  /** Reshuffle every epoch (default true). */
  shuffle?: boolean;
  /** Drop the last incomplete batch of an epoch (default false). */
  dropLast?: boolean;
}

/**
 * The batches of one epoch over n records: a permutation (or 0..n-1) cut into batchSize pieces,
 * the last one kept short unless `dropLast`.
 */
export function epochBatches(n: number, opts: BatchOrderOptions, rng?: Rng): Int32Array[] {
  const { batchSize } = opts;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new DataError("batches", `batchSize must be a positive integer, got ${batchSize}`);
  const order = opts.shuffle === false ? Int32Array.from({ length: n }, (_, i) => i) : (rng ?? new Rng(1)).permutation(n);
  const out: Int32Array[] = [];
  for (let s = 0; s < n; s += batchSize) {
    if (s + batchSize > n && opts.dropLast) break;
    out.push(order.subarray(s, Math.min(n, s + batchSize)));
  }
  return out;
}

export interface DataLoaderOptions extends BatchOrderOptions {
  /** Seeded generator (default `new Rng(1)`); the loader forks `data-order` and `augmentation` streams. */
  rng?: Rng;
  /** Augmentation applied to each batch. */
  augment?: AugmentOptions;
}

/** A batch with where it came from. */
export interface LoaderBatch extends ImageBatch {
  /** Record indices in the dataset. */
  indices: Int32Array;
  /** Epoch number (0-based) this batch belongs to. */
  epoch: number;
}

/**
 * Seeded, epoch-based batching over a dataset: each epoch is a fresh permutation from the
 * `data-order` stream (spec 0.4), batches are augmented with the `augmentation` stream, the last
 * short batch is kept or dropped. `next()` runs forever across epochs; iterating the loader
 * yields the remaining batches of the current epoch. Batches' `x` must be disposed by the caller.
 */
export class DataLoader implements Iterable<LoaderBatch> {
  readonly dataset: Dataset;
  readonly options: DataLoaderOptions;
  /** Batches per epoch. */
  readonly stepsPerEpoch: number;
  private readonly orderRng: Rng;
  private readonly augRng: Rng;
  private current: Int32Array[] = [];
  private pos = 0;
  private epochIndex = -1;

  constructor(ds: Dataset, opts: DataLoaderOptions) {
    this.dataset = ds;
    this.options = opts;
    const rng = opts.rng ?? new Rng(1);
    this.orderRng = rng.fork("data-order");
    this.augRng = rng.fork("augmentation");
    const full = Math.floor(ds.n / opts.batchSize);
    this.stepsPerEpoch = opts.dropLast ? full : Math.ceil(ds.n / opts.batchSize);
    if (this.stepsPerEpoch === 0) throw new DataError(ds.name, `no batch of ${opts.batchSize} fits in ${ds.n} records with dropLast`);
  }

  /** The epoch of the most recent batch (-1 before the first). */
  get epoch(): number {
    return this.epochIndex;
  }

  private startEpoch(): void {
    this.current = epochBatches(this.dataset.n, this.options, this.orderRng);
    this.pos = 0;
    this.epochIndex++;
  }

  /** The next batch, starting a new (reshuffled) epoch when the current one is used up. */
  next(): LoaderBatch {
    if (this.epochIndex < 0 || this.pos >= this.current.length) this.startEpoch();
    const indices = this.current[this.pos++]!;
    const b = augmentedBatch(this.dataset, indices, this.augRng, this.options.augment ?? {});
    return { ...b, indices: indices.slice(), epoch: this.epochIndex };
  }

  /** The remaining batches of the current epoch (a whole new epoch when the last one is done). */
  *[Symbol.iterator](): Iterator<LoaderBatch> {
    if (this.epochIndex < 0 || this.pos >= this.current.length) this.startEpoch();
    while (this.pos < this.current.length) yield this.next();
  }
}
