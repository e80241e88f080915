import type { Rng } from "@ebjdat/runtime";
import type { Dataset } from "@ebjdat/data";
import { jemBase, type TrainConfig } from "./config";
import { standardObjective, type Objective } from "./objective";
import { pgdAtObjective } from "./objectives/pgd-at";
import { tradesObjective } from "./objectives/trades";
import { martObjective } from "./objectives/mart";
import { jemObjective } from "./objectives/jem";
import { jemppObjective } from "./objectives/jempp";
import { sadajemObjective } from "./objectives/sadajem";
import { createReplayBuffer } from "./objectives/replay-buffer";

/**
 * The objective that trains `config.method` (spec 2-5, 9.2): `standard` = CE, `pgd-at`,
 * `trades`, `mart`, and the JEM family (`jem`, `jempp`, `sadajem`, `ebjdat-<base>`), whose replay
 * buffer is initialised from the training set with `rng` (a checkpoint's buffer replaces it).
 */
export function createObjective(config: TrainConfig, train: Dataset, rng: Rng): Objective {
  switch (config.method) {
    case "standard":
      return standardObjective;
    case "pgd-at":
      return pgdAtObjective(config.adv);
    case "trades":
      return tradesObjective(config.adv);
    case "mart":
      return martObjective(config.adv);
    default: {
      const base = jemBase(config.method)!;
      const buffer = config.jem.weights.px > 0 ? createReplayBuffer(config.jem.buffer, train, rng.fork("buffer-init")) : undefined;
      const b = buffer as Parameters<typeof jemObjective>[1];
      return base === "jem" ? jemObjective(config, b) : base === "jempp" ? jemppObjective(config, b) : sadajemObjective(config, b);
    }
  }
}
