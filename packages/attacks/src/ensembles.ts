import type { ImageEps } from "@ebjdat/runtime";
import type { AttackName, AttackOverrides, OptionsOf } from "./attacks";
import { PAPER_EPS, STANDARD_EPS } from "./budgets";
import { apgdCe } from "./entries/apgd-ce";
import { apgdDlr } from "./entries/apgd-dlr";
import { apgdT } from "./entries/apgd-t";
import { fab } from "./entries/fab";
import { fabT } from "./entries/fab-t";
import { square } from "./entries/square";
import { parseAttackName } from "./registry";
import type { Box } from "./types";

/** Ensemble versions (spec 7.6, 7.9). `paper` replicates the official EB-JDAT evaluation; never the default. */
export type AutoAttackVersion = "standard" | "plus" | "rand" | "paper" | "custom";

/** `paper` FAB box: `model-01` reproduces the official [0, 1]-in-model-space clamp, `valid` uses the image box (spec 7.9). */
export type FabBoxChoice = "model-01" | "valid";

/** One stage of an ensemble: an attack of the table and its own options. */
export type EnsembleEntry = { [N in AttackName]: { attack: N; options: Partial<OptionsOf<N>> } }[AttackName];

/** The official code's FAB box, [0, 1] in model space, in image coordinates (x = (x_m + 1)/2): [0.5, 1] (spec 7.8, 7.9). */
const MODEL_01_BOX: Box = [0.5, 1];

function stage<N extends AttackName>(entry: { readonly name: N }, options: Partial<OptionsOf<N>>): EnsembleEntry {
  return { attack: entry.name, options } as EnsembleEntry;
}

/** A stage from an attack name (`pgd20` sets the steps), with the attack's defaults. */
function stageFor(name: string): EnsembleEntry {
  const p = parseAttackName(name);
  return { attack: p.name, options: p.steps !== undefined ? { steps: p.steps } : {} } as EnsembleEntry;
}

/** The default budget of a version on the image scale: `paper` the official 8/255 in model space (4/255), else 8/255 (spec 7.7, 7.9). */
export function defaultEps(version: AutoAttackVersion): ImageEps {
  return version === "paper" ? PAPER_EPS : STANDARD_EPS;
}

/**
 * The attack list and per-attack settings of a version (fra31 `set_version`, spec 7.6; `paper`
 * = the bundled torchattacks ensemble of spec 7.8/7.9; `custom` = `attacks` with their defaults).
 */
export function ensembleFor(version: AutoAttackVersion, attacks?: readonly string[], fabBox: FabBoxChoice = "model-01"): EnsembleEntry[] {
  const squareStandard = stage(square, { queries: 5000, restarts: 1, pInit: 0.8, rescaleSchedule: false });
  switch (version) {
    case "standard":
      return [stage(apgdCe, { steps: 100, restarts: 1 }), stage(apgdT, { steps: 100, restarts: 1, targetClasses: 9 }), stage(fabT, { steps: 100, restarts: 1, targetClasses: 9 }), squareStandard];
    case "plus":
      return [
        stage(apgdCe, { steps: 100, restarts: 5 }),
        stage(apgdDlr, { steps: 100, restarts: 5 }),
        stage(fab, { steps: 100, restarts: 5 }),
        squareStandard,
        stage(apgdT, { steps: 100, restarts: 1, targetClasses: 9 }),
        stage(fabT, { steps: 100, restarts: 1, targetClasses: 9 }),
      ];
    case "rand":
      return [stage(apgdCe, { steps: 100, restarts: 1, eotIter: 20 }), stage(apgdDlr, { steps: 100, restarts: 1, eotIter: 20 })];
    case "paper":
      return [
        stage(apgdCe, { steps: 20, restarts: 1 }),
        stage(apgdDlr, { steps: 20, restarts: 1 }),
        stage(fabT, { steps: 20, restarts: 1, targetClasses: 9, ...(fabBox === "model-01" ? { fabBox: MODEL_01_BOX } : {}) }),
        stage(square, { queries: 5000, restarts: 1, pInit: 0.8, rescaleSchedule: true }),
      ];
    case "custom":
      if (!attacks || attacks.length === 0) throw new Error("version 'custom' needs a non-empty `attacks` list");
      return attacks.map(stageFor);
    default:
      throw new Error(`unknown AutoAttack version '${String(version)}'; expected standard, plus, rand, paper or custom`);
  }
}

/**
 * The stages `autoAttack` runs (spec 7.6): the version's list, or `attacks` in the given order
 * (with the version's settings for the attacks it has), each with its `overrides` on top.
 */
export function ensembleStages(version: AutoAttackVersion, attacks: readonly string[] | undefined, fabBox: FabBoxChoice | undefined, overrides: AttackOverrides | undefined): EnsembleEntry[] {
  const own = ensembleFor(version, version === "custom" ? attacks : undefined, fabBox);
  const listed = attacks && version !== "custom" ? attacks.map((a) => own.find((e) => e.attack === a) ?? stageFor(a)) : own;
  return listed.map((e) => ({ attack: e.attack, options: { ...e.options, ...(overrides?.[e.attack] ?? {}) } }) as EnsembleEntry);
}
