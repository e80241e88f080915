import { PRESETS, type TrainConfig } from "@ebjdat/trainer";
import type { BenchRow } from "./rows";

/** Bench scale (issues 9, 20): `smoke` proves the pipeline, `mini` fits 2 CPU cores in 1.5 h, `small` is for bigger machines or a cluster, `paper` is the official setting. */
export type ScaleName = "smoke" | "mini" | "small" | "paper";

/** Evaluation sizes and attack settings of a scale. */
export interface EvalScale {
  /** Test images for clean accuracy and ECE. */
  clean: number;
  /** Test images attacked by PGD-20 (both protocols) and used for the energy-gap statistic. */
  pgd: number;
  /** PGD steps (20 except in `smoke`). */
  pgdSteps: number;
  /** Test images attacked by each AutoAttack ensemble. */
  aa: number;
  /** Per-attack overrides of the ensembles (only `smoke` cuts them, and says so). */
  aaOverrides?: { steps: number; squareQueries: number };
  /** Generated samples for histograms and generation metrics (buffer or fresh SGLD). */
  generated: number;
  /** SGLD steps for models without a replay buffer, and for the class-conditional grids. */
  sgldSteps: number;
  /** Samples per class in the Figure 4 grids. */
  gridPerClass: number;
}

/** A bench scale: which trainer presets, how long, how much evaluation. */
export interface BenchScale {
  name: ScaleName;
  /** Trainer preset suffix. */
  preset: "smoke" | "mini" | "paper";
  /** Training iterations per model (0: the preset's epochs). */
  iterations: number;
  /** Model override (depth, width), else the preset's. */
  model?: { depth: number; width: number };
  /** Warm-up iterations (the presets' 100/1000 are longer than a short run). */
  warmupIters?: number;
  /** Checkpoint interval, so an interrupted bench resumes mid-run. */
  checkpointEvery: number;
  /** Test set spec for CIFAR-10 (the offline 1000 exact images, or the full test set at paper scale). */
  test: string;
  eval: EvalScale;
  /** Seeds per row unless `--seeds` says otherwise. */
  seeds: number;
  /** The rows trained unless `--rows` says otherwise (undefined: every non-optional row). */
  rows?: readonly string[];
  /** Learning-rate decay (×0.1) at these fractions of the iterations (fixed-length scales; the presets' epochs otherwise). */
  decayAt?: readonly number[];
  /** The numbers of this scale mean nothing (smoke). */
  meaningless: boolean;
  /** Rough seconds of one CE training step at this scale (ETAs): 2-core machine with wasm; `paper`: a GPU with tfjs-node-gpu. */
  ceStepSeconds: number;
}

/** The claims' rows (claims.ts): the JEMs the claims compare with, PGD-AT, and EB-JDAT-JEM++ as coded and as written. */
const CLAIM_ROWS = ["standard", "pgd-at", "jempp", "sadajem", "ebjdat-jempp@code", "ebjdat-jempp@paper"] as const;

/**
 * The scales. `mini` is this project's choice for 2 CPU cores within 1.5 h (issue 20; the reasons
 * for each number are in apps/bench/README.md), `small` the same study with every row on a bigger
 * network for 16 cores or a cluster.
 */
export const SCALES: Readonly<Record<ScaleName, BenchScale>> = {
  smoke: {
    name: "smoke",
    preset: "smoke",
    iterations: 3,
    checkpointEvery: 0,
    test: "cifar10-exact-test",
    eval: { clean: 64, pgd: 32, pgdSteps: 5, aa: 16, aaOverrides: { steps: 5, squareQueries: 20 }, generated: 32, sgldSteps: 2, gridPerClass: 2 },
    // two seeds so that CI's smoke run exercises the spreads, the error bars and the claims' intervals
    seeds: 2,
    meaningless: true,
    ceStepSeconds: 0.3,
  },
  mini: {
    name: "mini",
    preset: "mini",
    iterations: 300,
    model: { depth: 10, width: 1 },
    warmupIters: 20,
    decayAt: [0.75],
    checkpointEvery: 100,
    test: "cifar10-exact-test",
    eval: { clean: 1000, pgd: 100, pgdSteps: 20, aa: 100, generated: 100, sgldSteps: 20, gridPerClass: 4 },
    seeds: 3,
    rows: CLAIM_ROWS,
    meaningless: false,
    ceStepSeconds: 0.11,
  },
  small: {
    name: "small",
    preset: "mini",
    iterations: 8000,
    model: { depth: 16, width: 2 },
    warmupIters: 100,
    decayAt: [0.5, 0.75],
    checkpointEvery: 500,
    test: "cifar10-exact-test",
    eval: { clean: 1000, pgd: 1000, pgdSteps: 20, aa: 1000, generated: 1000, sgldSteps: 40, gridPerClass: 8 },
    seeds: 3,
    meaningless: false,
    ceStepSeconds: 0.6,
  },
  paper: {
    name: "paper",
    preset: "paper",
    iterations: 0,
    checkpointEvery: 500,
    test: "cifar10:test",
    eval: { clean: 10000, pgd: 10000, pgdSteps: 20, aa: 10000, generated: 10000, sgldSteps: 100, gridPerClass: 10 },
    seeds: 1,
    meaningless: false,
    ceStepSeconds: 0.25,
  },
};

/** Relative cost of one training step of a row against a CE step (spec 9.3 cost model, trainer README measurements). */
export function stepCostFactor(row: BenchRow): number {
  const m = row.method;
  if (m === "standard") return 1;
  if (m === "pgd-at" || m === "mart") return 5.5;
  if (m === "trades") return 6.5;
  if (m === "jem" || m === "jempp") return 7;
  if (m === "sadajem") return 9;
  if (m === "ebjdat-sadajem") return 18;
  return 12;
}

/** Training images of a data spec the bench trains on (the offline subsets, else the full CIFAR-10). */
export function trainImages(train: string): number {
  return train === "cifar10-train-balanced" ? 5000 : train === "cifar10-train-exact" ? 4000 : 50000;
}

/** The epochs at which a fixed-length scale decays the learning rate (its `decayAt` fractions of the iterations). */
function decayEpochs(scale: BenchScale, batchSize: number, train: string): number[] {
  const perEpoch = Math.max(1, Math.floor(trainImages(train) / batchSize));
  return (scale.decayAt ?? []).map((f) => Math.floor((f * scale.iterations) / perEpoch));
}

/**
 * The trainer config of a row at a scale, on a dataset: the row's `<preset>-<scale>` with the
 * scale's length and model, the seed, and the data spec (numClasses comes from the data).
 */
export function rowConfig(row: BenchRow, scale: BenchScale, seed: number, train: string, testSpec: string): TrainConfig {
  const p = PRESETS[`${row.preset}-${scale.preset}`];
  if (!p) throw new Error(`The trainer has no preset '${row.preset}-${scale.preset}' (bench row ${row.id}).`);
  const c: TrainConfig = structuredClone(p);
  c.seed = seed;
  if (scale.iterations > 0) c.iterations = scale.iterations;
  if (scale.model) c.model = { ...c.model, ...scale.model };
  if (scale.warmupIters !== undefined) c.schedule = { ...c.schedule, warmupIters: scale.warmupIters, decayEpochs: scale.iterations > 0 ? decayEpochs(scale, c.batchSize, train) : c.schedule.decayEpochs };
  c.checkpointEvery = scale.checkpointEvery;
  if (train !== c.data.train) c.data = { ...c.data, train, perClass: 0 };
  // the bench evaluates every model itself; the loop's own evaluation is skipped
  c.eval = { data: testSpec, n: 0 };
  return c;
}
