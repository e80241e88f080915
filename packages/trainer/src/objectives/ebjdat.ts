import type { TrainConfigOf } from "../config-types";
import type { AdvTrainSettings } from "./jem-family";
import type { JemBase, MethodEntry } from "./method-entry";

/**
 * EB-JDAT's adversarial sampler settings from a config (spec 5.3 `advSampler`, model space):
 * `code` = the official sampleXadv (K 5, ε 8/255, α 2/255, no projection), `paper` = ascend E in
 * B∞(x, ε), `pgd-ce` = Madry PGD. EB-JDAT on a base is that base's step with w_adv/w_ce_adv > 0
 * (spec 5.2); the weights, `advEnergyLoss` (`contrastive` = code, `gap` = paper) and w_pyx come
 * from `config.jem`.
 */
export function ebjdatAdvSettings(config: TrainConfigOf): AdvTrainSettings {
  const a = config.adv;
  return { mode: a.mode, steps: a.steps, eps: a.eps, alpha: a.alpha, project: a.project };
}

/** The EB-JDAT `paper` equations (spec 5.3): adversarial sampler `paper` (projected), gap term, w_pyx 0, (w1, w2, w3) = (1, 1, 1). */
export function paperEquations(c: TrainConfigOf): TrainConfigOf {
  return { ...c, adv: { ...c.adv, mode: "paper", project: true }, jem: { ...c.jem, advEnergyLoss: "gap", weights: { px: 1, pyx: 0, adv: 1, ceAdv: 1 } } };
}

/** The `ce` composite (spec 5.3): the code's losses with a real PGD-CE attack (projected) as inner problem. */
export function ceComposite(c: TrainConfigOf): TrainConfigOf {
  return { ...c, adv: { ...c.adv, mode: "pgd-ce", project: true } };
}

/**
 * The EB-JDAT method on a JEM base (spec 5.2, 5.4): the base's objective, sampler and reduced
 * presets, its `paper` preset changed by `paper` (the EB-JDAT weights (w_px, w_pyx, w_adv,
 * w_ce_adv) and the official EB-JDAT optimiser settings of spec 9.2), and the preset variants
 * `eq` (`paperEquations`) and `ce` (`ceComposite`) of spec 5.3.
 */
export function ebjdatMethod<B extends JemBase>(base: MethodEntry<B>, summary: string, paper: (c: TrainConfigOf) => TrainConfigOf): MethodEntry<`ebjdat-${B}`> {
  if (!base.base) throw new Error(`ebjdatMethod: '${base.name}' is not a JEM-family method (it has no 'base').`);
  return {
    name: `ebjdat-${base.name}`,
    summary,
    base: base.base,
    paper: (c) => paper(base.paper(c)),
    ...(base.reduced ? { reduced: base.reduced } : {}),
    variants: { eq: paperEquations, ce: ceComposite },
    create: base.create,
  };
}
