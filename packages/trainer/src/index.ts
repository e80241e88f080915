/**
 * @ebjdat/trainer: training objectives (CE, PGD-AT, TRADES, MART, JEM, JEM++, SADA-JEM, EB-JDAT)
 * and a resumable, seeded training loop with SAM and a divergence guard (spec 2-5, 9).
 */
export { createOptimizer, Sgd, Adam } from "./optimizer";
export type { Optimizer, OptimizerConfig, OptimizerState } from "./optimizer";
export { learningRate } from "./schedule";
export type { ScheduleConfig } from "./schedule";
export { resolveConfig, PRESETS, METHODS, ConfigError, jemBase, TABLE6_WEIGHTS } from "./config";
export type { TrainConfig, TrainConfigOf, Method, PartialConfig, DeepPartial, AdvConfig, JemConfig } from "./config";
export { train, totalSteps, readLog } from "./loop";
export type { TrainOptions, TrainResult, LogRecord } from "./loop";
export { saveCheckpoint, loadCheckpoint, hasCheckpoint } from "./checkpoint";
export type { LoopState, CheckpointContent, LoadedCheckpoint } from "./checkpoint";
export { standardObjective, runObjective } from "./objective";
export type { Objective, ObjectiveOutput, ObjectiveState, TrainBatch, StepContext, StepValues } from "./objective";
export { objectiveGradients } from "./gradients";
export type { GradientResult, GradientOptions } from "./gradients";
export { samFirstStep, samIsAdaptive } from "./sam";
export type { SamConfig, SamPerturbation } from "./sam";
export { divergenceReason } from "./guard";
export type { GuardLimits } from "./guard";
export { createObjective, METHOD_TABLE, methodEntry, methodUsage } from "./objectives";
export type { MethodEntry, JemBase, PresetScale, ReducedScale } from "./objectives/method-entry";
export { ebjdatMethod } from "./objectives/ebjdat";
export { JemFamilyObjective, meanLse } from "./objectives/jem-family";
export type { JemFamilyOptions, JemWeights, AdvEnergyLoss, BnDuringPx, AdvTrainSettings } from "./objectives/jem-family";
export { pgdAtObjective } from "./objectives/pgd-at";
export { tradesObjective } from "./objectives/trades";
export { martObjective } from "./objectives/mart";
export { jemObjective, jemSampler } from "./objectives/jem";
export { jemppObjective, jemppSampler } from "./objectives/jempp";
export { sadajemObjective, sadajemSampler } from "./objectives/sadajem";
export { ebjdatAdvSettings } from "./objectives/ebjdat";
export { klRows } from "./objectives/divergence";
export { createReplayBuffer, bufferInitializer } from "./objectives/replay-buffer";
export { evaluateAccuracy, evaluateAccuracyAsync } from "./evaluate";
