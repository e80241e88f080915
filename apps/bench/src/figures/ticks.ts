/** Axis ticks at "nice" 1-2-5 steps. */

/** Tick positions of an axis and their labels. */
export interface Ticks {
  /** The step between ticks: 1, 2 or 5 times a power of ten. */
  step: number;
  /** Tick values inside [lo, hi], ascending. */
  values: number[];
  /** One label per value, all with the same number of decimals. */
  labels: string[];
}

/**
 * The 1-2-5 step for about `target` intervals over `span`: raw = span / target, step =
 * m·10^⌊log10 raw⌋ with m the smallest of 1, 2, 5, 10 such that step ≥ raw.
 */
export function niceStep(span: number, target: number): number {
  if (!(Number.isFinite(span) && span > 0)) throw new Error(`niceStep: span must be finite and > 0, got ${span}`);
  if (!(Number.isFinite(target) && target >= 1)) throw new Error(`niceStep: target must be >= 1, got ${target}`);
  const raw = span / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  const m = norm <= 1 + 1e-9 ? 1 : norm <= 2 + 1e-9 ? 2 : norm <= 5 + 1e-9 ? 5 : 10;
  return m * mag;
}

/** Decimals needed to print multiples of a 1-2-5 `step` exactly (0 for steps >= 1). */
function decimalsFor(step: number): number {
  return Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
}

/**
 * Formats a tick value with `decimals` decimals; magnitudes >= 1e6 or steps below 1e-4 use
 * exponent notation (3 significant digits). Never prints "-0".
 */
export function formatTick(v: number, step: number): string {
  if (Math.abs(v) < step * 1e-9) v = 0;
  const d = decimalsFor(step);
  if (Math.abs(v) >= 1e6 || (step < 1e-4 && v !== 0)) return v.toExponential(Math.min(3, Math.max(0, d - Math.floor(Math.log10(Math.abs(v) || 1))))).replace("e+", "e");
  return v.toFixed(d);
}

/**
 * About `target` ticks at a 1-2-5 step inside [lo, hi]: the multiples of
 * {@link niceStep}(hi − lo, target) that lie in the range.
 */
export function niceTicks(lo: number, hi: number, target = 5): Ticks {
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && hi > lo)) throw new Error(`niceTicks: need a finite range lo < hi, got [${lo}, ${hi}]`);
  const step = niceStep(hi - lo, target);
  const first = Math.ceil(lo / step - 1e-9);
  const last = Math.floor(hi / step + 1e-9);
  const values: number[] = [];
  for (let i = first; i <= last; i++) values.push(i * step);
  return { step, values, labels: values.map((v) => formatTick(v, step)) };
}

/** [lo, hi] widened outward to multiples of the 1-2-5 step for `target` intervals. */
export function niceRange(lo: number, hi: number, target = 5): [number, number] {
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && hi > lo)) throw new Error(`niceRange: need a finite range lo < hi, got [${lo}, ${hi}]`);
  const step = niceStep(hi - lo, target);
  return [Math.floor(lo / step + 1e-9) * step, Math.ceil(hi / step - 1e-9) * step];
}
