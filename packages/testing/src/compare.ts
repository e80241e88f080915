import * as tf from "@tensorflow/tfjs-core";
import { isRawTensor, toFloat32, type RawTensor } from "@ebjdat/formats";

/** Anything holding numbers: a TF.js tensor, a {@link RawTensor}, a typed array or a number array. */
export type Numeric = tf.Tensor | RawTensor | ArrayLike<number>;

/** The values of `x` as a flat array (reads a tensor synchronously; does not dispose it). */
export function valuesOf(x: Numeric): ArrayLike<number> {
  if (x instanceof tf.Tensor) return x.dataSync() as ArrayLike<number>;
  if (isRawTensor(x)) return toFloat32(x);
  return x;
}

function pair(actual: Numeric, ref: Numeric, what: string): [ArrayLike<number>, ArrayLike<number>] {
  const a = valuesOf(actual);
  const r = valuesOf(ref);
  if (a.length !== r.length) throw new Error(`${what}: actual has ${a.length} elements, reference has ${r.length}`);
  if (actual instanceof tf.Tensor && ref instanceof tf.Tensor && actual.shape.join(",") !== ref.shape.join(",")) {
    throw new Error(`${what}: actual shape [${actual.shape.join(", ")}] differs from reference shape [${ref.shape.join(", ")}]`);
  }
  return [a, r];
}

/**
 * max_i |a_i − r_i| / (1 + max_i |r_i|) (shared/vectors/README.md, tolerance table). NaN in either
 * input gives Infinity.
 */
export function maxAbsRelError(actual: Numeric, ref: Numeric): number {
  const [a, r] = pair(actual, ref, "maxAbsRelError");
  let maxDiff = 0;
  let maxRef = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - r[i]!);
    if (Number.isNaN(d)) return Infinity;
    if (d > maxDiff) maxDiff = d;
    const m = Math.abs(r[i]!);
    if (m > maxRef) maxRef = m;
  }
  return maxDiff / (1 + maxRef);
}

/** ‖a − r‖₂ / ‖r‖₂ (relative L2 error); ‖a − r‖₂ itself when ‖r‖₂ = 0. NaN gives Infinity. */
export function relL2Error(actual: Numeric, ref: Numeric): number {
  const [a, r] = pair(actual, ref, "relL2Error");
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - r[i]!;
    num += d * d;
    den += r[i]! * r[i]!;
  }
  if (Number.isNaN(num)) return Infinity;
  return den === 0 ? Math.sqrt(num) : Math.sqrt(num / den);
}

/** Fraction of elements with |a_i − r_i| ≤ tol (absolute tolerance); 1 for empty inputs. */
export function fractionWithin(actual: Numeric, ref: Numeric, tol: number): number {
  const [a, r] = pair(actual, ref, "fractionWithin");
  if (a.length === 0) return 1;
  let ok = 0;
  for (let i = 0; i < a.length; i++) if (Math.abs(a[i]! - r[i]!) <= tol) ok++;
  return ok / a.length;
}
