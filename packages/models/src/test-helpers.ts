// Shared helpers for this package's tests (not exported from index.ts).
// (TF.js core gradients are registered by @ebjdat/runtime's initBackend.)

/** ‖a − r‖₂ / ‖r‖₂ in float64. */
export function relL2(a: ArrayLike<number>, r: ArrayLike<number>): number {
  if (a.length !== r.length) throw new Error(`relL2: lengths ${a.length} and ${r.length} differ.`);
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i]! - r[i]!) ** 2;
    den += r[i]! ** 2;
  }
  return Math.sqrt(num / den);
}

/** max|a − r| / (1 + max|r|) in float64. */
export function maxAbsRel(a: ArrayLike<number>, r: ArrayLike<number>): number {
  if (a.length !== r.length) throw new Error(`maxAbsRel: lengths ${a.length} and ${r.length} differ.`);
  let d = 0;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i]! - r[i]!));
    m = Math.max(m, Math.abs(r[i]!));
  }
  return d / (1 + m);
}
