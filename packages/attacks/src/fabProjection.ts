import { argsortAscending } from "./argsort";

/**
 * Minimal-l∞ step onto a hyperplane inside the unit box (fra31 `fab_projections.py::projection_linf`,
 * spec 7.4): for each row t, finds d minimising ‖d‖∞ subject to wᵀ(t + d) = b and t + d ∈ [0, 1]^D;
 * when the hyperplane cannot be reached inside the box, returns the box-feasible step of maximal
 * progress (every coordinate moved to the face in direction -sign(w)).
 *
 * Algorithm, literally ported: sign-normalise (w, b) so that wᵀt ≥ b; the face of coordinate i is
 * a_i = [w_i < 0], its distance p_i = |a_i - t_i|; sort p; breakpoints λ = p_i give the achievable
 * change Σ_{p_i ≤ λ} w_i(a_i - t_i) - λ Σ_{p_i > λ}|w_i|; ⌈log₂ D⌉ bisection steps find the
 * bracket, then λ_opt = (b - sb)/(-s) and d_i = clamp of ±λ_opt at the face.
 *
 * `t`, `w`: rows of length `dim` (flat); `b`: one offset per row. Returns flat d.
 */
export function projectionLinf(t: Float32Array, w: Float32Array, b: Float64Array | Float32Array, dim: number): Float32Array {
  const rows = b.length;
  const out = new Float32Array(rows * dim);
  const p = new Float64Array(dim);
  const dd = new Float64Array(dim);
  const ww = new Float64Array(dim);
  const aa = new Uint8Array(dim);
  const order = new Int32Array(dim);
  const scratch = new Int32Array(dim);
  const s = new Float64Array(dim);
  const sb = new Float64Array(dim);
  for (let r = 0; r < rows; r++) {
    const o = r * dim;
    let wt = 0;
    for (let i = 0; i < dim; i++) wt += w[o + i]! * t[o + i]!;
    const sign = wt - b[r]! >= 0 ? 1 : -1;
    let br = b[r]! * sign;
    for (let i = 0; i < dim; i++) {
      const wi = w[o + i]! * sign;
      ww[i] = wi;
      const a = wi < 0 ? 1 : 0;
      aa[i] = a;
      const ti = t[o + i]!;
      dd[i] = wi !== 0 ? a - ti : 0;
      p[i] = a - ti * (2 * a - 1);
      order[i] = i;
    }
    // ascending p (torch.argsort leaves ties unspecified; index order used here)
    argsortAscending(p, order, scratch);
    let wtn = 0;
    let b0 = 0;
    for (let i = 0; i < dim; i++) {
      wtn += ww[i]! * t[o + i]!;
      b0 += ww[i]! * dd[i]!;
    }
    br = br - wtn;
    // descending-p order: position c holds order[dim-1-c]
    let accS = 0;
    let accB = 0;
    for (let c = 0; c < dim; c++) {
      const i = order[dim - 1 - c]!;
      accS += Math.abs(ww[i]!);
      accB += -ww[i]! * dd[i]!;
      s[c] = accS;
      sb[c] = accB + b0;
    }
    const b2full = sb[dim - 1]! - s[dim - 1]! * p[order[0]!]!;
    const cl = br - b2full > 0;
    const c2 = br - b0 > 0 && !cl;
    if (cl) {
      const lmbd = Math.max((br - sb[dim - 1]!) / -s[dim - 1]!, 0);
      for (let i = 0; i < dim; i++) dd[i] = (2 * aa[i]! - 1) * lmbd;
    } else if (c2) {
      let lb = 0;
      let ub = dim - 1;
      const nIter = Math.ceil(Math.log2(dim));
      for (let it = 0; it < nIter; it++) {
        const c4 = Math.floor((lb + ub) / 2);
        const idxCurr = order[dim - 1 - c4]!;
        const b2 = sb[c4]! - s[c4]! * p[idxCurr]!;
        if (br - b2 > 0) lb = c4;
        else ub = c4;
      }
      const lmbd = Math.max((br - sb[lb]!) / -s[lb]!, 0);
      for (let i = 0; i < dim; i++) {
        dd[i] = aa[i] ? Math.min(lmbd, dd[i]!) : Math.max(-lmbd, dd[i]!);
      }
    }
    for (let i = 0; i < dim; i++) out[o + i] = ww[i] !== 0 ? dd[i]! : 0;
  }
  return out;
}
