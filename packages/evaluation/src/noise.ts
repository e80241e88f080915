import { Rng } from "@ebjdat/runtime";

/**
 * The paper protocol's test-time noise (spec 7.9): σ·N(0, I) in model space, drawn once per
 * image and added with no clamp. On the [0, 1] image scale that is σ/2·N(0, I). Image `index`
 * (its position in the dataset) always draws the same noise, whatever the chunk it is in.
 * Adds it in place to `x` (the images `start..start+n-1`, `d` values each).
 */
export function addTestNoise(x: Float32Array, start: number, d: number, sigmaModel: number, seed: number): void {
  if (sigmaModel <= 0) return;
  const n = x.length / d;
  for (let i = 0; i < n; i++) {
    // a fresh root per image: `fork` advances its parent, so a shared root would tie draws to the chunk
    const z = new Rng(seed).fork(`paper-noise/image-${start + i}`).normalArray(d, 0, sigmaModel / 2);
    for (let j = 0; j < d; j++) x[i * d + j]! += z[j]!;
  }
}
