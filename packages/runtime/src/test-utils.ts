/** max|a−r| / (1 + max|r|): the relative error used by every gradient parity test here. */
export function maxAbsRel(a: ArrayLike<number>, r: ArrayLike<number>): number {
  if (a.length !== r.length) throw new Error(`length mismatch: ${a.length} vs ${r.length}`);
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i]! - r[i]!));
    den = Math.max(den, Math.abs(r[i]!));
  }
  return Number.isNaN(num) ? Number.POSITIVE_INFINITY : num / (1 + den);
}

/** ‖a−r‖₂ / ‖r‖₂. */
export function relL2(a: ArrayLike<number>, r: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i]! - r[i]!) ** 2;
    den += r[i]! ** 2;
  }
  return Math.sqrt(num) / Math.max(Math.sqrt(den), 1e-30);
}

/** Deterministic values in [-1, 1) (a small LCG; tests must not depend on Rng to test it). */
export function fill(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const a = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = lo + ((hi - lo) * s) / 4294967296;
  }
  return a;
}
