import { ATTACK_NAMES, ATTACKS } from "@ebjdat/attacks";
import { evaluate, EvaluationInterrupted, EvaluationSettingsError, modelContentHash, PROTOCOL_NAMES, resolveSettings, type EvaluationFile, type EvaluationSettings, type ProtocolName } from "@ebjdat/evaluation";
import { loadModel } from "@ebjdat/models";
import { acquireLock, imageEps, modelEps } from "@ebjdat/runtime";
import { existsSync } from "node:fs";
import { defineCommand } from "../command";
import { int, num, str, UsageError, type ParsedValues } from "../args";
import { ProgressBar, roughDuration } from "../progress";
import { backendFrom, COMMON_HELP, COMMON_OPTIONS, DATA_HELP, DATA_OPTIONS, datasetFrom } from "./common";
import { interruptExitCode, onInterrupt } from "../interrupt";


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
function settingsFrom(values: ParsedValues): EvaluationSettings {
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

function summary(f: EvaluationFile, jsonPath: string): string {
  const rows = Object.entries(f.robustAccuracyAfter ?? {}).map(([k, v]) => `  ${k.padEnd(10)} ${(v * 100).toFixed(2)}%`);
  const gap = f.energyGap ? `energy gap E(x_adv) - E(x): mean ${f.energyGap.mean.toFixed(4)}, variance ${f.energyGap.variance.toFixed(4)} (n ${f.energyGap.n})\n` : "";
  const noise = f.key.noiseSigma > 0 ? `, test noise σ ${f.key.noiseSigma} (model space)` : "";
  return `${f.key.attack} at eps ${f.key.eps.toFixed(5)} (${f.key.norm}, ${f.protocol.name} protocol${noise}) on ${f.n} images of ${f.data.spec}, backend ${f.backends.join(", ")}\naccuracy after each stage:\n${rows.join("\n")}\n${gap}results: ${jsonPath}\n`;
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
    usage: "ebjdat eval --model <checkpoint> --data <dataset spec> [--range a:b] [--protocol standard|paper] [--attack <name>] [--eps 8/255] [--norm linf|l2] [--batch N] [--seed S] --json <out.json>",
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
    },
  },
  async (values) => {
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
    const lock = acquireLock(`${jsonPath}.lock`, { what: `the results file '${jsonPath}'`, onWarning: (m) => process.stderr.write(`${m}\n`) });
    const stop = new AbortController();
    const release = onInterrupt(stop, "eval: stopping after the current chunk (Ctrl-C again to quit at once; finished chunks are saved)");
    let loaded;
    try {
      loaded = await loadModel(modelPath);
    } catch (e) {
      release();
      lock.release();
      throw e;
    }
    const { model, source, replayBuffer } = loaded;
    replayBuffer?.dispose();
    const bar = new ProgressBar(`eval ${settings.attack}`);
    const say = (line: string): void => {
      process.stderr.write(`${process.stderr.isTTY ? "\r\x1b[2K" : ""}${line}\n`);
    };
    let first = true;
    let lastDone = 0;
    let timed = { images: 0, seconds: 0 };
    try {
      if (model.config.numClasses !== ds.numClasses) throw new UsageError(`The model has ${model.config.numClasses} classes but ${spec} has ${ds.numClasses}.`);
      const file = await evaluate(
        { logits: model.toLogitsFn("eval"), hash: modelContentHash(model), label: source.path ?? modelPath },
        ds,
        { ...settings, ...(range ? { range } : {}) },
        {
          resultsPath: jsonPath,
          backend: backend.name,
          signal: stop.signal,
          onProgress: (p) => {
            if (first) {
              first = false;
              lastDone = p.done;
              say(p.done > 0 ? `continuing ${jsonPath}: ${p.done}/${p.total} images already done` : `eval: ${settings.attack} on ${p.total} images in chunks of ${settings.batchSize}; each finished chunk is saved in ${jsonPath}`);
            }
            if (p.chunkSeconds !== undefined) {
              const before = timed.images;
              timed = { images: timed.images + p.done - lastDone, seconds: timed.seconds + p.chunkSeconds };
              lastDone = p.done;
              const left = p.total - p.done;
              // one estimate, after the first chunk this process finished: what the rest will take
              if (before === 0 && left > 0) say(`eval: ${timed.images} images took ${roughDuration(timed.seconds)}; about ${roughDuration((timed.seconds / timed.images) * left)} for the ${left} images left (Ctrl-C stops after a chunk; rerun to continue)`);
            }
            bar.update({ done: (p.fraction ?? p.done / p.total) * p.total, total: p.total, label: p.label });
          },
          onWarning: (m) => say(`warning: ${m}`),
        },
      );
      bar.done();
      process.stdout.write(summary(file, jsonPath));
      return 0;
    } catch (e) {
      if (e instanceof EvaluationInterrupted) {
        bar.done();
        say(`interrupted by ${String(stop.signal.reason)}: ${e.message}\nresume with the same command (same --json).`);
        return interruptExitCode(stop.signal.reason);
      }
      throw e;
    } finally {
      release();
      model.dispose();
      lock.release();
    }
  },
);
