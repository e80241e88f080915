import { attacksFor, ensembleFor, parseAttackName, type AttackOverrides, type Norm } from "@ebjdat/attacks";
import { imageEps, type ImageEps, type ModelEps } from "@ebjdat/runtime";
import { protocolFor, type Protocol, type ProtocolName } from "./protocol";

/** AutoAttack versions an evaluation can name (`autoattack:<version>`, spec 7.6 / 7.9). */
export type EnsembleVersion = "standard" | "plus" | "rand" | "paper";

const ENSEMBLE_VERSIONS: readonly EnsembleVersion[] = ["standard", "plus", "rand", "paper"];

/** What to evaluate: every field is part of the results file's content key. */
export interface EvaluationSettings {
  /** `standard` (default) or `paper` (spec 7.7, 7.9). */
  protocol?: ProtocolName;
  /** `autoattack` (the protocol's ensemble, default), `autoattack:<version>`, `pgd<k>` or any attack name of @ebjdat/attacks. */
  attack?: string;
  /** Budget on the [0, 1] image scale; default the protocol's (8/255 standard, 4/255 paper). */
  eps?: ImageEps;
  /** Default `linf`. */
  norm?: Norm;
  /** Test-time noise σ in model space (paper protocol only, spec 7.9); default the protocol's (0). */
  noiseSigma?: ModelEps;
  /** Images per chunk and per attack batch (default 100). Chunks start at multiples of it. */
  batchSize?: number;
  /** Seed of every random draw (default 0). */
  seed?: number;
  /** Images [a, b) of the dataset (default all). */
  range?: readonly [number, number];
  /** Also record E(x) and E(x_adv) per image and the Table 1 statistic (spec 1.1). */
  energyGap?: boolean;
  /** Per-attack option overrides (e.g. fewer iterations at a smoke scale); recorded in the key. */
  attackOptions?: AttackOverrides;
}

/** A parsed attack: one attack, or an AutoAttack ensemble. */
export type EvaluationAttack = { kind: "single"; name: string; steps?: number } | { kind: "ensemble"; version: EnsembleVersion };

/** The settings with every default filled in and checked. */
export interface ResolvedSettings {
  protocol: Protocol;
  attack: EvaluationAttack;
  /** The attack as written in results (`pgd20`, `autoattack:standard`, ...). */
  attackLabel: string;
  eps: ImageEps;
  /** PGD step size α on the image scale (ε × the protocol's ratio). */
  pgdStepSize: ImageEps;
  norm: Norm;
  noiseSigma: number;
  batchSize: number;
  seed: number;
  range: [number, number];
  energyGap: boolean;
  attackOptions: AttackOverrides;
}

/** An evaluation setting that cannot work; names the setting and what was expected. */
export class EvaluationSettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EvaluationSettingsError";
  }
}

/**
 * Parses an evaluation attack: `autoattack` (the protocol's ensemble), `autoattack:<version>`
 * (spec 7.6 / 7.9), `pgd<k>` or an attack name of @ebjdat/attacks. Throws naming the choices.
 */
export function parseEvaluationAttack(s: string, protocol: Protocol): EvaluationAttack {
  if (s === "autoattack") return { kind: "ensemble", version: protocol.autoAttack };
  if (s.startsWith("autoattack:")) {
    const version = s.slice("autoattack:".length) as EnsembleVersion;
    if (!ENSEMBLE_VERSIONS.includes(version)) throw new EvaluationSettingsError(`attack 'autoattack:<version>': version must be one of ${ENSEMBLE_VERSIONS.join(", ")}, got '${version}'`);
    if ((version === "paper") !== (protocol.name === "paper")) {
      throw new EvaluationSettingsError(`the '${version}' AutoAttack ensemble belongs to the ${version === "paper" ? "paper" : "standard"} protocol, not to '${protocol.name}' (spec 7.9); choose the protocol or the ensemble that matches`);
    }
    return { kind: "ensemble", version };
  }
  try {
    const p = parseAttackName(s);
    return p.steps !== undefined ? { kind: "single", name: p.name, steps: p.steps } : { kind: "single", name: p.name };
  } catch (e) {
    throw new EvaluationSettingsError(`${(e as Error).message}, or autoattack[:${ENSEMBLE_VERSIONS.join("|")}]`);
  }
}

/**
 * Fills in the protocol's defaults (spec 7.7, 7.9) and checks every setting against a dataset
 * of `n` images before any work starts.
 */
export function resolveSettings(settings: EvaluationSettings, n: number): ResolvedSettings {
  const protocol = protocolFor(settings.protocol ?? "standard");
  const attackLabel = settings.attack ?? "autoattack";
  const attack = parseEvaluationAttack(attackLabel, protocol);
  const eps = settings.eps ?? protocol.eps;
  if (!(eps > 0 && eps < 1)) throw new EvaluationSettingsError(`eps must be in (0, 1) on the [0, 1] image scale (e.g. 8/255), got ${eps}`);
  const norm = settings.norm ?? "linf";
  if (norm !== "linf" && norm !== "l2") throw new EvaluationSettingsError(`norm must be 'linf' or 'l2', got '${String(norm)}'`);
  if (protocol.name === "paper" && norm !== "linf") throw new EvaluationSettingsError("the paper protocol is ℓ∞ only (spec 7.9)");
  if (norm !== "linf") {
    const names: string[] = attack.kind === "ensemble" ? ensembleFor(attack.version).map((e) => e.attack) : [attack.name];
    const bad = names.filter((a) => !(attacksFor(norm) as string[]).includes(a));
    if (bad.length > 0) {
      throw new EvaluationSettingsError(`norm '${norm}': ${bad.join(", ")} ${bad.length > 1 ? "are" : "is"} ℓ∞ only${attack.kind === "ensemble" ? ` (part of ${attackLabel})` : ""}; with ${norm} use ${attacksFor(norm).join(", ")}`);
    }
  }
  const noiseSigma = settings.noiseSigma ?? protocol.noiseSigma;
  if (!(noiseSigma >= 0 && Number.isFinite(noiseSigma))) throw new EvaluationSettingsError(`noiseSigma must be a finite number >= 0 (model space), got ${noiseSigma}`);
  if (noiseSigma > 0 && protocol.name !== "paper") throw new EvaluationSettingsError("test-time noise is part of the paper protocol (spec 7.9); the standard protocol attacks deterministic inputs");
  const batchSize = settings.batchSize ?? 100;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new EvaluationSettingsError(`batchSize must be an integer >= 1, got ${batchSize}`);
  const seed = settings.seed ?? 0;
  if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32) throw new EvaluationSettingsError(`seed must be an integer in [0, 2^32), got ${seed}`);
  const [a, b] = settings.range ?? [0, n];
  if (!Number.isInteger(a) || !Number.isInteger(b) || a < 0 || a >= b || b > n) {
    throw new EvaluationSettingsError(`range [${a}, ${b}) must be a non-empty part of the dataset's ${n} images [0, ${n})`);
  }
  return {
    protocol,
    attack,
    attackLabel,
    eps: imageEps(eps),
    pgdStepSize: imageEps(eps * protocol.pgdStepRatio),
    norm,
    noiseSigma,
    batchSize,
    seed,
    range: [a, b],
    energyGap: settings.energyGap ?? false,
    attackOptions: settings.attackOptions ?? {},
  };
}

/** The chunks of a range: [s, e) pieces starting at multiples of `batchSize` (so any sub-range reuses them). */
export function chunksOf(range: readonly [number, number], batchSize: number): [number, number][] {
  const out: [number, number][] = [];
  for (let s = range[0]; s < range[1]; ) {
    const e = Math.min(range[1], (Math.floor(s / batchSize) + 1) * batchSize);
    out.push([s, e]);
    s = e;
  }
  return out;
}
