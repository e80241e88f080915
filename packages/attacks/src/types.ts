import type { ImageEps, LogitsFn, ProgressFn, Rng } from "@ebjdat/runtime";

/** Threat model norm (spec 7: l∞ everywhere, l2 for FGSM/PGD/APGD). */
export type Norm = "linf" | "l2";

/** Input box `[lo, hi]` the attack clamps to; API space is `[0, 1]` (spec 0.1). */
export type Box = readonly [number, number];

/** Loss maximised by PGD/APGD (spec 7.3). `*-targeted` need a target class. */
export type LossName = "ce" | "dlr" | "ce-targeted" | "dlr-targeted";

/** Options every attack takes; each attack adds its own (its entry's options type). */
export interface CommonOptions {
  /** Perturbation budget on the [0, 1] image scale (e.g. `imageEps(8/255)`). Must lie in (0, 1). */
  eps: ImageEps;
  /** Threat model, default `linf`; each attack lists the norms it supports. */
  norm?: Norm;
  /** Seed for every random draw (drawn in JS, backend independent). Default 0. */
  seed?: number;
  /** Images per model call, default 250 (fra31 `bs`). */
  batchSize?: number;
  /** Box the perturbed images are clamped to, default `[0, 1]`. */
  box?: Box;
  /** Progress callback (batches done). */
  onProgress?: ProgressFn;
  /** Warnings (sanity checks); default `console.warn`. */
  onWarning?: (message: string) => void;
  /** Accept clean inputs outside `box` (the paper protocol's unclamped test noise, spec 7.9); iterates are still clamped to `box`. */
  inputsOutsideBox?: boolean;
}

/** What an attack's `run` gets besides its own options: the budget and the threat model. */
export interface BaseSettings {
  eps: ImageEps;
  norm: Norm;
}

/** The options `O` of an attack with the defaulted keys `D` filled in, plus the budget and norm. */
export type Settings<O extends object, D extends keyof O> = Omit<O, D> & { [K in D]-?: Exclude<O[K], undefined> } & BaseSettings;

/** What an attack needs to know about the model and the run. */
export interface AttackContext {
  model: LogitsFn;
  /** [H, W, C] of one image. */
  dims: readonly [number, number, number];
  numClasses: number;
  /** The box every iterate is clamped to. */
  box: Box;
  warn: (message: string) => void;
}

/**
 * One attack of the table in `attacks.ts` (spec 7): its name, the norms it supports, a one-line
 * summary for help texts, the defaults of its own options `O` (the keys `D`), and `run`, which
 * maps one batch (flat NHWC images `x`, labels `y`) to adversarial images. `offset` is the
 * index of the batch's first image in the whole set (for per-image inputs such as PGD's
 * `targets`); `rng` is the batch's own stream (`batchRng`).
 */
export interface AttackEntry<N extends string = string, O extends object = object, D extends keyof O = keyof O> {
  readonly name: N;
  readonly norms: readonly Norm[];
  readonly summary: string;
  readonly defaults: { readonly [K in D]-?: Exclude<O[K], undefined> };
  /** The attack needs at least `count` classes (`reason` says why); checked before any work. */
  readonly minClasses?: { readonly count: number; readonly reason: string };
  /** `<name>N` / `<name>-N` (e.g. `pgd20`) sets the option `steps` to N. */
  readonly stepsInName?: boolean;
  run(ctx: AttackContext, x: Float32Array, y: Int32Array, rng: Rng, offset: number, settings: Settings<O, D>): Float32Array;
}
