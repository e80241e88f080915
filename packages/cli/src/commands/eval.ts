import * as tf from "@tensorflow/tfjs-core";
import { existsSync, readFileSync } from "node:fs";
import { ATTACKS, autoAttack, defaultEps, parseAttackName, runAttack, type AutoAttackVersion } from "@ebjdat/attacks";
import { loadDataset, subset, batchTensor, type Dataset } from "@ebjdat/data";
import { loadModel } from "@ebjdat/models";
import { computeEnergies, energyGapStats } from "@ebjdat/energy";
import { imageEps, writeJsonAtomic } from "@ebjdat/runtime";
import { defineCommand } from "../command";
import { int, num, str, UsageError } from "../args";
import { ProgressBar } from "../progress";
import { backendFrom, COMMON_HELP, COMMON_OPTIONS, dataDirFrom } from "./common";

const AA_VERSIONS: AutoAttackVersion[] = ["standard", "plus", "rand", "paper"];

/** The attacks of the table for help texts: `pgd<k>` where the name takes a step count. */
const ATTACK_CHOICES = ATTACKS.map((e) => (e.stepsInName ? `${e.name}<k>` : e.name)).join(" | ");

/** A parsed `--attack`: a single attack or an AutoAttack version. */
type AttackSpec = { kind: "single"; name: string } | { kind: "autoattack"; version: AutoAttackVersion };

function parseAttack(s: string): AttackSpec {
  if (s === "autoattack" || s.startsWith("autoattack:")) {
    const version = (s.split(":")[1] ?? "standard") as AutoAttackVersion;
    if (!AA_VERSIONS.includes(version)) throw new UsageError(`--attack autoattack:<version>: version must be one of ${AA_VERSIONS.join(", ")}, got '${version}'.`);
    return { kind: "autoattack", version };
  }
  try {
    parseAttackName(s);
  } catch {
    throw new UsageError(`Unknown --attack '${s}'. Attacks: ${ATTACK_CHOICES}, autoattack[:${AA_VERSIONS.join("|")}].`);
  }
  return { kind: "single", name: s };
}

/** One finished chunk of images, kept in the JSON so an interrupted run continues. */
interface Chunk {
  start: number;
  end: number;
  cleanCorrect: number[];
  /** Per image: `misclassified`, the attack that broke it, or `robust`. */
  outcome: string[];
  /** With --energy-gap: E(x) and E(x_adv) per image (marginal energy, spec 1.1). */
  energyClean?: number[];
  energyAdv?: number[];
  seconds: number;
}

interface EvalFile {
  tool: "ebjdat eval";
  /** What must match for a rerun to reuse the finished chunks. */
  settings: Record<string, unknown>;
  protocol: "standard" | "paper";
  backend: string;
  versions: Record<string, string>;
  chunks: Chunk[];
  n: number;
  done: number;
  cleanAccuracy?: number;
  robustAccuracy?: number;
  robustAccuracyAfter?: Record<string, number>;
  outcome?: string[];
  /** Table 1 statistic (spec 1.1): d_i = E(x_adv_i) - E(x_i), mean and population variance. */
  energyGap?: { mean: number; variance: number; std: number; n: number; diff: "signed"; variance_kind: "population" };
  seconds?: number;
  startedAt: string;
  finishedAt?: string;
}

function parseRange(s: string | undefined, n: number): [number, number] {
  if (s === undefined) return [0, n];
  const m = /^(\d*):(\d*)$/.exec(s);
  if (!m) throw new UsageError(`--range must look like a:b (e.g. 0:200), got '${s}'.`);
  const a = m[1] ? Number(m[1]) : 0;
  const b = m[2] ? Number(m[2]) : n;
  if (a >= b || b > n) throw new UsageError(`--range ${s} is empty or beyond the dataset's ${n} images.`);
  return [a, b];
}

/** Robust accuracy after each attack (in order) from per-image outcomes. */
export function robustAfter(outcome: string[], attacks: string[]): Record<string, number> {
  const n = outcome.length;
  const out: Record<string, number> = { clean: outcome.filter((o) => o !== "misclassified").length / n };
  const broken = new Set<string>(["misclassified"]);
  for (const a of attacks) {
    broken.add(a);
    out[a] = outcome.filter((o) => !broken.has(o)).length / n;
  }
  return out;
}

/**
 * `ebjdat eval`: clean and robust accuracy of a checkpoint under one attack or an AutoAttack
 * ensemble, on a dataset range, written to JSON after every chunk (a rerun with the same --json
 * continues where it stopped).
 */
export const evalCommand = defineCommand(
  {
    name: "eval",
    summary: "Clean and robust accuracy under PGD / APGD / FAB / Square / AutoAttack",
    usage: "ebjdat eval --model <checkpoint> --data <dataset spec> [--range a:b] --attack <name> --eps 8/255 [--norm linf|l2] [--batch N] [--seed S] --json <out.json>",
    help: {
      "--model <path>": "checkpoint: .pt/.pth (official PyTorch), .safetensors, or a saved TF.js model folder",
      "--data <spec>": "dataset spec of @ebjdat/data, e.g. cifar10-exact-test, cifar10:test",
      "--range a:b": "images a (inclusive) to b (exclusive) of the dataset (default all)",
      "--attack <name>": `${ATTACK_CHOICES} | autoattack[:${AA_VERSIONS.join("|")}]`,
      "--eps <e>": "budget on the [0, 1] scale, e.g. 8/255 (default 8/255; autoattack:paper 4/255 = the authors' 8/255 in [-1, 1])",
      "--norm <n>": "linf (default) or l2",
      "--batch <n>": "images per chunk and attack batch (default 100)",
      "--json <file>": "results file (required); rerun with the same file to continue",
      "--energy-gap": "also record E(x) and E(x_adv) per image and the Table 1 statistic (mean/variance of E(x_adv) - E(x))",
      ...COMMON_HELP,
    },
    options: {
      ...COMMON_OPTIONS,
      model: { type: "string" },
      data: { type: "string" },
      range: { type: "string" },
      attack: { type: "string" },
      eps: { type: "string" },
      norm: { type: "string" },
      batch: { type: "string" },
      json: { type: "string" },
      "energy-gap": { type: "boolean" },
    },
  },
  async (values) => {
    const modelPath = str(values, "model");
    const spec = str(values, "data");
    const jsonPath = str(values, "json");
    const attackArg = str(values, "attack") ?? "autoattack";
    if (!modelPath) throw new UsageError("--model <checkpoint> is required.");
    if (!existsSync(modelPath)) throw new UsageError(`--model '${modelPath}' does not exist.`);
    if (!spec) throw new UsageError("--data <dataset spec> is required (e.g. cifar10-exact-test).");
    if (!jsonPath) throw new UsageError("--json <out.json> is required.");
    const attack = parseAttack(attackArg);
    const norm = str(values, "norm") ?? "linf";
    if (norm !== "linf" && norm !== "l2") throw new UsageError(`--norm must be linf or l2, got '${norm}'.`);
    const isPaper = attack.kind === "autoattack" && attack.version === "paper";
    const eps = num(values, "eps") ?? defaultEps(isPaper ? "paper" : "standard");
    if (!(eps > 0 && eps < 1)) throw new UsageError(`--eps must be in (0, 1) on the [0, 1] image scale (e.g. 8/255), got ${eps}.`);
    const batch = int(values, "batch", 1, 100000) ?? 100;
    const seed = int(values, "seed", 0, 2 ** 32 - 1) ?? 0;

    const backend = await backendFrom(values);
    const ds: Dataset = await loadDataset(spec, dataDirFrom(values));
    const [a, b] = parseRange(str(values, "range"), ds.n);
    const { model, source } = await loadModel(modelPath);
    if (model.config.numClasses !== ds.numClasses) throw new UsageError(`The model has ${model.config.numClasses} classes but ${spec} has ${ds.numClasses}.`);
    const withEnergy = values["energy-gap"] === true;
    const settings = { model: source.path ?? modelPath, data: spec, range: [a, b], attack: attackArg, eps, norm, batch, seed, energyGap: withEnergy };
    const protocol: EvalFile["protocol"] = isPaper ? "paper" : "standard";

    let file: EvalFile | undefined;
    if (existsSync(jsonPath)) {
      const prev = JSON.parse(readFileSync(jsonPath, "utf8")) as EvalFile;
      if (JSON.stringify(prev.settings) !== JSON.stringify(settings)) {
        throw new UsageError(`'${jsonPath}' holds a run with other settings (${JSON.stringify(prev.settings)}); use another --json or the same options.`);
      }
      file = prev;
      process.stderr.write(`continuing ${jsonPath}: ${prev.done}/${prev.n} images already done\n`);
    }
    file ??= {
      tool: "ebjdat eval",
      settings,
      protocol,
      backend: backend.name,
      versions: { "@tensorflow/tfjs-core": tf.version_core },
      chunks: [],
      n: b - a,
      done: 0,
      startedAt: new Date().toISOString(),
    };
    const logits = model.toLogitsFn("eval");
    const pairEnergies = (x: tf.Tensor4D, xAdv: tf.Tensor4D): { energyClean: number[]; energyAdv: number[] } => ({
      energyClean: Array.from(computeEnergies(logits, x, { batchSize: batch })),
      energyAdv: Array.from(computeEnergies(logits, xAdv, { batchSize: batch })),
    });
    const bar = new ProgressBar(`eval ${attackArg}`);
    const doneStarts = new Set(file.chunks.map((c) => c.start));
    let attacks: string[] = attack.kind === "single" ? [attack.name] : [];
    for (let s = a; s < b; s += batch) {
      const e = Math.min(b, s + batch);
      if (doneStarts.has(s)) continue;
      const t0 = Date.now();
      const part = subset(ds, Array.from({ length: e - s }, (_, i) => s + i));
      const { x, y } = batchTensor(part, Array.from({ length: part.n }, (_, i) => i));
      const onProgress = (): void => bar.update({ done: file!.done, total: file!.n, label: `images ${s}-${e}` });
      let chunk: Chunk;
      let energies: { energyClean: number[]; energyAdv: number[] } | undefined;
      try {
        if (attack.kind === "autoattack") {
          const { report, xAdv } = await autoAttack(logits, x, y, { version: attack.version, eps: imageEps(eps), norm, seed, batchSize: batch, onProgress, onWarning: (m) => process.stderr.write(`\nwarning: ${m}\n`) });
          energies = withEnergy ? pairEnergies(x, xAdv) : undefined;
          xAdv.dispose();
          attacks = report.attacks;
          chunk = { start: s, end: e, cleanCorrect: report.predClean.map((p, i) => (p === y[i] ? 1 : 0)), outcome: report.outcome, seconds: (Date.now() - t0) / 1000 };
        } else {
          const r = await runAttack(attack.name, logits, x, y, { eps: imageEps(eps), norm, seed, batchSize: batch, onProgress });
          energies = withEnergy ? pairEnergies(x, r.xAdv) : undefined;
          r.xAdv.dispose();
          const outcome = Array.from(r.cleanCorrect, (c, i) => (c === 0 ? "misclassified" : r.robust[i] ? "robust" : attack.name));
          chunk = { start: s, end: e, cleanCorrect: Array.from(r.cleanCorrect), outcome, seconds: (Date.now() - t0) / 1000 };
        }
      } finally {
        x.dispose();
      }
      file.chunks.push(energies ? { ...chunk, ...energies } : chunk);
      file.chunks.sort((p, q) => p.start - q.start);
      file.done += e - s;
      writeJsonAtomic(jsonPath, file);
      bar.update({ done: file.done, total: file.n, label: `images ${s}-${e}` });
    }
    bar.done();
    const outcome = file.chunks.flatMap((c) => c.outcome);
    const after = robustAfter(outcome, attacks);
    file.outcome = outcome;
    file.cleanAccuracy = after.clean;
    file.robustAccuracyAfter = after;
    file.robustAccuracy = outcome.filter((o) => o === "robust").length / outcome.length;
    file.seconds = file.chunks.reduce((t, c) => t + c.seconds, 0);
    if (withEnergy) {
      const g = energyGapStats(file.chunks.flatMap((c) => c.energyClean ?? []), file.chunks.flatMap((c) => c.energyAdv ?? []));
      file.energyGap = { mean: g.mean, variance: g.variance, std: g.std, n: g.n, diff: "signed", variance_kind: "population" };
    }
    file.finishedAt = new Date().toISOString();
    writeJsonAtomic(jsonPath, file);
    model.dispose();
    const rows = Object.entries(after).map(([k, v]) => `  ${k.padEnd(10)} ${(v * 100).toFixed(2)}%`);
    process.stdout.write(`${attackArg} at eps ${eps.toFixed(5)} (${norm}, ${protocol} protocol) on ${file.n} images of ${spec}, backend ${backend.name}\naccuracy after each stage:\n${rows.join("\n")}\n${file.energyGap ? `energy gap E(x_adv) - E(x): mean ${file.energyGap.mean.toFixed(4)}, variance ${file.energyGap.variance.toFixed(4)} (n ${file.energyGap.n})\n` : ""}results: ${jsonPath}\n`);
    return 0;
  },
);
