// Full Inception parity check (not a test; the CI test runs one image per pipeline):
// `pnpm --filter @ebjdat/tools metrics:inception-parity` runs all 6 reference images through both pipelines
// and prints the relative L2 error of every output against vectors/metrics (tolerance 1e-3).
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "@ebjdat/runtime";
import { readF32, readU8, relL2Error } from "@ebjdat/testing";
import { FidInception, deterministicInceptionWeights, preprocessPytorchFid, preprocessTorchFidelity } from "@ebjdat/metrics";

const V = "vectors/metrics/";

async function main(): Promise<void> {
  const info = await initBackend({ quiet: true });
  console.log(`backend ${info.name}`);
  const net = FidInception.fromStateDict(deterministicInceptionWeights());
  let worst = 0;
  const report = (label: string, got: tf.Tensor, ref: Float32Array): void => {
    const e = relL2Error(got.dataSync(), ref);
    worst = Math.max(worst, e);
    console.log(`${label.padEnd(36)} rel L2 ${e.toExponential(2)} ${e <= 1e-3 ? "ok" : "FAIL"}`);
  };
  const t0 = performance.now();
  const x01 = tf.tensor4d(readF32(V + "images01.f32"), [6, 32, 32, 3]);
  const pre = preprocessPytorchFid(x01);
  const p = await net.forwardAsync(pre, { blockMeans: true, logits: true });
  report("pytorch-fid block0 mean [6,64]", p.block0Mean!, readF32(V + "pfid_block0_mean.f32"));
  report("pytorch-fid block1 mean [6,192]", p.block1Mean!, readF32(V + "pfid_block1_mean.f32"));
  report("pytorch-fid block2 mean [6,768]", p.block2Mean!, readF32(V + "pfid_block2_mean.f32"));
  report("pytorch-fid pool3 [6,2048]", p.pool3, readF32(V + "pfid_pool3.f32"));
  report("pytorch-fid logits [6,1008]", p.logits!, readF32(V + "pfid_logits.f32"));
  const u8 = tf.tensor4d(Int32Array.from(readU8(V + "images.u8")), [6, 32, 32, 3], "int32");
  const pre2 = preprocessTorchFidelity(u8);
  const q = await net.forwardAsync(pre2, { blockMeans: true, logits: true });
  report("torch-fidelity 64 [6,64]", q.block0Mean!, readF32(V + "tfid_feat64.f32"));
  report("torch-fidelity 192 [6,192]", q.block1Mean!, readF32(V + "tfid_feat192.f32"));
  report("torch-fidelity 768 [6,768]", q.block2Mean!, readF32(V + "tfid_feat768.f32"));
  report("torch-fidelity 2048 [6,2048]", q.pool3, readF32(V + "tfid_feat2048.f32"));
  report("torch-fidelity logits_unbiased", q.logitsUnbiased!, readF32(V + "tfid_logits_unbiased.f32"));
  report("torch-fidelity logits", q.logits!, readF32(V + "tfid_logits.f32"));
  console.log(`worst ${worst.toExponential(2)}; ${((performance.now() - t0) / 1000).toFixed(1)} s for 12 image passes`);
  tf.dispose([x01, pre, u8, pre2, ...Object.values(p), ...Object.values(q)]);
  net.dispose();
  if (worst > 1e-3) process.exit(1);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
