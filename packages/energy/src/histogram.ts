/** One named set of energies (e.g. clean, adversarial, generated). */
export interface HistogramSetInput {
  name: string;
  values: ArrayLike<number>;
}

/** Options of {@link energyHistogram}. */
export interface HistogramOptions {
  /** Number of equal-width bins (default 100, spec 6.3). */
  bins?: number;
  /** Range [lo, hi]; default the pooled min/max of all sets (spec 6.3). */
  range?: [number, number];
}

/** Histogram of one set over the shared bin edges. */
export interface HistogramSet {
  name: string;
  /** Counts per bin (values outside the range are dropped and counted in `outside`). */
  counts: Int32Array;
  /** Density per bin: counts / (n · binWidth), integrates to 1 over the range. */
  density: Float64Array;
  n: number;
  outside: number;
  mean: number;
}

/** Histogram data of several sets over common, equal-width bins (paper Fig. 2). */
export interface HistogramData {
  /** bins + 1 edges. */
  edges: Float64Array;
  sets: HistogramSet[];
}

/**
 * Histograms as densities of energies for several sets over shared equal-width bins, by default
 * 100 bins over the pooled range of all sets (spec 6.3, paper Fig. 2). Bin i holds
 * edges[i] <= v < edges[i+1]; the last bin includes its right edge. Non-finite values count
 * as outside.
 */
export function energyHistogram(sets: HistogramSetInput[], options: HistogramOptions = {}): HistogramData {
  const bins = options.bins ?? 100;
  if (!Number.isInteger(bins) || bins < 1) throw new Error(`energyHistogram: bins must be a positive integer, got ${bins}`);
  if (sets.length === 0) throw new Error("energyHistogram: need at least one set");
  let lo: number;
  let hi: number;
  if (options.range) {
    [lo, hi] = options.range;
    if (!(hi > lo)) throw new Error(`energyHistogram: range must satisfy lo < hi, got [${lo}, ${hi}]`);
  } else {
    lo = Infinity;
    hi = -Infinity;
    for (const s of sets) {
      for (let i = 0; i < s.values.length; i++) {
        const v = s.values[i]!;
        if (!Number.isFinite(v)) continue;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
    if (lo === Infinity) throw new Error("energyHistogram: no finite values in any set");
    if (hi === lo) {
      lo -= 0.5;
      hi += 0.5;
    }
  }
  const width = (hi - lo) / bins;
  const edges = new Float64Array(bins + 1);
  for (let i = 0; i <= bins; i++) edges[i] = lo + i * width;
  edges[bins] = hi;
  const out: HistogramSet[] = sets.map((s) => {
    const counts = new Int32Array(bins);
    let outside = 0;
    let sum = 0;
    let nIn = 0;
    for (let i = 0; i < s.values.length; i++) {
      const v = s.values[i]!;
      if (!Number.isFinite(v) || v < lo || v > hi) {
        outside++;
        continue;
      }
      let b = Math.floor((v - lo) / width);
      if (b >= bins) b = bins - 1;
      if (b < 0) b = 0;
      counts[b]!++;
      sum += v;
      nIn++;
    }
    const density = new Float64Array(bins);
    const n = s.values.length;
    for (let b = 0; b < bins; b++) density[b] = n > 0 ? counts[b]! / (n * width) : 0;
    return { name: s.name, counts, density, n, outside, mean: nIn > 0 ? sum / nIn : NaN };
  });
  return { edges, sets: out };
}
