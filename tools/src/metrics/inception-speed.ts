// FID Inception throughput (not a test): `pnpm --filter @ebjdat/tools metrics:inception-speed [--images N] [--batch B] [--weights file.pth]`.
// Measures images/s of the pool3 features (pytorch-fid pipeline: 32x32 → 299 resize + network) on the
// active backend (EBJDAT_BACKEND), with the deterministic weights unless --weights is given (same cost).
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "@ebjdat/runtime";
import { FidInception, deterministicInceptionWeights, loadInceptionWeights, preprocessPytorchFid } from "@ebjdat/metrics";

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : dflt;
}

async function main(): Promise<void> {
  const info = await initBackend({ quiet: true });
  const nImages = Number(arg("images", "4"));
  const batch = Number(arg("batch", "2"));
  const weightsPath = arg("weights", "");
  const t0 = performance.now();
  const sd = weightsPath ? await loadInceptionWeights(weightsPath) : deterministicInceptionWeights();
  const net = FidInception.fromStateDict(sd);
  console.log(`backend ${info.name} (tfjs ${info.tfjsVersion}); weights ${weightsPath || "deterministic"} built in ${(performance.now() - t0).toFixed(0)} ms`);
  const x = tf.randomUniform([batch, 32, 32, 3], 0, 1, "float32", 1) as tf.Tensor4D;
  // warm-up: one image
  const w = tf.slice(x, [0, 0, 0, 0], [1, -1, -1, -1]) as tf.Tensor4D;
  let t = performance.now();
  {
    const pre = preprocessPytorchFid(w);
    const o = await net.forwardAsync(pre);
    await o.pool3.data();
    tf.dispose([pre, o.pool3, w]);
  }
  console.log(`warm-up (1 image)`.padEnd(40), `${((performance.now() - t) / 1000).toFixed(2)} s`);
  t = performance.now();
  let done = 0;
  while (done < nImages) {
    const pre = preprocessPytorchFid(x);
    const o = await net.forwardAsync(pre);
    await o.pool3.data();
    tf.dispose([pre, o.pool3]);
    done += batch;
  }
  const s = (performance.now() - t) / 1000;
  console.log(`${done} images, batch ${batch}`.padEnd(40), `${s.toFixed(2)} s  →  ${(done / s).toFixed(3)} images/s`);
  console.log(`numTensors after: ${tf.memory().numTensors}`);
  x.dispose();
  net.dispose();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
