import { spawn, type ChildProcess } from "node:child_process";

/** Busy processes running beside a benchmark, and how to stop them. */
export interface BackgroundLoad {
  /** the busy processes' ids */
  pids: number[];
  /** kills them (idempotent; also runs when this process exits) */
  stop(): void;
}

/**
 * Starts `n` busy processes (each a Node busy loop, one core's worth of work) so that a benchmark
 * measures both sides under the same contention (issue 21, item 4: users run evaluations next
 * to other work). Not an algorithm of the spec; a benchmark fixture.
 */
export function startBackgroundLoad(n: number): BackgroundLoad {
  if (!Number.isInteger(n) || n < 0 || n > 64) throw new Error(`background load: expected 0..64 busy processes, got ${n}`);
  const children: ChildProcess[] = [];
  for (let i = 0; i < n; i++) children.push(spawn(process.execPath, ["-e", "for (;;) {}"], { stdio: "ignore" }));
  const stop = (): void => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
    process.off("exit", stop);
  };
  process.on("exit", stop);
  return { pids: children.map((c) => c.pid ?? -1), stop };
}
