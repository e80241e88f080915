import type { Box, Norm } from "./types";

const f32 = Math.fround;

/** Clamps `v` into `box` (no-op for `null`). */
function clampTo(v: number, box: Box | null): number {
  if (!box) return v;
  return v < box[0] ? box[0] : v > box[1] ? box[1] : v;
}

/**
 * l∞ projection in the bounds form, then the box clamp, in place on `out`:
 * `out = clamp(min(max(v, x - ε), x + ε), lo, hi)` (fra31 APGD's order, spec 7.3; the EB-JDAT
 * sampler, spec 5.2), float32 rounding at each operation. `box = null` skips the clamp.
 */
export function projectLinf(v: Float32Array, x: Float32Array, eps: number, box: Box | null, out: Float32Array = v): Float32Array {
  const e = f32(eps);
  for (let i = 0; i < v.length; i++) {
    const xi = x[i]!;
    let a = v[i]!;
    const l = f32(xi - e);
    const u = f32(xi + e);
    if (a < l) a = l;
    if (a > u) a = u;
    out[i] = clampTo(a, box);
  }
  return out;
}

/**
 * l∞ projection in the delta form, then the box clamp, in place on `out`:
 * `out = clamp(x + clamp(v - x, -ε, ε), lo, hi)` (torchattacks PGD, spec 7.1), float32 rounding
 * at each operation. Equal to {@link projectLinf} except for the rounding on the ball's faces.
 */
export function projectLinfDelta(v: Float32Array, x: Float32Array, eps: number, box: Box | null, out: Float32Array = v): Float32Array {
  const e = f32(eps);
  for (let i = 0; i < v.length; i++) {
    const xi = x[i]!;
    let delta = f32(v[i]! - xi);
    if (delta < -e) delta = -e;
    if (delta > e) delta = e;
    out[i] = clampTo(f32(xi + delta), box);
  }
  return out;
}

/** Clamps every value into `box` in place on `out` (the iterate clamp of spec 5.2 without projection). */
export function clampBox(v: Float32Array, box: Box | null, out: Float32Array = v): Float32Array {
  for (let i = 0; i < v.length; i++) out[i] = clampTo(v[i]!, box);
  return out;
}

/** Per-sample l2 norms of flat rows of length `d`. */
export function rowNorms(v: Float32Array, d: number): Float64Array {
  const n = v.length / d;
  const out = new Float64Array(n);
  for (let s = 0; s < n; s++) {
    let acc = 0;
    for (let i = s * d; i < s * d + d; i++) acc += v[i]! * v[i]!;
    out[s] = Math.sqrt(acc);
  }
  return out;
}

/**
 * l2 projection then box clamp (fra31 APGD form, spec 7.3):
 * `out = clamp(x + δ/(‖δ‖+1e-12)·min(ε, ‖δ‖), lo, hi)` with `δ = v - x`.
 */
export function projectL2(v: Float32Array, x: Float32Array, eps: number, box: Box | null, d: number, out: Float32Array = v): Float32Array {
  const n = v.length / d;
  for (let s = 0; s < n; s++) {
    let acc = 0;
    for (let i = s * d; i < s * d + d; i++) acc += (v[i]! - x[i]!) ** 2;
    const nrm = Math.sqrt(acc);
    const scale = Math.min(eps, nrm) / (nrm + 1e-12);
    for (let i = s * d; i < s * d + d; i++) out[i] = clampTo(x[i]! + (v[i]! - x[i]!) * scale, box);
  }
  return out;
}

/** Largest per-sample perturbation norm `max_i ‖x̃_i - x_i‖`. */
export function maxPerturbation(x: Float32Array, xAdv: Float32Array, norm: Norm, d: number): number {
  if (norm === "linf") {
    let m = 0;
    for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(xAdv[i]! - x[i]!));
    return m;
  }
  const diff = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) diff[i] = xAdv[i]! - x[i]!;
  return Math.max(0, ...rowNorms(diff, d));
}

/**
 * Verifies every returned perturbation: `x̃ ∈ [lo, hi]` and `‖x̃ - x‖ ≤ ε` (float32 rounding
 * allowed), except that a pixel lying outside the box (paper preset noise) may be returned
 * unchanged, and the clamp may move it further. Throws on violation: that is a bug, never a user error.
 */
export function verifyPerturbation(x: Float32Array, xAdv: Float32Array, eps: number, norm: Norm, box: Box, d: number, attack: string): number {
  const [lo, hi] = box;
  const tol = 1e-6;
  for (let i = 0; i < xAdv.length; i++) {
    const a = xAdv[i]!;
    if (!(a >= lo - tol && a <= hi + tol) && a !== x[i]) throw new Error(`${attack}: internal error, adversarial value ${a} at element ${i} lies outside the box [${lo}, ${hi}]`);
  }
  if (norm === "linf") {
    for (let i = 0; i < xAdv.length; i++) {
      const xi = x[i]!;
      const a = xAdv[i]!;
      const outside = xi < lo || xi > hi;
      const dist = Math.abs(a - xi);
      if (dist > eps + tol && !(outside && (a === lo || a === hi) && dist <= eps + Math.max(lo - xi, xi - hi) + tol)) {
        throw new Error(`${attack}: internal error, perturbation ${dist} at element ${i} exceeds eps ${eps} (linf)`);
      }
    }
  } else {
    const diff = new Float32Array(x.length);
    for (let i = 0; i < x.length; i++) {
      const xi = x[i]!;
      // pixels outside the box are clamped back in: measure from the clamped clean value
      const base = xi < lo ? lo : xi > hi ? hi : xi;
      diff[i] = xAdv[i]! - base;
    }
    const norms = rowNorms(diff, d);
    norms.forEach((v, s) => {
      if (v > eps * (1 + 1e-5) + tol) throw new Error(`${attack}: internal error, perturbation of image ${s} has l2 norm ${v} > eps ${eps}`);
    });
  }
  return maxPerturbation(x, xAdv, norm, d);
}
