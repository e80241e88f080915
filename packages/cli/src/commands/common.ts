import { DataError, loadDataset, type Dataset } from "@ebjdat/data";
import { initBackend, type BackendInfo, type BackendName } from "@ebjdat/runtime";
import type { OptionSpec, ParsedValues } from "../args";
import { str, UsageError } from "../args";

/** Options every command that computes takes. */
export const COMMON_OPTIONS: OptionSpec = {
  backend: { type: "string" },
  "data-dir": { type: "string" },
  seed: { type: "string" },
};

export const COMMON_HELP: Record<string, string> = {
  "--backend <name>": "node-gpu | node | wasm | cpu | webgpu (default: fastest available; env EBJDAT_BACKEND)",
  "--data-dir <dir>": "dataset folder (env EBJDAT_DATA; default ../shared/data beside the repo, else ~/.cache/ebjdat/data)",
  "--seed <n>": "random seed (default 1)",
};

/** Options of the commands that load datasets. */
export const DATA_OPTIONS: OptionSpec = {
  download: { type: "boolean" },
};

export const DATA_HELP: Record<string, string> = {
  "--download": "download a missing official archive (CIFAR-10/100) into the download folder",
};

const BACKENDS = ["node-gpu", "node", "wasm", "cpu", "webgpu"];

/** Initialises the backend named by --backend (or EBJDAT_BACKEND / automatic) and reports it on stderr. */
export async function backendFrom(values: ParsedValues): Promise<BackendInfo> {
  const b = str(values, "backend");
  if (b !== undefined && !BACKENDS.includes(b)) throw new UsageError(`--backend must be one of ${BACKENDS.join(", ")}, got '${b}'.`);
  return initBackend(b ? { backend: b as BackendName } : {});
}

/** `{ dataDir, download }` from --data-dir and --download, for the loaders of @ebjdat/data. */
export function dataDirFrom(values: ParsedValues): { dataDir?: string; download?: boolean } {
  const d = str(values, "data-dir");
  return { ...(d ? { dataDir: d } : {}), ...(values.download === true ? { download: true } : {}) };
}

/**
 * Loads dataset `spec` for option `option`; an unknown spec or a missing file is a UsageError
 * (exit 2) naming the option, raised before any model is loaded.
 */
export async function datasetFrom(values: ParsedValues, option: string, spec: string): Promise<Dataset> {
  try {
    return await loadDataset(spec, dataDirFrom(values));
  } catch (e) {
    if (e instanceof DataError || (e as Error).name === "DataError") throw new UsageError(`--${option}: ${(e as Error).message}`);
    throw e;
  }
}
