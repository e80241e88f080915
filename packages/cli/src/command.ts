import { commandHelp, parseCommand, type CommandSpec, type ParsedValues } from "./args";

/** One `ebjdat` sub-command: its options and what it does with them. */
export interface Command {
  spec: CommandSpec;
  run(argv: string[]): Promise<number>;
}

/** Builds a command whose `run` parses options strictly and handles `--help`. */
export function defineCommand(spec: CommandSpec, action: (values: ParsedValues) => Promise<number>): Command {
  return {
    spec,
    async run(argv) {
      const { values, help } = parseCommand(spec, argv);
      if (help) {
        process.stdout.write(commandHelp(spec) + "\n");
        return 0;
      }
      return action(values);
    },
  };
}
