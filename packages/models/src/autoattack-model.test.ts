// Forward parity on a trained model: shared/vectors/autoattack (README there).
import { readFileSync } from "node:fs";
import { batchTensor, readCifarBinaryFile, type Dataset } from "@ebjdat/data";
import * as tf from "@tensorflow/tfjs-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backendInfo, initBackend } from "@ebjdat/runtime";
import { maxAbsRelError, sharedPath } from "@ebjdat/testing";
import { loadModel } from "./load-model";
import type { WideResNet } from "./wide-resnet";

interface Reference {
  data: { labels: number[] };
  standard: {
    clean_logits: number[][];
    clean_pred: number[];
    clean_acc: number;
    adv_examples: { K: number; indices: number[]; official_adv_pred: number[] };
  };
  pgd_first1000: { N: number; clean_acc: number; clean_correct: number[] };
}

/** Predictions in batches; yields to the event loop between batches so a long run on a busy
 * machine never starves vitest's worker RPC (its 60 s "onTaskUpdate" timeout). */
async function predict(model: WideResNet, x: tf.Tensor4D, batch = 100): Promise<{ pred: number[]; logits: Float32Array }> {
  const preds: number[] = [];
  const parts: Float32Array[] = [];
  for (let s = 0; s < x.shape[0]; s += batch) {
    const e = Math.min(x.shape[0], s + batch);
    const [l, p] = tf.tidy(() => {
      const logits = model.logits(tf.slice(x, [s, 0, 0, 0], [e - s, 32, 32, 3]));
      return [logits, tf.argMax(logits, 1)];
    });
    parts.push(l.dataSync() as Float32Array);
    preds.push(...(p.dataSync() as Int32Array));
    tf.dispose([l, p]);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  const logits = new Float32Array(parts.reduce((a, b) => a + b.length, 0));
  let off = 0;
  for (const p of parts) {
    logits.set(p, off);
    off += p.length;
  }
  return { pred: preds, logits };
}

describe("AutoAttack reference model (WRN-16-2 BN, adversarially trained)", () => {
  let ref: Reference;
  let model: WideResNet;
  let test: Dataset;

  beforeAll(async () => {
    await initBackend({ quiet: true });
    ref = JSON.parse(readFileSync(sharedPath("vectors", "autoattack", "reference.json"), "utf8")) as Reference;
    test = readCifarBinaryFile(sharedPath("data", "cifar10", "test.bin"));
    model = (await loadModel(sharedPath("vectors", "autoattack", "model.safetensors"))).model;
  });
  afterAll(() => model?.dispose());

  /**
   * WRN-16-2 forward passes cost ~1 s per 8 images on the pure-JS cpu backend (vs ~25 images/s on
   * wasm): there, unless EBJDAT_FULL=1, the checks run on the first 40 clean and 16 adversarial
   * images only.
   */
  const full = (): boolean => backendInfo()?.name !== "cpu" || process.env.EBJDAT_FULL === "1";

  /** Predictions on test records 0..n-1, computed once (1000, or 40 on cpu). */
  let clean: { n: number; y: number[]; pred: number[]; logits: Float32Array } | undefined;
  async function cleanRun(): Promise<NonNullable<typeof clean>> {
    if (!clean) {
      const n = full() ? 1000 : 40;
      const idx = Array.from({ length: n }, (_, i) => i);
      const { x, y: labels } = batchTensor(test, idx);
      const y = Array.from(labels);
      const { pred, logits } = await predict(model, x);
      x.dispose();
      clean = { n, y, pred, logits };
    }
    return clean;
  }

  it("reproduces the clean logits and predictions of test images 0..199 (55.5 %)", async () => {
    const { n, y, pred: all, logits } = await cleanRun();
    const m = Math.min(n, 200);
    expect(y.slice(0, m)).toEqual(ref.data.labels.slice(0, m));
    const pred = all.slice(0, m);
    expect(maxAbsRelError(logits.subarray(0, m * 10), ref.standard.clean_logits.slice(0, m).flat())).toBeLessThanOrEqual(1e-4);
    expect(pred).toEqual(ref.standard.clean_pred.slice(0, m));
    if (m === 200) {
      const correct = pred.filter((p, i) => p === y[i]).length;
      expect(correct / 200).toBeCloseTo(ref.standard.clean_acc, 6);
      expect(correct).toBe(111);
    }
  });

  it("misclassifies the official AutoAttack adversarial images (adv_standard.bin)", async () => {
    const { K: total, indices, official_adv_pred: official } = ref.standard.adv_examples;
    const buf = readFileSync(sharedPath("vectors", "autoattack", "adv_standard.bin"));
    expect(buf.byteLength).toBe(total * 3072 * 4);
    const K = full() ? total : 16;
    const nchw = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + K * 3072 * 4));
    const x = tf.tidy(() => tf.transpose(tf.tensor4d(nchw, [K, 3, 32, 32]), [0, 2, 3, 1])) as tf.Tensor4D;
    const { pred } = await predict(model, x);
    x.dispose();
    const labels = indices.map((i) => ref.data.labels[i]!);
    const misclassified = pred.filter((p, i) => p !== labels[i]).length;
    const sameAsOfficial = pred.filter((p, i) => p === official[i]).length;
    console.log(`adv_standard: ${misclassified}/${K} misclassified, ${sameAsOfficial}/${K} with the official adversarial label`);
    // README: points near a decision boundary may flip with float differences; allow two.
    expect(misclassified).toBeGreaterThanOrEqual(K - 2);
    expect(sameAsOfficial).toBeGreaterThanOrEqual(K - 2);
  });

  it("clean accuracy on the first 1000 test images is 54.4 % (reference.json)", async (ctx) => {
    const { n: count, y, pred } = await cleanRun();
    if (count < 1000) {
      ctx.skip(); // cpu backend without EBJDAT_FULL=1 (see `full`)
      return;
    }
    const correct = pred.map((p, i) => (p === y[i] ? 1 : 0));
    const n = correct.reduce((a: number, b) => a + b, 0);
    console.log(`clean accuracy, first 1000 test images: ${(n / 10).toFixed(1)} %`);
    expect(n / 1000).toBeCloseTo(ref.pgd_first1000.clean_acc, 6);
    expect(correct).toEqual(ref.pgd_first1000.clean_correct);
  });
});
