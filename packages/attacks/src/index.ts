/**
 * @ebjdat/attacks: FGSM, PGD-k, APGD-CE/DLR/T, FAB(-T), Square and the AutoAttack ensembles
 * (spec sections 0 and 7), on any `LogitsFn` (images in [0, 1] → logits); the PGD core the
 * samplers and the trainer share (spec 5.2, 5.3, 7.1).
 */
export { runAttack, batchRng } from "./runAttack";
export type { AttackResult } from "./runAttack";
export { autoAttack } from "./autoattack";
export type { AutoAttackOptions, AutoAttackReport, AutoAttackResult, StageReport } from "./autoattack";
export { ensembleFor, defaultEps } from "./ensembles";
export type { AutoAttackVersion, EnsembleEntry, FabBoxChoice } from "./ensembles";
export { ATTACKS, ATTACK_NAMES } from "./attacks";
export type { AttackName, AttackOptions, AttackOverrides, OptionsOf } from "./attacks";
export { parseAttackName, attackUsage, attacksFor } from "./registry";
export type { AttackContext, AttackEntry, BaseSettings, Box, CommonOptions, LossName, Norm, Settings } from "./types";
export type { FgsmOptions } from "./entries/fgsm";
export type { PgdOptions } from "./entries/pgd";
export type { ApgdOptions } from "./apgd";
export type { ApgdCeOptions } from "./entries/apgd-ce";
export type { ApgdTOptions } from "./entries/apgd-t";
export type { FabOptions } from "./fab";
export type { FabTOptions } from "./entries/fab-t";
export type { SquareOptions } from "./square";
export { STANDARD_EPS, STANDARD_PGD_STEP, PAPER_EPS, PAPER_PGD_STEP } from "./budgets";
export { pgdCore, pgdStart, pgdStep } from "./pgd-core";
export type { LossGradient, PgdSettings, PgdStart, PgdStepRule } from "./pgd-core";
export { crossEntropy, dlrLoss, dlrTargetedLoss } from "./losses";
export type { Reduction } from "./losses";
export { apgdSchedule, checkOscillation } from "./apgd";
export { projectionLinf } from "./fabProjection";
export { pSelection } from "./square";
export { checkRandomized, checkRangeOutput, checkNClasses, checkSquareSr } from "./checks";
export { verifyPerturbation } from "./project";
