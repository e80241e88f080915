/**
 * @ebjdat/evaluation: the one evaluation protocol of the project. `evaluate` measures clean and
 * robust accuracy of a model under the `standard` protocol (the default: ε = 8/255 on [0, 1],
 * fra31 AutoAttack) or the authors' `paper` protocol (spec 7.9), per image, chunk by chunk, into a
 * resumable results file keyed by the model's weights, the data and every setting. The CLI's
 * `ebjdat eval` and the paper bench both call it.
 *
 * Scale-out: `planShards` splits an evaluation into shards of whole chunks, `evaluateShard` runs
 * one (its index from `resolveShardIndex`: a flag, SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX),
 * `mergeShards` combines them into the file a single run writes; `planSlurmJobs` and
 * `planKubernetesJobs` describe the plan as a Slurm job array or a Kubernetes Indexed Job.
 */
export { evaluate, EvaluationInterrupted } from "./evaluate";
export { PROTOCOLS, PROTOCOL_NAMES, protocolFor } from "./protocol";
export type { Protocol, ProtocolName } from "./protocol";
export { resolveSettings, parseEvaluationAttack, chunksOf, EvaluationSettingsError } from "./settings";
export type { EvaluationSettings, ResolvedSettings, EvaluationAttack, EnsembleVersion } from "./settings";
export { canonicalJson, settingsHash, modelContentHash, dataContentHash, rangeContentHash, evaluationKey } from "./content-key";
export { readResumable, keyDifferences, newResultsFile, ResultsFileError, RESULTS_FORMAT } from "./results-file";
export type { ResultsFileHeader } from "./results-file";
export { accuracyAfterStages, energyGapSummary, completeResults } from "./summary";
export { addTestNoise } from "./noise";
export type { EvaluatedModel, EvaluateOptions, EvaluationChunk, EvaluationFile, EvaluationKey, EvaluationProgress, EnergyGapSummary, Outcome } from "./types";
export { planShards, shardRanges, shardKey, shardResultsPath, shardFilesIn, unfinishedShards, readShardPlan, writeShardPlan, ShardPlanError, SHARD_PLAN_FORMAT, PLAN_FILE } from "./shard-plan";
export type { ShardPlan, Shard } from "./shard-plan";
export { resolveShardIndex, ShardIndexError, SHARD_INDEX_VARIABLES } from "./shard-index";
export type { ShardIndex } from "./shard-index";
export { evaluateShard } from "./shard-run";
export { mergeShards, ShardMergeError } from "./merge";
export type { MergedShards } from "./merge";
export { sbatchScript, submitSbatch, slurmJobsNamed, slurmArraySpec, shellQuote, runSchedulerCommand, SchedulerCommandError } from "./slurm";
export type { SbatchJob, SubmitOptions } from "./slurm";
export { indexedJobManifest, singleJobManifest } from "./kubernetes";
export type { KubernetesJob, KubernetesIndexedJob } from "./kubernetes";
export { toYaml } from "./yaml";
export type { YamlValue } from "./yaml";
export { planSlurmJobs, planKubernetesJobs, planJobName } from "./plan-jobs";
export type { PlanJobOptions, PlanSlurmOptions, PlanKubernetesOptions } from "./plan-jobs";
