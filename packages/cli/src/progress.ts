import type { ProgressEvent, ProgressFn } from "@ebjdat/runtime";

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "--:--";
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  const mm = String(m).padStart(2, "0");
  const ss = String(r).padStart(2, "0");
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

/** A duration for people: `40 s`, `12 min`, `3.5 h`. */
export function roughDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "an unknown time";
  if (seconds < 90) return `${Math.max(1, Math.round(seconds))} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

function formatMetric(v: number): string {
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e4) ? v.toExponential(2) : v.toFixed(4);
}

export interface ProgressBarOptions {
  /** Stream to draw on (default stderr). */
  stream?: NodeJS.WriteStream;
  /** Width of the bar in characters. */
  width?: number;
  /** Minimum seconds between redraws on a non-TTY stream (one line each). */
  logEverySeconds?: number;
  /** Disable all output. */
  silent?: boolean;
}

/**
 * A terminal progress bar with elapsed time and ETA. The ETA counts only the work done since the
 * bar's first event (remaining = time since then / units since then × units left), so a resumed
 * run's earlier steps do not make it look faster. `done` may be fractional (work inside a chunk);
 * it is shown rounded down. On a TTY it redraws one line; otherwise it prints a line every
 * `logEverySeconds`.
 */
export class ProgressBar {
  private readonly start = Date.now();
  private lastDraw = 0;
  private last: ProgressEvent | undefined;
  /** The first event's units and time: what this process started from. */
  private base: { done: number; at: number } | undefined;
  private readonly stream: NodeJS.WriteStream;
  private readonly width: number;
  private readonly logEvery: number;
  private readonly silent: boolean;

  constructor(private readonly title: string, options: ProgressBarOptions = {}) {
    this.stream = options.stream ?? process.stderr;
    this.width = options.width ?? 24;
    this.logEvery = options.logEverySeconds ?? 10;
    this.silent = options.silent ?? false;
  }

  /** A `ProgressFn` bound to this bar. */
  get callback(): ProgressFn {
    return (e) => this.update(e);
  }

  update(e: ProgressEvent, now = Date.now()): void {
    this.base ??= { done: e.done, at: now };
    this.last = e;
    if (this.silent) return;
    const tty = this.stream.isTTY === true;
    const finished = e.total !== undefined && e.done >= e.total;
    if (!finished && now - this.lastDraw < (tty ? 100 : this.logEvery * 1000)) return;
    this.lastDraw = now;
    const line = this.render(e, now);
    if (tty) this.stream.write(`\r\x1b[2K${line}`);
    else this.stream.write(line + "\n");
  }

  render(e: ProgressEvent, now = Date.now()): string {
    const elapsed = (now - this.start) / 1000;
    const parts = [this.title];
    if (e.label) parts.push(e.label);
    if (e.total !== undefined && e.total > 0) {
      const frac = Math.min(1, e.done / e.total);
      const filled = Math.round(frac * this.width);
      parts.push(`[${"#".repeat(filled)}${"-".repeat(this.width - filled)}] ${Math.floor(e.done)}/${e.total} ${Math.floor(frac * 100)}%`);
      parts.push(`${formatDuration(elapsed)} elapsed, ETA ${formatDuration(this.eta(e, now))}`);
    } else {
      parts.push(`${e.done} done, ${formatDuration(elapsed)} elapsed`);
    }
    if (e.metrics) parts.push(Object.entries(e.metrics).map(([k, v]) => `${k}=${formatMetric(v)}`).join(" "));
    return parts.join("  ");
  }

  /** Seconds left at the rate of this process's work so far (NaN before any). */
  eta(e: ProgressEvent, now = Date.now()): number {
    if (e.total === undefined || !this.base) return Number.NaN;
    const units = e.done - this.base.done;
    return units > 0 ? ((now - this.base.at) / 1000 / units) * (e.total - e.done) : Number.NaN;
  }

  /** Ends the bar (newline on a TTY). */
  done(): void {
    if (this.silent) return;
    if (this.stream.isTTY && this.last) this.stream.write(`\r\x1b[2K${this.render(this.last)}\n`);
  }
}
