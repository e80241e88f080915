import { modelEps, type ModelEps } from "@ebjdat/runtime";
import { jemBase, METHOD_TABLE, METHODS, type Method } from "./objectives";
import type { PresetScale, ReducedScale } from "./objectives/method-entry";
import { BASE_CONFIG } from "./objectives/preset-base";
import type { TrainConfigOf } from "./config-types";

export { METHODS, jemBase, methodEntry } from "./objectives";
export type { Method } from "./objectives";
export type { AdvConfig, JemConfig, TrainConfigOf } from "./config-types";

/** A complete, validated training configuration (a method of the table). Every field has a default in `PRESETS`. */
export type TrainConfig = TrainConfigOf<Method>;

/** A recursive partial (arrays are replaced whole), the shape of config overrides. */
export type DeepPartial<T> = { [K in keyof T]?: T[K] extends number[] ? T[K] : T[K] extends object ? DeepPartial<T[K]> : T[K] };
/** A recursive partial of a config, as read from JSON or given as overrides. */
export type PartialConfig = DeepPartial<TrainConfig>;

/** The common start of every `paper` preset (spec 9.2): WRN-28-10, all of CIFAR-10's training set, 10000 test images, a checkpoint every 1000 iterations. */
function paperScaffold(method: Method): TrainConfigOf {
  const b = BASE_CONFIG;
  return { ...b, method, model: { ...b.model, depth: 28, width: 10 }, data: { ...b.data, train: "cifar10:train", perClass: 0 }, eval: { data: "cifar10-exact-test", n: 10000 }, checkpointEvery: 1000 };
}

/** The common reduction of a `paper` preset `p` to `mini` (WRN-10-2, 5000 images, 3 epochs) or `smoke` (WRN-10-1, 260 images, 3 iterations) of spec 9.3. */
function reduce(p: TrainConfigOf, scale: ReducedScale): TrainConfigOf {
  const smoke = scale === "smoke";
  return {
    ...p,
    model: { ...p.model, depth: 10, width: smoke ? 1 : 2, norm: "batch" },
    data: { ...p.data, train: "cifar10-train-balanced", perClass: smoke ? 26 : 0 },
    batchSize: smoke ? 16 : 32,
    epochs: smoke ? 1 : 3,
    iterations: smoke ? 3 : 0,
    optimizer: { name: "sgd", lr: 0.05, momentum: 0.9, weightDecay: 5e-4 },
    schedule: smoke ? { warmupIters: 2, decayEpochs: [], decayRate: 0.2 } : { warmupIters: 100, decayEpochs: [2], decayRate: 0.2 },
    eval: { data: "cifar10-exact-test", n: smoke ? 64 : 1000 },
    checkpointEvery: smoke ? 0 : 100,
    guard: { ...p.guard },
  };
}

/** Table 6 of the paper (EB-JDAT-JEM++ weight ablation, spec 5.1): (w1, w2, w3) per row. */
export const TABLE6_WEIGHTS: Readonly<Record<1 | 2 | 3 | 4, readonly [number, number, number]>> = { 1: [0, 0, 1], 2: [0, 1, 1], 3: [1, 0.5, 1], 4: [1, 1, 1] };

function buildPresets(): Record<string, TrainConfig> {
  const out: Record<string, TrainConfig> = {};
  const scales: PresetScale[] = ["smoke", "mini", "paper"];
  for (const e of METHOD_TABLE) {
    // the entries work on TrainConfigOf<string>; the presets keep the entry's method name
    const own = (c: TrainConfigOf): TrainConfig => ({ ...c, method: e.name });
    const paper = e.paper(paperScaffold(e.name));
    for (const s of scales) {
      const c = s === "paper" ? paper : e.reduced ? e.reduced(reduce(paper, s), s) : reduce(paper, s);
      out[`${e.name}-${s}`] = own(c);
      for (const [v, variant] of Object.entries(e.variants ?? {})) out[`${e.name}-${v}-${s}`] = own(variant(c));
    }
  }
  for (const s of scales) {
    for (const row of [1, 2, 3, 4] as const) {
      const [px, adv, ceAdv] = TABLE6_WEIGHTS[row];
      const c = out[`ebjdat-jempp-${s}`]!;
      out[`table6-${row}-${s}`] = { ...c, jem: { ...c.jem, weights: { ...c.jem.weights, px, adv, ceAdv } } };
    }
  }
  return out;
}

/**
 * Named presets: `<method>-smoke` (CI, seconds), `<method>-mini` (2 CPU cores, tens of minutes;
 * spec 9.3) and `<method>-paper` (WRN-28-10, official schedules; spec 9.2) for every method of
 * the table (`METHOD_TABLE`); `<method>-<variant>-<scale>` for a method's variants (EB-JDAT:
 * `eq` paper equations and `ce` PGD-CE inner problem of spec 5.3); `table6-<1..4>-<scale>`
 * (Table 6 weight rows on EB-JDAT-JEM++).
 */
export const PRESETS: Record<string, TrainConfig> = buildPresets();

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
  sam: { rho: "number" },
  adv: { mode: ["code", "code-ce", "paper", "pgd-ce"], steps: "integer", eps: "number", alpha: "number", project: "boolean", beta: "number" },
  jem: {
    weights: { px: "number", pyx: "number", adv: "number", ceAdv: "number" },
    advEnergyLoss: ["contrastive", "gap", "abs-gap"],
    l2Coeff: "number",
    bnDuringPx: ["alltrain1", "alltrain2", "eval"],
    sampler: { nSteps: "integer", inSteps: "integer", stepSize: "number", noiseStd: "number", reinitFreq: "number" },
    buffer: { size: "integer", init: ["uniform", "gm-diag", "gm-full"] },
    px: { batchSize: "integer", augment: "boolean", noiseSigma: "number" },
  },
  guard: { maxRetries: "integer", lrFactor: "number", lossLimit: "number", energyLimit: "number" },
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

/** A model-space length of the config (JSON numbers), checked: a ConfigError names the key. */
function modelLength(key: string, value: number): ModelEps {
  try {
    return modelEps(value);
  } catch {
    throw new ConfigError(`config key '${key}' must be a length >= 0 in model space [-1, 1] (the official ε is 8/255, α 2/255), got ${JSON.stringify(value)}.`);
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
  cfg.adv = { ...cfg.adv, eps: modelLength("adv.eps", cfg.adv.eps), alpha: modelLength("adv.alpha", cfg.adv.alpha) };
  const m = cfg.model;
  if ((m.depth - 4) % 6 !== 0 || m.depth < 10) throw new ConfigError(`config key 'model.depth' must be 6n+4 with n ≥ 1 (10, 16, 22, 28, ...), got ${m.depth}.`);
  if (m.width < 1) throw new ConfigError(`config key 'model.width' must be ≥ 1, got ${m.width}.`);
  if (cfg.batchSize < 1) throw new ConfigError(`config key 'batchSize' must be ≥ 1, got ${cfg.batchSize}.`);
  if (cfg.epochs < 1 && cfg.iterations < 1) throw new ConfigError("config needs 'epochs' ≥ 1 or 'iterations' ≥ 1.");
  if (cfg.optimizer.lr <= 0) throw new ConfigError(`config key 'optimizer.lr' must be > 0, got ${cfg.optimizer.lr}.`);
  for (const [k, v] of Object.entries(cfg.jem.weights)) if (v < 0) throw new ConfigError(`config key 'jem.weights.${k}' must be ≥ 0, got ${v}.`);
  if (cfg.sam.rho < 0) throw new ConfigError(`config key 'sam.rho' must be ≥ 0 (0 = no SAM), got ${cfg.sam.rho}.`);
  if (cfg.guard.lrFactor <= 0 || cfg.guard.lrFactor >= 1) throw new ConfigError(`config key 'guard.lrFactor' must be in (0, 1), got ${cfg.guard.lrFactor}.`);
  if (jemBase(cfg.method) && cfg.jem.buffer.size < cfg.jem.px.batchSize) throw new ConfigError(`config key 'jem.buffer.size' must be ≥ jem.px.batchSize (${cfg.jem.px.batchSize}), got ${cfg.jem.buffer.size}.`);
  if (cfg.data.noiseSigma < 0) throw new ConfigError(`config key 'data.noiseSigma' must be ≥ 0, got ${cfg.data.noiseSigma}.`);
  return cfg;
}
