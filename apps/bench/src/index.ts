/**
 * @ebjdat/bench (private): `turbo bench` reproduces the paper's tables and figures (issue 9); the
 * speed benchmark (issue 6) lives beside it. The building blocks are exported for scripts.
 */
export { runBench, chooseData, codeVersion } from "./bench";
export type { BenchOptions } from "./bench";
export { buildPlan } from "./plan";
export type { Job, TrainJob, EvalJob, PlanOptions, DataChoice, BenchDataset } from "./plan";
export { SCALES, rowConfig, stepCostFactor } from "./scales";
export type { BenchScale, EvalScale, ScaleName } from "./scales";
export { ROWS, OTHER_DATA_ROWS, rowById } from "./rows";
export type { BenchRow, Variant } from "./rows";
export { evaluateModel } from "./evaluate";
export type { EvalSettings, EvalResult, AttackNumbers, GapNumbers, ProtocolNumbers } from "./evaluate";
export { runJob } from "./jobs";
export type { TrainDone, EvalDone } from "./jobs";
export { runJobs } from "./scheduler";
export { submitToSlurm, reportArgs, slurmTime } from "./slurm-executor";
export type { Executor, SlurmExecutorOptions, SlurmSubmission } from "./slurm-executor";
export type { JobOutcome, SchedulerOptions } from "./scheduler";
export { Report } from "./report";
export type { BenchResults, ModelOutcome, MissingData } from "./report";
export { canonicalJson, contentKey } from "./cache";
export * from "./paper-numbers";
export * from "./figures";
export { parseWorkloads, runTf, runTorch, speedTable, timeIt } from "./workloads";
export type { Workload, Result } from "./workloads";
