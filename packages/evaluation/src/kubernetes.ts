import type { YamlValue } from "./yaml";

/** A Kubernetes Job (batch/v1) that runs one container with a results volume. */
export interface KubernetesJob {
  name: string;
  image: string;
  /** The container's command, one argument per element. */
  command: readonly string[];
  /** A PersistentVolumeClaim mounted at `mountPath` (shared by every pod: the results folder). */
  claimName: string;
  mountPath: string;
  /** CPU request and limit (e.g. `1`), memory request and limit (e.g. `4Gi`). */
  cpu?: string;
  memory?: string;
  env?: Readonly<Record<string, string>>;
  labels?: Readonly<Record<string, string>>;
  /** Kubernetes removes the finished Job (and its pods) after this many seconds (default: kept). */
  ttlSecondsAfterFinished?: number;
}

/** An Indexed Job: `completions` pods, pod i with JOB_COMPLETION_INDEX=i. */
export interface KubernetesIndexedJob extends KubernetesJob {
  completions: number;
  /** Pods at once. */
  parallelism: number;
  /** Retries of each index before it counts as failed (the others go on; Kubernetes >= 1.29). */
  backoffLimitPerIndex: number;
}

function jobManifest(j: KubernetesJob, spec: Record<string, YamlValue>, restartPolicy: string): YamlValue {
  const resources: Record<string, YamlValue> = {};
  if (j.cpu || j.memory) {
    const r = { ...(j.cpu ? { cpu: j.cpu } : {}), ...(j.memory ? { memory: j.memory } : {}) };
    resources.requests = r;
    resources.limits = r;
  }
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: j.name, ...(j.labels ? { labels: { ...j.labels } } : {}) },
    spec: {
      ...spec,
      ...(j.ttlSecondsAfterFinished !== undefined ? { ttlSecondsAfterFinished: j.ttlSecondsAfterFinished } : {}),
      template: {
        ...(j.labels ? { metadata: { labels: { ...j.labels } } } : {}),
        spec: {
          restartPolicy,
          containers: [
            {
              name: "ebjdat",
              image: j.image,
              command: [...j.command],
              env: Object.entries(j.env ?? {}).map(([name, value]) => ({ name, value })),
              ...(Object.keys(resources).length ? { resources } : {}),
              volumeMounts: [{ name: "results", mountPath: j.mountPath }],
            },
          ],
          volumes: [{ name: "results", persistentVolumeClaim: { claimName: j.claimName } }],
        },
      },
    },
  };
}

/**
 * An Indexed Job manifest (batch/v1, `completionMode: Indexed`): `completions` pods, pod i
 * seeing JOB_COMPLETION_INDEX=i, at most `parallelism` at once, each index retried up to
 * `backoffLimitPerIndex` times (restartPolicy Never, as per-index backoff requires), every pod
 * mounting the same PersistentVolumeClaim.
 */
export function indexedJobManifest(j: KubernetesIndexedJob): YamlValue {
  for (const [k, v] of [["completions", j.completions], ["parallelism", j.parallelism], ["backoffLimitPerIndex", j.backoffLimitPerIndex]] as const) {
    if (!Number.isInteger(v) || v < (k === "backoffLimitPerIndex" ? 0 : 1)) throw new Error(`${k} must be an integer >= ${k === "backoffLimitPerIndex" ? 0 : 1}, got ${v}`);
  }
  return jobManifest(j, { completionMode: "Indexed", completions: j.completions, parallelism: Math.min(j.parallelism, j.completions), backoffLimitPerIndex: j.backoffLimitPerIndex }, "Never");
}

/** A Job manifest of one pod (batch/v1), retried up to `backoffLimit` times. */
export function singleJobManifest(j: KubernetesJob, backoffLimit = 2): YamlValue {
  return jobManifest(j, { completions: 1, backoffLimit }, "Never");
}
