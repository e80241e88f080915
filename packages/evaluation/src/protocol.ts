import { convertLength, imageEps, modelEps, type ImageEps, type ModelEps } from "@ebjdat/runtime";

/** The two evaluation protocols (spec 7.7, 7.9). `standard` is always the default. */
export type ProtocolName = "standard" | "paper";

/** Every protocol name, default first. */
export const PROTOCOL_NAMES: readonly ProtocolName[] = ["standard", "paper"];

/** Everything that makes a protocol: budget, step sizes, noise and ensemble, as data. */
export interface Protocol {
  name: ProtocolName;
  /** One line for reports: what the numbers of this protocol mean. */
  description: string;
  /** ℓ∞ budget on the [0, 1] image scale. */
  eps: ImageEps;
  /** PGD-k step size α as a fraction of ε (α = ε/4 standard, ε/8 in the authors' PGD-20). */
  pgdStepRatio: number;
  /** PGD loss: the per-image CE sum (standard) or torchattacks' batch-mean CE (paper, spec 7.1/7.8). */
  pgdMeanLoss: boolean;
  /** The AutoAttack ensemble the name `autoattack` means under this protocol (spec 7.6, 7.9). */
  autoAttack: "standard" | "paper";
  /**
   * Test-time Gaussian noise σ in model space, drawn once per image and added without a clamp
   * (spec 7.9). The authors' value depends on the model family: 0 for SADA-JEM, 0.03 for JEM and
   * JEM++; the protocol's default is 0 and an evaluation may set it.
   */
  noiseSigma: ModelEps;
}

/** The official model-space 8/255 of the authors' scripts (spec 0.1): 4/255 on the image scale. */
const PAPER_EPS: ImageEps = convertLength(modelEps(8 / 255), "image");

/**
 * The protocols as data (spec 7.7 and 7.9): `standard` is RobustBench's ℓ∞ 8/255 on [0, 1] with
 * fra31's standard AutoAttack and PGD-20 at α = 2/255; `paper` is what the official EB-JDAT eval
 * scripts report: the model-space 8/255 (4/255 on [0, 1]), torchattacks' PGD-20 with α = 1/255 in
 * model space (0.5/255) and batch-mean CE, the cut-down AutoAttack of spec 7.8, and per-image
 * Gaussian test noise.
 */
export const PROTOCOLS: Readonly<Record<ProtocolName, Protocol>> = {
  standard: {
    name: "standard",
    description: "images in [0, 1], ε = 8/255 (ℓ∞), PGD-20 α = 2/255 random start, fra31 AutoAttack `standard` (APGD-CE, APGD-T, FAB-T, Square), deterministic inputs",
    eps: imageEps(8 / 255),
    pgdStepRatio: 1 / 4,
    pgdMeanLoss: false,
    autoAttack: "standard",
    noiseSigma: modelEps(0),
  },
  paper: {
    name: "paper",
    description:
      "the authors' protocol (spec 7.9): attacks in [-1, 1] space with ε = 8/255 there (4/255 on [0, 1]), torchattacks PGD-20 α = 1/255 (0.5/255), their cut-down AutoAttack (APGD-CE, APGD-DLR 20 steps, FAB-T in the wrong box, Square), test-time noise σ of their eval script",
    eps: PAPER_EPS,
    pgdStepRatio: 1 / 8,
    pgdMeanLoss: true,
    autoAttack: "paper",
    noiseSigma: modelEps(0),
  },
};

/**
 * The protocol named `name` (spec 7.7 / 7.9); throws naming the known protocols otherwise.
 */
export function protocolFor(name: string): Protocol {
  const p = (PROTOCOLS as Record<string, Protocol | undefined>)[name];
  if (!p) throw new Error(`unknown evaluation protocol '${name}'; expected one of ${PROTOCOL_NAMES.join(", ")}`);
  return p;
}
