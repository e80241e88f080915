import { EvaluationInterrupted, type EvaluateOptions, type EvaluationFile } from "@ebjdat/evaluation";
import { acquireLock } from "@ebjdat/runtime";
import { interruptExitCode, onInterrupt } from "../interrupt";
import { ProgressBar, roughDuration } from "../progress";

/** What `ebjdat eval` prints at the end: the accuracy after every stage and where the results are. */
export function summary(f: EvaluationFile, jsonPath: string): string {
  const rows = Object.entries(f.robustAccuracyAfter ?? {}).map(([k, v]) => `  ${k.padEnd(10)} ${(v * 100).toFixed(2)}%`);
  const gap = f.energyGap ? `energy gap E(x_adv) - E(x): mean ${f.energyGap.mean.toFixed(4)}, variance ${f.energyGap.variance.toFixed(4)} (n ${f.energyGap.n})\n` : "";
  const noise = f.key.noiseSigma > 0 ? `, test noise σ ${f.key.noiseSigma} (model space)` : "";
  return `${f.key.attack} at eps ${f.key.eps.toFixed(5)} (${f.key.norm}, ${f.protocol.name} protocol${noise}) on ${f.n} images of ${f.data.spec}, backend ${f.backends.join(", ")}\naccuracy after each stage:\n${rows.join("\n")}\n${gap}results: ${jsonPath}\n`;
}

/**
 * Runs an evaluation into `jsonPath` for `ebjdat eval` (a whole range or one shard of a plan):
 * one process per results file (`<jsonPath>.lock`), a progress bar that moves per attack step,
 * a time estimate after the first chunk, a stop after the current chunk on SIGINT / SIGTERM
 * (exit 130 / 143, finished chunks saved; a second signal quits at once), and the summary at the
 * end; resolves to the exit code.
 */
export async function runEvaluation(
  title: string,
  jsonPath: string,
  run: (o: Pick<EvaluateOptions, "signal" | "onProgress" | "onWarning">) => Promise<EvaluationFile>,
  describe: { attack: string; batchSize: number },
): Promise<number> {
  const lock = acquireLock(`${jsonPath}.lock`, { what: `the results file '${jsonPath}'`, onWarning: (m) => process.stderr.write(`${m}\n`) });
  const stop = new AbortController();
  const release = onInterrupt(stop, "eval: stopping after the current chunk (Ctrl-C again to quit at once; finished chunks are saved)");
  const bar = new ProgressBar(title);
  const say = (line: string): void => {
    process.stderr.write(`${process.stderr.isTTY ? "\r\x1b[2K" : ""}${line}\n`);
  };
  let first = true;
  let lastDone = 0;
  let timed = { images: 0, seconds: 0 };
  try {
    const file = await run({
      signal: stop.signal,
      onProgress: (p) => {
        if (first) {
          first = false;
          lastDone = p.done;
          say(p.done > 0 ? `continuing ${jsonPath}: ${p.done}/${p.total} images already done` : `eval: ${describe.attack} on ${p.total} images in chunks of ${describe.batchSize}; each finished chunk is saved in ${jsonPath}`);
        }
        if (p.chunkSeconds !== undefined) {
          const before = timed.images;
          timed = { images: timed.images + p.done - lastDone, seconds: timed.seconds + p.chunkSeconds };
          lastDone = p.done;
          const left = p.total - p.done;
          // one estimate, after the first chunk this process finished: what the rest will take
          if (before === 0 && left > 0) say(`eval: ${timed.images} images took ${roughDuration(timed.seconds)}; about ${roughDuration((timed.seconds / timed.images) * left)} for the ${left} images left (Ctrl-C stops after a chunk; rerun to continue)`);
        }
        bar.update({ done: (p.fraction ?? p.done / p.total) * p.total, total: p.total, label: p.label });
      },
      onWarning: (m) => say(`warning: ${m}`),
    });
    bar.done();
    process.stdout.write(summary(file, jsonPath));
    return 0;
  } catch (e) {
    if (e instanceof EvaluationInterrupted) {
      bar.done();
      say(`interrupted by ${String(stop.signal.reason)}: ${e.message}\nresume with the same command: it continues ${jsonPath}.`);
      return interruptExitCode(stop.signal.reason);
    }
    throw e;
  } finally {
    release();
    lock.release();
  }
}
