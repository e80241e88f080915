/**
 * @ebjdat/evaluation: the one evaluation protocol of the project. `evaluate` measures clean and
 * robust accuracy of a model under the `standard` protocol (the default: ε = 8/255 on [0, 1],
 * fra31 AutoAttack) or the authors' `paper` protocol (spec 7.9), per image, chunk by chunk, into a
 * resumable results file keyed by the model's weights, the data and every setting. The CLI's
 * `ebjdat eval` and the paper bench both call it.
 */
export { evaluate, EvaluationInterrupted } from "./evaluate";
export { PROTOCOLS, PROTOCOL_NAMES, protocolFor } from "./protocol";
export type { Protocol, ProtocolName } from "./protocol";
export { resolveSettings, parseEvaluationAttack, chunksOf, EvaluationSettingsError } from "./settings";
export type { EvaluationSettings, ResolvedSettings, EvaluationAttack, EnsembleVersion } from "./settings";
export { canonicalJson, settingsHash, modelContentHash, dataContentHash } from "./content-key";
export { readResumable, keyDifferences, ResultsFileError, RESULTS_FORMAT } from "./results-file";
export { accuracyAfterStages, energyGapSummary } from "./summary";
export { addTestNoise } from "./noise";
export type { EvaluatedModel, EvaluateOptions, EvaluationChunk, EvaluationFile, EvaluationKey, EvaluationProgress, EnergyGapSummary, Outcome } from "./types";
