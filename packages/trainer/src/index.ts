/**
 * @ebjdat/trainer: training objectives and a resumable, seeded training loop (spec 9).
 */
export { createOptimizer, Sgd, Adam } from "./optimizer";
export type { Optimizer, OptimizerConfig, OptimizerState } from "./optimizer";
export { learningRate } from "./schedule";
export type { ScheduleConfig } from "./schedule";
export { resolveConfig, PRESETS, METHODS, ConfigError } from "./config";
export type { TrainConfig, Method, PartialConfig } from "./config";
export { train, totalSteps, readLog } from "./loop";
export type { TrainOptions, TrainResult, LogRecord } from "./loop";
export { saveCheckpoint, loadCheckpoint, hasCheckpoint } from "./checkpoint";
export type { LoopState, CheckpointContent } from "./checkpoint";
export { crossEntropy, standardObjective } from "./objective";
export type { Objective, ObjectiveOutput, NetLogits, TrainBatch } from "./objective";
export { objectiveFor } from "./objectives";
export { evaluateAccuracy } from "./evaluate";
