import { UsageError } from "./args";
import { infoCommand } from "./commands/info";
import { trainCommand } from "./commands/train";
import { evalCommand } from "./commands/eval";
import { planCommand } from "./commands/plan";
import { clusterCommand } from "./commands/cluster";
import { mergeCommand } from "./commands/merge";
import { metricsCommand } from "./commands/metrics";
import { sampleCommand } from "./commands/sample";
import type { Command } from "./command";

/** Every `ebjdat` command, in the order `--help` lists them. */
export const COMMANDS: readonly Command[] = [infoCommand, trainCommand, evalCommand, planCommand, clusterCommand, mergeCommand, sampleCommand, metricsCommand];

function topHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.spec.name.length)) + 4;
  return [
    "ebjdat: robust joint energy-based models (EB-JDAT, JEM, JEM++, SADA-JEM) on TensorFlow.js",
    "",
    "Usage: ebjdat <command> [options]    (ebjdat <command> --help for its options)",
    "",
    "Commands:",
    ...COMMANDS.map((c) => `  ${c.spec.name.padEnd(width)}${c.spec.summary}`),
    "",
    "Environment: EBJDAT_BACKEND (node-gpu|node|wasm|cpu|webgpu), EBJDAT_DATA (dataset folder),",
    "             EBJDAT_CACHE (cache folder), EBJDAT_SHARED (reference material for tests).",
  ].join("\n");
}

/** Advice for errors whose cause is not in their text. */
export function hintFor(message: string): string | undefined {
  if (/gradient function not found/i.test(message)) {
    return "TF.js has no gradients registered: call `await initBackend()` from @ebjdat/runtime before any @ebjdat work (it registers the kernels and gradients this project needs); a bare @tensorflow/tfjs-core has none.";
  }
  return undefined;
}

/** Runs the CLI on `argv` (without `node` and the script); resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(topHelp() + "\n");
    return name === undefined ? 2 : 0;
  }
  if (name === "--version" || name === "-V") {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const command = COMMANDS.find((c) => c.spec.name === name);
  try {
    if (!command) throw new UsageError(`Unknown command '${name}'. Commands: ${COMMANDS.map((c) => c.spec.name).join(", ")}.`);
    return await command.run(rest);
  } catch (e) {
    const err = e as Error;
    process.stderr.write(`ebjdat ${name}: ${err.message}\n`);
    const hint = hintFor(err.message);
    if (hint) process.stderr.write(`hint: ${hint}\n`);
    if (process.env.EBJDAT_DEBUG && err.stack) process.stderr.write(err.stack + "\n");
    return e instanceof UsageError ? 2 : 1;
  }
}

declare const __EBJDAT_VERSION__: string | undefined;
const VERSION = typeof __EBJDAT_VERSION__ === "string" ? __EBJDAT_VERSION__ : "0.0.0-dev";
