import type { LogitsFn } from "@ebjdat/runtime";
import { argmaxRows, logitsOf } from "./modelEval";

/**
 * fra31 `check_randomized` (spec 7.6): `passes` forward passes of the same images; warns when
 * the number of correct predictions changes or when the largest l2 distance between
 * l2-normalised outputs exceeds `tol` = 1e-4 (a randomised defence: use the `rand` version).
 */
export function checkRandomized(model: LogitsFn, x: Float32Array, y: Int32Array, dims: readonly number[], passes = 5, tol = 1e-4): string | undefined {
  const n = y.length;
  const outs: Float32Array[] = [];
  const correct: number[] = [];
  let k = 0;
  for (let p = 0; p < passes; p++) {
    const z = logitsOf(model, x, n, dims);
    k = z.length / n;
    const pred = argmaxRows(z, k);
    correct.push(pred.reduce((a, v, i) => a + (v === y[i] ? 1 : 0), 0));
    const zn = new Float32Array(z.length);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < k; j++) s += z[i * k + j]! ** 2;
      const nn = Math.sqrt(s) + 1e-10;
      for (let j = 0; j < k; j++) zn[i * k + j] = z[i * k + j]! / nn;
    }
    outs.push(zn);
  }
  let maxDiff = 0;
  for (let a = 0; a < passes; a++)
    for (let b = a + 1; b < passes; b++)
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < k; j++) s += (outs[a]![i * k + j]! - outs[b]![i * k + j]!) ** 2;
        maxDiff = Math.max(maxDiff, Math.sqrt(s));
      }
  if (correct.some((c) => c !== correct[0]) || maxDiff > tol) {
    return "it seems to be a randomized defense! Please use version='rand' (check_randomized: repeated forward passes differ).";
  }
  return undefined;
}

/**
 * fra31 `check_range_output` (spec 7.6): warns when the outputs look like probabilities
 * (max < 1 + 1e-5, min > -1e-5, every row sums to 1 ± 1e-5): attacks need logits.
 */
export function checkRangeOutput(logits: Float32Array, k: number, tol = 1e-5): string | undefined {
  let mx = -Infinity;
  let mn = Infinity;
  let rowsSumToOne = true;
  for (let i = 0; i < logits.length / k; i++) {
    let s = 0;
    for (let j = 0; j < k; j++) {
      const v = logits[i * k + j]!;
      mx = Math.max(mx, v);
      mn = Math.min(mn, v);
      s += v;
    }
    if (Math.abs(s - 1) > tol) rowsSumToOne = false;
  }
  if (mx < 1 + tol && mn > -tol && rowsSumToOne) {
    return "it seems that the output is a probability distribution, please be sure that the logits are used! (check_range_output)";
  }
  return undefined;
}

/**
 * fra31 `check_n_classes` (spec 7.6): DLR needs more than 2 classes, targeted DLR more than 3,
 * and at most K-1 target classes exist.
 */
export function checkNClasses(k: number, attacks: readonly string[], targetClasses: number): string | undefined {
  if (k <= 2 && (attacks.includes("apgd-dlr") || attacks.includes("apgd-t"))) return `with only ${k} classes the DLR loss is not defined (check_n_classes)`;
  if (k <= 3 && attacks.includes("apgd-t")) return `with only ${k} classes the targeted DLR loss is not defined (check_n_classes)`;
  if ((attacks.includes("apgd-t") || attacks.includes("fab-t")) && targetClasses > k - 1) {
    return `the number of target classes (${targetClasses}) is larger than the possible target classes (${k - 1}); using ${k - 1} (check_n_classes)`;
  }
  return undefined;
}

/**
 * fra31 `check_square_sr` (spec 7.6): warns when Square lowered robust accuracy by more than
 * 0.002 below the best of the other attacks (the white-box attacks failed: gradient masking).
 */
export function checkSquareSr(accAfter: Record<string, number>): string | undefined {
  if (!("square" in accAfter) || Object.keys(accAfter).length <= 2) return undefined;
  const others = Object.entries(accAfter).filter(([k]) => k !== "square" && k !== "clean").map(([, v]) => v);
  if (others.length === 0) return undefined;
  const best = Math.min(...others);
  if (accAfter.square! < best - 0.002) {
    return "Square Attack has decreased the robust accuracy of the white-box attacks: the model may mask gradients; consider an adaptive attack (check_square_sr).";
  }
  return undefined;
}
