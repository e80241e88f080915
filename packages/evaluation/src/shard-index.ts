/** Where a shard index came from: a flag or a scheduler's environment variable. */
export interface ShardIndex {
  index: number;
  /** `--shard 2/8`, `SLURM_ARRAY_TASK_ID=2` or `JOB_COMPLETION_INDEX=2`, for messages and logs. */
  source: string;
}

/** A shard index that is missing, malformed or not a shard of the plan; names where it came from. */
export class ShardIndexError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ShardIndexError";
  }
}

/** The environment variables that carry a shard index, in the order they are read. */
export const SHARD_INDEX_VARIABLES = ["SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX"] as const;

/**
 * The shard this process runs, of a plan of `shards`: from `flag` (`i/N` or `i`, N must be the
 * plan's), else `SLURM_ARRAY_TASK_ID` (a Slurm job array task), else `JOB_COMPLETION_INDEX` (a
 * Kubernetes Indexed Job pod). A missing, malformed or out-of-range index is a ShardIndexError
 * naming its source and the plan's shards, thrown before any work.
 */
export function resolveShardIndex(shards: number, flag?: string, env: Readonly<Record<string, string | undefined>> = process.env): ShardIndex {
  const range = `the plan has ${shards} shard${shards === 1 ? "" : "s"}, 0-${shards - 1}`;
  let text: string | undefined;
  let source: string;
  if (flag !== undefined) {
    const m = /^\s*(\d+)\s*(?:\/\s*(\d+)\s*)?$/.exec(flag);
    if (!m) throw new ShardIndexError(`--shard must look like i/N (e.g. 0/${shards}), got '${flag}'`);
    if (m[2] !== undefined && Number(m[2]) !== shards) throw new ShardIndexError(`--shard ${flag}: ${range}, not ${m[2]}`);
    text = m[1];
    source = `--shard ${flag}`;
  } else {
    const name = SHARD_INDEX_VARIABLES.find((v) => env[v] !== undefined && env[v] !== "");
    if (!name) throw new ShardIndexError(`no shard index: give --shard i/${shards}, or run as a Slurm array task (SLURM_ARRAY_TASK_ID) or a Kubernetes Indexed Job pod (JOB_COMPLETION_INDEX)`);
    text = env[name]!;
    source = `${name}=${text}`;
    if (!/^\d+$/.test(text)) throw new ShardIndexError(`${source} is not a shard index (a whole number); ${range}`);
  }
  const index = Number(text);
  if (index >= shards) throw new ShardIndexError(`${source} is out of range: ${range}`);
  return { index, source };
}
