import type { Rng } from "@ebjdat/runtime";
import type { Dataset } from "@ebjdat/data";
import type { TrainConfigOf } from "../config-types";
import type { Objective } from "../objective";

/** The JEM base a JEM-family method builds on (spec 2-4): it has a replay buffer and a p(x) batch. */
export type JemBase = "jem" | "jempp" | "sadajem";

/** The reduced preset scales of spec 9.3 (`paper` is spec 9.2). */
export type ReducedScale = "smoke" | "mini";

/** The scales of the presets every method has: `<method>-smoke`, `<method>-mini`, `<method>-paper`. */
export type PresetScale = ReducedScale | "paper";

/**
 * One training method of the table in `src/objectives.ts` (spec 2-5, 9.2): its name (the value of
 * `config.method` and the prefix of its presets), a one-line summary for help texts, its JEM base
 * (JEM family only), how its `paper` preset (spec 9.2) and its `smoke` / `mini` presets (spec 9.3)
 * differ from the common ones, optional preset variants, and `create`, which builds its objective.
 */
export interface MethodEntry<N extends string = string> {
  readonly name: N;
  readonly summary: string;
  /** The JEM base (JEM family: replay buffer, p(x) batch x_d, sampler of that base); absent for classifier-only methods. */
  readonly base?: JemBase;
  /**
   * The method's spec 9.2 settings applied to `c`, the common `paper` scaffold (WRN-28-10, full
   * CIFAR-10 training set, 10000 test images, a checkpoint every 1000 iterations, the other keys
   * at the defaults of `BASE_CONFIG`); `c.method` is already this method.
   */
  readonly paper: (c: TrainConfigOf) => TrainConfigOf;
  /**
   * The method's spec 9.3 changes applied to `c`, its `paper` preset after the common reduction
   * (WRN-10-1 / WRN-10-2 BN, the class-balanced subset, SGD lr 0.05, 3 iterations / 3 epochs);
   * absent: the common reduction alone.
   */
  readonly reduced?: (c: TrainConfigOf, scale: ReducedScale) => TrainConfigOf;
  /** Further presets `<method>-<variant>-<scale>`: each maps the method's preset of that scale to the variant's. */
  readonly variants?: Readonly<Record<string, (c: TrainConfigOf) => TrainConfigOf>>;
  /** The method's objective for a checked `config` (`config.method === name`), training set and random stream (e.g. for the replay buffer). */
  readonly create: (config: TrainConfigOf, train: Dataset, rng: Rng) => Objective;
}
