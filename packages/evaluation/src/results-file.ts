import { existsSync, readFileSync } from "node:fs";
import { writeJsonAtomic } from "@ebjdat/runtime";
import { canonicalJson } from "./content-key";
import type { EvaluationFile, EvaluationKey } from "./types";

/** Format tag of a results file; a file of another format is never resumed. */
export const RESULTS_FORMAT = "ebjdat-evaluation/1";

/** A results file that cannot be resumed: unreadable, of another format, or of other settings. */
export class ResultsFileError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
    this.name = "ResultsFileError";
  }
}

/** The fields of two content keys that differ, as `field: old → new` lines. */
export function keyDifferences(previous: Record<string, unknown>, current: Record<string, unknown>): string[] {
  const names = [...new Set([...Object.keys(previous), ...Object.keys(current)])].sort();
  const out: string[] = [];
  for (const k of names) {
    const p = canonicalJson(previous[k]);
    const c = canonicalJson(current[k]);
    if (p !== c) out.push(`${k}: ${p ?? "(absent)"} → ${c ?? "(absent)"}`);
  }
  return out;
}

/**
 * Reads a results file to resume it: undefined when there is none; the file when its content
 * key equals `key`; otherwise a ResultsFileError naming the file and every differing field
 * (another model's weights, other data, other settings), so two runs are never mixed.
 */
export function readResumable(path: string, key: Record<string, unknown>): EvaluationFile | undefined {
  if (!existsSync(path)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new ResultsFileError(path, `is not valid JSON (${(e as Error).message}); remove it or choose another results file`);
  }
  const file = parsed as Partial<EvaluationFile>;
  if (!file || typeof file !== "object" || file.format !== RESULTS_FORMAT || !file.key || !Array.isArray(file.chunks)) {
    throw new ResultsFileError(path, `is not an evaluation results file of format '${RESULTS_FORMAT}'; remove it or choose another results file`);
  }
  const diff = keyDifferences(file.key as unknown as Record<string, unknown>, key);
  if (diff.length > 0) {
    throw new ResultsFileError(path, `holds an evaluation with other settings, so it cannot be continued:\n  ${diff.join("\n  ")}\nchoose another results file, or remove this one to start over`);
  }
  return file as EvaluationFile;
}

/** Writes the results file atomically (a temporary file renamed over it). */
export function writeResults(path: string, file: EvaluationFile): void {
  writeJsonAtomic(path, file);
}

/** What a new results file records besides its key: protocol, model, data and versions. */
export interface ResultsFileHeader {
  protocol: EvaluationFile["protocol"];
  model: EvaluationFile["model"];
  data: EvaluationFile["data"];
  versions: Record<string, string>;
}

/** An empty results file of content key `key`: no chunk done yet, started now. */
export function newResultsFile(key: EvaluationKey, h: ResultsFileHeader): EvaluationFile {
  return {
    format: RESULTS_FORMAT,
    key,
    protocol: { name: h.protocol.name, description: h.protocol.description },
    model: h.model,
    data: h.data,
    stages: [],
    chunks: [],
    done: 0,
    n: h.data.range[1] - h.data.range[0],
    complete: false,
    warnings: [],
    backends: [],
    versions: h.versions,
    seconds: 0,
    startedAt: new Date().toISOString(),
  };
}
