/**
 * @ebjdat/bench (private): `turbo bench`. The speed benchmark's building blocks are exported for
 * reuse by the paper-table runs.
 */
export { parseWorkloads, runTf, runTorch, speedTable, timeIt } from "./workloads";
export type { Workload, Result } from "./workloads";
