import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const pkg = join(dirname(fileURLToPath(import.meta.url)), "..");

/** How an `ebjdat` child process ended. */
export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  err: string;
  /** Wall-clock milliseconds from start to exit. */
  ms: number;
  /** Milliseconds from the first signal `watch` sent to the exit (undefined when none was sent). */
  msAfterSignal?: number;
}

/** Options of {@link runCli}. */
export interface RunCliOptions {
  /** Run `dist/cli.js` (after a build) instead of the TypeScript sources through tsx. */
  dist?: boolean;
  env?: Record<string, string | undefined>;
  /** Polled every `every` ms (default 20) while the child runs, with its stderr so far; may signal it. */
  watch?: (child: ChildProcess, elapsedMs: number, stderr: string) => void;
  every?: number;
}

/**
 * Runs the `ebjdat` CLI in a child process (from its sources with `--conditions=source` and tsx,
 * or from the build) so tests can signal and kill it like a terminal, `timeout` or Slurm would.
 */
export function runCli(args: string[], options: RunCliOptions = {}): Promise<CliRun> {
  const argv = options.dist ? [join(pkg, "dist", "cli.js"), ...args] : ["--conditions=source", "--import", "tsx", join(pkg, "src", "cli.ts"), ...args];
  return runNode(argv, options);
}

/** Runs `node <argv>` in a child process (EBJDAT_BACKEND wasm unless set), watching it as {@link runCli} does. */
export function runNode(argv: string[], options: RunCliOptions = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(process.execPath, argv, { cwd: pkg, env: { ...process.env, EBJDAT_BACKEND: process.env.EBJDAT_BACKEND ?? "wasm", ...options.env } });
    let out = "";
    let err = "";
    let signalledAt: number | undefined;
    child.stdout.on("data", (d: Buffer) => (out += String(d)));
    child.stderr.on("data", (d: Buffer) => (err += String(d)));
    const kill = child.kill.bind(child);
    child.kill = (s?: NodeJS.Signals | number) => {
      signalledAt ??= Date.now();
      return kill(s);
    };
    const timer = options.watch ? setInterval(() => options.watch!(child, Date.now() - started, err), options.every ?? 20) : undefined;
    child.on("error", reject);
    child.on("close", (code, signal) => {
      if (timer) clearInterval(timer);
      const now = Date.now();
      resolve({ code, signal, out, err, ms: now - started, ...(signalledAt !== undefined ? { msAfterSignal: now - signalledAt } : {}) });
    });
  });
}

/**
 * A `watch` that sends `signal` once, `delayMs` after the child printed its backend line (the
 * commands install their interrupt handler before starting the backend, so it is in place).
 */
export function signalAfterBackend(signal: NodeJS.Signals, delayMs: number): NonNullable<RunCliOptions["watch"]> {
  let readyAt: number | undefined;
  let sent = false;
  return (child, ms, err) => {
    if (err.includes("ebjdat: backend")) readyAt ??= ms;
    if (!sent && readyAt !== undefined && ms > readyAt + delayMs) {
      sent = true;
      child.kill(signal);
    }
  };
}

/**
 * A `watch` that sends `signal` once, as soon as the evaluation results file `file` holds
 * `chunks` finished chunks (a scheduler cancelling a job part-way).
 */
export function signalWhenChunks(file: string, chunks: number, signal: NodeJS.Signals): NonNullable<RunCliOptions["watch"]> {
  let sent = false;
  return (child) => {
    if (sent) return;
    try {
      if ((JSON.parse(readFileSync(file, "utf8")) as { chunks: unknown[] }).chunks.length >= chunks) {
        sent = true;
        child.kill(signal);
      }
    } catch {
      // not written yet
    }
  };
}
