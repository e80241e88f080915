import { imageEps, type ImageEps } from "@ebjdat/runtime";

/** The largest ε the page accepts, in 1/255 units (the attacks refuse ε ≥ 1 on the image scale). */
export const MAX_EPS_255 = 128;

/**
 * ε of the page (spec 0.1, 7): a number of 1/255 steps on the [0, 1] image scale, e.g. `8` for
 * ε = 8/255, as an `ImageEps`. Refuses anything but a finite number in (0, 128] with a message
 * naming the field and the accepted range.
 */
export function parseEps255(text: string): ImageEps {
  const v = Number(text.trim());
  if (text.trim() === "" || !Number.isFinite(v) || v <= 0 || v > MAX_EPS_255) {
    throw new Error(`ε must be a number of 1/255 steps in (0, ${MAX_EPS_255}] on the [0, 1] image scale (e.g. 8 for 8/255), got "${text}"`);
  }
  return imageEps(v / 255);
}
