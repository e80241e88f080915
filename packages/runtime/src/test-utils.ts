// Helpers for this package's tests only (not exported from the index). The tolerance measures
// come from @ebjdat/testing.

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
