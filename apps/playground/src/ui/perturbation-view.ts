import { className } from "../cifar-classes";
import type { ImageSet } from "../messages";
import { drawImage } from "./draw-images";

/** The perturbation δ = x̃ - x amplified `gain` times around grey 0.5 (δ = ε maps to 0.5 ± gain·ε), as images. */
export function amplifiedPerturbation(clean: Float32Array, adv: Float32Array, gain: number): Float32Array {
  const out = new Float32Array(clean.length);
  for (let i = 0; i < clean.length; i++) out[i] = 0.5 + gain * (adv[i]! - clean[i]!);
  return out;
}

/**
 * Draws, per image, the clean image, the adversarial image and the perturbation amplified so that
 * ε fills the grey range (gain 0.5/ε), with the true label and both predictions, into `host`.
 */
export function showPerturbations(host: HTMLElement, clean: ImageSet, adv: ImageSet, eps: number): void {
  const scale = 3;
  const size = 32 * scale;
  const delta = amplifiedPerturbation(clean.images, adv.images, 0.5 / eps);
  host.replaceChildren();
  for (let i = 0; i < clean.n; i++) {
    const fig = document.createElement("figure");
    const canvas = document.createElement("canvas");
    canvas.width = 3 * size + 8;
    canvas.height = size;
    const ctx = canvas.getContext("2d");
    if (!ctx) throw new Error("showPerturbations: no 2D canvas context");
    drawImage(ctx, clean.images, i, 0, 0, scale);
    drawImage(ctx, adv.images, i, size + 4, 0, scale);
    drawImage(ctx, delta, i, 2 * size + 8, 0, scale);
    const cap = document.createElement("figcaption");
    const ok = (p: number): string => (p === clean.labels[i] ? "✓" : "✗");
    cap.textContent = `true ${className(clean.labels[i]!)} · clean → ${className(clean.pred[i]!)} ${ok(clean.pred[i]!)} · adversarial → ${className(adv.pred[i]!)} ${ok(adv.pred[i]!)} · δ ×${(0.5 / eps).toFixed(0)}`;
    fig.append(canvas, cap);
    host.append(fig);
  }
}
