import { isAbsolute, join } from "node:path";
import { indexedJobManifest, singleJobManifest } from "./kubernetes";
import { PLAN_FILE, type ShardPlan } from "./shard-plan";
import type { SbatchJob } from "./slurm";
import type { YamlValue } from "./yaml";

/** How the jobs of a plan call `ebjdat` on the cluster. */
export interface PlanJobOptions {
  /** The command, e.g. `["ebjdat"]` or `["node", "/opt/ebjdat/cli.js"]`. */
  ebjdat: readonly string[];
  /** More arguments of every shard run, e.g. `["--backend", "wasm", "--data-dir", "/data"]`. */
  evalArgs?: readonly string[];
  /** The merged results file (default `<results folder>/merged.json`). */
  mergedPath?: string;
}

/** Slurm requests of the shard array and the merge job. */
export interface PlanSlurmOptions extends PlanJobOptions {
  /** The results folder (holding plan.json) as the compute nodes see it: absolute. */
  dir: string;
  /** The shards to run (default all): a resubmission runs the unfinished ones. */
  shards?: readonly number[];
  /** `--time` per shard task (default 04:00:00), `--mem` (default 4G), `--cpus-per-task` (default 1). */
  time?: string;
  mem?: string;
  cpusPerTask?: number;
  /** More sbatch options for both jobs, each `--name=value`. */
  extra?: readonly string[];
}

/** Kubernetes settings of the shard Indexed Job and the merge Job. */
export interface PlanKubernetesOptions extends PlanJobOptions {
  /** The container image with `ebjdat` installed. */
  image: string;
  /** The PersistentVolumeClaim that holds the results folder (plan.json), and where pods mount it. */
  claimName: string;
  mountPath?: string;
  /** Pods at once (default: all shards), retries per shard (default 3). */
  parallelism?: number;
  backoffLimitPerIndex?: number;
  /** Per pod, e.g. `1` and `4Gi` (defaults). */
  cpu?: string;
  memory?: string;
}

/** The short name of a plan's jobs: `ebjdat-<kind>-<first 8 hex digits of the plan id>`. */
export function planJobName(plan: ShardPlan, kind: "eval" | "merge"): string {
  return `ebjdat-${kind}-${plan.id.slice(0, 8)}`;
}

function checkResultsFolder(dir: string): void {
  if (!isAbsolute(dir)) throw new Error(`the results folder must be an absolute path as the cluster's nodes see it, got '${dir}'`);
}

/**
 * The Slurm jobs of a plan: a job array with one task per shard (`--array`, the task's index in
 * SLURM_ARRAY_TASK_ID picks the shard; `--requeue`, since a shard resumes where it stopped;
 * one log per shard under `logs/`), each running `ebjdat eval --plan <dir>/plan.json` with
 * EBJDAT_THREADS = the task's CPUs; and the merge job (`ebjdat merge <dir>`), to be submitted
 * with `--dependency=afterok:<array job id>`.
 */
export function planSlurmJobs(plan: ShardPlan, o: PlanSlurmOptions): { eval: SbatchJob; merge: SbatchJob } {
  checkResultsFolder(o.dir);
  const shards = o.shards ?? plan.shards.map((s) => s.index);
  for (const s of shards) if (!plan.shards[s]) throw new Error(`shard ${s} is not in the plan (it has shards 0-${plan.shards.length - 1})`);
  const logs = join(o.dir, "logs");
  return {
    eval: {
      jobName: planJobName(plan, "eval"),
      array: shards,
      time: o.time ?? "04:00:00",
      mem: o.mem ?? "4G",
      cpusPerTask: o.cpusPerTask ?? 1,
      requeue: true,
      output: join(logs, "shard-%a.out"),
      ...(o.extra ? { extra: o.extra } : {}),
      setup: ['export EBJDAT_THREADS="${SLURM_CPUS_PER_TASK:-1}"', 'echo "ebjdat shard ${SLURM_ARRAY_TASK_ID:-?} of array job ${SLURM_ARRAY_JOB_ID:-?} on $(hostname), restart ${SLURM_RESTART_COUNT:-0}, $(date -Is)"'],
      command: [...o.ebjdat, "eval", "--plan", join(o.dir, PLAN_FILE), ...(o.evalArgs ?? [])],
    },
    merge: {
      jobName: planJobName(plan, "merge"),
      time: "00:30:00",
      mem: "2G",
      cpusPerTask: 1,
      output: join(logs, "merge-%j.out"),
      ...(o.extra ? { extra: o.extra } : {}),
      command: [...o.ebjdat, "merge", o.dir, "--json", o.mergedPath ?? join(o.dir, "merged.json")],
    },
  };
}

/**
 * The Kubernetes jobs of a plan: an Indexed Job (`completionMode: Indexed`, `completions` = the
 * shards, JOB_COMPLETION_INDEX picks the shard, per-index retries) whose pods mount the results
 * PersistentVolumeClaim and run `ebjdat eval --plan <mount>/plan.json`; and a one-pod merge Job
 * to apply once it has completed. The plan's model must be inside the results folder (a relative
 * path in the plan) or be named in the container by `--model` among `evalArgs`.
 */
export function planKubernetesJobs(plan: ShardPlan, o: PlanKubernetesOptions): { eval: YamlValue; merge: YamlValue } {
  const mount = o.mountPath ?? "/results";
  if (!isAbsolute(mount)) throw new Error(`the mount path must be absolute, got '${mount}'`);
  if (plan.model.path && isAbsolute(plan.model.path) && !(o.evalArgs ?? []).includes("--model")) {
    throw new Error(`the plan's model ${plan.model.path} is outside its results folder, so the pods cannot see it: copy the checkpoint into the results folder before \`ebjdat plan\`, or give its path in the container with --model`);
  }
  const labels = { "app.kubernetes.io/name": "ebjdat", "ebjdat/plan": plan.id };
  const cpu = o.cpu ?? "1";
  const common = { image: o.image, claimName: o.claimName, mountPath: mount, memory: o.memory ?? "4Gi", labels };
  return {
    eval: indexedJobManifest({
      ...common,
      name: planJobName(plan, "eval"),
      cpu,
      command: [...o.ebjdat, "eval", "--plan", `${mount}/${PLAN_FILE}`, ...(o.evalArgs ?? [])],
      env: { EBJDAT_THREADS: /^\d+$/.test(cpu) ? cpu : "1" },
      completions: plan.shards.length,
      parallelism: o.parallelism ?? plan.shards.length,
      backoffLimitPerIndex: o.backoffLimitPerIndex ?? 3,
    }),
    merge: singleJobManifest({ ...common, name: planJobName(plan, "merge"), cpu: "1", memory: "2Gi", command: [...o.ebjdat, "merge", mount, "--json", o.mergedPath ?? `${mount}/merged.json`] }),
  };
}
