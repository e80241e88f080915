import * as tf from "@tensorflow/tfjs-core";
import { autoAttack, runAttack, type AutoAttackOptions } from "@ebjdat/attacks";
import { imageEps, type ImageEps, type LogitsFn } from "@ebjdat/runtime";
import type { PlaygroundAttack, StageAccuracy } from "../messages";

/** An attack of the page with its budget. */
export interface TraceSettings {
  attack: PlaygroundAttack;
  /** ε on the [0, 1] image scale. */
  eps: ImageEps;
  /** PGD / APGD-CE iterations (ignored by AutoAttack `standard`). */
  steps: number;
  seed: number;
}

/** Live reports of {@link attackTrace}. */
export interface TraceEvents {
  /** Accuracy (over all images) of the iterate of one forward pass of the attack on the points it attacks. */
  onPass?: (accuracy: number, pass: number) => void;
  /** Robust accuracy after a finished stage (one for PGD / APGD-CE, four for AutoAttack `standard`). */
  onStage?: (stage: StageAccuracy) => void;
}

/** What {@link attackTrace} returns (and the Node side of the browser test computes). */
export interface AttackTrace {
  /** Accuracy on the iterate of every traced forward pass, in order (clean check, then the steps). */
  accuracyPerPass: number[];
  cleanAccuracy: number;
  robustAccuracy: number;
  stages: StageAccuracy[];
  /** Adversarial images, NHWC in [0, 1]. */
  xAdv: Float32Array;
  predClean: Int32Array;
  predAdv: Int32Array;
  seconds: number;
}

/**
 * Runs an attack of the page on NHWC images in [0, 1] through @ebjdat/attacks' public API:
 * PGD-k (spec 7.1; step ε/4, random start) with `runAttack`, APGD-CE (spec 7.3) and the
 * AutoAttack `standard` ensemble (spec 7.6) with `autoAttack`, all in one batch. The logits
 * function is wrapped so the accuracy of the iterate of each forward pass on the points still
 * attacked (the whole batch for PGD, the still-robust points for a stage of the ensemble) is
 * reported as it happens: `correct / n`, the points not attacked being already misclassified.
 */
export async function attackTrace(f: LogitsFn, x: Float32Array, y: Int32Array, s: TraceSettings, events: TraceEvents = {}): Promise<AttackTrace> {
  const n = y.length;
  const t0 = performance.now();
  const accuracyPerPass: number[] = [];
  const ensemble = s.attack !== "pgd";
  // The images the current forward passes attack, in batch order: all n for PGD and for the
  // ensemble's clean check, then the still-robust ones of each stage of the ensemble. A stage
  // breaks the points it misclassifies; when the points misclassified during a stage's passes do
  // not add up to its reported count, which ones are left is unknown and tracing stops.
  let attacked: number[] = Array.from({ length: n }, (_, i) => i);
  let broken = new Set<number>();
  const traced: LogitsFn = (xb) => {
    const z = f(xb);
    if (attacked.length > 0 && xb.shape[0] === attacked.length) {
      const pred = tf.tidy(() => tf.argMax(z, 1)).dataSync() as Int32Array;
      let ok = 0;
      for (let i = 0; i < pred.length; i++) {
        if (pred[i] === y[attacked[i]!]) ok++;
        else broken.add(attacked[i]!);
      }
      accuracyPerPass.push(ok / n);
      events.onPass?.(ok / n, accuracyPerPass.length);
      if (ensemble && accuracyPerPass.length === 1) {
        attacked = attacked.filter((i) => !broken.has(i));
        broken = new Set();
      }
    }
    return z;
  };
  const endStage = (robustAccuracy: number): void => {
    const left = attacked.filter((i) => !broken.has(i));
    attacked = left.length === Math.round(robustAccuracy * n) ? left : [];
    broken = new Set();
  };
  const xt = tf.tensor4d(x, [n, 32, 32, 3]);
  try {
    if (s.attack === "pgd") {
      const r = await runAttack(`pgd${s.steps}`, traced, xt, y, { eps: s.eps, stepSize: imageEps(s.eps / 4), randomStart: true, seed: s.seed, batchSize: n });
      const stage = { attack: `pgd${s.steps}`, robustAccuracy: r.robustAccuracy };
      events.onStage?.(stage);
      const xAdv = (await r.xAdv.data()) as Float32Array;
      r.xAdv.dispose();
      return { accuracyPerPass, cleanAccuracy: r.cleanAccuracy, robustAccuracy: r.robustAccuracy, stages: [stage], xAdv, predClean: r.predClean, predAdv: r.predAdv, seconds: (performance.now() - t0) / 1000 };
    }
    const options: AutoAttackOptions = s.attack === "apgd-ce"
      ? { version: "custom", attacks: ["apgd-ce"], attackOptions: { "apgd-ce": { steps: s.steps } } }
      : { version: "standard" };
    const stages: StageAccuracy[] = [];
    const r = await autoAttack(traced, xt, y, {
      ...options,
      eps: s.eps,
      seed: s.seed,
      batchSize: n,
      onWarning: () => {},
      onProgress: (p) => {
        const robustAccuracy = p.metrics?.robustAccuracy;
        if (p.label === undefined || robustAccuracy === undefined) return;
        const stage = { attack: p.label, robustAccuracy };
        stages.push(stage);
        events.onStage?.(stage);
        endStage(robustAccuracy);
      },
    });
    const xAdv = (await r.xAdv.data()) as Float32Array;
    r.xAdv.dispose();
    const { report } = r;
    return { accuracyPerPass, cleanAccuracy: report.cleanAccuracy, robustAccuracy: report.robustAccuracy, stages, xAdv, predClean: Int32Array.from(report.predClean), predAdv: Int32Array.from(report.predAdv), seconds: (performance.now() - t0) / 1000 };
  } finally {
    xt.dispose();
  }
}
