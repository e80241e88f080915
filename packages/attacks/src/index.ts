/**
 * @ebjdat/attacks: FGSM, PGD-k, APGD-CE/DLR/T, FAB(-T), Square and the AutoAttack ensembles
 * (spec sections 0 and 7), on any `LogitsFn` (images in [0, 1] → logits).
 */
export { runAttack, batchRng } from "./runAttack";
export { autoAttack, ensembleFor } from "./autoattack";
export type { AutoAttackOptions, AutoAttackReport, AutoAttackResult, AutoAttackVersion, EnsembleEntry, StageReport } from "./autoattack";
export { parseAttackName } from "./registry";
export { ATTACK_NAMES } from "./types";
export type { AttackName, AttackOptions, AttackResult, Box, LossName, Norm } from "./types";
export { pgdStart, pgdStep } from "./pgd";
export { crossEntropy, dlrLoss, dlrTargetedLoss } from "./losses";
export { apgdSchedule, checkOscillation } from "./apgd";
export { projectionLinf } from "./fabProjection";
export { pSelection } from "./square";
export { checkRandomized, checkRangeOutput, checkNClasses, checkSquareSr } from "./checks";
export { verifyPerturbation } from "./project";
