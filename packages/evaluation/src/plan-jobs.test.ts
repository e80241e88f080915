import { parse } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { loadDataset } from "@ebjdat/data";
import { planJobName, planKubernetesJobs, planSlurmJobs } from "./plan-jobs";
import { planShards, type ShardPlan } from "./shard-plan";
import { sbatchScript } from "./slurm";
import { toYaml } from "./yaml";

let plan: ShardPlan;
beforeAll(async () => {
  const data = await loadDataset("cifar10-exact-test");
  plan = planShards({ hash: "b".repeat(64), label: "model.safetensors", path: "model.safetensors" }, data, { attack: "autoattack", range: [0, 40], batchSize: 5 }, 4);
});

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels: Record<string, string> };
  spec: {
    completionMode?: string;
    completions: number;
    parallelism?: number;
    backoffLimitPerIndex?: number;
    backoffLimit?: number;
    template: {
      metadata: { labels: Record<string, string> };
      spec: {
        restartPolicy: string;
        containers: { name: string; image: string; command: string[]; env: { name: string; value: string }[]; resources: { requests: Record<string, string>; limits: Record<string, string> }; volumeMounts: { name: string; mountPath: string }[] }[];
        volumes: { name: string; persistentVolumeClaim: { claimName: string } }[];
      };
    };
  };
}

describe("the jobs of a shard plan", () => {
  it("Kubernetes: an Indexed Job, one pod per shard, the results claim mounted, checked field by field after parsing the YAML", () => {
    const jobs = planKubernetesJobs(plan, { ebjdat: ["ebjdat"], image: "registry.example/ebjdat:0.1", claimName: "ebjdat-results", parallelism: 2, cpu: "2", memory: "6Gi", evalArgs: ["--data-dir", "/results/data"] });
    const job = parse(toYaml(jobs.eval)) as Manifest;
    expect(job.apiVersion).toBe("batch/v1");
    expect(job.kind).toBe("Job");
    expect(job.metadata.name).toBe(`ebjdat-eval-${plan.id.slice(0, 8)}`);
    expect(job.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    expect(job.metadata.labels).toEqual({ "app.kubernetes.io/name": "ebjdat", "ebjdat/plan": plan.id });
    expect(job.spec.completionMode).toBe("Indexed");
    expect(job.spec.completions).toBe(4);
    expect(job.spec.parallelism).toBe(2);
    expect(job.spec.backoffLimitPerIndex).toBe(3);
    const pod = job.spec.template.spec;
    expect(job.spec.template.metadata.labels).toEqual(job.metadata.labels);
    expect(pod.restartPolicy).toBe("Never");
    expect(pod.containers).toHaveLength(1);
    const c = pod.containers[0]!;
    expect(c.image).toBe("registry.example/ebjdat:0.1");
    expect(c.command).toEqual(["ebjdat", "eval", "--plan", "/results/plan.json", "--data-dir", "/results/data"]);
    expect(c.env).toEqual([{ name: "EBJDAT_THREADS", value: "2" }]);
    expect(c.resources).toEqual({ requests: { cpu: "2", memory: "6Gi" }, limits: { cpu: "2", memory: "6Gi" } });
    expect(c.volumeMounts).toEqual([{ name: "results", mountPath: "/results" }]);
    expect(pod.volumes).toEqual([{ name: "results", persistentVolumeClaim: { claimName: "ebjdat-results" } }]);

    const merge = parse(toYaml(jobs.merge)) as Manifest;
    expect(merge.metadata.name).toBe(planJobName(plan, "merge"));
    expect(merge.spec.completionMode).toBeUndefined();
    expect(merge.spec.completions).toBe(1);
    expect(merge.spec.backoffLimit).toBe(2);
    expect(merge.spec.template.spec.containers[0]!.command).toEqual(["ebjdat", "merge", "/results", "--json", "/results/merged.json"]);
    expect(merge.spec.template.spec.volumes).toEqual(pod.volumes);
    // parallelism defaults to every shard at once
    expect((parse(toYaml(planKubernetesJobs(plan, { ebjdat: ["ebjdat"], image: "i", claimName: "c" }).eval)) as Manifest).spec.parallelism).toBe(4);
  });

  it("Kubernetes: refuses a plan whose model the pods cannot see, and bad counts", () => {
    const outside = { ...plan, model: { ...plan.model, path: "/home/me/model.safetensors" } };
    expect(() => planKubernetesJobs(outside, { ebjdat: ["ebjdat"], image: "i", claimName: "c" })).toThrow(/the plan's model \/home\/me\/model\.safetensors is outside its results folder/);
    expect(() => planKubernetesJobs(outside, { ebjdat: ["ebjdat"], image: "i", claimName: "c", evalArgs: ["--model", "/models/m.safetensors"] })).not.toThrow();
    expect(() => planKubernetesJobs(plan, { ebjdat: ["ebjdat"], image: "i", claimName: "c", parallelism: 0 })).toThrow("parallelism must be an integer >= 1, got 0");
  });

  it("Slurm: a job array over the shards (requeue, a log per shard) and a merge job", () => {
    const jobs = planSlurmJobs(plan, { ebjdat: ["node", "/opt/ebjdat/cli.js"], dir: "/scratch/r", time: "00:30:00", mem: "3G", cpusPerTask: 2, extra: ["--partition=cpu"] });
    const text = sbatchScript(jobs.eval);
    for (const line of [
      `#SBATCH --job-name=ebjdat-eval-${plan.id.slice(0, 8)}`,
      "#SBATCH --array=0-3",
      "#SBATCH --time=00:30:00",
      "#SBATCH --mem=3G",
      "#SBATCH --cpus-per-task=2",
      "#SBATCH --requeue",
      "#SBATCH --output=/scratch/r/logs/shard-%a.out",
      "#SBATCH --partition=cpu",
      'export EBJDAT_THREADS="${SLURM_CPUS_PER_TASK:-1}"',
      "exec node /opt/ebjdat/cli.js eval --plan /scratch/r/plan.json",
    ]) {
      expect(text.split("\n")).toContain(line);
    }
    expect(sbatchScript(jobs.merge).split("\n")).toContain("exec node /opt/ebjdat/cli.js merge /scratch/r --json /scratch/r/merged.json");
    expect(planSlurmJobs(plan, { ebjdat: ["ebjdat"], dir: "/r", shards: [1, 3] }).eval.array).toEqual([1, 3]);
    expect(() => planSlurmJobs(plan, { ebjdat: ["ebjdat"], dir: "/r", shards: [4] })).toThrow("shard 4 is not in the plan (it has shards 0-3)");
    expect(() => planSlurmJobs(plan, { ebjdat: ["ebjdat"], dir: "r" })).toThrow(/must be an absolute path/);
  });
});
