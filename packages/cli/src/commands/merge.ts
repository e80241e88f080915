import { join } from "node:path";
import { parseArgs } from "node:util";
import { mergeShards } from "@ebjdat/evaluation";
import { writeJsonAtomic } from "@ebjdat/runtime";
import { commandHelp, str, UsageError, type CommandSpec } from "../args";
import type { Command } from "../command";
import { summary } from "./run-evaluation";

const spec: CommandSpec = {
  name: "merge",
  summary: "Combine the shards of a plan into one results file, equal to a single run",
  usage: "ebjdat merge <results folder> [--json <out.json>]",
  help: {
    "--json <file>": "the merged results file (default <results folder>/merged.json), written atomically",
  },
  options: { json: { type: "string" } },
};

/**
 * `ebjdat merge <results folder>`: merges the shard results of the folder's plan into one results
 * file equal to `ebjdat eval` of the whole range (per image, per stage, every field but times).
 * Refuses, listing every problem, missing or unfinished shards, a shard in two files, and files
 * of another plan, model or settings; writes nothing then.
 */
export const mergeCommand: Command = {
  spec,
  async run(argv) {
    let parsed;
    try {
      parsed = parseArgs({ args: argv, options: { ...spec.options, help: { type: "boolean", short: "h" } }, strict: true, allowPositionals: true });
    } catch (e) {
      throw new UsageError(`merge: ${(e as Error).message}\nRun 'ebjdat merge --help' for the options.`);
    }
    if (parsed.values.help) {
      process.stdout.write(commandHelp(spec) + "\n");
      return 0;
    }
    if (parsed.positionals.length !== 1) throw new UsageError(`merge needs exactly one results folder (the one holding plan.json), got ${parsed.positionals.length}: ebjdat merge <results folder> [--json out.json].`);
    const dir = parsed.positionals[0]!;
    const out = str(parsed.values, "json") ?? join(dir, "merged.json");
    const { plan, file, files } = mergeShards(dir);
    writeJsonAtomic(out, file);
    process.stderr.write(`merged ${files.length} shards of plan ${plan.id} (${file.n} images, ${(file.seconds / 3600).toFixed(2)} h of evaluation, summed over the shards)\n`);
    process.stdout.write(summary(file, out));
    return 0;
  },
};
