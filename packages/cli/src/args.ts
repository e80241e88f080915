import { parseArgs, type ParseArgsConfig } from "node:util";

/** An error the CLI reports as a one-line message with exit code 2 (bad usage/input). */
export class UsageError extends Error {
  override name = "UsageError";
}

export type OptionSpec = NonNullable<ParseArgsConfig["options"]>;

export interface CommandSpec {
  name: string;
  summary: string;
  usage: string;
  /** Option name -> description, shown by --help. */
  help: Record<string, string>;
  options: OptionSpec;
}

export type ParsedValues = Record<string, string | boolean | string[] | boolean[] | undefined>;

/**
 * `--eps -1` as `--eps=-1`: a value option followed by a negative number takes it as its value
 * (Node's parser would call it an ambiguous option), so the option's own check names the problem.
 */
function joinNegativeValues(spec: CommandSpec, argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = argv[i + 1];
    const name = a.startsWith("--") && !a.includes("=") ? a.slice(2) : undefined;
    if (name !== undefined && spec.options[name]?.type === "string" && next !== undefined && /^-(\d|\.\d)/.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

/** Parses argv strictly: unknown flags and stray positionals are usage errors. */
export function parseCommand(spec: CommandSpec, argv: string[]): { values: ParsedValues; help: boolean } {
  try {
    const { values } = parseArgs({
      args: joinNegativeValues(spec, argv),
      options: { ...spec.options, help: { type: "boolean", short: "h" } },
      strict: true,
      allowPositionals: false,
    });
    return { values: values as ParsedValues, help: values.help === true };
  } catch (e) {
    throw new UsageError(`${spec.name}: ${(e as Error).message}\nRun 'ebjdat ${spec.name} --help' for the options.`);
  }
}

/** The --help text of a command. */
export function commandHelp(spec: CommandSpec): string {
  const lines = [`ebjdat ${spec.name}: ${spec.summary}`, "", `Usage: ${spec.usage}`, "", "Options:"];
  const width = Math.max(...Object.keys(spec.help).map((k) => k.length), 6) + 4;
  for (const [k, v] of Object.entries(spec.help)) lines.push(`  ${k.padEnd(width)}${v}`);
  lines.push(`  ${"--help".padEnd(width)}Show this help.`);
  return lines.join("\n");
}

export function str(values: ParsedValues, key: string): string | undefined {
  const v = values[key];
  return typeof v === "string" ? v : undefined;
}

/** Parses an integer option, naming it and the allowed range on failure. */
export function int(values: ParsedValues, key: string, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const v = str(values, key);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${key} must be an integer in [${min}, ${max}], got '${v}'.`);
  return n;
}

/** Parses a number option that may be written as a fraction (`8/255`). */
export function num(values: ParsedValues, key: string): number | undefined {
  const v = str(values, key);
  if (v === undefined) return undefined;
  const m = /^\s*([0-9.eE+-]+)\s*(?:\/\s*([0-9.eE+-]+))?\s*$/.exec(v);
  const n = m ? Number(m[1]) / (m[2] !== undefined ? Number(m[2]) : 1) : Number.NaN;
  if (!Number.isFinite(n)) throw new UsageError(`--${key} must be a number such as 0.03 or 8/255, got '${v}'.`);
  return n;
}
