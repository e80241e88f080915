import type { AdvConfig } from "../config-types";
import { crossEntropy } from "@ebjdat/attacks";
import type { Objective } from "../objective";
import { adversarialObjective, pgdCeExamples } from "./adversarial";
import type { MethodEntry } from "./method-entry";
import { adversarialPaper, adversarialReduced } from "./preset-base";

/**
 * PGD adversarial training (Madry et al. 2018; the paper's "PGD-AT" row): L = CE(f(x̃), y) with
 * x̃ from PGD-K on CE (spec 5.3 `pgd-ce`), train-mode BN for the loss. In SAM pass 2 the
 * examples of pass 1 are reused.
 */
export function pgdAtObjective(adv: AdvConfig): Objective {
  return adversarialObjective("pgd-at", adv, pgdCeExamples, (net, batch, xAdv) => {
    const ce_adv = crossEntropy(net(xAdv, "train"), batch.y, "mean");
    return { loss: ce_adv, terms: { ce_adv } };
  });
}

/** The `pgd-at` method: Madry PGD-AT; `paper` weight decay 5e-4 (see `adversarialPaper`). */
export const pgdAt: MethodEntry<"pgd-at"> = {
  name: "pgd-at",
  summary: "Madry PGD adversarial training, L = CE(f(x̃), y), x̃ from PGD on CE",
  paper: (c) => adversarialPaper(c, 5e-4),
  reduced: adversarialReduced,
  create: (config) => pgdAtObjective(config.adv),
};
