import type { OptimizerConfig } from "./optimizer";
import type { ScheduleConfig } from "./schedule";

/** Training methods (spec 9.2 / issue 7). This release implements `standard` (cross-entropy). */
export const METHODS = ["standard"] as const;
export type Method = (typeof METHODS)[number];

/** A complete, validated training configuration. Every field has a default in `PRESETS`. */
export interface TrainConfig {
  method: Method;
  seed: number;
  model: { depth: number; width: number; norm: "none" | "batch"; bnMomentum: number };
  data: {
    /** Dataset spec of `@ebjdat/data` (e.g. `cifar10-train-balanced`, `cifar10:train`). */
    train: string;
    /** Keep this many images per class (class-balanced, first in file order); 0 keeps all. */
    perClass: number;
    /** reflect-pad-4 random crop + horizontal flip. */
    augment: boolean;
    /** Gaussian noise σ added in model space ([-1, 1]) after normalisation (spec 0.1: 0.03 official). */
    noiseSigma: number;
  };
  batchSize: number;
  /** Length of the run: whole epochs, or a fixed number of iterations when `iterations` > 0. */
  epochs: number;
  iterations: number;
  optimizer: OptimizerConfig;
  schedule: ScheduleConfig;
  eval: { data: string; n: number };
  /** Save a checkpoint every this many iterations (0: at the end of each epoch only). */
  checkpointEvery: number;
}

/** A recursive partial of a config, as read from JSON or given as overrides. */
export type PartialConfig = { [K in keyof TrainConfig]?: TrainConfig[K] extends object ? Partial<TrainConfig[K]> : TrainConfig[K] };

const base: TrainConfig = {
  method: "standard",
  seed: 1,
  model: { depth: 10, width: 1, norm: "batch", bnMomentum: 0.9 },
  data: { train: "cifar10-train-balanced", perClass: 0, augment: true, noiseSigma: 0 },
  batchSize: 32,
  epochs: 3,
  iterations: 0,
  optimizer: { name: "sgd", lr: 0.05, momentum: 0.9, weightDecay: 5e-4 },
  schedule: { warmupIters: 100, decayEpochs: [2], decayRate: 0.2 },
  eval: { data: "cifar10-exact-test", n: 1000 },
  checkpointEvery: 0,
};

/**
 * Named presets (spec 9.3, project choices for 2 CPU cores): `standard-smoke` runs in seconds
 * (CI, Quick start), `standard-mini` in tens of minutes.
 */
export const PRESETS: Record<string, TrainConfig> = {
  "standard-smoke": {
    ...base,
    model: { ...base.model, depth: 10, width: 1 },
    data: { ...base.data, perClass: 26 },
    batchSize: 16,
    epochs: 1,
    iterations: 12,
    schedule: { warmupIters: 2, decayEpochs: [], decayRate: 0.2 },
    eval: { data: "cifar10-exact-test", n: 64 },
  },
  "standard-mini": {
    ...base,
    model: { ...base.model, depth: 10, width: 2 },
    batchSize: 32,
    epochs: 3,
  },
};

type Shape = { [key: string]: Shape | "number" | "integer" | "string" | "boolean" | "number[]" | readonly string[] };

const SHAPE: Shape = {
  method: METHODS,
  seed: "integer",
  model: { depth: "integer", width: "integer", norm: ["none", "batch"], bnMomentum: "number" },
  data: { train: "string", perClass: "integer", augment: "boolean", noiseSigma: "number" },
  batchSize: "integer",
  epochs: "integer",
  iterations: "integer",
  optimizer: { name: ["sgd", "adam"], lr: "number", momentum: "number", weightDecay: "number", nesterov: "boolean", beta1: "number", beta2: "number", eps: "number" },
  schedule: { warmupIters: "integer", decayEpochs: "number[]", decayRate: "number" },
  eval: { data: "string", n: "integer" },
  checkpointEvery: "integer",
};

/** A configuration error naming the key and what was expected. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

function checkValue(path: string, kind: Shape[string], v: unknown): void {
  if (Array.isArray(kind)) {
    if (typeof v !== "string" || !kind.includes(v)) throw new ConfigError(`config key '${path}' must be one of ${kind.map((k) => `'${k}'`).join(", ")}, got ${JSON.stringify(v)}.`);
    return;
  }
  if (typeof kind === "object") {
    if (typeof v !== "object" || v === null || Array.isArray(v)) throw new ConfigError(`config key '${path}' must be an object with keys ${Object.keys(kind).join(", ")}.`);
    checkObject(path + ".", kind as Shape, v as Record<string, unknown>);
    return;
  }
  const ok =
    kind === "number" ? typeof v === "number" && Number.isFinite(v)
    : kind === "integer" ? typeof v === "number" && Number.isInteger(v)
    : kind === "string" ? typeof v === "string" && v.length > 0
    : kind === "boolean" ? typeof v === "boolean"
    : Array.isArray(v) && v.every((x) => typeof x === "number" && Number.isFinite(x));
  if (!ok) throw new ConfigError(`config key '${path}' must be ${kind === "integer" ? "an integer" : kind === "number[]" ? "an array of numbers" : `a ${kind}`}, got ${JSON.stringify(v)}.`);
}

function checkObject(prefix: string, shape: Shape, obj: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(obj)) {
    const kind = shape[k];
    if (kind === undefined) throw new ConfigError(`Unknown config key '${prefix}${k}'. Allowed keys${prefix ? ` under '${prefix.slice(0, -1)}'` : ""}: ${Object.keys(shape).join(", ")}.`);
    checkValue(prefix + k, kind, v);
  }
}

function merge<T>(a: T, b: unknown): T {
  if (typeof b !== "object" || b === null || Array.isArray(b)) return (b === undefined ? a : b) as T;
  const out: Record<string, unknown> = { ...(a as Record<string, unknown>) };
  for (const [k, v] of Object.entries(b)) out[k] = typeof v === "object" && v !== null && !Array.isArray(v) ? merge(out[k] ?? {}, v) : v;
  return out as T;
}

/**
 * Builds a config from a preset (default `standard-smoke`) and a JSON-like override, checking
 * every key: an unknown key or a bad value throws a `ConfigError` naming it and the allowed values.
 */
export function resolveConfig(overrides: unknown = {}, preset = "standard-smoke"): TrainConfig {
  const p = PRESETS[preset];
  if (!p) throw new ConfigError(`Unknown preset '${preset}'. Presets: ${Object.keys(PRESETS).join(", ")}.`);
  if (typeof overrides !== "object" || overrides === null || Array.isArray(overrides)) throw new ConfigError("A config must be a JSON object.");
  const { preset: named, ...rest } = overrides as Record<string, unknown>;
  if (named !== undefined && typeof named !== "string") throw new ConfigError("config key 'preset' must be a string.");
  const start = named ? PRESETS[named as string] : p;
  if (!start) throw new ConfigError(`Unknown preset '${named as string}'. Presets: ${Object.keys(PRESETS).join(", ")}.`);
  checkObject("", SHAPE, rest);
  const cfg = merge(start, rest);
  // optimizer: switching kind starts from that kind's defaults, not the preset's fields.
  const o = (rest.optimizer ?? {}) as Record<string, number | string | boolean | undefined>;
  if (o.name !== undefined && o.name !== start.optimizer.name) {
    const num = (k: string, d: number): number => (typeof o[k] === "number" ? (o[k] as number) : d);
    cfg.optimizer =
      o.name === "adam"
        ? { name: "adam", lr: num("lr", 1e-4), beta1: num("beta1", 0.9), beta2: num("beta2", 0.999), eps: num("eps", 1e-8), weightDecay: num("weightDecay", 0) }
        : { name: "sgd", lr: num("lr", 0.05), momentum: num("momentum", 0.9), weightDecay: num("weightDecay", 5e-4), ...(o.nesterov === true ? { nesterov: true } : {}) };
  }
  const m = cfg.model;
  if ((m.depth - 4) % 6 !== 0 || m.depth < 10) throw new ConfigError(`config key 'model.depth' must be 6n+4 with n ≥ 1 (10, 16, 22, 28, ...), got ${m.depth}.`);
  if (m.width < 1) throw new ConfigError(`config key 'model.width' must be ≥ 1, got ${m.width}.`);
  if (cfg.batchSize < 1) throw new ConfigError(`config key 'batchSize' must be ≥ 1, got ${cfg.batchSize}.`);
  if (cfg.epochs < 1 && cfg.iterations < 1) throw new ConfigError("config needs 'epochs' ≥ 1 or 'iterations' ≥ 1.");
  if (cfg.optimizer.lr <= 0) throw new ConfigError(`config key 'optimizer.lr' must be > 0, got ${cfg.optimizer.lr}.`);
  if (cfg.data.noiseSigma < 0) throw new ConfigError(`config key 'data.noiseSigma' must be ≥ 0, got ${cfg.data.noiseSigma}.`);
  return cfg;
}
