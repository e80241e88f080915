import { ATTACK_NAMES, ATTACKS } from "@ebjdat/attacks";
import { evaluate, EvaluationSettingsError, modelContentHash, PROTOCOL_NAMES, resolveSettings, type EvaluationSettings, type ProtocolName } from "@ebjdat/evaluation";
import { loadModel } from "@ebjdat/models";
import { imageEps, modelEps } from "@ebjdat/runtime";
import { existsSync } from "node:fs";
import { defineCommand } from "../command";
import { int, num, str, UsageError, type ParsedValues } from "../args";
import { backendFrom, COMMON_HELP, COMMON_OPTIONS, DATA_HELP, DATA_OPTIONS, datasetFrom } from "./common";
import { PLAN_HELP, PLAN_OPTIONS, runPlannedShard } from "./eval-shard";
import { runEvaluation } from "./run-evaluation";

function parseRange(s: string | undefined): [number, number] | undefined {
  if (s === undefined) return undefined;
  const m = /^(\d*):(\d*)$/.exec(s);
  if (!m) throw new UsageError(`--range must look like a:b (e.g. 0:200), got '${s}'.`);
  return [m[1] ? Number(m[1]) : 0, m[2] ? Number(m[2]) : Number.MAX_SAFE_INTEGER];
}

/** `--attack-options '{"apgd-t": {"steps": 5}}'`: per-attack numeric overrides. */
function attackOptionsFrom(s: string | undefined): EvaluationSettings["attackOptions"] {
  if (s === undefined) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(s);
  } catch (e) {
    throw new UsageError(`--attack-options must be JSON like '{"apgd-t": {"steps": 5}}': ${(e as Error).message}.`);
  }
  const ok = v !== null && typeof v === "object" && !Array.isArray(v) && Object.values(v as object).every((o) => o !== null && typeof o === "object" && !Array.isArray(o) && Object.values(o as object).every((x) => typeof x === "number" && Number.isFinite(x)));
  if (!ok) throw new UsageError(`--attack-options must map attack names to objects of finite numbers, e.g. '{"apgd-t": {"steps": 5}}', got ${s}.`);
  for (const name of Object.keys(v as object)) {
    if (!(ATTACK_NAMES as readonly string[]).includes(name)) throw new UsageError(`--attack-options names an unknown attack '${name}'; attacks: ${ATTACK_NAMES.join(", ")}.`);
  }
  return v as NonNullable<EvaluationSettings["attackOptions"]>;
}

/** The evaluation settings of the options; every bad value is a UsageError before any work. */
export function settingsFrom(values: ParsedValues): EvaluationSettings {
  const attack = str(values, "attack") ?? "autoattack";
  const p = str(values, "protocol");
  if (p !== undefined && !(PROTOCOL_NAMES as readonly string[]).includes(p)) throw new UsageError(`--protocol must be one of ${PROTOCOL_NAMES.join(", ")}, got '${p}'.`);
  // `--attack autoattack:paper` alone names the paper protocol, as before the protocol option existed
  const protocol = (p ?? (attack === "autoattack:paper" ? "paper" : "standard")) as ProtocolName;
  const eps = num(values, "eps");
  if (eps !== undefined && !(eps > 0 && eps < 1)) throw new UsageError(`--eps must be in (0, 1) on the [0, 1] image scale (e.g. 8/255), got ${eps}.`);
  const sigma = num(values, "noise-sigma");
  if (sigma !== undefined && !(sigma >= 0)) throw new UsageError(`--noise-sigma must be >= 0 (model space, e.g. 0.03), got ${sigma}.`);
  const norm = str(values, "norm") ?? "linf";
  if (norm !== "linf" && norm !== "l2") throw new UsageError(`--norm must be linf or l2, got '${norm}'.`);
  const range = parseRange(str(values, "range"));
  const attackOptions = attackOptionsFrom(str(values, "attack-options"));
  const settings: EvaluationSettings = {
    protocol,
    attack,
    norm,
    batchSize: int(values, "batch", 1, 100000) ?? 100,
    seed: int(values, "seed", 0, 2 ** 32 - 1) ?? 0,
    energyGap: values["energy-gap"] === true,
    ...(eps !== undefined ? { eps: imageEps(eps) } : {}),
    ...(sigma !== undefined ? { noiseSigma: modelEps(sigma) } : {}),
    ...(range ? { range } : {}),
    ...(attackOptions ? { attackOptions } : {}),
  };
  try {
    resolveSettings({ ...settings, range: [0, 1] }, 1);
  } catch (e) {
    if (e instanceof EvaluationSettingsError) throw new UsageError(`${e.message}.`);
    throw e;
  }
  return settings;
}

/**
 * `ebjdat eval`: clean and robust accuracy of a checkpoint under the standard or the paper
 * protocol, through `evaluate` of @ebjdat/evaluation (the bench's evaluation too). The results
 * file is written after every chunk and keyed by the model's weights and every setting: a rerun
 * continues it, another model or setting is refused. Ctrl-C / SIGTERM stop after the current
 * chunk, with everything finished saved.
 */
export const evalCommand = defineCommand(
  {
    name: "eval",
    summary: "Clean and robust accuracy under PGD / APGD / FAB / Square / AutoAttack",
    usage:
      "ebjdat eval --model <checkpoint> --data <dataset spec> [--range a:b] [--protocol standard|paper] [--attack <name>] [--eps 8/255] [--norm linf|l2] [--batch N] [--seed S] --json <out.json>\n       ebjdat eval --plan <results folder>/plan.json [--shard i/N]   (one shard of an `ebjdat plan`)",
    help: {
      "--model <path>": "checkpoint: .pt/.pth (official PyTorch), .safetensors, or a saved TF.js model folder",
      "--data <spec>": "dataset spec of @ebjdat/data, e.g. cifar10-exact-test, cifar10:test",
      "--range a:b": "images a (inclusive) to b (exclusive) of the dataset (default all)",
      "--protocol <p>": "standard (default: ε 8/255 on [0, 1], fra31 AutoAttack) | paper (the authors' protocol, spec 7.9: 4/255 on [0, 1], their ensemble and test noise)",
      "--attack <name>": `autoattack (default: the protocol's ensemble) | autoattack:standard|plus|rand|paper | ${ATTACKS.map((e) => (e.stepsInName ? `${e.name}<k>` : e.name)).join(" | ")} (e.g. pgd20)`,
      "--eps <e>": "budget on the [0, 1] scale, e.g. 8/255 (default: the protocol's, 8/255 standard, 4/255 paper)",
      "--norm <n>": "linf (default) or l2",
      "--noise-sigma <s>": "paper protocol: test-time noise σ in model space (the authors' JEM/JEM++ scripts use 0.03; default 0)",
      "--attack-options <json>": `per-attack numeric overrides, recorded with the results, e.g. '{"apgd-t": {"steps": 5, "targetClasses": 3}}'`,
      "--batch <n>": "images per chunk and attack batch (default 100)",
      "--json <file>": "results file (required); rerun with the same file to continue (one process at a time: <file>.lock)",
      "--energy-gap": "also record E(x) and E(x_adv) per image and the Table 1 statistic (mean/variance of E(x_adv) - E(x))",
      ...PLAN_HELP,
      ...COMMON_HELP,
      ...DATA_HELP,
      "--seed <n>": "random seed (default 0)",
    },
    options: {
      ...COMMON_OPTIONS,
      ...DATA_OPTIONS,
      model: { type: "string" },
      data: { type: "string" },
      range: { type: "string" },
      protocol: { type: "string" },
      attack: { type: "string" },
      eps: { type: "string" },
      norm: { type: "string" },
      "noise-sigma": { type: "string" },
      "attack-options": { type: "string" },
      batch: { type: "string" },
      json: { type: "string" },
      "energy-gap": { type: "boolean" },
      ...PLAN_OPTIONS,
    },
  },
  async (values) => {
    if (str(values, "plan") !== undefined || str(values, "shard") !== undefined) return runPlannedShard(values);
    const modelPath = str(values, "model");
    const spec = str(values, "data");
    const jsonPath = str(values, "json");
    if (!modelPath) throw new UsageError("--model <checkpoint> is required.");
    if (!existsSync(modelPath)) throw new UsageError(`--model '${modelPath}' does not exist.`);
    if (!spec) throw new UsageError("--data <dataset spec> is required (e.g. cifar10-exact-test).");
    if (!jsonPath) throw new UsageError("--json <out.json> is required.");
    const settings = settingsFrom(values);
    const ds = await datasetFrom(values, "data", spec);
    const range = settings.range ? ([settings.range[0], Math.min(settings.range[1], ds.n)] as [number, number]) : undefined;
    if (range && range[0] >= range[1]) throw new UsageError(`--range ${str(values, "range")} is empty or beyond the dataset's ${ds.n} images (${spec} has images 0:${ds.n}).`);

    const backend = await backendFrom(values);
    const { model, source, replayBuffer } = await loadModel(modelPath);
    replayBuffer?.dispose();
    try {
      if (model.config.numClasses !== ds.numClasses) throw new UsageError(`The model has ${model.config.numClasses} classes but ${spec} has ${ds.numClasses}.`);
      const evaluated = { logits: model.toLogitsFn("eval"), hash: modelContentHash(model), label: source.path ?? modelPath };
      return await runEvaluation(`eval ${settings.attack}`, jsonPath, (o) => evaluate(evaluated, ds, { ...settings, ...(range ? { range } : {}) }, { ...o, resultsPath: jsonPath, backend: backend.name }), { attack: settings.attack ?? "autoattack", batchSize: settings.batchSize ?? 100 });
    } finally {
      model.dispose();
    }
  },
);
