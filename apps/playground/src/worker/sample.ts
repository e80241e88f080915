import * as tf from "@tensorflow/tfjs-core";
import { Rng, toImageSpace, type NetLogitsFn } from "@ebjdat/runtime";
import { runChain, samplerConfig, uniformInit } from "@ebjdat/samplers";
import type { ImageSet, SampleRequest, WorkerMessage } from "../messages";
import { loaded, predict } from "./state";

/**
 * The `sample` request: `n` fresh SGLD chains from U(-1, 1) on the marginal energy
 * E(x) = -LSE f(x) (JEM preset: step 1, noise 0.01, BN in eval; spec 2.3, 6.1), run `every`
 * steps at a time with `runChain` of @ebjdat/samplers so the chains can be watched: a frame of
 * the images in [0, 1] is posted after each chunk. One seeded Rng drives the whole run.
 */
export async function sampleChains(r: SampleRequest, post: (m: WorkerMessage) => void): Promise<void> {
  const s = loaded("sample");
  for (const [k, v, hi] of [["n", r.n, 64], ["steps", r.steps, 1000], ["every", r.every, 1000]] as const) {
    if (!(Number.isInteger(v) && v >= 1 && v <= hi)) throw new Error(`sample: ${k} must be an integer in [1, ${hi}], got ${v}`);
  }
  const t0 = performance.now();
  const fn: NetLogitsFn = (x, mode) => s.model.netLogits(x, mode);
  const root = new Rng(r.seed);
  const init = uniformInit([32, 32, 3]);
  let x = tf.tensor4d(init.sample(r.n, root.fork("sampler-draw")), [r.n, 32, 32, 3]);
  const chainRng = root.fork("sampler-noise");
  const frame = async (): Promise<ImageSet> => {
    const images = toImageSpace(x);
    const data = (await images.data()) as Float32Array;
    images.dispose();
    return { images: data, n: r.n, labels: new Int32Array(r.n).fill(-1), pred: predict(s.model, data) };
  };
  try {
    let last: ImageSet = await frame();
    post({ kind: "frame", step: 0, steps: r.steps, samples: last });
    for (let done = 0; done < r.steps; ) {
      const k = Math.min(r.every, r.steps - done);
      const next = runChain(fn, x, samplerConfig("jem", { nSteps: k }), chainRng);
      x.dispose();
      x = next;
      done += k;
      last = await frame();
      post({ kind: "frame", step: done, steps: r.steps, samples: last });
    }
    s.samples = last.images;
    post({ kind: "sample-done", seconds: (performance.now() - t0) / 1000, samples: last });
  } finally {
    x.dispose();
  }
}
