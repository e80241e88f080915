import type { Rng } from "@ebjdat/runtime";
import type { Dataset } from "@ebjdat/data";
import { fitClassGaussians, gaussianInit, ReplayBuffer, uniformInit, type Initializer } from "@ebjdat/samplers";
import type { JemConfig, TrainConfigOf } from "../config-types";

/** The training images in model space x = 2·u/255 − 1 (spec 0.1), flat NHWC. */
function modelSpace(ds: Dataset): Float32Array {
  const out = new Float32Array(ds.images.length);
  for (let i = 0; i < out.length; i++) out[i] = (2 * ds.images[i]!) / 255 - 1;
  return out;
}

/**
 * The buffer's initialiser (spec 2.3, 3.1): `uniform` U(−1, 1), or class-conditional Gaussians
 * N(μ_c, Σ_c + 1e-4·I) fitted on the un-augmented, noise-free training images (the SADA-JEM
 * choice; the official JEM++ fits on augmented noisy batches) with full or diagonal Σ_c.
 */
export function bufferInitializer(init: JemConfig["buffer"]["init"], train: Dataset): Initializer {
  const shape = [train.height, train.width, train.channels];
  if (init === "uniform") return uniformInit(shape);
  const g = fitClassGaussians({ data: modelSpace(train), shape: [train.n, ...shape] }, train.labels, { numClasses: train.numClasses, covariance: init === "gm-full" ? "full" : "diag", jitter: 1e-4 });
  return gaussianInit(g);
}

/** A new replay buffer of `buffer.size` images from the configured initialiser (class-ordered for `gm-*`). */
export function createReplayBuffer(buffer: JemConfig["buffer"], train: Dataset, rng: Rng): ReplayBuffer {
  return ReplayBuffer.create(buffer.size, bufferInitializer(buffer.init, train), rng);
}

/**
 * The replay buffer of a JEM-family run (spec 2.3, 3.1): a new one from `config.jem.buffer`,
 * drawn from the stream `buffer-init` of `rng`, when the p(x) term is on (w_px > 0), else none.
 */
export function jemFamilyBuffer(config: TrainConfigOf, train: Dataset, rng: Rng): ReplayBuffer | undefined {
  return config.jem.weights.px > 0 ? createReplayBuffer(config.jem.buffer, train, rng.fork("buffer-init")) : undefined;
}
