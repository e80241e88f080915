/**
 * @ebjdat/cli: the `ebjdat` command. `main(argv)` runs it programmatically; the progress bar
 * is exported for other tools.
 */
export { main, COMMANDS } from "./main";
export type { Command } from "./command";
export type { CommandSpec, OptionSpec, ParsedValues } from "./args";
export { ProgressBar } from "./progress";
export type { ProgressBarOptions } from "./progress";
export { UsageError } from "./args";
