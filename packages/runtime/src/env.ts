/**
 * The host's environment, read without assuming Node: `globalThis.process` is absent in a
 * browser or a Web Worker, so portable modules never name the `process` global directly.
 */
interface HostProcess {
  env?: Record<string, string | undefined>;
  stderr?: { write(text: string): unknown };
}

function hostProcess(): HostProcess | undefined {
  return (globalThis as { process?: HostProcess }).process;
}

/** An environment variable (`process.env[name]` on Node), or undefined where there is none. */
export function envVar(name: string): string | undefined {
  return hostProcess()?.env?.[name];
}

/** Writes one line to stderr on Node, else to the console. */
export function logLine(text: string): void {
  const err = hostProcess()?.stderr;
  if (err) err.write(`${text}\n`);
  else console.info(text);
}
