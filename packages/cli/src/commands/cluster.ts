import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import {
  planJobName,
  planKubernetesJobs,
  planSlurmJobs,
  readShardPlan,
  sbatchScript,
  slurmJobsNamed,
  submitSbatch,
  toYaml,
  unfinishedShards,
  type PlanJobOptions,
  type ShardPlan,
} from "@ebjdat/evaluation";
import { writeFileAtomic } from "@ebjdat/runtime";
import { defineCommand } from "../command";
import { int, str, UsageError, type ParsedValues } from "../args";

const SCHEDULERS = ["slurm", "kubernetes"] as const;

/** The shard list of `--shards 1,3` (default: the plan's unfinished shards). */
function shardList(values: ParsedValues, plan: ShardPlan, dir: string): number[] {
  const s = str(values, "shards");
  if (s === undefined) return unfinishedShards(plan, dir);
  const list = s.split(",").map((x) => x.trim());
  for (const x of list) {
    if (!/^\d+$/.test(x) || Number(x) >= plan.shards.length) throw new UsageError(`--shards: '${x}' is not a shard of the plan (0-${plan.shards.length - 1}).`);
  }
  return [...new Set(list.map(Number))].sort((a, b) => a - b);
}

/** What every shard job passes to `ebjdat eval --plan`, and how the jobs call ebjdat. */
function jobOptions(values: ParsedValues, defaultCommand: string[]): PlanJobOptions {
  const evalArgs: string[] = [];
  for (const k of ["model", "data-dir", "backend"]) {
    const v = str(values, k);
    if (v !== undefined) evalArgs.push(`--${k}`, v);
  }
  const command = str(values, "ebjdat");
  const json = str(values, "json");
  return { ebjdat: command ? command.trim().split(/\s+/) : defaultCommand, evalArgs, ...(json ? { mergedPath: json } : {}) };
}

function slurm(values: ParsedValues, plan: ShardPlan, planPath: string): string[] {
  const dir = dirname(planPath);
  const shards = shardList(values, plan, dir);
  const cpus = int(values, "cpus", 1, 1024);
  const extra = (values["sbatch-option"] as string[] | undefined) ?? [];
  for (const o of extra) if (!/^--?[A-Za-z]/.test(o)) throw new UsageError(`--sbatch-option must be an sbatch option such as --partition=gpu, got '${o}'.`);
  // on a cluster the nodes see the same file system: by default they run this very ebjdat
  const here = [process.execPath, ...process.execArgv, resolve(process.argv[1] ?? "ebjdat")];
  const jobs = planSlurmJobs(plan, {
    ...jobOptions(values, here),
    dir,
    shards: shards.length > 0 ? shards : plan.shards.map((s) => s.index),
    ...(str(values, "time") ? { time: str(values, "time")! } : {}),
    ...(str(values, "mem") ? { mem: str(values, "mem")! } : {}),
    ...(cpus !== undefined ? { cpusPerTask: cpus } : {}),
    extra,
  });
  const evalScript = join(dir, "slurm", "eval.sbatch");
  const mergeScript = join(dir, "slurm", "merge.sbatch");
  // Slurm does not start a job whose log folder is missing
  mkdirSync(join(dir, "logs"), { recursive: true });
  writeFileAtomic(evalScript, sbatchScript(jobs.eval));
  writeFileAtomic(mergeScript, sbatchScript(jobs.merge));
  const out = [`wrote ${evalScript} (array of shards ${jobs.eval.array!.join(",")}) and ${mergeScript}`];
  if (values.submit !== true) {
    out.push("submit them (the merge after every shard succeeded):", `  jid=$(sbatch --parsable ${evalScript})`, `  sbatch --dependency=afterok:$jid --kill-on-invalid-dep=yes ${mergeScript}`, "or rerun this command with --submit.");
    return out;
  }
  const queued = [...slurmJobsNamed(planJobName(plan, "eval")), ...slurmJobsNamed(planJobName(plan, "merge"))];
  if (queued.length > 0) throw new UsageError(`jobs of this plan are still queued or running (${queued.join(", ")}); wait for them to end or scancel them, then submit again (only unfinished shards are submitted).`);
  if (shards.length === 0) {
    const m = submitSbatch(mergeScript);
    out.push(`every shard is finished: submitted the merge job ${m}`);
    return out;
  }
  const a = submitSbatch(evalScript);
  const m = submitSbatch(mergeScript, { dependency: `afterok:${a}`, killOnInvalidDep: true });
  out.push(
    `submitted array job ${a} (shards ${jobs.eval.array!.join(",")}) and merge job ${m} (--dependency=afterok:${a})`,
    `follow them: squeue --me; logs in ${join(dir, "logs")}`,
    "a shard that fails or is cancelled cancels the merge job; then rerun this command with --submit: it submits the unfinished shards (they resume) and a new merge.",
  );
  return out;
}

function kubernetes(values: ParsedValues, plan: ShardPlan, planPath: string): string[] {
  const image = str(values, "image");
  const claimName = str(values, "pvc");
  if (!image) throw new UsageError("--image <container image with ebjdat> is required for --scheduler kubernetes.");
  if (!claimName) throw new UsageError("--pvc <PersistentVolumeClaim holding the results folder> is required for --scheduler kubernetes.");
  if (values.submit === true) throw new UsageError("--submit is for Slurm; apply the written manifests with kubectl (see the printed commands).");
  const parallelism = int(values, "parallelism", 1, 100000);
  const backoff = int(values, "backoff-limit-per-index", 0, 1000);
  let jobs;
  try {
    jobs = planKubernetesJobs(plan, {
      ...jobOptions(values, ["ebjdat"]),
      image,
      claimName,
      ...(str(values, "mount") ? { mountPath: str(values, "mount")! } : {}),
      ...(parallelism !== undefined ? { parallelism } : {}),
      ...(backoff !== undefined ? { backoffLimitPerIndex: backoff } : {}),
      ...(str(values, "cpu") ? { cpu: str(values, "cpu")! } : {}),
      ...(str(values, "memory") ? { memory: str(values, "memory")! } : {}),
    });
  } catch (e) {
    throw new UsageError(`${(e as Error).message}.`);
  }
  const dir = dirname(planPath);
  const evalFile = join(dir, "kubernetes", "eval-job.yaml");
  const mergeFile = join(dir, "kubernetes", "merge-job.yaml");
  writeFileAtomic(evalFile, toYaml(jobs.eval));
  writeFileAtomic(mergeFile, toYaml(jobs.merge));
  const name = planJobName(plan, "eval");
  return [
    `wrote ${evalFile} (Indexed Job ${name}, ${plan.shards.length} completions) and ${mergeFile}`,
    `copy ${dir} onto the volume of claim ${claimName} (mounted at ${str(values, "mount") ?? "/results"}), then:`,
    `  kubectl apply -f ${evalFile}`,
    `  kubectl wait --for=condition=complete --timeout=24h job/${name}`,
    `  kubectl apply -f ${mergeFile}`,
  ];
}

/**
 * `ebjdat cluster`: the jobs of a plan for a cluster scheduler. Slurm: a job array with one task
 * per unfinished shard (`--array`, `--requeue`, time/memory/CPU requests, a log per shard) and a
 * merge job, written under `<results folder>/slurm/` and with `--submit` submitted (the merge with
 * `--dependency=afterok:<array>`). Kubernetes: an Indexed Job (one pod per shard, the results
 * folder on a PersistentVolumeClaim) and a merge Job, under `<results folder>/kubernetes/`.
 */
export const clusterCommand = defineCommand(
  {
    name: "cluster",
    summary: "Write (and submit) the Slurm job array or Kubernetes Indexed Job of a plan",
    usage: "ebjdat cluster --plan <dir>/plan.json --scheduler slurm|kubernetes [options]",
    help: {
      "--plan <dir>/plan.json": "the plan (`ebjdat plan`); its folder must be on storage every node sees",
      "--scheduler <s>": "slurm | kubernetes",
      "--ebjdat <command>": "how the jobs run ebjdat (default: slurm, this node and CLI script; kubernetes, `ebjdat` in the image)",
      "--json <file>": "the merged results file as the jobs see it (default <results folder>/merged.json)",
      "--model <path>": "the planned checkpoint as the jobs see it (default: the plan's path)",
      "--data-dir <dir>": "dataset folder as the jobs see it",
      "--backend <name>": "TF.js backend of every shard",
      "--shards <list>": "slurm: the shards to run, e.g. 1,3 (default: those without a finished results file)",
      "--time <t>": "slurm: --time per shard, e.g. 02:00:00 (default 04:00:00)",
      "--mem <m>": "slurm: --mem per shard, e.g. 4G (default 4G)",
      "--cpus <n>": "slurm: --cpus-per-task (default 1; EBJDAT_THREADS follows it)",
      "--sbatch-option <opt>": "slurm: one more sbatch option for every job, e.g. --partition=gpu (repeatable)",
      "--submit": "slurm: submit with sbatch (the merge after the array succeeded); refuses while jobs of the plan are queued",
      "--image <image>": "kubernetes: container image with ebjdat installed",
      "--pvc <claim>": "kubernetes: PersistentVolumeClaim holding the results folder",
      "--mount <path>": "kubernetes: where pods mount it (default /results)",
      "--parallelism <n>": "kubernetes: pods at once (default: every shard)",
      "--backoff-limit-per-index <n>": "kubernetes: retries per shard (default 3)",
      "--cpu <c>": "kubernetes: CPU per pod (default 1)",
      "--memory <m>": "kubernetes: memory per pod (default 4Gi)",
    },
    options: {
      plan: { type: "string" },
      scheduler: { type: "string" },
      ebjdat: { type: "string" },
      json: { type: "string" },
      model: { type: "string" },
      "data-dir": { type: "string" },
      backend: { type: "string" },
      shards: { type: "string" },
      time: { type: "string" },
      mem: { type: "string" },
      cpus: { type: "string" },
      "sbatch-option": { type: "string", multiple: true },
      submit: { type: "boolean" },
      image: { type: "string" },
      pvc: { type: "string" },
      mount: { type: "string" },
      parallelism: { type: "string" },
      "backoff-limit-per-index": { type: "string" },
      cpu: { type: "string" },
      memory: { type: "string" },
    },
  },
  async (values) => {
    const planArg = str(values, "plan");
    const scheduler = str(values, "scheduler");
    if (!planArg) throw new UsageError("--plan <results folder>/plan.json is required (write one with `ebjdat plan`).");
    if (!scheduler || !(SCHEDULERS as readonly string[]).includes(scheduler)) throw new UsageError(`--scheduler must be one of ${SCHEDULERS.join(", ")}${scheduler ? `, got '${scheduler}'` : ""}.`);
    const planPath = resolve(planArg);
    const plan = readShardPlan(planPath);
    const lines = scheduler === "slurm" ? slurm(values, plan, planPath) : kubernetes(values, plan, planPath);
    process.stdout.write(lines.join("\n") + "\n");
    return 0;
  },
);
