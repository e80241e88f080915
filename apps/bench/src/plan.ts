import { existsSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import type { TrainConfig } from "@ebjdat/trainer";
import { contentKey, jobDir } from "./cache";
import type { EvalSettings } from "./evaluate";
import { OTHER_DATA_ROWS, ROWS, type BenchRow } from "./rows";
import { rowConfig, stepCostFactor, trainImages, type BenchScale } from "./scales";

/** A dataset the bench trains on. */
export type BenchDataset = "cifar10" | "cifar100" | "imagenet";

/** Train and test specs per dataset; `imagenet` is an ImageFolder the user points at (Table 4). */
export interface DataChoice {
  dataset: BenchDataset;
  train: string;
  test: string;
}

/** A training job: one row, one dataset, one seed. */
export interface TrainJob {
  kind: "train";
  id: string;
  row: BenchRow;
  dataset: BenchDataset;
  seed: number;
  config: TrainConfig;
  key: string;
  dir: string;
  /** Estimated seconds (ETA). */
  estimate: number;
}

/** An evaluation job: evaluates a trained (or given) checkpoint for every table. */
export interface EvalJob {
  kind: "eval";
  id: string;
  row: BenchRow;
  dataset: BenchDataset;
  seed: number;
  /** Train jobs that must finish first. */
  after: string[];
  settings: EvalSettings;
  /** Where the settings came from: a train job (its content key) or a user checkpoint. */
  source: { train: string } | { checkpoint: string };
  key: string;
  dir: string;
  estimate: number;
}

export type Job = TrainJob | EvalJob;

/** Options of {@link buildPlan}. */
export interface PlanOptions {
  scale: BenchScale;
  cacheRoot: string;
  codeVersion: string;
  /** Seeds (1 … n). */
  seeds: number;
  /** Datasets found (CIFAR-10 always; CIFAR-100 and the ImageNet subset when present). */
  data: DataChoice[];
  /** Row ids to run (default: every non-optional row). */
  rows?: string[];
  /** Also the spec 5.3 `ce` rows. */
  withCe?: boolean;
  /** `row id → checkpoint path`: evaluate instead of training (seed 1, CIFAR-10). */
  checkpoints?: Record<string, string>;
  inceptionWeights?: string;
}

/** Fingerprint of a user checkpoint (path, size, mtime), so a changed file is re-evaluated. */
function fileFingerprint(path: string): string {
  const p = resolve(path);
  const st = statSync(p);
  const f = st.isDirectory() ? join(p, "model.json") : p;
  const s2 = existsSync(f) ? statSync(f) : st;
  return `${p}:${s2.size}:${Math.round(s2.mtimeMs)}:${st.isDirectory() && existsSync(f) ? readFileSync(f).length : ""}`;
}

/**
 * The jobs of a bench run (issue 9): for each dataset, row and seed, a training job (unless a
 * checkpoint is given) and an evaluation job after it. Job folders are content-addressed: the key
 * hashes the full trainer config / evaluation settings and the code version, so a rerun skips
 * what is done and any change of settings makes a new job.
 */
export function buildPlan(o: PlanOptions): Job[] {
  const jobs: Job[] = [];
  const wanted = new Set(o.rows ?? ROWS.filter((r) => !r.optional || o.withCe).map((r) => r.id));
  for (const c of o.checkpoints ? Object.keys(o.checkpoints) : []) {
    if (!ROWS.some((r) => r.id === c)) throw new Error(`--checkpoint ${c}=…: unknown row '${c}'. Rows: ${ROWS.map((r) => r.id).join(", ")}.`);
    wanted.add(c);
  }
  for (const d of o.data) {
    const rows = ROWS.filter((r) => wanted.has(r.id) && (d.dataset === "cifar10" || OTHER_DATA_ROWS[d.dataset].includes(r.id)));
    for (let seed = 1; seed <= o.seeds; seed++) {
      const trainKeys = new Map<string, { dir: string; key: string; id: string }>();
      for (const row of rows) {
        const given = d.dataset === "cifar10" && seed === 1 ? o.checkpoints?.[row.id] : undefined;
        if (given) continue;
        const config = rowConfig(row, o.scale, seed, d.train, d.test);
        const key = contentKey({ kind: "train", config }, o.codeVersion);
        const id = `train ${d.dataset}/${row.id}/seed${seed}`;
        const dir = jobDir(o.cacheRoot, "train", `${d.dataset}-${row.id}-s${seed}`, key);
        const steps = config.iterations > 0 ? config.iterations : config.epochs * Math.floor(trainImages(d.train) / config.batchSize);
        jobs.push({ kind: "train", id, row, dataset: d.dataset, seed, config, key, dir, estimate: Math.max(1, steps) * o.scale.ceStepSeconds * stepCostFactor(row) + 5 });
        trainKeys.set(row.id, { dir, key, id });
      }
      const checkpointOf = (rowId: string): { path: string; source: EvalJob["source"]; after: string[] } | undefined => {
        const given = d.dataset === "cifar10" && seed === 1 ? o.checkpoints?.[rowId] : undefined;
        if (given) return { path: resolve(given), source: { checkpoint: fileFingerprint(given) }, after: [] };
        const t = trainKeys.get(rowId);
        return t ? { path: join(t.dir, "run", "checkpoint", "model"), source: { train: t.key }, after: [t.id] } : undefined;
      };
      const feature = checkpointOf("standard");
      for (const row of rows) {
        const ck = checkpointOf(row.id)!;
        const measured = row.generative || row.generationBaseline === true;
        const settings: EvalSettings = {
          checkpoint: ck.path,
          test: d.test,
          sizes: o.scale.eval,
          paperSigma: row.paperSigma,
          generative: row.generative,
          ...(row.generationBaseline ? { generationBaseline: true } : {}),
          ...(measured && feature ? { featureCheckpoint: feature.path } : {}),
          ...(measured && o.inceptionWeights ? { inceptionWeights: resolve(o.inceptionWeights) } : {}),
          seed,
        };
        const after = [...ck.after, ...(measured && feature ? feature.after : [])];
        const keySettings = { kind: "eval", settings: { ...settings, checkpoint: ck.source, featureCheckpoint: measured ? feature?.source : undefined } };
        const key = contentKey(keySettings, o.codeVersion);
        const dir = jobDir(o.cacheRoot, "eval", `${d.dataset}-${row.id}-s${seed}`, key);
        const e = o.scale.eval;
        // measured at mini scale: both AutoAttack ensembles dominate (Square and FAB-T on every surviving point)
        const estimate = o.scale.ceStepSeconds * (e.clean / 200 + (2 * e.pgd * e.pgdSteps) / 32 / 3 + e.aa * (e.aaOverrides ? 1 : 25)) + (measured ? 20 : 5);
        jobs.push({ kind: "eval", id: `eval ${d.dataset}/${row.id}/seed${seed}`, row, dataset: d.dataset, seed, after: [...new Set(after)], settings, source: ck.source, key, dir, estimate });
      }
    }
  }
  return jobs;
}
