/**
 * Cooperative interruption of long work: the first SIGINT (Ctrl-C) or SIGTERM (what `timeout`,
 * Slurm and Kubernetes send) aborts `controller` with the signal's name as its reason, so the work
 * stops at its next safe point and saves what is finished; a second signal exits at once with
 * 128 + the signal number (every file is written atomically, so nothing is left half-written).
 * Returns the function that removes the handlers (a no-op once a signal came: they then stay until the process exits).
 */
export function onInterrupt(controller: AbortController, message: string): () => void {
  const handler = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) {
      process.stderr.write(`\n${signal} again: exiting now\n`);
      process.exit(interruptExitCode(signal));
    }
    process.stderr.write(`\n${signal}: ${message}\n`);
    controller.abort(signal);
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  return () => {
    // After an interrupt the process is on its way out with 130 / 143: the handlers stay, so that
    // a signal during the teardown still exits with that status instead of killing the process
    // by the signal (seen in the fault suite: "killed by SIGINT" after the interruption message).
    if (controller.signal.aborted) return;
    process.off("SIGINT", handler);
    process.off("SIGTERM", handler);
  };
}

/** The exit status of work stopped by `reason` (an abort reason set by {@link onInterrupt}): 143 for SIGTERM, else 130 (SIGINT). */
export function interruptExitCode(reason: unknown): number {
  return reason === "SIGTERM" ? 143 : 130;
}
