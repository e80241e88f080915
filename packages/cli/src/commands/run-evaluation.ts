import { EvaluationInterrupted, type EvaluateOptions, type EvaluationFile } from "@ebjdat/evaluation";
import { onInterrupt } from "../interrupt";
import { ProgressBar } from "../progress";

/** What `ebjdat eval` prints at the end: the accuracy after every stage and where the results are. */
export function summary(f: EvaluationFile, jsonPath: string): string {
  const rows = Object.entries(f.robustAccuracyAfter ?? {}).map(([k, v]) => `  ${k.padEnd(10)} ${(v * 100).toFixed(2)}%`);
  const gap = f.energyGap ? `energy gap E(x_adv) - E(x): mean ${f.energyGap.mean.toFixed(4)}, variance ${f.energyGap.variance.toFixed(4)} (n ${f.energyGap.n})\n` : "";
  const noise = f.key.noiseSigma > 0 ? `, test noise σ ${f.key.noiseSigma} (model space)` : "";
  return `${f.key.attack} at eps ${f.key.eps.toFixed(5)} (${f.key.norm}, ${f.protocol.name} protocol${noise}) on ${f.n} images of ${f.data.spec}, backend ${f.backends.join(", ")}\naccuracy after each stage:\n${rows.join("\n")}\n${gap}results: ${jsonPath}\n`;
}

/**
 * Runs an evaluation with a progress bar, stopping after the current chunk on SIGINT / SIGTERM
 * (exit 130 / 143, finished chunks saved), and prints the summary; resolves to the exit code.
 */
export async function runEvaluation(title: string, jsonPath: string, run: (o: Pick<EvaluateOptions, "signal" | "onProgress" | "onWarning">) => Promise<EvaluationFile>): Promise<number> {
  const stop = new AbortController();
  const release = onInterrupt(stop, "eval: stopping after the current chunk (Ctrl-C again to quit at once; finished chunks are saved)");
  const bar = new ProgressBar(title);
  try {
    const file = await run({
      signal: stop.signal,
      onProgress: (p) => bar.update({ done: p.done, total: p.total, label: p.label }),
      onWarning: (m) => process.stderr.write(`\nwarning: ${m}\n`),
    });
    bar.done();
    process.stdout.write(summary(file, jsonPath));
    return 0;
  } catch (e) {
    if (e instanceof EvaluationInterrupted) {
      bar.done();
      process.stderr.write(`${e.message}\nresume with the same command: it continues ${jsonPath}.\n`);
      return stop.signal.reason === "SIGTERM" ? 143 : 130;
    }
    throw e;
  } finally {
    release();
  }
}
