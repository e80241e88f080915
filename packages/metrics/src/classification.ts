import * as tf from "@tensorflow/tfjs-core";
import { checkMatrix, type FeatureMatrix } from "@ebjdat/linalg";

/** Logits as a tensor [N, K] or a plain row-major matrix. */
export type LogitsInput = tf.Tensor2D | FeatureMatrix;

function toMatrix(logits: LogitsInput, what: string): FeatureMatrix {
  if (logits instanceof tf.Tensor) {
    if (logits.rank !== 2) throw new Error(`${what}: expected logits of shape [N, K], got [${logits.shape.join(", ")}]`);
    return { rows: logits.shape[0], cols: logits.shape[1], data: logits.dataSync() as Float32Array };
  }
  checkMatrix(logits, what);
  return logits;
}

function checkLabels(labels: ArrayLike<number>, n: number, k: number, what: string): void {
  if (labels.length !== n) throw new Error(`${what}: ${labels.length} labels for ${n} rows of logits`);
  for (let i = 0; i < n; i++) {
    const y = labels[i];
    if (!Number.isInteger(y) || y < 0 || y >= k) throw new Error(`${what}: label ${y} at index ${i} is outside 0..${k - 1}`);
  }
}

/** Arg-max of each row (first maximum wins, as `torch.argmax`). */
export function argmaxRows(logits: LogitsInput): Int32Array {
  const m = toMatrix(logits, "argmaxRows");
  const out = new Int32Array(m.rows);
  for (let i = 0; i < m.rows; i++) {
    let best = 0, bv = -Infinity;
    for (let j = 0; j < m.cols; j++) {
      const v = m.data[i * m.cols + j];
      if (v > bv) { bv = v; best = j; }
    }
    out[i] = best;
  }
  return out;
}

/** Clean accuracy (spec 8.6): mean over samples of [argmax_k logits_k = y]. */
export function accuracy(logits: LogitsInput, labels: ArrayLike<number>): number {
  const m = toMatrix(logits, "accuracy");
  checkLabels(labels, m.rows, m.cols, "accuracy");
  if (m.rows === 0) throw new Error("accuracy: no samples");
  const pred = argmaxRows(m);
  let c = 0;
  for (let i = 0; i < m.rows; i++) if (pred[i] === labels[i]) c++;
  return c / m.rows;
}

/**
 * Robust accuracy (spec 7.6): mean over samples of [argmax logits(x_adv) = y], and, when the clean
 * logits are given, also [argmax logits(x) = y] (a point already misclassified clean counts as
 * broken, as in AutoAttack).
 */
export function robustAccuracy(advLogits: LogitsInput, labels: ArrayLike<number>, cleanLogits?: LogitsInput): number {
  const adv = toMatrix(advLogits, "robustAccuracy: adversarial logits");
  checkLabels(labels, adv.rows, adv.cols, "robustAccuracy");
  if (adv.rows === 0) throw new Error("robustAccuracy: no samples");
  const pa = argmaxRows(adv);
  let pc: Int32Array | undefined;
  if (cleanLogits) {
    const clean = toMatrix(cleanLogits, "robustAccuracy: clean logits");
    if (clean.rows !== adv.rows) throw new Error(`robustAccuracy: ${clean.rows} clean rows vs ${adv.rows} adversarial rows`);
    pc = argmaxRows(clean);
  }
  let c = 0;
  for (let i = 0; i < adv.rows; i++) if (pa[i] === labels[i] && (!pc || pc[i] === labels[i])) c++;
  return c / adv.rows;
}

/** ECE result with the per-bin table (for reliability diagrams). */
export interface CalibrationResult {
  ece: number;
  bins: { lo: number; hi: number; count: number; accuracy: number; confidence: number }[];
}

/**
 * Expected calibration error (spec 8.5): M equal-width bins over (0, 1], bin b = (b/M, (b+1)/M];
 * conf_i = max softmax, acc_i = [argmax = y];  ECE = Σ_b (|B_b|/N)·|mean_B acc − mean_B conf|.
 * Default M = 15.
 */
export function expectedCalibrationError(logits: LogitsInput, labels: ArrayLike<number>, options: { bins?: number } = {}): CalibrationResult {
  const m = toMatrix(logits, "expectedCalibrationError");
  checkLabels(labels, m.rows, m.cols, "expectedCalibrationError");
  const M = options.bins ?? 15;
  if (!Number.isInteger(M) || M < 1) throw new Error(`expectedCalibrationError: bins must be a positive integer, got ${M}`);
  if (m.rows === 0) throw new Error("expectedCalibrationError: no samples");
  const cnt = new Float64Array(M), accS = new Float64Array(M), confS = new Float64Array(M);
  for (let i = 0; i < m.rows; i++) {
    const o = i * m.cols;
    let mx = -Infinity, arg = 0;
    for (let j = 0; j < m.cols; j++) if (m.data[o + j] > mx) { mx = m.data[o + j]; arg = j; }
    let z = 0;
    for (let j = 0; j < m.cols; j++) z += Math.exp(m.data[o + j] - mx);
    const conf = 1 / z;
    // bin b holds conf in (b/M, (b+1)/M]
    const b = Math.min(M - 1, Math.max(0, Math.ceil(conf * M) - 1));
    cnt[b]++;
    confS[b] += conf;
    accS[b] += arg === labels[i] ? 1 : 0;
  }
  let ece = 0;
  const bins: CalibrationResult["bins"] = [];
  for (let b = 0; b < M; b++) {
    const count = cnt[b];
    const acc = count ? accS[b] / count : 0, conf = count ? confS[b] / count : 0;
    if (count) ece += (count / m.rows) * Math.abs(acc - conf);
    bins.push({ lo: b / M, hi: (b + 1) / M, count, accuracy: acc, confidence: conf });
  }
  return { ece, bins };
}
