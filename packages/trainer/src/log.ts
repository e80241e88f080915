import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "@ebjdat/runtime";

/** One line of the JSONL training log (a step, or a divergence-guard event with `event`). */
export interface LogRecord {
  step: number;
  epoch: number;
  lr: number;
  loss: number;
  terms: Record<string, number>;
  ms: number;
  /** `divergence`: the guard restored the last good checkpoint and lowered lr (`reason`, `retry`). */
  event?: "divergence";
  reason?: string;
  retry?: number;
}

/** The log file of a run folder. */
export function logPath(outDir: string): string {
  return join(outDir, "log.jsonl");
}

function parseLines(text: string): { records: LogRecord[]; dropped: number } {
  const records: LogRecord[] = [];
  let dropped = 0;
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    try {
      const r = JSON.parse(line) as LogRecord;
      if (typeof r === "object" && r !== null && Number.isInteger(r.step)) records.push(r);
      else dropped += 1;
    } catch {
      dropped += 1; // a line cut by a kill
    }
  }
  return { records, dropped };
}

/** Reads the JSONL log of a run (a last line cut by a kill is skipped). */
export function readLog(outDir: string): LogRecord[] {
  const p = logPath(outDir);
  if (!existsSync(p)) return [];
  return parseLines(readFileSync(p, "utf8")).records;
}

/** Appends one record (one line) to the log. */
export function appendLog(outDir: string, record: LogRecord): void {
  appendFileSync(logPath(outDir), JSON.stringify(record) + "\n");
}

/**
 * Cuts the log back to what the checkpoint at `step` contains, so a resumed run's log equals an
 * uninterrupted run's: step records up to `step`, divergence events of steps before it (an event
 * at `step` or later was undone with the state the checkpoint does not hold), and no line cut by
 * a kill. Rewritten atomically, and only when something is removed. Returns the records removed.
 */
export function truncateLog(outDir: string, step: number): number {
  const p = logPath(outDir);
  if (!existsSync(p)) return 0;
  const text = readFileSync(p, "utf8");
  const { records, dropped } = parseLines(text);
  const keep = records.filter((r) => (r.event !== undefined ? r.step < step : r.step <= step));
  const removed = records.length - keep.length + dropped;
  if (removed > 0 || (text.length > 0 && !text.endsWith("\n"))) writeFileAtomic(p, keep.map((r) => JSON.stringify(r) + "\n").join(""));
  return removed;
}
