import type { Box, Norm } from "./types";

const f32 = Math.fround;

/**
 * l∞ projection then box clamp, in place on `out`: `out = clamp(min(max(v, x - ε), x + ε), lo, hi)`
 * (fra31's order, spec 7.3), float32 rounding at each operation.
 */
export function projectLinf(v: Float32Array, x: Float32Array, eps: number, box: Box, out: Float32Array = v): Float32Array {
  const e = f32(eps);
  const [lo, hi] = box;
  for (let i = 0; i < v.length; i++) {
    const xi = x[i]!;
    let a = v[i]!;
    const l = f32(xi - e);
    const u = f32(xi + e);
    if (a < l) a = l;
    if (a > u) a = u;
    if (a < lo) a = lo;
    if (a > hi) a = hi;
    out[i] = a;
  }
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
export function projectL2(v: Float32Array, x: Float32Array, eps: number, box: Box, d: number, out: Float32Array = v): Float32Array {
  const n = v.length / d;
  const [lo, hi] = box;
  for (let s = 0; s < n; s++) {
    let acc = 0;
    for (let i = s * d; i < s * d + d; i++) acc += (v[i]! - x[i]!) ** 2;
    const nrm = Math.sqrt(acc);
    const scale = Math.min(eps, nrm) / (nrm + 1e-12);
    for (let i = s * d; i < s * d + d; i++) {
      const a = x[i]! + (v[i]! - x[i]!) * scale;
      out[i] = a < lo ? lo : a > hi ? hi : a;
    }
  }
  return out;
}

/** Projection onto the threat model's ball around `x` and the box. */
export function project(norm: Norm, v: Float32Array, x: Float32Array, eps: number, box: Box, d: number, out: Float32Array = v): Float32Array {
  return norm === "linf" ? projectLinf(v, x, eps, box, out) : projectL2(v, x, eps, box, d, out);
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
