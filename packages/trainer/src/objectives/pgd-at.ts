import type { AdvConfig } from "../config";
import { crossEntropy } from "@ebjdat/attacks";
import type { Objective } from "../objective";
import { adversarialObjective, pgdCeExamples } from "./adversarial";

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
